"""Emitted programs: how a program's flags follow from its steps' flags."""
import itertools

import jax.numpy as jnp

from jaxbatt.codegen.emit import program_flags


def _expected(steps):
    """The reference stops at the first step that raises; a step not exact hides the rest."""
    for ok, exact in steps:
        if not exact:
            return None  # not exact: ok is unknown
        if not ok:
            return False, True
    return True, True


def test_the_first_step_that_is_not_ok_and_exact_decides():
    for n in range(4):
        for steps in itertools.product([(True, True), (False, True), (True, False), (False, False)], repeat=n):
            ok, exact = program_flags(*[(jnp.asarray(a), jnp.asarray(b)) for a, b in steps])
            expected = _expected(steps)
            if expected is None:
                assert not bool(exact), steps
            else:
                assert (bool(ok), bool(exact)) == expected, steps
