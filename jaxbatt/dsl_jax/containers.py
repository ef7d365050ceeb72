"""dsl_jax primitives: containers family (padded forms: see values.py)."""
__all__ = []
