"""Reads DSL programs with `ast` into the straight-line IR (ir.py).

Two source forms:
- solver modules: functions `def solve_<task id>(I)` whose bodies are assignments of DSL
  calls and one `return`;
- batt files (as card.py writes them): `def batt(task_id, S, I, C, log_path)` with lines
  `tN = f(...)`, some inside try/except (a failing guarded line fails what depends on it,
  or, with the engine's failed_lines="default", takes its return type's default), calls of earlier targets (`t2 = t1(I)`), `o.append((..., tN))`
  for candidate outputs and `s.append((..., tN))` for scores.

A bad function (unknown name, wrong arity, unsupported statement) is reported as a
ProgramError with file:line and skipped; the rest of the file still loads. In a batt file a
bad line rejects only the outputs that depend on it.
"""
import ast
import dataclasses
from typing import List

from jaxbatt.codegen.ir import INPUTS, Const, Program, ProgramError, Ref, Step
from jaxbatt.codegen.signatures import SIGNATURES


@dataclasses.dataclass
class Parsed:
    programs: List[Program]
    errors: List[ProgramError]


def parse_source(source: str, file: str = "<source>") -> Parsed:
    """All programs of a solver module or batt file given as text."""
    try:
        tree = ast.parse(source, filename=file)
    except SyntaxError as error:
        return Parsed([], [ProgramError(f"syntax error: {error.msg}", file=file, line=error.lineno)])
    programs, errors = [], []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        reader = _FunctionReader(node, file)
        try:
            if node.name == "batt":
                found, bad = reader.read_batt()
                programs.extend(found)
                errors.extend(bad)
            elif node.name.startswith("solve"):
                programs.append(reader.read_solver())
        except ProgramError as error:
            errors.append(error)
    if not programs and not errors:
        errors.append(ProgramError("no `solve_*` or `batt` function found", file=file, line=1))
    return Parsed(programs, errors)


def parse_file(path) -> Parsed:
    with open(path) as handle:
        return parse_source(handle.read(), str(path))


def _constant_value(node):
    """The value of a literal int/bool/tuple node, or raise ValueError."""
    value = ast.literal_eval(node)
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        return value
    raise ValueError(f"unsupported literal {ast.unparse(node)}")


