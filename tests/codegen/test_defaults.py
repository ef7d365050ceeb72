"""failed_lines="default": a guarded batt line whose call fails takes its type's default
(ir.failure_default), in the reference interpreter and in the emitted jnp code alike."""
import os
import time

import jax
import numpy as np
import pytest

import jaxbatt
from jaxbatt import cli, engine
from jaxbatt.codegen import emit
from jaxbatt.codegen.ir import failure_default
from jaxbatt.codegen.reference import run_program
from jaxbatt.data import as_tuple_grid, load_tasks
from jaxbatt.dsl_jax import values
from tests.test_engine import _lanes, _same

# Every guarded line fails on grids without colour 8 (x1 empty) and succeeds on the others.
BATT = '''
def batt(task_id, S, I, C, log_path):
    o = []
    s = []
    x1 = ofcolor(I, EIGHT)
    try:
        b1 = bordering(x1, I)
    except (TypeError, AttributeError, ValueError):
        b1 = _get_safe_default(bordering)
    b2 = branch(b1, ONE, TWO)
    b3 = canvas(b2, TWO_BY_TWO)
    o.append((1, 'boolean', b3))
    try:
        n1 = uppermost(x1)
    except (TypeError, AttributeError, ValueError):
        n1 = _get_safe_default(uppermost)
    n2 = increment(n1)
    n3 = astuple(n2, THREE)
    n4 = canvas(FIVE, n3)
    o.append((2, 'integer', n4))
    try:
        p1 = center(x1)
    except (TypeError, AttributeError, ValueError):
        p1 = _get_safe_default(center)
    p2 = crop(I, p1, TWO_BY_TWO)
    o.append((3, 'pair', p2))
    try:
        g1 = subgrid(x1, I)
    except (TypeError, AttributeError, ValueError):
        g1 = _get_safe_default(subgrid)
    g2 = height(g1)
    g3 = hmirror(g1)
    o.append((4, 'grid', g3))
    s.append((5, 'grid_height', g2))
    try:
        f1 = hmirror(x1)
    except (TypeError, AttributeError, ValueError):
        f1 = _get_safe_default(hmirror)
    f2 = fill(I, FIVE, f1)
    f3 = size(f1)
    o.append((6, 'frozenset', f2))
    s.append((7, 'frozenset_size', f3))
    try:
        c1 = color(x1)
    except (TypeError, AttributeError, ValueError):
        c1 = _get_safe_default(color)
    c2 = replace(I, ZERO, c1)
    o.append((8, 'colour', c2))
    try:
        a1 = first(x1)
    except (TypeError, AttributeError, ValueError):
        a1 = _get_safe_default(first)
    a2 = initset(a1)
    a3 = size(a2)
    s.append((9, 'any_is_none', a3))
    v1 = colorcount(I, EIGHT)
    try:
        v2 = interval(ZERO, FOUR, v1)
    except (TypeError, AttributeError, ValueError):
        v2 = _get_safe_default(interval)
    v3 = size(v2)
    v4 = astuple(v3, TWO)
    v5 = canvas(SIX, v4)
    o.append((11, 'tuple', v5))
    t1 = mostcolor(x1)
    try:
        t2 = increment(t1)
    except (TypeError, AttributeError, ValueError):
        t2 = _get_safe_default(increment)
    s.append((10, 'input_failed', t2))
    return o, s
'''


@pytest.fixture(scope="module")
def arc1():
    return {t.id: t for t in load_tasks("arc1-training")}


@pytest.fixture(scope="module")
def programs():
    loaded = jaxbatt.load_programs(BATT)
    assert loaded.errors == []
    return loaded.programs


@pytest.fixture(scope="module")
def lanes(arc1):
    # Tasks with and without colour 8, so that guarded lines fail on some lanes only.
    picked = [arc1[i] for i in sorted(arc1)[:8]]
    found = _lanes(picked)
    with_eight = [bool((np.asarray(lane.grid) == 8).any()) for lane in found]
    assert any(with_eight) and not all(with_eight)
    return found


def _reference(program, lane, defaults):
    train = tuple((as_tuple_grid(i), as_tuple_grid(o)) for i, o in lane.train)
    target = as_tuple_grid(lane.expected) if lane.expected is not None else None
    ok, value = run_program(program, as_tuple_grid(lane.grid), train, target, defaults)[program.outputs[0][0]]
    return value if ok else None


