"""CPU reference DSL: arc-dsl's 160 primitives, constants and type names.

Values are arc-dsl's own: grids are tuples of tuples, patches and objects frozensets.
Where arc-dsl depends on frozenset iteration order, dsl_py follows the canonical order
documented in `jaxbatt.dsl_py.ordering`. `from jaxbatt.dsl_py import *` gives a solver
module everything `from dsl import *` gives it under arc-dsl.
"""
from jaxbatt.dsl_py.arithmetic import *  # noqa: F401,F403
from jaxbatt.dsl_py.constants import *  # noqa: F401,F403
from jaxbatt.dsl_py.containers import *  # noqa: F401,F403
from jaxbatt.dsl_py.functional import *  # noqa: F401,F403
from jaxbatt.dsl_py.grids import *  # noqa: F401,F403
from jaxbatt.dsl_py.objects import *  # noqa: F401,F403
from jaxbatt.dsl_py.patches import *  # noqa: F401,F403
from jaxbatt.dsl_py.types import *  # noqa: F401,F403
import importlib as _importlib

from jaxbatt.dsl_py import constants as _constants
from jaxbatt.dsl_py import types as _types

# The family modules by name (`objects` the module is shadowed by `objects` the primitive).
FAMILIES = tuple(
    _importlib.import_module(f"jaxbatt.dsl_py.{family}")
    for family in ("arithmetic", "containers", "functional", "grids", "objects", "patches"))
PRIMITIVES = {name: getattr(module, name) for module in FAMILIES for name in module.__all__}
CONSTANTS = {name: getattr(_constants, name) for name in _constants.__all__}

__all__ = sorted(PRIMITIVES) + list(_constants.__all__) + list(_types.__all__)