class _FunctionReader:
    def __init__(self, node: ast.FunctionDef, file: str):
        self.node, self.file = node, file
        self.defined = set()

    def error(self, message, node):
        return ProgramError(message, file=self.file, line=getattr(node, "lineno", self.node.lineno),
                            program=self.node.name)

    def read_solver(self) -> Program:
        params = [a.arg for a in self.node.args.args]
        if params != ["I"]:
            raise self.error(f"a solver takes exactly one argument `I`, got ({', '.join(params)})", self.node)
        self.defined = {"I"}
        steps, output = [], None
        for stmt in self.node.body:
            if _is_docstring(stmt):
                continue
            if output is not None:
                raise self.error("statement after `return`", stmt)
            if isinstance(stmt, ast.Return):
                if not isinstance(stmt.value, ast.Name) or stmt.value.id not in self.defined:
                    raise self.error("`return` must name a value defined above", stmt)
                output = stmt.value.id
            elif isinstance(stmt, ast.Assign):
                steps.append(self.read_assign(stmt))
            else:
                raise self.error(f"unsupported statement: {ast.unparse(stmt).splitlines()[0]}", stmt)
        if output is None:
            raise self.error("no `return`", self.node)
        return Program(self.node.name, self.file, self.node.lineno, tuple(steps), (("O", output),), True)

    def read_batt(self):
        """One Program per candidate output (o.append / s.append), sharing the lines."""
        self.defined = set(INPUTS)
        steps, errors, rejected = [], [], {}
        outputs = []
        for stmt in self.node.body:
            try:
                if _is_docstring(stmt) or _is_list_init(stmt) or isinstance(stmt, ast.Return):
                    continue
                if isinstance(stmt, ast.Assign):
                    steps.append(self.read_assign(stmt))
                elif isinstance(stmt, ast.Try):
                    steps.append(self.read_try(stmt))
                elif _is_append(stmt):
                    outputs.append(self.read_append(stmt, len(outputs)))
                else:
                    raise self.error(f"unsupported statement: {ast.unparse(stmt).splitlines()[0]}", stmt)
            except ProgramError as error:
                errors.append(error)
                for target in _assigned_names(stmt):
                    rejected[target] = error
                    self.defined.add(target)
        programs = []
        for name, source, line in outputs:
            program = Program(name, self.file, line, tuple(steps), ((name, source),), False)
            needed = {s.target for s in program.dependencies(source)} | {source}
            bad = [rejected[t] for t in needed if t in rejected]
            if bad:
                errors.append(ProgramError(f"depends on a rejected line ({bad[0].line})",
                                           file=self.file, line=line, program=name))
                continue
            steps_needed = program.dependencies(source)
            programs.append(dataclasses.replace(program, steps=steps_needed))
        return programs, errors

    def read_try(self, stmt: ast.Try) -> Step:
        body = [s for s in stmt.body if not _is_docstring(s)]
        if len(body) != 1 or not isinstance(body[0], ast.Assign):
            raise self.error("a try block must hold exactly one assignment", stmt)
        return dataclasses.replace(self.read_assign(body[0]), guarded=True)

    def read_append(self, stmt, index):
        call = stmt.value
        which = call.func.value.id
        arg = call.args[0] if len(call.args) == 1 else None
        last = arg.elts[-1] if isinstance(arg, ast.Tuple) and arg.elts else arg
        if not isinstance(last, ast.Name) or last.id not in self.defined:
            raise self.error(f"`{which}.append` must end with a value defined above", stmt)
        labels = [ast.unparse(e) for e in arg.elts[:-1]] if isinstance(arg, ast.Tuple) else []
        name = f"{which}{index}" + (f"[{', '.join(labels)}]" if labels else "")
        return name, last.id, stmt.lineno

    def read_assign(self, stmt: ast.Assign) -> Step:
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise self.error("an assignment must have one plain name as target", stmt)
        target = stmt.targets[0].id
        if target in INPUTS or target in SIGNATURES:
            raise self.error(f"`{target}` cannot be reassigned", stmt)
        value = stmt.value
        if not isinstance(value, ast.Call):
            raise self.error("the value of an assignment must be a DSL call", stmt)
        func = self.read_callee(value.func, stmt)
        args = [self.read_arg(a, stmt) for a in value.args]
        if value.keywords:
            args = self.bind_keywords(func, args, value.keywords, stmt)
        if func.name in SIGNATURES:
            arity = SIGNATURES[func.name].arity
            if len(args) != arity:
                raise self.error(f"{func.name} takes {arity} argument{'s' * (arity != 1)}, got {len(args)}", stmt)
        self.defined.add(target)
        return Step(target, func, tuple(args), stmt.lineno)

    def read_callee(self, node, stmt) -> Ref:
        if not isinstance(node, ast.Name):
            raise self.error(f"unsupported callee {ast.unparse(node)}", stmt)
        if node.id in SIGNATURES or node.id in self.defined:
            return Ref(node.id)
        raise self.error(f"unknown function `{node.id}`", stmt)

    def read_arg(self, node, stmt):
        from jaxbatt.dsl_py import CONSTANTS
        if isinstance(node, ast.Name):
            if node.id in self.defined or node.id in SIGNATURES:
                return Ref(node.id)
            if node.id in CONSTANTS:
                return Const(CONSTANTS[node.id])
            raise self.error(f"unknown name `{node.id}`", stmt)
        try:
            return Const(_constant_value(node))
        except (ValueError, SyntaxError):
            raise self.error(f"unsupported argument `{ast.unparse(node)}`", stmt) from None

    def bind_keywords(self, func, args, keywords, stmt):
        if func.name not in SIGNATURES:
            raise self.error("keyword arguments need a DSL primitive as callee", stmt)
        params = SIGNATURES[func.name].params
        bound = dict(zip(params, args))
        for keyword in keywords:
            if keyword.arg not in params:
                raise self.error(f"{func.name} has no parameter `{keyword.arg}`", stmt)
            if keyword.arg in bound:
                raise self.error(f"{func.name}: `{keyword.arg}` given twice", stmt)
            bound[keyword.arg] = self.read_arg(keyword.value, stmt)
        missing = [p for p in params if p not in bound]
        if missing:
            raise self.error(f"{func.name}: missing argument `{missing[0]}`", stmt)
        return [bound[p] for p in params]


def _is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _is_list_init(stmt):
    """`o = []`, `s = []` and other bookkeeping assignments of card.py's batt files."""
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
        return False
    return isinstance(stmt.value, ast.List) and not stmt.value.elts


def _is_append(stmt):
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "append"
            and isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id in ("o", "s"))


def _assigned_names(stmt):
    return [n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


__all__ = ["Parsed", "parse_source", "parse_file"]
