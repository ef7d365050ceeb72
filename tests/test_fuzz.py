"""Differential fuzzing: random programs, engine against the reference on real grids."""
import pytest

from jaxbatt import engine
from tests.arc_samples import sample_grids
from tests.program_generator import generate_programs
from tests.test_engine import _assert_engine_equals_reference
import numpy as np


def _fuzz(seed, programs, grids, executor="programs"):
    lanes = [engine.Lane(np.asarray(g, np.int8)) for g in sample_grids(grids, seed)]
    batch = generate_programs(seed, programs)
    outcomes = engine.evaluate(batch, lanes, engine.EngineConfig(group_size=4, executor=executor))
    _assert_engine_equals_reference(batch, lanes, outcomes)
    return outcomes


@pytest.mark.parametrize("executor", engine.EXECUTORS[1:])
@pytest.mark.parametrize("seed", [1, 2])
def test_random_programs_match_the_reference_on_every_lane(seed, executor):
    outcomes = _fuzz(seed, programs=16, grids=12, executor=executor)
    on_jax = sum(p != "reference" for o in outcomes.values() for p in o.paths)
    assert on_jax > 0  # some random programs really ran on the JAX path


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 20))
def test_random_programs_match_the_reference_at_volume(seed):
    _fuzz(seed, programs=40, grids=32)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 20))
def test_random_programs_through_steps_match_the_reference_at_volume(seed):
    """40 programs x 128 grids per seed: 51,200 lanes through the stepped executor."""
    _fuzz(seed, programs=40, grids=128, executor="steps")
