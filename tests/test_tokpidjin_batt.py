"""tokpidjin batt files (card.py's format, tokpidjin's dialect) through jaxbatt: loaded,
run by jaxbatt.run / the CLI (every lane on the dialect's reference), and compared lane by
lane with the same file executed directly as tokpidjin does (tests/tokpidjin_batt.py), and
with tokpidjin's own dsl.py in canonical set order when TOKPIDJIN names a checkout."""
import dataclasses
import importlib
import json
import os

import pytest

import jaxbatt
from jaxbatt import cli, engine
from jaxbatt.codegen.dialects import ARC_DSL, TOKPIDJIN
from jaxbatt.data import as_tuple_grid, load_tasks
from jaxbatt.dsl_jax import values
from jaxbatt.dsl_py import tokpidjin
from tests.dsl_py.test_tokpidjin import (  # noqa: F401 - oracles is a fixture
    ORDER_DEPENDENT, canonical_form, oracle_names, oracles, typed)
from tests.tokpidjin_batt import CAUGHT, HEADER, generate_batt, pile_namespace, run_batt

SEEDS = range(16)
REASON = "tokpidjin dialect: no JAX kernels yet"
FIXTURES = os.path.join(os.path.dirname(__file__), "codegen", "fixtures")


@pytest.fixture(scope="module")
def tasks():
    by_id = {t.id: t for t in load_tasks("arc1-training")}
    return [by_id["0d3d703e"], by_id["6150a2bd"], by_id["74dd1130"]]


def _write(tmp_path, name, source):
    path = tmp_path / name
    path.write_text(source)
    return str(path)


def _guarded(target, call, callee):
    return (f"    try:\n        {target} = {call}\n    except {CAUGHT}:\n"
            f"        {target} = _get_safe_default({callee})\n")


def _key(program_name):
    """(o or s, its labels) of a batt output's program name (parse.read_append's)."""
    return program_name[0], program_name[program_name.index("["):]


def _by_key(o, s):
    """{(o or s, labels): value} of a direct run's o and s lists."""
    return {(which, "[" + ", ".join(map(repr, entry[:-1])) + "]"): entry[-1]
            for which, entries in (("o", o), ("s", s)) for entry in entries}


def _runs(task, programs):
    """(jaxbatt.run result, its lanes' (I, C)) with C the expected output, then with given
    grids (C None): the two runs tokpidjin makes of each sample."""
    pairs = list(task.train) + list(task.test)
    with_target = [(as_tuple_grid(p.input), as_tuple_grid(p.output)) for p in pairs]
    yield jaxbatt.run(task, programs=programs), with_target
    yield jaxbatt.run(task, grids=[p.input for p in pairs], programs=programs), [(I, None) for I, _ in with_target]


def _assert_like_direct(result, lanes, task, batt):
    """Every output of every lane equals the direct run's (batt(task_id, S, I, C, log_path)
    -> (o, s)), in typed form (types kept, nan equal to itself, closures probed)."""
    S = tuple((as_tuple_grid(p.input), as_tuple_grid(p.output)) for p in task.train)
    for lane, (I, C) in enumerate(lanes):
        direct = _by_key(*batt(task.id, S, I, C, os.devnull))
        assert set(direct) == {_key(name) for name in result.programs}
        for name, run in result.programs.items():
            output = run.outputs[lane]
            mine = as_tuple_grid(output) if hasattr(output, "shape") else output
            assert typed(mine) == typed(direct[_key(name)]), (task.id, lane, name)


def test_generated_batts_run_like_the_file_run_directly(tmp_path, tasks):
    defaults_taken = []

    def counted_default(fn):
        defaults_taken.append(fn)
        return tokpidjin.safe_default(fn)

    namespace = {**pile_namespace(), "_get_safe_default": counted_default}
    for seed in SEEDS:
        source = generate_batt(seed)
        programs = jaxbatt.load_programs(_write(tmp_path, f"batt_{seed}.py", source))  # detected
        assert not programs.errors and len(programs) > 3
        assert {p.dsl for p in programs} == {TOKPIDJIN}
        for task in tasks:
            for result, lanes in _runs(task, programs):
                for run in result.programs.values():
                    assert set(run.paths) == {"reference"} and run.reference_reason == REASON
                _assert_like_direct(result, lanes, task, lambda *args: run_batt(source, namespace, *args))
    assert defaults_taken  # some lines took their except branch


