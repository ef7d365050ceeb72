"""Differential fuzzing of the rewrite rules: random programs built around the compositions
that codegen/rewrite.py replaces (products of pairs mapped, filtered and merged; functions
mapped by a mapply read as cells; cells passed through combine), run by the engine (which
emits the fused steps) against the reference (which runs them as written), lane by lane.

Each template has random parts: the sets paired (objects, colour classes, cells), the pair
predicate, the function of a pair, the patch function or image predicate, and the reader
(fill, underfill, paint). Grids fit the TINY canvas so that the reference's products stay
small; every generated program must be rewritten (the test checks it)."""
import random

import numpy as np
import pytest

from jaxbatt import engine
from jaxbatt.codegen import rewrite
from jaxbatt.codegen.parse import parse_source
from jaxbatt.dsl_jax import values
from tests.arc_samples import arc1_training_grids
from tests.test_engine import _assert_engine_equals_reference

# Per kind of element paired: (sets, pair predicates (None: no sfilter), functions of a pair).
PAIRED = {
    "patches": (["objects(I, T, F, T)", "objects(I, T, T, T)", "objects(I, F, T, T)", "fgpartition(I)",
                 "partition(I)"],
                ["compose(lbind(greater, FIVE), fork(manhattan, first, last))", "fork(adjacent, first, last)",
                 "fork(hmatching, first, last)", "fork(vmatching, first, last)", "fork(equality, first, last)",
                 "compose(flip, fork(equality, first, last))", None],
                ["fork(combine, first, last)", "merge", "first", "last",
                 "fork(connect, compose(center, first), compose(center, last))",
                 "fork(connect, compose(ulcorner, first), compose(lrcorner, last))"]),
    "cells": (["merge(fgpartition(I))", "toobject(ofcolor(I, leastcolor(I)), I)"],
              ["fork(equality, power(first, TWO), compose(first, last))",
               "fork(equality, compose(first, compose(last, first)), compose(first, power(last, TWO)))", None],
              ["fork(recolor, color, fork(connect, compose(last, first), power(last, TWO)))",
               "fork(connect, compose(last, first), power(last, TWO))"]),
    "locations": (["ofcolor(I, ONE)", "ofcolor(I, leastcolor(I))"],
                  ["fork(equality, compose(first, first), compose(first, last))",
                   "fork(equality, compose(last, first), compose(last, last))", None],
                  ["fork(connect, first, last)", "compose(initset, first)"]),
}
PATCH_FUNCTIONS = ["delta", "backdrop", "box", "toindices", "inbox", "outbox", "identity"]
IMAGE_CONDITIONS = ["vline", "hline", "fork(either, vline, hline)", "compose(lbind(greater, FOUR), size)",
                    "square"]
READERS = ["fill(I, EIGHT, {})", "underfill(I, SEVEN, {})", "fill(I, ZERO, {})"]
OFFSETS = ["toivec", "tojvec"]
LINES = ["fork(connect, ulcorner, urcorner)", "fork(connect, ulcorner, llcorner)", "fork(connect, center, lrcorner)"]


def _flatten(text, steps):
    """The name holding `text` (a constant, or a call whose nested calls become steps
    first), its step appended to `steps` (parse reads one call per step)."""
    text = text.strip()
    if "(" not in text:
        return text
    head, inside = text[:text.index("(")], text[text.index("(") + 1:-1]
    args, depth, start = [], 0, 0
    for k, ch in enumerate(inside):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            args.append(inside[start:k])
            start = k + 1
    args.append(inside[start:])
    names = [_flatten(arg, steps) for arg in args]
    steps.append(f"x{len(steps) + 1} = {head}({', '.join(names)})")
    return f"x{len(steps)}"


def _program(name, rng):
    template = rng.choice(["pairs_mapply", "pairs_mfilter", "fork_mapply"])
    reader = rng.choice(READERS)
    if template == "fork_mapply":
        source = rng.choice(PAIRED["patches"][0])
        offsets = (f"compose(lbind(apply, {rng.choice(OFFSETS)}), "
                   f"compose(rbind(lbind(interval, ZERO), ONE), {rng.choice(['height', 'width'])}))")
        band = f"fork(mapply, compose(lbind(lbind, shift), {rng.choice(LINES)}), {offsets})"
        cells = f"combine(mapply({band}, {source}), corners(asindices(I)))"
        expression = reader.format(cells)
    else:
        sets, conditions, functions = PAIRED[rng.choice(sorted(PAIRED))]
        source = rng.choice(sets)
        other = source if rng.random() < 0.7 else rng.choice(sets)
        pairs = f"product({source}, {other})"
        condition = rng.choice(conditions)
        if condition is not None:
            pairs = f"sfilter({pairs}, {condition})"
        images = f"apply({rng.choice(functions)}, {pairs})"
        if template == "pairs_mapply":
            cells = f"mapply({rng.choice(PATCH_FUNCTIONS)}, {images})"
        else:
            cells = f"mfilter({images}, {rng.choice(IMAGE_CONDITIONS)})"
        expression = reader.format(cells)
    steps = []
    result = _flatten(expression, steps)
    steps[-1] = "O" + steps[-1][len(result):]
    body = "\n".join(f"    {step}" for step in steps)
    return f"def solve_{name}(I):\n{body}\n    return O\n"


def _fuzz(seed, programs, grids, executor="programs"):
    rng = random.Random(seed)
    made = [_program(f"t{seed}_{k}", rng) for k in range(programs)]
    parsed = parse_source("\n".join(made), f"rewrite_fuzz_{seed}.py")
    assert parsed.errors == [], parsed.errors
    for source, program in zip(made, parsed.programs):
        assert rewrite.fuse(program) is not program, source  # a rule applied (maybe an earlier one)
    small = [g for g in arc1_training_grids() if max(len(g), len(g[0])) <= values.TINY.canvas]
    lanes = [engine.Lane(np.asarray(g, np.int8)) for g in random.Random(seed).sample(small, grids)]
    outcomes = engine.evaluate(parsed.programs, lanes, engine.EngineConfig(group_size=4, executor=executor))
    _assert_engine_equals_reference(parsed.programs, lanes, outcomes)
    return outcomes


@pytest.mark.parametrize("executor", engine.EXECUTORS[1:])
@pytest.mark.parametrize("seed", [1, 2])
def test_rewritten_random_programs_match_the_reference_on_every_lane(seed, executor):
    outcomes = _fuzz(seed, programs=8, grids=12, executor=executor)
    assert sum(p == "jax" for o in outcomes.values() for p in o.paths) > 0


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 20))
def test_rewritten_random_programs_match_the_reference_at_volume(seed):
    _fuzz(seed, programs=24, grids=32)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 14))
def test_rewritten_random_programs_through_steps_match_the_reference_at_volume(seed):
    """24 programs x 64 grids per seed: 6,144 lanes through the stepped executor."""
    _fuzz(seed, programs=24, grids=64, executor="steps")
