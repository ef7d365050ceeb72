"""Clipped patches: lines and shifted copies that leave the window, kept exact where only
grid cells matter.

`shoot` draws 43 cells (arc-dsl's reach of 42 steps), so from most grid cells its line runs
far beyond the tier's window (the canvas and its margin ring). Storing those cells would
need a window several times larger for every patch of a program; instead `connect` and
`shoot` keep the cells inside the window and set the patch's `clipped` flag (a bool
leaf of Indices and Object: cells outside the window were dropped). `shift` (so also
`normalize`, and mapply of lbind(shift, patch)) does the same with the cells it moves out of
the window: a copy shifted far off the grid, then painted, stays exact. The window contains
every grid cell, so the dropped cells are off-grid, and a clipped patch is exact for the
primitives whose result reads only grid cells:

- ABSORBING: the result does not depend on off-grid cells, and is exact (fill, paint,
  underfill, underpaint: they write grid cells; toobject: it keeps the patch's grid cells);
- PRESERVING: cellwise operations whose result is exact in the window and loses at most
  the cells a clipped argument lost, and is clipped in turn (recolor, toindices, combine,
  merge, difference, intersection of patches, sfilter of a patch's cells: its condition sees
  one cell at a time); and containers built from clipped patches (initset, insert, combine,
  sfilter), whose elements keep their flags;
- every other primitive reports not exact when any argument holds a clipped patch
  (`size`, `shift`, `mapply` over the line's cells ... depend on the dropped cells).

`guard(name, fn)` wraps each primitive accordingly; `jaxbatt.dsl_jax` exports the guarded
primitives, so functions built by compose/fork/rbind are guarded too. A value that leaves
`flags.collect` (a program's output, a primitive under test) clipped is not exact.
"""
import dataclasses
import functools

import jax.numpy as jnp

from jaxbatt.dsl_jax import flags
from jaxbatt.dsl_jax.values import Indices, Object, clipped_in, is_static_false

ABSORBING = frozenset({"fill", "paint", "underfill", "underpaint", "cover", "toobject", "paint_merged"})
PRESERVING = frozenset({"recolor", "combine", "merge", "toindices", "difference", "intersection",
                        "sfilter", "initset", "insert"})


def guard(name, fn):
    """`fn` (the primitive `name`) with clipped arguments handled as the module docstring says."""
    if name in ABSORBING:
        return fn

    @functools.wraps(fn)
    def guarded(*args):
        clipped = clipped_in(args)
        if is_static_false(clipped):
            return fn(*args)
        if name not in PRESERVING:
            flags.fits(~clipped)
            return fn(*args)
        out = fn(*args)
        if isinstance(out, (Indices, Object)):  # a container's elements keep their own flags
            out = dataclasses.replace(out, clipped=clipped | jnp.asarray(out.clipped))
        return out
    return guarded
