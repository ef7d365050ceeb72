"""dsl_jax primitives: arithmetic family (padded forms: see values.py)."""
__all__ = []
