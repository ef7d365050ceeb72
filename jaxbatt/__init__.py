"""jaxbatt: run ARC DSL programs batch-native on accelerators with JAX."""
__version__ = "0.1.0"
