"""dsl_jax: arc-dsl's primitives as JAX functions on padded, fixed-shape values.

Same names and argument order as jaxbatt.dsl_py; values are the padded forms of
`values.py`, flags (`ok`, `exact`) are reported through `flags.py`. Every primitive works
on unbatched values and is correct under jax.jit and jax.vmap.
"""
from jaxbatt.dsl_jax import flags, values  # noqa: F401
from jaxbatt.dsl_jax.arithmetic import *  # noqa: F401,F403
from jaxbatt.dsl_jax.constants import *  # noqa: F401,F403
from jaxbatt.dsl_jax.containers import *  # noqa: F401,F403
from jaxbatt.dsl_jax.functional import *  # noqa: F401,F403
from jaxbatt.dsl_jax.grids import *  # noqa: F401,F403
from jaxbatt.dsl_jax.objects import *  # noqa: F401,F403
from jaxbatt.dsl_jax.patches import *  # noqa: F401,F403
from jaxbatt.dsl_jax.values import (  # noqa: F401
    LARGE, SMALL, TIERS, TINY, Container, Functions, Grid, Indices, Object, Tier, current_tier,
    from_py, host_function, to_py, use_tier)
import importlib as _importlib

from jaxbatt.dsl_jax import clipping as _clipping
from jaxbatt.dsl_jax import constants as _constants
from jaxbatt.dsl_jax import functional as _functional
from jaxbatt.dsl_jax import fused as _fused

# The family modules by name (`objects` the module is shadowed by `objects` the primitive).
FAMILIES = tuple(
    _importlib.import_module(f"jaxbatt.dsl_jax.{family}")
    for family in ("arithmetic", "containers", "functional", "grids", "objects", "patches"))


def _guarded(name, fn):
    """fn guarded against clipped patches (see clipping.py) and against closures mapped over
    a traced tuple where they cannot go (functional.closures_guard)."""
    return _functional.closures_guard(name, _clipping.guard(name, fn))


# Every primitive guarded, here and in PRIMITIVES.
PRIMITIVES = {name: _guarded(name, getattr(module, name)) for module in FAMILIES for name in module.__all__}
globals().update(PRIMITIVES)
# Fused steps that codegen's rewrite pass emits (see fused.py), guarded the same way.
FUSED = {name: _guarded(name, getattr(_fused, name)) for name in _fused.__all__}
globals().update(FUSED)
CONSTANTS = {name: getattr(_constants, name) for name in _constants.__all__}
