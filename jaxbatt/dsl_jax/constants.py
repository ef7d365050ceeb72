"""arc-dsl's named constants in dsl_jax form: ints and bools stay Python values (static),
pairs are int32[2] arrays."""
import numpy as np

from jaxbatt.dsl_py import constants as _py

_NAMES = list(_py.__all__)
for _name in _NAMES:
    _value = getattr(_py, _name)
    globals()[_name] = np.asarray(_value, np.int32) if isinstance(_value, tuple) else _value

__all__ = _NAMES
