"""Reads DSL programs with `ast` into the straight-line IR (ir.py).

Two source forms:
- solver modules: functions `def solve_<task id>(I)` whose bodies are assignments of DSL
  calls and one `return`;
- batt files (as card.py writes them): `def batt(task_id, S, I, C, log_path)` with lines
  `tN = f(...)`, some inside try/except (a failing guarded line fails what depends on it,
  or, with the engine's failed_lines="default", takes its return type's default), calls of earlier targets (`t2 = t1(I)`), `o.append((..., tN))`
  for candidate outputs and `s.append((..., tN))` for scores.

A source is read in one DSL dialect (codegen.dialects; `dsl="auto"` detects it): names,
arities and constants are checked against that dialect's, and every program records it.
In tokpidjin's dialect a solver is `def solve_<task id>(S, I, C)`, and a guarded batt line
must have card.py's except clause (its exceptions, `_get_safe_default(<callee>)`).

A bad function (unknown name, wrong arity, unsupported statement) is reported as a
ProgramError with file:line and skipped; the rest of the file still loads. In a batt file a
bad line rejects only the outputs that depend on it.
"""
import ast
import dataclasses
from typing import List

from jaxbatt.codegen import dialects
from jaxbatt.codegen.ir import INPUTS, Const, Program, ProgramError, Ref, Step


@dataclasses.dataclass
class Parsed:
    programs: List[Program]
    errors: List[ProgramError]


def parse_source(source: str, file: str = "<source>", dsl: str = dialects.AUTO) -> Parsed:
    """All programs of a solver module or batt file given as text, in dialect `dsl`
    (dialects.DSLS, or "auto": dialects.detect)."""
    if dsl != dialects.AUTO:
        dialects.dialect(dsl)  # an unknown name is the caller's error, not the file's
    try:
        tree = ast.parse(source, filename=file)
    except SyntaxError as error:
        return Parsed([], [ProgramError(f"syntax error: {error.msg}", file=file, line=error.lineno)])
    dialect = dialects.dialect(dialects.detect(tree) if dsl == dialects.AUTO else dsl)
    programs, errors = [], []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        reader = _FunctionReader(node, file, dialect)
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


def parse_file(path, dsl: str = dialects.AUTO) -> Parsed:
    with open(path) as handle:
        return parse_source(handle.read(), str(path), dsl)


def _constant_value(node):
    """The value of a literal int/bool/tuple node, or raise ValueError."""
    value = ast.literal_eval(node)
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        return value
    raise ValueError(f"unsupported literal {ast.unparse(node)}")


class _FunctionReader:
    def __init__(self, node: ast.FunctionDef, file: str, dialect: dialects.Dialect):
        self.node, self.file, self.dialect = node, file, dialect
        self.signatures = dialect.signatures
        self.defined = set()

    def error(self, message, node):
        return ProgramError(message, file=self.file, line=getattr(node, "lineno", self.node.lineno),
                            program=self.node.name)

    def read_solver(self) -> Program:
        params = tuple(a.arg for a in self.node.args.args)
        expected = self.dialect.solver_params
        if params != expected:
            raise self.error(f"a {self.dialect.name} solver takes ({', '.join(expected)}), got ({', '.join(params)})",
                             self.node)
        self.defined = set(params)
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
        return Program(self.node.name, self.file, self.node.lineno, tuple(steps), (("O", output),), True,
                       self.dialect.name)

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
            program = Program(name, self.file, line, tuple(steps), ((name, source),), False, self.dialect.name)
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
        step = dataclasses.replace(self.read_assign(body[0]), guarded=True)
        if self.dialect.caught is not None:
            self.check_except_branch(stmt, step)
        return step

    def check_except_branch(self, stmt: ast.Try, step: Step):
        """The dialect's reference gives a failed guarded line `safe_default(callee)` for
        the exceptions it catches: the file must say exactly that."""
        caught = [e.__name__ for e in self.dialect.caught]
        expected = ast.parse(f"{step.target} = _get_safe_default({step.func.name})").body[0]
        handler = stmt.handlers[0] if len(stmt.handlers) == 1 and not stmt.orelse and not stmt.finalbody else None
        types = [] if handler is None or handler.type is None else (
            handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type])
        if (handler is None or sorted(map(ast.unparse, types)) != sorted(caught)
                or list(map(ast.dump, handler.body)) != [ast.dump(expected)]):
            raise self.error(f"unsupported except branch: a {self.dialect.name} batt line needs `except "
                             f"({', '.join(caught)}): {ast.unparse(expected)}`", stmt)

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
        if target in INPUTS or target in self.signatures:
            raise self.error(f"`{target}` cannot be reassigned", stmt)
        value = stmt.value
        if not isinstance(value, ast.Call):
            raise self.error("the value of an assignment must be a DSL call", stmt)
        func = self.read_callee(value.func, stmt)
        args = [self.read_arg(a, stmt) for a in value.args]
        if value.keywords:
            args = self.bind_keywords(func, args, value.keywords, stmt)
        signature = self.signatures.get(func.name)
        if signature is not None and not signature.accepts(len(args)):
            arity = signature.arity
            counts = f"{signature.required} to {arity}" if signature.required is not None else f"{arity}"
            raise self.error(f"{func.name} takes {counts} argument{'s' * (arity != 1)}, got {len(args)}", stmt)
        self.defined.add(target)
        return Step(target, func, tuple(args), stmt.lineno)

    def read_callee(self, node, stmt) -> Ref:
        if not isinstance(node, ast.Name):
            raise self.error(f"unsupported callee {ast.unparse(node)}", stmt)
        if node.id in self.signatures or node.id in self.defined:
            return Ref(node.id)
        raise self.error(f"unknown function `{node.id}`", stmt)

    def read_arg(self, node, stmt):
        if isinstance(node, ast.Name):
            if node.id in self.defined or node.id in self.signatures:
                return Ref(node.id)
            if node.id in self.dialect.constants:
                return Const(self.dialect.constants[node.id])
            raise self.error(f"unknown name `{node.id}`", stmt)
        try:
            return Const(_constant_value(node))
        except (ValueError, SyntaxError):
            raise self.error(f"unsupported argument `{ast.unparse(node)}`", stmt) from None

    def bind_keywords(self, func, args, keywords, stmt):
        signature = self.signatures.get(func.name)
        if signature is None:
            raise self.error("keyword arguments need a DSL primitive as callee", stmt)
        params = signature.params
        bound = dict(zip(params, args))
        for keyword in keywords:
            if keyword.arg not in params:
                raise self.error(f"{func.name} has no parameter `{keyword.arg}`", stmt)
            if keyword.arg in bound:
                raise self.error(f"{func.name}: `{keyword.arg}` given twice", stmt)
            bound[keyword.arg] = self.read_arg(keyword.value, stmt)
        # Positional arguments up to the last one given (a parameter with a default may be left out at the end).
        given = max(params.index(p) for p in bound) + 1
        missing = [p for p in params[:given] if p not in bound]
        if not missing and not signature.accepts(given):
            missing = [params[given]]
        if missing:
            raise self.error(f"{func.name}: missing argument `{missing[0]}`", stmt)
        return [bound[p] for p in params[:given]]


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