def test_default_of_each_return_type():
    assert failure_default("bordering") is False
    assert failure_default("uppermost") == 0 and failure_default("add") == 0
    assert failure_default("center") == (0, 0)
    assert failure_default("subgrid") == () and failure_default("hsplit") == ()
    assert failure_default("sfilter") == ()  # Container
    for name in ("ofcolor", "objects", "recolor", "palette", "insert", "hmirror", "shift"):
        assert failure_default(name) == frozenset()
    for name in ("first", "branch", "rbind", "compose"):
        assert failure_default(name) is None
    assert failure_default("t3") is None  # an earlier target holding a callable


def test_reference_takes_defaults_only_when_asked(programs):
    grid = ((0, 1), (1, 0))  # no colour 8: every guarded line fails
    by_label = {p.name.split(", ")[1].strip("']"): p for p in programs}
    expected = {
        "boolean": ((2, 2), (2, 2)),
        "integer": ((5, 5, 5),),
        "pair": ((0, 1), (1, 0)),
        "grid": (),
        "grid_height": 0,
        "frozenset": grid,
        "frozenset_size": 0,
        "colour": ((0, 1), (1, 0)),
        "any_is_none": 1,  # initset(None)
        "tuple": (),  # canvas(SIX, (0, 2))
    }
    for label, value in expected.items():
        program = by_label[label]
        assert run_program(program, grid, (), None, defaults=True)[program.outputs[0][0]] == (True, value), label
        assert run_program(program, grid, (), None)[program.outputs[0][0]] == (False, None), label
    # A guarded line whose input failed (an unguarded line) still fails.
    failed = by_label["input_failed"]
    assert run_program(failed, grid, (), None, defaults=True)[failed.outputs[0][0]] == (False, None)


def test_emitted_module_defaults_only_guarded_lines(programs):
    plain = emit.emit(programs)
    with_defaults = emit.emit(programs, defaults=True)
    assert "_defaulted" not in plain
    assert with_defaults.count("= _defaulted(") == 9
    assert "_defaulted(v2, ok2, ex2, False)" in with_defaults


@pytest.mark.parametrize("make, default, buildable", [
    (lambda: values.from_py(((1, 2),))[0], (), True),
    (lambda: values.from_py(((1, 2),))[0], frozenset(), False),
    (lambda: values.from_py(frozenset({(0, 1)}))[0], frozenset(), True),
    (lambda: values.from_py(frozenset({(3, (0, 1))}))[0], frozenset(), True),
    (lambda: values.from_py(frozenset({(0, 1)}))[0], (), False),
    (lambda: values.from_py((1, 2, 3), "Tuple")[0], (), True),
    (lambda: values.from_py((1, 2, 3), "Tuple")[0], frozenset(), False),
    (lambda: values.from_py(frozenset({1, 2}), "FrozenSet")[0], frozenset(), True),
    (lambda: values.from_py(frozenset({1, 2}), "FrozenSet")[0], (), False),
    (lambda: values.from_py((4, 5))[0], (0, 0), True),
    (lambda: values.from_py((4, 5))[0], 0, False),
    (lambda: values.from_py(7)[0], 0, True),
    (lambda: values.from_py(7)[0], False, False),
    (lambda: values.from_py(True)[0], False, True),
    (lambda: values.from_py(True)[0], 0, False),
    (lambda: values.from_py(7)[0], None, False),
])
def test_padded_default_per_form(make, default, buildable):
    """Failed lanes hold the default exactly, or are marked not exact; ok lanes keep their value."""
    value = make()
    batched = jax.tree_util.tree_map(lambda leaf: np.stack([leaf, leaf]), value)
    ok, exact = np.array([True, False]), np.array([True, True])
    out, out_ok, out_exact = jax.vmap(lambda v, o, e: emit.defaulted(v, o, e, default))(batched, ok, exact)
    assert bool(out_ok.all())
    first = jax.tree_util.tree_map(lambda leaf: leaf[0], out)
    second = jax.tree_util.tree_map(lambda leaf: leaf[1], out)
    assert values.to_py(first) == values.to_py(value)
    assert bool(out_exact[0]) and bool(out_exact[1]) == buildable
    if buildable:
        assert values.to_py(second) == default and type(values.to_py(second)) is type(default)


