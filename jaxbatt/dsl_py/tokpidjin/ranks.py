"""Rank family (tokpidjin's own): the element, value or colour at a rank.

A rank counts from the first element (0, 1, ...; constants `F0`..`F9`) or from the last
(-1, -2, ...; `L1`..`L10`). Out-of-range ranks give a "no value" instead of raising:
`math.nan` for `get_nth_t`, `frozenset()` for `get_nth_f`, None for `get_nth_by_key_*`, the
empty container of the variant for `get_arg_rank*`/`get_common_rank*`, `()` or `frozenset()`
for the colour ranks, 0 for `get_rank`, `compfunc(0)` for `get_val_rank*`.

Orders: `get_rank` sorts descending; `get_arg_rank*` descending by `compfunc`;
`get_val_rank*` and `get_nth_by_key_*` ascending by their key; `get_common_rank*`
ascending by count; the colour ranks by count, most common first (`Counter.most_common`).
Every sort is stable, so ties keep iteration order (the dialect's, see `ordering`); colour
ties keep first-occurrence order (row-major for a grid, the object's iteration order for
an object).
"""
import math
import operator
from collections import Counter

from jaxbatt.dsl_py import functional as _arc_dsl_functional
from jaxbatt.dsl_py.tokpidjin.ordering import cell_colours, grid_values, ordered
from jaxbatt.dsl_py.tokpidjin.safety import dialect, variants


def _at_rank(ranked, rank, missing):
    """ranked[rank] when -len <= rank < len, else missing()."""
    return ranked[rank] if -len(ranked) <= rank < len(ranked) else missing()


@dialect
def get_nth_t(container: "Tuple", rank: "FL") -> "Any":
    """container[rank] for a tuple and an in-range rank, else math.nan."""
    if type(container) is not tuple:
        return math.nan
    return _at_rank(container, rank, lambda: math.nan)


@dialect
def get_nth_f(container: "FrozenSet", rank: "FL") -> "Any":
    """The element at `rank` in iteration order (negative: from the end), else frozenset()."""
    if rank < 0:
        items, skipped = ordered(container)[::-1], -rank - 1
    else:
        items, skipped = ordered(container), rank
    skipped = operator.index(skipped)  # tokpidjin skips with range(): ints only
    return items[skipped] if skipped < len(items) else frozenset()


@dialect
def get_nth_by_key_t(container: "Tuple", rank: "FL", key=_arc_dsl_functional.identity) -> "Any":
    """sorted(container, key)[rank] (IndexError out of range), None when empty."""
    ranked = sorted(ordered(container), key=key)
    return ranked[rank] if ranked else None


@dialect
def get_nth_by_key_f(container: "FrozenSet", rank: "F_", key=_arc_dsl_functional.identity) -> "Any":
    """The element at `rank` (negative counts as 0) of sorted(container, key), else None."""
    ranked = sorted(ordered(container), key=key)
    skipped = max(operator.index(rank), 0)
    return ranked[skipped] if skipped < len(ranked) else None


def _colour_rank(colours_of, missing):
    def get_color_rank(element, rank):
        ranked = [colour for colour, _ in Counter(colours_of(element)).most_common()]
        return _at_rank(ranked, rank, lambda: missing)
    return get_color_rank


globals().update(variants(_colour_rank(grid_values, ()), {
    "get_color_rank_t": {"grid": "Grid", "rank": "FL", "return": "C_"}}))
globals().update(variants(_colour_rank(cell_colours, frozenset()), {
    "get_color_rank_f": {"obj": "Object", "rank": "FL", "return": "C_"}}))


@dialect
def get_rank(container: "IntegerSet", rank: "FL") -> "Integer":
    """The element at `rank` in descending order, else 0."""
    return _at_rank(sorted(ordered(container), reverse=True), rank, lambda: 0)


def _empty_like(container):
    return type(container)()


def _arg_rank(missing):
    def get_arg_rank(container, compfunc, rank):
        ranked = sorted(ordered(container), key=compfunc, reverse=True)
        return _at_rank(ranked, rank, lambda: missing(container))
    return get_arg_rank


def _rank_signatures(names, container_types, extra, result):
    return {name: {"container": kind, **extra, "rank": "FL", "return": result}
            for name, kind in zip(names, container_types)}


_BY_COMPFUNC = {"compfunc": "Callable"}
globals().update(variants(_arg_rank(_empty_like), _rank_signatures(
    ("get_arg_rank",), ("Container",), _BY_COMPFUNC, "Any")))
globals().update(variants(_arg_rank(lambda container: ()), _rank_signatures(
    ("get_arg_rank_t",), ("Tuple",), _BY_COMPFUNC, "Any")))
globals().update(variants(_arg_rank(lambda container: frozenset()), _rank_signatures(
    ("get_arg_rank_f",), ("FrozenSet",), _BY_COMPFUNC, "Any")))


def _get_val_rank(container, compfunc, rank):
    """compfunc of the element at `rank` in ascending compfunc order, else compfunc(0)."""
    ranked = sorted(ordered(container), key=compfunc)
    if -len(ranked) <= rank < len(ranked):
        return compfunc(ranked[rank])
    return compfunc(0)


globals().update(variants(_get_val_rank, _rank_signatures(
    ("get_val_rank", "get_val_rank_t", "get_val_rank_f"),
    ("Container", "Tuple", "FrozenSet"), _BY_COMPFUNC, "Any")))


def _common_rank(missing, counts_in_list):
    """The distinct element at `rank` in ascending count order (ties: iteration order).

    The `_f` variant counts in list(container); the others in the container itself (a
    frozenset has no `count`: AttributeError).
    """
    def get_common_rank(container, rank):
        sequence = list(ordered(container)) if counts_in_list else container
        ranked = sorted(ordered(set(sequence)), key=sequence.count)
        return _at_rank(ranked, rank, lambda: missing(container))
    return get_common_rank


globals().update(variants(_common_rank(_empty_like, False), _rank_signatures(
    ("get_common_rank",), ("Container",), {}, "Any")))
globals().update(variants(_common_rank(lambda container: (), False), _rank_signatures(
    ("get_common_rank_t",), ("Tuple",), {}, "Any")))
globals().update(variants(_common_rank(lambda container: frozenset(), True), _rank_signatures(
    ("get_common_rank_f",), ("FrozenSet",), {}, "Any")))

__all__ = [
    "get_nth_t", "get_nth_f", "get_nth_by_key_t", "get_nth_by_key_f", "get_color_rank_t",
    "get_color_rank_f", "get_rank", "get_arg_rank", "get_arg_rank_t", "get_arg_rank_f",
    "get_val_rank", "get_val_rank_t", "get_val_rank_f", "get_common_rank",
    "get_common_rank_t", "get_common_rank_f",
]
