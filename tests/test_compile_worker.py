"""Compiles in the compile worker (the large tiers on the CPU): the executable it sends back
computes what an in-process compile does, and a compile past the time or the memory limit is
killed, with every lane still exact (next tier or dsl_py) and the next compile served by a
new worker."""
import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxbatt
from jaxbatt import compile_worker, engine, executables, kernels, memory
from jaxbatt.dsl_jax import values
from tests.test_compile_timeout import PROGRAMS, TOO_SHORT
from tests.test_engine import _assert_engine_equals_reference, _lanes, arc1  # noqa: F401


@chex.dataclass(frozen=True)
class _Pair:
    total: chex.Array  # () int32
    flipped: chex.Array  # (W, H) int32


def _function(grid, k):
    return {"scaled": grid * k, "pair": _Pair(total=jnp.sum(grid), flipped=grid.T)}


ARGS = (np.arange(12, dtype=np.int32).reshape(3, 4), np.int32(3))


def test_an_executable_from_the_worker_computes_what_an_in_process_compile_does():
    fn = jax.jit(_function)
    exported = executables.lower(fn, ARGS, isolated=True)
    assert isinstance(exported, compile_worker.Exported)
    from_worker = executables.compile_within(exported, 120.0)
    here = executables.compile_within(executables.lower(fn, ARGS, isolated=False), None)
    chex.assert_trees_all_equal(from_worker(*ARGS), here(*ARGS), _function(*ARGS))
    assert memory.counted_children  # the worker's memory counts as the run's
    assert memory.resident() > memory.peak_resident_of(next(iter(memory.counted_children)))


def test_an_executable_from_the_worker_is_cached_and_loads_back(tmp_path):
    compiled = executables.compile_within(executables.lower(jax.jit(_function), ARGS, isolated=True), None)
    executables.store(str(tmp_path), "entry", compiled)
    chex.assert_trees_all_equal(executables.load(str(tmp_path), "entry")(*ARGS), _function(*ARGS))


def test_a_compile_past_the_time_limit_kills_the_worker_and_the_next_compile_gets_a_new_one():
    exported = executables.lower(jax.jit(_function), ARGS, isolated=True)
    executables.compile_within(exported, None)  # a worker is up
    started, killed = compile_worker.WORKER.started, compile_worker.WORKER.killed
    with pytest.raises(executables.CompileTimeout):
        executables.compile_within(exported, TOO_SHORT)
    assert compile_worker.WORKER.killed == killed + 1 and compile_worker.WORKER.process is None
    chex.assert_trees_all_equal(executables.compile_within(exported, None)(*ARGS), _function(*ARGS))
    assert compile_worker.WORKER.started == started + 1


def test_a_compile_past_the_memory_limit_kills_the_worker():
    exported = executables.lower(jax.jit(_function), ARGS, isolated=True)
    killed = compile_worker.WORKER.killed
    with pytest.raises(memory.OverMemoryLimit, match="a compile took"):
        executables.compile_within(exported, None, max_memory=1)
    assert compile_worker.WORKER.killed == killed + 1


def test_an_xla_error_in_the_worker_is_raised_and_the_worker_goes_on():
    exported = executables.lower(jax.jit(_function), ARGS, isolated=True)
    exported.module = b"not a module"
    with pytest.raises(compile_worker.CompileFailed):
        executables.compile_within(exported, None)


@pytest.mark.parametrize("executor", ["programs", "steps"])
@pytest.mark.parametrize("limit", ["time", "memory"])
def test_a_large_tier_compile_killed_for_time_or_memory_leaves_every_lane_exact(arc1, tmp_path, executor, limit):
    """At the LARGE tier (compiled in the worker) a compile killed for its time or for the
    run's memory sends its lanes on to dsl_py; with no limit the same programs run on JAX."""
    programs = jaxbatt.load_programs(PROGRAMS).programs
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:2]])
    killed = compile_worker.WORKER.killed
    engine.clear_compiled()
    kernels.KERNELS.clear()
    kernels.KERNELS.abandoned.clear()
    # The memory limit leaves room for what this process holds, not for a compile worker's.
    compile_worker.WORKER.stop()
    limits = ({"compile_timeout": TOO_SHORT} if limit == "time" else
              {"max_memory": int((memory.resident() + (1 << 26)) / memory.HIGH_WATER)})
    config = engine.EngineConfig(executor=executor, tiers=(values.LARGE,), cache_dir=str(tmp_path), **limits)
    outcomes = engine.evaluate(programs, lanes, config)
    _assert_engine_equals_reference(programs, lanes, outcomes)
    assert all(path == "reference" for o in outcomes.values() for path in o.paths), {
        name: (o.paths, o.trace_error) for name, o in outcomes.items()}
    assert compile_worker.WORKER.killed > killed
    engine.clear_compiled()
    kernels.KERNELS.abandoned.clear()
    again = engine.evaluate(programs, lanes, engine.EngineConfig(executor=executor, tiers=(values.LARGE,),
                                                                  cache_dir=str(tmp_path), max_memory=None))
    _assert_engine_equals_reference(programs, lanes, again)
    assert all(path == "jax-large" for o in again.values() for path in o.paths)