def test_engine_equals_reference_with_defaults_on_every_lane(programs, lanes):
    start = time.perf_counter()
    config = engine.EngineConfig(failed_lines="default", group_size=16)
    outcomes = engine.evaluate(programs, lanes, config)
    no_eight = [b for b, lane in enumerate(lanes) if not bool((np.asarray(lane.grid) == 8).any())]
    defaulted_on_jax = 0
    for program in programs:
        outcome = outcomes[program.name]
        assert outcome.trace_error is None, (program.name, outcome.trace_error)
        for b, lane in enumerate(lanes):
            expected = _reference(program, lane, defaults=True)
            assert _same(outcome.outputs[b], expected), (
                f"{program.name} lane {b} via {outcome.paths[b]}: engine {outcome.outputs[b]!r} "
                f"!= reference {expected!r}")
            if b in no_eight and expected is not None and outcome.paths[b] == "jax":
                defaulted_on_jax += 1
    # Failing guarded lines took their default in the jnp code, not only on the reference.
    assert defaulted_on_jax >= 8 * len(no_eight)
    # None (first's default) has no padded form: those lanes ran on the reference.
    any_none = next(p for p in programs if "any_is_none" in p.name)
    assert all(outcomes[any_none.name].paths[b] == "reference" for b in no_eight)
    # A guarded line whose input failed fails with defaults on as well.
    input_failed = next(p for p in programs if "input_failed" in p.name)
    assert all(outcomes[input_failed.name].outputs[b] is None for b in no_eight)
    assert time.perf_counter() - start < 50


def test_fail_mode_is_unchanged(programs, lanes):
    outcomes = engine.evaluate(programs, lanes, engine.EngineConfig(group_size=16))
    no_eight = [b for b, lane in enumerate(lanes) if not bool((np.asarray(lane.grid) == 8).any())]
    for program in programs:
        for b in no_eight:
            assert outcomes[program.name].outputs[b] is None
        for b, lane in enumerate(lanes):
            assert _same(outcomes[program.name].outputs[b], _reference(program, lane, defaults=False))


def test_option_reaches_the_api_and_the_cli(arc1, tmp_path, capsys, monkeypatch):
    with pytest.raises(ValueError):
        engine.EngineConfig(failed_lines="ignore")
    task = arc1[sorted(arc1)[0]]
    programs = jaxbatt.load_programs(BATT)
    wanted = [p for p in programs.programs if "'boolean'" in p.name]
    config = engine.EngineConfig(force_reference=True)
    on = jaxbatt.run(task, programs=jaxbatt.api.ProgramSet(wanted, []), config=config, failed_lines="default")
    off = jaxbatt.run(task, programs=jaxbatt.api.ProgramSet(wanted, []), config=config)
    (run_on,), (run_off,) = on.programs.values(), off.programs.values()
    grids = [np.asarray(g) for g in on.grids]
    assert [o is not None for o in run_on.outputs] == [True] * len(grids)
    assert [o is not None for o in run_off.outputs] == [bool((g == 8).any()) for g in grids]
    batt = tmp_path / "batt.py"
    batt.write_text(BATT)
    with pytest.raises(SystemExit):
        cli.main(["run", "--programs", str(batt), "--dataset", "arc1-training", "--failed-lines", "x"])
    seen = []

    def fake_run_tasks(tasks, programs, pairing, config, progress=None):
        seen.append(config.failed_lines)
        return jaxbatt.api.BatteryResult({}, 0.0, 0.0, 0)

    monkeypatch.setattr(jaxbatt.api, "run_tasks", fake_run_tasks)
    common = ["run", "--programs", str(batt), "--dataset", "arc1-training", "--limit", "1"]
    assert cli.main(common) == 0 and cli.main(common + ["--failed-lines", "default"]) == 0
    assert seen == ["fail", "default"]
    capsys.readouterr()


def test_batt_fixture_with_defaults(arc1):
    programs = jaxbatt.load_programs(os.path.join(os.path.dirname(__file__), "fixtures", "batt_sample.py"))
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:4]])
    outcomes = engine.evaluate(programs.programs, lanes, engine.EngineConfig(failed_lines="default"))
    for program in programs.programs:
        for b, lane in enumerate(lanes):
            expected = _reference(program, lane, defaults=True)
            assert _same(outcomes[program.name].outputs[b], expected), (program.name, b)
