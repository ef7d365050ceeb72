"""dsl_jax primitives: grids family (padded forms: see values.py)."""
__all__ = []
