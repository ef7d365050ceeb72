"""The straight-line IR that parse.py produces and emit.py / the reference interpreter read.

A Program is a sequence of Steps `target = func(args...)` over named values. Names are the
program's inputs (`I` the input grid, `S` the task's train pairs, `C` the target), earlier
step targets, DSL primitives and constants. Arguments are `Ref`s (names) or `Const`s (ints,
bools, tuples of ints written literally).
"""
import dataclasses
from typing import Optional, Tuple, Union

INPUTS = ("I", "S", "C")


@dataclasses.dataclass(frozen=True)
class Ref:
    """A name: a program input, an earlier target, a primitive or a constant."""

    name: str


@dataclasses.dataclass(frozen=True)
class Const:
    """A literal int, bool or tuple of ints (or a string option of a fused step)."""

    value: Union[int, bool, tuple, str]


Arg = Union[Ref, Const]


@dataclasses.dataclass(frozen=True)
class Step:
    target: str
    func: Ref  # a primitive, or an earlier target holding a callable
    args: Tuple[Arg, ...]
    line: int  # line in the source file
    guarded: bool = False  # written inside try/except in a batt file


@dataclasses.dataclass(frozen=True)
class Program:
    """One program: its steps and its named outputs (`O` for a solver)."""

    name: str
    file: str
    line: int
    steps: Tuple[Step, ...]
    outputs: Tuple[Tuple[str, str], ...]  # (output name, target or input it reads)
    strict: bool = True  # True: any failing step fails every output (a solver function)
    dsl: str = "arc-dsl"  # the dialect it is written in (codegen.dialects.DSLS)

    @property
    def task_id(self) -> Optional[str]:
        """The ARC task a `solve_<id>` program is written for, else None."""
        if self.name.startswith("solve_"):
            return self.name[len("solve_"):]
        return None

    def uses(self, name: str) -> bool:
        return any(isinstance(a, Ref) and a.name == name for s in self.steps for a in s.args) or any(
            source == name for _, source in self.outputs)

    def dependencies(self, target: str) -> Tuple[Step, ...]:
        """The steps that `target` depends on, in program order."""
        by_target = {s.target: s for s in self.steps}
        needed, stack = set(), [target]
        while stack:
            name = stack.pop()
            step = by_target.get(name)
            if step is None or name in needed:
                continue
            needed.add(name)
            stack.append(step.func.name)
            stack.extend(a.name for a in step.args if isinstance(a, Ref))
        return tuple(s for s in self.steps if s.target in needed)


class ProgramError(ValueError):
    """A program that cannot be read, named by file, line and program."""

    def __init__(self, message, *, file=None, line=None, program=None):
        self.file, self.line, self.program, self.detail = file, line, program, message
        where = f"{file or '<source>'}:{line if line is not None else '?'}"
        super().__init__(f"{where}: {program + ': ' if program else ''}{message}")


# --------------------------------------------------------------------------- failure defaults
#
# card.py writes some batt lines as `try: tN = f(...) except (...): tN = _get_safe_default(f)`:
# a line whose call fails takes a default chosen by the return type of `f` and the lines
# after it go on. With `failed_lines="default"` the engine and the reference interpreter do
# the same for every guarded step (Step.guarded) whose own call fails (any failure: the
# padded engine cannot tell exception types apart). A guarded step whose inputs failed
# still fails (in card.py an unguarded failing line stops the whole batt function).
#
# The default of a step is fixed by the return annotation of its callee (dsl_py's, which is
# arc-dsl's), in the spirit of tokpidjin's `_get_safe_default`:
#
# | return annotation                                   | default       |
# |-----------------------------------------------------|---------------|
# | Boolean                                             | False         |
# | Integer, Numerical (Integer or IntegerTuple)        | 0             |
# | IntegerTuple                                        | (0, 0)        |
# | Grid                                                | () (the empty grid) |
# | Tuple, TupleTuple, Container (tuple-like)           | ()            |
# | FrozenSet, IntegerSet, Indices, Object, Objects,    | frozenset()   |
# |   Patch, and Piece/Element unions (Grid or patch)   |               |
# | Any, Callable; a callee that is an earlier target   | None          |
#
# None is what `_get_safe_default` gives for a function without a usable annotation; it is
# a Python value like any other for the reference (most primitives raise on it), and it has
# no padded form: a lane whose guarded step takes None runs on the reference.

FAILED_LINES = ("fail", "default")


def _default_of_annotation(annotation):
    import typing
    from jaxbatt.dsl_py import types as t

    if annotation is t.Boolean:
        return False
    if annotation in (t.Integer, t.Numerical):
        return 0
    if annotation == t.IntegerTuple:
        return (0, 0)
    if annotation in (t.Grid, t.TupleTuple, typing.Tuple, typing.Container, t.ContainerContainer):
        return ()
    if annotation is typing.Any or annotation is typing.Callable:
        return None
    origin = typing.get_origin(annotation)
    if annotation is typing.FrozenSet or origin is frozenset:
        return frozenset()
    if origin is typing.Union:
        # Patch (Object | Indices), Piece (Grid | patch), Element (Object | Grid): as
        # tokpidjin's string match, a union naming a frozenset type defaults to frozenset().
        if any(typing.get_origin(a) is frozenset for a in typing.get_args(annotation)):
            return frozenset()
    if origin is tuple:
        return ()
    return None


def failure_default(func_name: str):
    """The value a guarded step calling `func_name` takes when its call fails (table above)."""
    from jaxbatt.codegen.signatures import SIGNATURES

    signature = SIGNATURES.get(func_name)
    if signature is None:  # an earlier target holding a callable: no annotation to read
        return None
    return _default_of_annotation(signature.returns)
