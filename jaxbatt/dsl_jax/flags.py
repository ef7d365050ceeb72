"""The two lane flags every dsl_jax computation carries: `ok` and `exact`.

- ok:    the reference (dsl_py) would have returned a value; False where it would raise.
- exact: the padded representation held the value (no capacity or window overflow, no
         order the emulation cannot reproduce). A lane with exact=False has an undefined
         value and undefined `ok`: the engine reruns it on a larger tier or on dsl_py.

Primitives never raise on data. They report conditions while they are traced:

    flags.require(denominator != 0)     # dsl_py would raise otherwise
    flags.fits(count <= capacity)       # the result would not fit otherwise

and whoever runs them collects the reports of one call:

    out, ok, exact = flags.collect(fn, *args)

Reports go to the innermost `collect` frame. Code that maps a Python callable over the
elements of a container under `jax.vmap` must collect inside the vmap (a report made inside
a vmap trace cannot leave it) and mask padding elements; `map_elements` does both.
"""
import contextlib
import threading

import jax
import jax.numpy as jnp


class _Frames(threading.local):
    """The collect frames of one thread (the engine traces program groups in threads), and
    how many elements map_elements computes at once there (None: all)."""

    def __init__(self):
        self.stack = []
        self.map_chunk = None


_frames = _Frames()


class _Frame:
    __slots__ = ("ok", "exact")

    def __init__(self):
        self.ok = []
        self.exact = []


def _top():
    if not _frames.stack:
        raise RuntimeError(
            "dsl_jax flag reported outside flags.collect: run primitives through "
            "flags.collect (or the engine) so that ok/exact are kept")
    return _frames.stack[-1]


def require(cond):
    """The reference would raise unless `cond` holds (bool scalar, traced or Python)."""
    _top().ok.append(jnp.asarray(cond, dtype=bool))


def fits(cond):
    """The padded value is exact only if `cond` holds (bool scalar, traced or Python)."""
    _top().exact.append(jnp.asarray(cond, dtype=bool))


def _all(conds):
    if not conds:
        return jnp.asarray(True)
    return jnp.all(jnp.stack([jnp.reshape(c, ()) for c in conds]))


@contextlib.contextmanager
def _frame():
    frame = _Frame()
    _frames.stack.append(frame)
    try:
        yield frame
    finally:
        _frames.stack.pop()


def collect_step(fn, *args, **kwargs):
    """Runs `fn(*args, **kwargs)`; returns (out, ok, exact) with the flags it reported.
    `out` may hold clipped patches (see clipping.py): for callers whose consumers are
    guarded primitives (the steps of generated programs, map_elements)."""
    with _frame() as frame:
        out = fn(*args, **kwargs)
    return out, _all(frame.ok), _all(frame.exact)


def collect(fn, *args, **kwargs):
    """Runs `fn(*args, **kwargs)`; returns (out, ok, exact) with the flags it reported.
    A result that holds a clipped patch (see clipping.py) is not exact."""
    from jaxbatt.dsl_jax.values import clipped_in  # values builds on this module
    out, ok, exact = collect_step(fn, *args, **kwargs)
    return out, ok, exact & ~jnp.asarray(clipped_in(out))


def report(ok, exact):
    """Forwards flags collected elsewhere (e.g. inside a vmap) to the current frame."""
    require(ok)
    fits(exact)


@contextlib.contextmanager
def chunked_maps(elements):
    """Within: map_elements computes `elements` elements at a time (jax.lax.map in batches)
    instead of all at once: nested maps then hold chunk x chunk intermediates, not K x K."""
    previous, _frames.map_chunk = _frames.map_chunk, elements
    try:
        yield
    finally:
        _frames.map_chunk = previous


def map_elements(fn, valid, *element_args):
    """`jax.vmap(fn)` over the leading axis of `element_args` (in chunks under
    chunked_maps), flags handled.

    `valid` (bool[K]) marks real elements; reports from padding elements are ignored,
    reports from real elements go to the current frame. Returns fn's batched output.
    """
    def one(*a):
        return collect_step(fn, *a)

    chunk = _frames.map_chunk
    if chunk and valid.shape[0] > chunk:
        out, ok, exact = jax.lax.map(lambda a: one(*a), element_args, batch_size=chunk)
    else:
        out, ok, exact = jax.vmap(one)(*element_args)
    report(jnp.all(ok | ~valid), jnp.all(exact | ~valid))
    return out
