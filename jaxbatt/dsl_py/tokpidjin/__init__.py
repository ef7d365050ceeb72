"""tokpidjin's DSL dialect: a CPU reference for batt files written against pierreb4/tokpidjin.

tokpidjin is a fork of arc-dsl whose dsl.py keeps most of arc-dsl's primitives and adds
families of its own. A batt file does `from pile import *` (which gives it dsl.py's
functions and constants.py's constants) and calls `_get_safe_default(fn)` when a line
raises; `from jaxbatt.dsl_py.tokpidjin import *` gives it the same primitives, constants and
type names, and `safe_default` is `_get_safe_default`.

How the dialect differs from arc-dsl (`jaxbatt.dsl_py`):

- Cells are (i, j, c) triples, not (c, (i, j)): objects, `toobject`, `asobject`,
  `recolor_*`, `paint`... all use triples.
- Every primitive is exception-safe (module `safety`): a call that raises returns a
  default chosen from the primitive's return annotation, and primitives call each other
  through the safe versions. So no primitive call raises; only calling a closure with the
  wrong arity, or a non-callable default such as `()`, raises (TypeError) in a batt line.
  Each primitive's unwrapped computation is its `__wrapped__`.
- Variants: `_t` for tuples/grids, `_f` for frozensets/patches, `_i` for Indices, `_o` for
  Objects; `mostcolor`, `palette`, `height`, `shape`, `hmirror`... exist only as variants.
  Each family is one implementation in its module, the variants differing in the container
  they build and in their annotations.
- Total functions: many empty or out-of-range cases return "no value" markers instead of
  raising: None, `()`, `frozenset()`, `math.nan` (for extremes and colours of nothing;
  always the `math.nan` object, which `center` tests with `is`), `math.inf`
  (`manhattan`), `-math.inf` (`index`, `color`).
- Own families: ranks (`get_nth_t`, `get_rank`, `get_arg_rank_f`, ...), `o_g`/`o_g_t`,
  `mir_rot_t`/`mir_rot_f`, samples (`c_iz`, `c_zo`, `a_mr`, ...), cell builders
  (`ascell`, `astriple`, `celltuple`, `toij`).

Iteration order (module `ordering`): tokpidjin iterates frozensets in CPython's order; the
dialect follows dsl_py's canonical order (int sets natively, rebuilt from tokpidjin's
insertion sequence; other sets sorted: cells row-major then colour, indices row-major),
extended to the floats and None tokpidjin's values hold. Results that depend on that order
(`first_f`, `get_nth_f`, `objects_t`'s tuple order, `paint` at a position written twice,
ties, colour sets of 0 and 8 ...) can differ from a given tokpidjin run; frozenset values
cannot. `power` stops at `functional.POWER_DEPTH` where tokpidjin hits its stack limit.
"""
import importlib as _importlib

from jaxbatt.dsl_py.tokpidjin import constants as _constants
from jaxbatt.dsl_py.tokpidjin import types as _types
from jaxbatt.dsl_py.tokpidjin.constants import *  # noqa: F401,F403
from jaxbatt.dsl_py.tokpidjin.safety import safe_default
from jaxbatt.dsl_py.tokpidjin.types import *  # noqa: F401,F403

FAMILIES = tuple(
    _importlib.import_module(f"jaxbatt.dsl_py.tokpidjin.{family}")
    for family in ("arithmetic", "containers", "ranks", "functional", "patches", "grids",
                   "objects", "samples"))
PRIMITIVES = {name: getattr(module, name) for module in FAMILIES for name in module.__all__}
CONSTANTS = dict(_constants.VALUES)
globals().update(PRIMITIVES)

__all__ = [*sorted(PRIMITIVES), *_constants.__all__, *_types.__all__, "safe_default"]
