"""dsl_jax primitives: objects family (padded forms: see values.py)."""
__all__ = []
