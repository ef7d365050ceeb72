"""The resident-memory limit (EngineConfig.max_memory, memory.py): caches dropped first, then
lanes on dsl_py, every lane exact; a call's buffers fit the room left."""
import pytest

import jaxbatt
from jaxbatt import engine, memory
from jaxbatt.dsl_jax import values
from tests.test_compile_timeout import PROGRAMS
from tests.test_engine import PAIR_UNIONS, _assert_engine_equals_reference, _lanes, arc1  # noqa: F401


def _config(executor, tmp_path, max_memory):
    return engine.EngineConfig(executor=executor, tiers=(values.TINY, values.SMALL), cache_dir=str(tmp_path),
                               max_memory=max_memory)


def test_default_limit_is_a_share_of_the_machine():
    assert engine.EngineConfig().max_memory == int(memory.physical_memory() * memory.DEFAULT_SHARE)
    assert memory.resident() > 0 and memory.peak_resident() > 0


@pytest.mark.parametrize("executor", ["programs", "steps"])
def test_past_the_limit_every_lane_goes_to_the_reference_exactly(arc1, tmp_path, executor):
    programs = jaxbatt.load_programs(PROGRAMS).programs
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:3]])
    releases = memory.releases
    outcomes = engine.evaluate(programs, lanes, _config(executor, tmp_path, max_memory=1 << 20))
    _assert_engine_equals_reference(programs, lanes, outcomes)
    assert all(path == "reference" for o in outcomes.values() for path in o.paths)
    assert all("OverMemoryLimit" in o.trace_error and "tiny tier" in o.trace_error
               and "small tier" not in o.trace_error for o in outcomes.values())  # larger tiers not tried
    assert memory.releases > releases


def test_dropping_caches_that_makes_room_lets_the_group_run_on_jax(arc1, tmp_path, monkeypatch):
    programs = jaxbatt.load_programs(PROGRAMS).programs
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:3]])
    engine.evaluate(programs, lanes, _config("programs", tmp_path, max_memory=None))  # compiled, held
    held = [v for v in engine._compiled_groups.values() if isinstance(v, engine.CompiledGroup)]
    assert held
    state = {"resident": 1 << 40}
    release = engine._release_compiled

    def release_and_shrink():
        release()
        state["resident"] = 1 << 20

    monkeypatch.setattr(memory, "resident", lambda: state["resident"])
    monkeypatch.setattr(engine, "_release_compiled", release_and_shrink)
    outcomes = engine.evaluate(programs, lanes, _config("programs", tmp_path, max_memory=1 << 30))
    _assert_engine_equals_reference(programs, lanes, outcomes)
    assert all(path == "jax" for o in outcomes.values() for path in o.paths)
    assert not any(v is h for v in engine._compiled_groups.values() for h in held)  # reloaded, not kept


def test_a_call_over_the_room_left_runs_on_fewer_lanes(monkeypatch):
    class Group:
        memory_budget = 1 << 40
        max_memory = 10_000
        max_lanes = None

    monkeypatch.setattr(memory, "resident", lambda: 7_000)  # room: 8,000 - 7,000 bytes
    group = Group()
    engine.check_memory(group, needed=800, size=8)  # fits
    with pytest.raises(engine.OverMemoryBudget) as over:
        engine.check_memory(group, needed=4_000, size=8)  # 500 bytes per lane: 2 lanes fit
    assert over.value.lanes == group.max_lanes == 2


def test_a_step_over_the_budget_at_the_smallest_call_size_moves_its_lanes_on(arc1, tmp_path):
    """A stepped group runs no call of fewer lanes than batch_sizes()[0]: a step over the
    budget there (unions of every pair of objects, 46 MiB per lane at the small tier: 2 lanes fit) sends
    the lanes on (chunked maps, then dsl_py) instead of asking again for fewer lanes."""
    programs = jaxbatt.load_programs(PAIR_UNIONS).programs
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:2]])
    config = engine.EngineConfig(executor="steps", memory_budget=128 << 20, tiers=(values.SMALL,),
                                 cache_dir=str(tmp_path))
    outcomes = engine.evaluate(programs, lanes, config)
    groups = [g for g in engine._compiled_groups.values() if isinstance(g, engine.OverMemoryBudget)]
    engine.clear_compiled()
    _assert_engine_equals_reference(programs, lanes, outcomes)
    assert groups and all(g.lanes == 0 for g in groups)


def test_past_the_systems_mapping_limit_executables_are_dropped(monkeypatch):
    """Each loaded executable maps its code: past HIGH_WATER of vm.max_map_count the
    executables held are dropped whatever the resident memory, and a process still past it
    sends the group's lanes on (OverMemoryLimit)."""
    held, most = memory.mappings()
    assert held > 0 and (most is None or held < most)
    state = {"held": 95}
    monkeypatch.setattr(memory, "mappings", lambda: (state["held"], 100))
    released = []

    def release():
        released.append(True)
        state["held"] = 10

    memory.make_room(None, release)
    memory.make_room(None, release)  # under the limit now: nothing more dropped
    assert released == [True]
    state["held"] = 95
    with pytest.raises(memory.OverMemoryLimit, match="vm.max_map_count"):
        memory.make_room(None, lambda: None)
