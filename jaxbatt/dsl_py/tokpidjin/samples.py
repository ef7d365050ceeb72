"""Samples family (tokpidjin's own): reading a task's demonstration pairs.

`S` is a tuple of (input grid, output grid) pairs. `c_iz`/`c_zo` map `function` over the
inputs (resp. outputs), merge the results into one deduplicated tuple each, and give what
the inputs have that the outputs lack ("in, not out": c_iz) or the reverse (c_zo); their
`_n` forms apply `pick` to that tuple. `a_mr` is the first mir_rot_t number (0..7; 7 is
the identity) that maps every input onto its output, None when there is none.
"""
from jaxbatt.dsl_py.tokpidjin.containers import (
    apply, dedupe, difference_tuple, first, mapply_t, second)
from jaxbatt.dsl_py.tokpidjin.grids import mir_rot_t
from jaxbatt.dsl_py.tokpidjin.ordering import ordered, parts
from jaxbatt.dsl_py.tokpidjin.safety import dialect, variants


@dialect
def dedupe_pair_tuple(S: "Samples") -> "Samples":
    """The pairs whose output differs from their input."""
    return tuple((a, b) for a, b in map(parts, ordered(S)) if a != b)


def _side_difference(kept_side):
    """The merged, deduplicated function values of one side minus the other's."""
    def difference(S, function):
        inputs, outputs = apply(first, S), apply(second, S)
        of_inputs = dedupe(mapply_t(function, inputs))
        of_outputs = dedupe(mapply_t(function, outputs))
        if kept_side == "inputs":
            return difference_tuple(of_inputs, of_outputs)
        return difference_tuple(of_outputs, of_inputs)
    return difference


def _picked(difference):
    def picked(S, function, pick):
        return pick(difference(S, function))
    return picked


_DIFFERENCE = {"S": "Samples", "function": "Callable", "return": "Any"}
_PICKED = {"S": "Samples", "function": "Callable", "pick": "Callable", "return": "C_"}
globals().update(variants(_side_difference("inputs"), {"c_iz": _DIFFERENCE}))
globals().update(variants(_side_difference("outputs"), {"c_zo": _DIFFERENCE}))
globals().update(variants(_picked(c_iz), {"c_iz_n": _PICKED}))  # noqa: F821
globals().update(variants(_picked(c_zo), {"c_zo_n": _PICKED}))  # noqa: F821


@dialect
def a_mr(S: "Samples") -> "A8":
    """The first mir_rot_t number taking every input to its output, else None."""
    return next((number for number in range(8)
                 if all(output == mir_rot_t(grid, number)
                        for grid, output in map(parts, ordered(S)))),
                None)


__all__ = ["dedupe_pair_tuple", "c_iz", "c_zo", "c_iz_n", "c_zo_n", "a_mr"]