def test_generated_batts_run_like_tokpidjin_in_canonical_order(oracles, tmp_path, tasks):
    """Batts of the primitives whose results never depend on frozenset order: the canonical
    oracle keeps CPython's order for the sets tokpidjin builds with operators and
    comprehensions (combine_f's `a | b`...; tests/dsl_py/test_tokpidjin.py), and a tuple
    made from one, transposed later, differs from the dialect's in more than order."""
    _, canonical, safe_dsl = oracles
    constants = importlib.import_module("constants")  # tokpidjin's, from the checkout
    namespace = {name: getattr(canonical, name) for name in oracle_names(canonical)}
    namespace.update((name, getattr(constants, name)) for name in tokpidjin.CONSTANTS)
    namespace["_get_safe_default"] = safe_dsl._get_safe_default
    for seed in SEEDS:
        source = generate_batt(seed, excluded=ORDER_DEPENDENT)
        programs = jaxbatt.load_programs(_write(tmp_path, f"batt_{seed}.py", source))
        for task in tasks:
            for result, lanes in _runs(task, programs):
                _assert_like_direct(result, lanes, task,
                                    lambda *args: run_batt(source, namespace, *canonical_form(args)))


def test_except_branch_takes_the_safe_default_of_the_callee_value(tasks):
    source = HEADER + "".join([
        _guarded("t1", "rbind(o_g, R5)", "rbind"),
        _guarded("t2", "t1(I, I)", "t1"),  # wrong arity: TypeError, the closure's default ()
        _guarded("t3", "t1(I)", "t1"),
        _guarded("t4", "size_f(t3)", "size_f"),
        "    o.append((2, True, 'x', t2))\n    s.append((4, 'None', 'differ', t4))\n    return o, s\n"])
    for failed_lines in ("fail", "default"):  # the dialect's except branch, either way
        result = jaxbatt.run(tasks[2], programs=source, failed_lines=failed_lines)
        wrong_arity, size = (result.programs[name] for name in ("o0[2, True, 'x']", "s1[4, 'None', 'differ']"))
        assert wrong_arity.outputs == [()] * len(wrong_arity.outputs)
        grid = tasks[2].train[0].input
        assert size.outputs[0] == len(tokpidjin.o_g(as_tuple_grid(grid), 5)) > 0


def test_bad_lines_are_reported_with_file_and_line_and_the_rest_runs(tmp_path, tasks):
    generated = generate_batt(1, lines=12)
    body = generated[:generated.rindex("    return o, s")]
    bad_start = body.count("\n") + 1
    optional = _guarded("u3", "get_nth_by_key_t(I, F0)", "get_nth_by_key_t")  # its `key` has a default
    good = body + optional + "    o.append((3, True, 'fine', u3))\n    return o, s\n"
    source = body + "".join([
        _guarded("u1", "no_such_function(I)", "no_such_function"),  # line bad_start + 1
        _guarded("u2", "o_g(I)", "o_g"),  # o_g takes 2 arguments; line bad_start + 5
        optional,
        "    o.append((3, True, 'fine', u3))\n",
        "    o.append((1, True, 'bad', u1))\n",
        "    o.append((2, True, 'bad', u2))\n",
        "    return o, s\n"])
    path = _write(tmp_path, "bad_batt.py", source)
    programs = jaxbatt.load_programs(path)
    messages = [str(e) for e in programs.errors]
    assert any(m.startswith(f"{path}:{bad_start + 1}:") and "unknown function `no_such_function`" in m
               for m in messages)
    assert any(m.startswith(f"{path}:{bad_start + 5}:") and "o_g takes 2 arguments, got 1" in m for m in messages)
    assert sum("depends on a rejected line" in m for m in messages) == 2 and len(messages) == 4
    assert [p.name for p in programs] == [p.name for p in jaxbatt.load_programs(good)]
    task = tasks[0]
    for result, lanes in _runs(task, programs):
        _assert_like_direct(result, lanes, task, lambda *args: run_batt(good, pile_namespace(), *args))


def test_unsupported_except_branch_is_a_bad_line():
    source = HEADER + (f"    try:\n        t1 = size_t(I)\n    except {CAUGHT}:\n        t1 = 0\n"
                       "    o.append((1, True, 'x', t1))\n    return o, s\n")
    programs = jaxbatt.load_programs(source)
    assert not programs.programs and "unsupported except branch" in str(programs.errors[0])


CARD_HEADER = "from dsl import *\nfrom constants import *\nfrom safe_dsl import _get_safe_default\n\n"


def _dsl_of(source, dsl="auto"):
    return {p.dsl for p in jaxbatt.load_programs(source, dsl=dsl)}


