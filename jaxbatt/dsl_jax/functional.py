"""dsl_jax primitives: functional family (padded forms: see values.py)."""
__all__ = []
