"""tokpidjin's named constants (its constants.py), as batt files see them.

A superset of arc-dsl's (`jaxbatt.dsl_py.constants`, reused as is): ranks from the first
(`F0`..`F9`) and from the last (`L1`..`L10`) element, randomised symbols (`R0`..`R9`),
mirror/rotation selectors (`A0`..`A9`), scale factors (`SM2`, `SM3`, `SD2`, `SD3`), colour
names, and ints from -10 to 10 plus 100 and 1000. tokpidjin's name tables for its mutation
generator (`F_NAMES`, `HINT_OVERLAPS`, ...) are not values a batt line uses and are left out.
"""
from jaxbatt.dsl_py import constants as _arc_dsl

RANKS_FROM_FIRST = {f"F{k}": k for k in range(10)}
RANKS_FROM_LAST = {f"L{k}": -k for k in range(1, 11)}
SYMBOLS = {f"R{k}": k for k in range(10)}
ANGLES = {f"A{k}": k for k in range(10)}
SCALES = {"SM2": 2, "SM3": 3, "SD2": -2, "SD3": -3}
COLOUR_NAMES = {name: colour for colour, name in enumerate(
    ("BLACK", "BLUE", "RED", "GREEN", "YELLOW", "GRAY", "MAGENTA", "ORANGE", "CYAN",
     "BURGUNDY"))}
INTEGERS = {f"NEG_{name}": -value for name, value in (
    ("TEN", 10), ("NINE", 9), ("EIGHT", 8), ("SEVEN", 7), ("SIX", 6), ("FIVE", 5),
    ("FOUR", 4), ("THREE", 3))}
INTEGERS.update(HUNDRED=100, THOUSAND=1000)

VALUES = {name: getattr(_arc_dsl, name) for name in _arc_dsl.__all__}
for _group in (RANKS_FROM_FIRST, RANKS_FROM_LAST, SYMBOLS, ANGLES, SCALES, COLOUR_NAMES,
               INTEGERS):
    VALUES.update(_group)
globals().update(VALUES)

__all__ = list(VALUES)