def test_dialect_is_detected_or_chosen():
    pile_batt = HEADER + _guarded("t1", "identity(I)", "identity") + "    o.append((1, True, 'x', t1))\n    return o, s\n"
    assert _dsl_of(pile_batt) == {TOKPIDJIN}
    # Both dialects' card.py write the same imports: tokpidjin-only names decide.
    card_batt = CARD_HEADER + pile_batt[pile_batt.index("def batt"):]
    assert _dsl_of(card_batt) == {ARC_DSL}  # identity is in both: arc-dsl stays the default
    assert _dsl_of(card_batt.replace("identity(I)", "o_g(I, R5)").replace("(identity)", "(o_g)")) == {TOKPIDJIN}
    assert _dsl_of(card_batt, dsl="tokpidjin") == {TOKPIDJIN}
    assert _dsl_of(os.path.join(FIXTURES, "batt_sample.py")) == {ARC_DSL}
    mixed = ("def batt(task_id, S, I, C, log_path):\n    o = []\n    t1 = hmirror(I)\n    t2 = get_nth_t(t1, F0)\n"
             "    o.append((2, True, 'x', t2))\n    return o, []\n")  # hmirror is arc-dsl's only
    assert "unknown function `get_nth_t`" in str(jaxbatt.load_programs(mixed).errors[0])
    assert _dsl_of(mixed.replace("hmirror", "hmirror_t")) == {TOKPIDJIN}
    with pytest.raises(ValueError, match="dsl must be one of"):
        jaxbatt.load_programs(pile_batt, dsl="tokpidjin2")


def test_same_names_run_in_the_programs_dialect(tasks):
    """asobject exists in both dialects: cells are (c, (i, j)) in arc-dsl, (i, j, c) here."""
    solver = "def solve_{}({}):\n    O = asobject(I)\n    return O\n"
    grid = as_tuple_grid(tasks[0].train[0].input)
    cells = [(i, j, c) for i, row in enumerate(grid) for j, c in enumerate(row)]
    for params, dsl, cell in (("I", ARC_DSL, lambda i, j, c: (c, (i, j))), ("S, I, C", TOKPIDJIN, lambda *ijc: ijc)):
        programs = jaxbatt.load_programs(solver.format(tasks[0].id, params))
        assert [p.dsl for p in programs] == [dsl]
        run = jaxbatt.run(tasks[0], programs=programs).programs[f"solve_{tasks[0].id}"]
        assert run.outputs[0] == frozenset(cell(*ijc) for ijc in cells)


def test_tokpidjin_solver_module_solves_its_task(tasks):
    solver = "def solve_6150a2bd(S, I, C):\n    O = rot180(I)\n    return O\n"
    run = jaxbatt.run(tasks[1], programs=solver).programs["solve_6150a2bd"]
    assert run.solved and run.reference_reason == REASON and set(run.paths) == {"reference"}


def test_cli_runs_a_tokpidjin_batt_file(tmp_path, capsys):
    path = _write(tmp_path, "batt.py", generate_batt(2))
    report = str(tmp_path / "report.json")
    status = cli.main(["run", "--programs", path, "--dsl", "tokpidjin", "--dataset", "arc1-training",
                       "--limit", "2", "--pairing", "all", "--report", report, "--reference-procs", "1"])
    assert status == 0
    with open(report) as handle:
        written = json.load(handle)
    entries = written["programs"].values()
    assert entries and all(e["reference_reason"] == REASON and e["trace_error"] is None for e in entries)
    lanes = written["summary"]["lanes"]
    assert lanes["jax"] == lanes["jax-large"] == 0 and lanes["reference"] + lanes["error"] == (
        written["summary"]["evaluations"]) and lanes["reference"] > 0
    assert f"on the reference only ({REASON})" in capsys.readouterr().err


def test_engine_keeps_arc_dsl_programs_on_jax_beside_dialect_ones(tasks):
    """A mixed list: the arc-dsl program still runs on JAX, the dialect one on its reference."""
    arc = jaxbatt.load_programs("def solve_6150a2bd(I):\n    O = rot180(I)\n    return O\n").programs
    dialect = jaxbatt.load_programs("def solve_6150a2bd(S, I, C):\n    O = rot180(I)\n    return O\n").programs
    renamed = [dataclasses.replace(p, name="tokpidjin_rot180") for p in dialect]
    lanes = [engine.Lane(p.input, (), p.output) for p in tasks[1].train]
    outcomes = engine.evaluate(arc + renamed, lanes, engine.EngineConfig(tiers=(values.TINY,)))
    assert set(outcomes["solve_6150a2bd"].paths) == {"jax"} and outcomes["solve_6150a2bd"].reference_reason is None
    assert set(outcomes["tokpidjin_rot180"].paths) == {"reference"}
    for a, b in zip(outcomes["solve_6150a2bd"].outputs, outcomes["tokpidjin_rot180"].outputs):
        assert engine.same_output(a, b)
