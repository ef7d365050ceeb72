"""The DSL dialects a program can be written in, and how a source file shows which.

- "arc-dsl" (the default): arc-dsl's primitives and constants (jaxbatt.dsl_py). Programs
  run on JAX (dsl_jax) with dsl_py as the exact reference.
- "tokpidjin": pierreb4/tokpidjin's dialect (jaxbatt.dsl_py.tokpidjin), in the batt files
  its card.py writes and its `solve_<id>(S, I, C)` modules. dsl_jax does not implement it
  yet: every lane of such a program runs on the reference.

A Program records its dialect's name (ir.Program.dsl). The parser checks calls against the
dialect's signatures and resolves its constants; the reference evaluates with its
primitives and its failure semantics.
"""
import ast
import dataclasses
import functools
from typing import Callable, Optional

from jaxbatt.codegen.signatures import SIGNATURES, signature_table

ARC_DSL, TOKPIDJIN = "arc-dsl", "tokpidjin"
DSLS = (ARC_DSL, TOKPIDJIN)
AUTO = "auto"  # choose from the source (detect)

# The exceptions card.py's except clause around a batt line catches.
TOKPIDJIN_CAUGHT = (TypeError, AttributeError, ValueError, IndexError, KeyError)


@dataclasses.dataclass(frozen=True)
class Dialect:
    name: str
    primitives: dict  # name -> CPU reference function
    constants: dict  # name -> value
    signatures: dict  # name -> signatures.Signature
    solver_params: tuple  # the parameters of a `solve_*` function
    # The exceptions a guarded batt line's except branch catches: the line then takes
    # `safe_default(callee)`, whatever failed_lines says, and other exceptions fail it.
    # None: failed_lines decides (ir.failure_default), as in arc-dsl batt files.
    caught: Optional[tuple] = None
    safe_default: Optional[Callable] = None
    no_jax_reason: Optional[str] = None  # why its lanes all run on the reference; None: JAX runs them


@functools.lru_cache(maxsize=None)
def dialect(name: str) -> Dialect:
    """The dialect called `name` (one of DSLS)."""
    if name == ARC_DSL:
        from jaxbatt import dsl_py
        return Dialect(ARC_DSL, dsl_py.PRIMITIVES, dsl_py.CONSTANTS, SIGNATURES, ("I",))
    if name == TOKPIDJIN:
        from jaxbatt.dsl_py import tokpidjin
        return Dialect(TOKPIDJIN, tokpidjin.PRIMITIVES, tokpidjin.CONSTANTS,
                       signature_table(tokpidjin.PRIMITIVES), ("S", "I", "C"), TOKPIDJIN_CAUGHT,
                       tokpidjin.safe_default, "tokpidjin dialect: no JAX kernels yet")
    raise ValueError(f"dsl must be one of {', '.join((AUTO,) + DSLS)}, not {name!r}")


def _imported_modules(tree: ast.Module) -> set:
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def detect(tree: ast.Module) -> str:
    """The dialect a parsed source is written in: tokpidjin's when it imports `pile`, when
    a `solve_*` function takes (S, I, C), or when the names it reads include some that only
    tokpidjin's dialect defines (`o_g`, `get_nth_t`, `F0`...) and none that only arc-dsl
    defines (`palette`, `hmirror`...); else arc-dsl. (Both dialects' card.py write `from dsl
    import *` and `from safe_dsl import _get_safe_default`: imports alone cannot tell.)"""
    if "pile" in _imported_modules(tree):
        return TOKPIDJIN
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    tokpidjin_params = list(dialect(TOKPIDJIN).solver_params)
    if any(f.name.startswith("solve") and [a.arg for a in f.args.args] == tokpidjin_params for f in functions):
        return TOKPIDJIN
    names = {n.id for f in functions for n in ast.walk(f) if isinstance(n, ast.Name)}
    arc_dsl, tokpidjin = (set(d.primitives) | set(d.constants) for d in map(dialect, DSLS))
    if names & (tokpidjin - arc_dsl) and not names & (arc_dsl - tokpidjin):
        return TOKPIDJIN
    return ARC_DSL
