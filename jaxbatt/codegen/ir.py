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
    """A literal int, bool or tuple of ints."""

    value: Union[int, bool, tuple]


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
