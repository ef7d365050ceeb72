"""A compile past EngineConfig.compile_timeout: nobody waits for it, the lanes still get exact
results (next tier or dsl_py), and the compile, ending in the background, is kept."""
import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxbatt
from jaxbatt import engine, executables, kernels
from jaxbatt.dsl_jax import values
from tests.test_engine import _assert_engine_equals_reference, _lanes, arc1  # noqa: F401

PROGRAMS = (
    "def solve_mirror_then_count(I):\n"
    "    x1 = hmirror(I)\n"
    "    x2 = objects(x1, T, F, T)\n"
    "    O = size(x2)\n"
    "    return O\n"
    "\n"
    "def solve_recolor(I):\n"
    "    x1 = ofcolor(I, ZERO)\n"
    "    O = fill(I, FIVE, x1)\n"
    "    return O\n"
)
TOO_SHORT = 1e-4  # seconds: no XLA compile ends this fast


def _wait(condition, seconds=120.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the background compile did not end"
        time.sleep(0.05)


def test_compile_within_raises_past_the_limit_and_hands_on_the_late_executable():
    lowered = jax.jit(lambda x: jnp.cumsum(x * 3)).lower(np.arange(5, dtype=np.int32))
    late = []
    with pytest.raises(executables.CompileTimeout, match="limit"):
        executables.compile_within(lowered, TOO_SHORT, late.append)
    _wait(lambda: late)
    np.testing.assert_array_equal(late[0](np.arange(5, dtype=np.int32)), np.cumsum(np.arange(5) * 3))
    assert executables.compile_within(lowered, None) is not None


def test_compile_within_raises_a_compile_error_to_a_caller_still_waiting():
    class Broken:
        def compile(self, options=None):
            raise ValueError("bad module")

    with pytest.raises(ValueError, match="bad module"):
        executables.compile_within(Broken(), 60.0)


@pytest.mark.parametrize("executor", ["programs", "steps"])
def test_a_compile_past_the_limit_leaves_every_lane_exact(arc1, tmp_path, executor):
    programs = jaxbatt.load_programs(PROGRAMS).programs
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:3]])
    engine.clear_compiled()
    timed_out = kernels.KERNELS.timed_out
    config = engine.EngineConfig(executor=executor, tiers=(values.SMALL,), cache_dir=str(tmp_path),
                                 compile_timeout=TOO_SHORT)
    outcomes = engine.evaluate(programs, lanes, config)
    _assert_engine_equals_reference(programs, lanes, outcomes)
    assert all(path == "reference" for o in outcomes.values() for path in o.paths)
    if executor == "programs":
        assert all("CompileTimeout" in o.trace_error for o in outcomes.values())
    else:
        assert kernels.KERNELS.timed_out > timed_out
        # The abandoned compiles end in the background and serve the next run.
        _wait(lambda: not kernels.KERNELS.compiling_late)
    engine.clear_compiled()
    again = engine.evaluate(programs, lanes, engine.EngineConfig(executor=executor, tiers=(values.SMALL,),
                                                                  cache_dir=str(tmp_path), compile_timeout=None))
    _assert_engine_equals_reference(programs, lanes, again)
    assert all(path == "jax" for o in again.values() for path in o.paths)
