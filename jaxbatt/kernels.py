"""Step kernels: one DSL call, jit(vmap)-compiled once per key, kept in memory and on disk.

A kernel computes one program step over a batch of lanes: the step's callee applied to its
arguments, with the deferred values it reads (callables, static tuples of callables:
values that are no arrays) rebuilt inside it. Its key is a `Recipe` (the step and those
deferred steps, with constants and primitive names in place and array inputs as numbered
slots), the forms of its slots (pytree structure, shapes, dtypes), the tier, the batch size
and the map chunk. Programs that differ in anything else (names, order, other lines) share
kernels, so a search that mutates programs keeps reusing the kernels it has compiled.

Kinds of kernel (decided by tracing the recipe once, then kept with it):
- VALUE: returns (value, ok, exact, clipped) batched, clipped = values.clipped_in(value);
- DEFERRED: the step's value is no array (a callable ...): nothing is computed but its
  flags, which are either known while tracing (`static_flags`) or computed by the kernel
  (returns (ok, exact));
- FAILED: a step that raises wherever it is called (raising.py; `Recipe.raises_where`): no
  value, flags (False, True) where its containers are all non-empty, not exact elsewhere.

A primitive of a family (FAMILIES: the primitives of one signature, e.g. rot90 ... compress,
Grid -> Grid), as the step's callee or as a function it passes on (`apply(rot90, x)`,
`compose(size, first)`), can be a switch in the recipe: ("switch", (k, family)) is the
member that the k-th opcode input (unbatched: lax.switch runs one branch) picks, so a
search swapping a primitive for another of its signature compiles nothing. A switch's
members are those that trace, on the arguments it is first called with, to the output form
most of them give (`Kernel.members[k]`); a recipe whose callee is not among them runs on its
own kernel.

The executable of each key is stored with its kind in the executable cache (executables.py),
so a new process loads it without tracing; at most MAX_KERNELS stay in memory.
"""
import collections
import dataclasses
import inspect
import threading
import time
from typing import Any, Optional, Tuple

import jax
import jax.numpy as jnp
import numpy as np

from jaxbatt import compile_worker, executables, memory
from jaxbatt.codegen import emit
from jaxbatt.dsl_jax import flags, values

VALUE = "value"
DEFERRED = "deferred"
FAILED = "failed"
TRACE_ERROR = "trace error"  # kept on disk too: a recipe that does not trace is not traced again

# An argument of a recipe step: ("slot", k) the k-th array input, ("local", j) the value of
# the recipe's j-th step, ("const", v) a literal, ("prim", name) a dsl_jax name; a callee
# may also be ("switch", members): the member the opcode input picks.
Ref = Tuple[str, Any]

# Callees whose value is a callable (a DEFERRED kernel, flags known while tracing).
CLOSURE_BUILDERS = frozenset({"compose", "chain", "fork", "rbind", "lbind", "matcher", "power"})
# Those and branch (it may return a callable) stand in no family.
NOT_IN_FAMILIES = CLOSURE_BUILDERS | {"branch"}


def _families() -> dict:
    """{primitive: the primitives of its signature (dsl_py's annotations), sorted}, for the
    signatures of two primitives or more."""
    from jaxbatt.dsl_py import PRIMITIVES

    by_signature = collections.defaultdict(list)
    for name, fn in PRIMITIVES.items():
        if name not in NOT_IN_FAMILIES:
            signature = inspect.signature(fn)
            by_signature[(tuple(p.annotation for p in signature.parameters.values()),
                          signature.return_annotation)].append(name)
    return {name: tuple(sorted(members)) for members in by_signature.values() if len(members) > 1
            for name in members}


FAMILIES = _families()


@dataclasses.dataclass(frozen=True)
class Recipe:
    """The calls a kernel makes, in program order; the last one is the kernel's step (its
    `default`, with failed lines defaulted, is its ir.failure_default), the others rebuild
    deferred values it reads (each once, so closures keep their identity and rank)."""

    calls: Tuple[Tuple[Ref, Tuple[Ref, ...]], ...]  # (callee, arguments) per call
    default: Optional[str] = None  # repr of the failure default; None: failures fail
    # A FAILED kernel's recipe (calls empty): the slots are the containers its step walks.
    raises_where: bool = False


def _literal(value):
    if isinstance(value, tuple) and len(value) == 2:
        return np.asarray(value, np.int32)  # an IntegerTuple
    return value


def switches(recipe: Recipe) -> int:
    """How many switches the recipe has (its kernel's opcode inputs, after its slots)."""
    found = set()

    def visit(ref):
        if ref[0] == "switch":
            found.add(ref[1][0])
    for callee, args in recipe.calls:
        for ref in (callee,) + args:
            visit(ref)
    return len(found)


def _form_of(fn, args):
    """The abstract output of fn on args (their arrays abstract, the rest as they are)."""
    leaves, tree = jax.tree_util.tree_flatten(args)
    dynamic = [i for i, x in enumerate(leaves) if isinstance(x, (jax.Array, np.ndarray, np.generic))]

    def on(*arrays):
        merged = list(leaves)
        for i, x in zip(dynamic, arrays):
            merged[i] = x
        return flags.collect(fn, *jax.tree_util.tree_unflatten(tree, merged))[0]
    return jax.eval_shape(on, *[leaves[i] for i in dynamic])


def _switch(k: int, family: Tuple[str, ...], opcode, found: dict):
    """The function the opcode picks among the family's members: found[k], those that trace
    on the arguments of its first call to the form most of them give (ties: family order)."""
    import jaxbatt.dsl_jax as dsl
    from jaxbatt.dsl_jax.functional import _arity, _with_arity

    def call(*args):
        if k not in found:
            forms = collections.defaultdict(list)
            for member in family:
                try:
                    out = _form_of(getattr(dsl, member), args)
                except Exception:  # noqa: BLE001 - a member that does not trace here is left out
                    continue
                leaves, tree = jax.tree_util.tree_flatten(out)
                forms[repr((tree, [(x.shape, x.dtype) for x in leaves]))].append(member)
            found[k] = tuple(max(forms.values(), key=len)) if forms else ()
        if not found[k]:
            raise TypeError(f"no member of {family} traces on these arguments")

        def branch(member):
            return lambda: jax.tree_util.tree_map(jnp.asarray, flags.collect(getattr(dsl, member), *args))
        out, ok, exact = jax.lax.switch(opcode, [branch(m) for m in found[k]])
        flags.report(ok, exact)
        return out
    return _with_arity(_arity(getattr(dsl, family[0])), call)


def _evaluate(recipe: Recipe, slots, opcodes=(), members=None):
    """(value, ok, exact) of the recipe's step on the slot values (under a trace); switch k
    runs the member opcodes[k] picks among members[k] (found while tracing)."""
    import jaxbatt.dsl_jax as dsl

    local = []
    switched = {}

    def resolve(ref):
        kind, x = ref
        if kind == "slot":
            return slots[x]
        if kind == "local":
            return local[x]
        if kind == "const":
            return _literal(x)
        if kind == "switch":
            k, family = x
            if k not in switched:
                switched[k] = _switch(k, family, opcodes[k], members)
            return switched[k]
        return getattr(dsl, x)

    for callee, args in recipe.calls[:-1]:
        # A deferred value's own flags are its step's (kept apart): discarded here.
        local.append(flags.collect_step(resolve(callee), *map(resolve, args))[0])
    callee, args = recipe.calls[-1]
    value, ok, exact = flags.collect_step(resolve(callee), *map(resolve, args))
    if recipe.default is not None:
        value, ok, exact = emit.defaulted(value, ok, exact, eval(recipe.default))
    return value, ok, exact


def is_deferred(value) -> bool:
    """A value that is no pytree of arrays: a callable, Functions, MappedClosures, or a
    Python tuple holding one."""
    if isinstance(value, (values.Functions, values.MappedClosures)):
        return True
    if isinstance(value, tuple):
        return any(is_deferred(v) for v in value)
    return callable(value) and not isinstance(value, (values.Grid, values.Indices, values.Object,
                                                       values.Container))


def form(value) -> tuple:
    """The form of a batched value: pytree structure (node classes and static fields
    included), leaf shapes without the batch axis, dtypes."""
    leaves, tree = jax.tree_util.tree_flatten(value)
    return str(tree), tuple((tuple(x.shape[1:]), str(x.dtype)) for x in leaves)


@dataclasses.dataclass
class Kernel:
    kind: str  # VALUE, DEFERRED or FAILED
    executable: Any = None  # jax Compiled (None: a DEFERRED kernel with static flags)
    static_flags: Optional[Tuple[bool, bool]] = None  # DEFERRED, FAILED: (ok, exact) known while tracing
    loaded: bool = False  # came from the disk cache and has not run yet
    bytes_needed: Optional[int] = None  # XLA's estimate for one call (None: not reported)
    folders: set = dataclasses.field(default_factory=set)  # cache folders that hold it
    members: Tuple[Tuple[str, ...], ...] = ()  # per switch: the callees its opcode picks, in order


class KernelTraceError(Exception):
    """A recipe that does not trace (the program goes on to the next tier / dsl_py)."""


class KernelNotReady(Exception):
    """A kernel neither in memory nor on disk that too few lanes have asked for yet to pay
    for its compile (KernelCache.get's compile_after), or whose compile ran past its limit
    and has not ended (compile_timeout): its lanes go on to the next tier or dsl_py."""


def _all_non_empty(containers):
    """bool[]: every container holds an element (its size computed exactly)."""
    import jaxbatt.dsl_jax as dsl

    known = jnp.asarray(True)
    for container in containers:
        n, ok, exact = flags.collect(dsl.size, container)
        known = known & ok & exact & (n > 0)
    return known


def _lane_function(recipe: Recipe, tier: values.Tier, map_chunk: Optional[int], seen: dict):
    """The per-lane function of a recipe (its opcodes after its slots); `seen` records what
    the trace found out (kind, static flags, members of each switch)."""
    n = switches(recipe)

    def lane(*inputs):
        slots, opcodes = inputs[:len(inputs) - n], inputs[len(inputs) - n:]
        with values.use_tier(tier), flags.chunked_maps(map_chunk):
            if recipe.raises_where:
                seen["kind"], seen["static"] = FAILED, None
                return jnp.asarray(False), _all_non_empty(slots)
            value, ok, exact = _evaluate(recipe, slots, opcodes, seen.setdefault("members", {}))
            if is_deferred(value):
                seen["kind"] = DEFERRED
                concrete = not isinstance(ok, jax.core.Tracer) and not isinstance(exact, jax.core.Tracer)
                seen["static"] = (bool(ok), bool(exact)) if concrete else None
                return jnp.asarray(ok), jnp.asarray(exact)
            seen["kind"] = VALUE
            return value, jnp.asarray(ok), jnp.asarray(exact), jnp.asarray(values.clipped_in(value))
    return lane


def _build(recipe, tier, size, map_chunk, slots, compile_timeout: Optional[float] = None,
           when_late=None, max_memory: Optional[int] = None) -> Kernel:
    """Traces and compiles a recipe for `size` lanes of the batched `slots`. A compile past
    `compile_timeout` seconds raises executables.CompileTimeout and, once it ends, hands its
    Kernel to when_late(kernel); at a large tier on the CPU it compiles in the compile worker,
    killed past the time or `max_memory` (CompileTimeout, memory.OverMemoryLimit)."""
    seen = {}
    n = switches(recipe)
    fn = jax.jit(jax.vmap(_lane_function(recipe, tier, map_chunk, seen), in_axes=(0,) * len(slots) + (None,) * n,
                          axis_size=size))
    try:
        lowered = executables.lower(fn, (*slots, *[np.int32(0)] * n), isolated=memory.is_large(tier))
    except Exception as error:
        raise KernelTraceError(f"{type(error).__name__}: {error}") from None
    if seen["kind"] in (DEFERRED, FAILED) and seen["static"] is not None:
        return Kernel(DEFERRED, static_flags=seen["static"])
    members = tuple(seen["members"].get(k, ()) for k in range(n))

    def kernel_of(executable):
        return Kernel(seen["kind"], executable, bytes_needed=executables.bytes_needed(executable), members=members)

    late = None if when_late is None else lambda executable: when_late(kernel_of(executable))
    return kernel_of(executables.compile_within(lowered, compile_timeout, late, memory.compiler_options(tier),
                                                max_memory))


def _store(cache_dir, name, kernel: Kernel):
    kernel.folders.add(cache_dir)
    executables.store(cache_dir, name, kernel.executable, meta={
        "kind": kernel.kind, "static_flags": kernel.static_flags, "bytes_needed": kernel.bytes_needed,
        "members": kernel.members})


class KernelCache:
    """Kernels by key, in memory (the MAX_KERNELS used last, whatever cache folder they came
    from: a kernel is the same in every folder) and in each cache folder that asks for them.

    Thread-safe: a key is compiled once however many threads ask for it."""

    MAX_KERNELS = 4096

    def __init__(self):
        self.lock = threading.Lock()
        self.kernels = collections.OrderedDict()  # name -> Kernel, or the KernelTraceError
        self.building = {}  # name -> Lock held while one thread builds it
        self.compile_seconds = 0.0  # traced and compiled here (all threads)
        self.compiled = 0  # XLA compiles
        self.traced = 0  # recipes traced with nothing to compile (static flags, trace errors)
        self.loaded = 0  # from the disk cache
        self.asked = collections.Counter()  # name -> lanes that asked for a kernel not compiled yet
        self.not_ready = 0  # times get() answered KernelNotReady
        self.compiling_late = set()  # names whose compile ran past its limit and goes on
        self.abandoned = set()  # names whose compile the worker gave up (time, memory, XLA error)
        self.timed_out = 0  # compiles past their limit

    def clear(self):
        with self.lock:
            self.kernels.clear()

    def get(self, cache_dir: str, recipe: Recipe, forms: tuple, tier: values.Tier, size: int,
            map_chunk: Optional[int], slots, lanes: int = 0, compile_after: Optional[int] = None,
            compile_timeout: Optional[float] = None, max_memory: Optional[int] = None) -> Tuple[Kernel, float]:
        """(the kernel, seconds this call spent tracing and compiling it). Raises
        KernelTraceError for a recipe that does not trace (remembered).

        compile_after: None compiles a missing kernel at once; a number compiles it once that
        many lanes (this call's `lanes` and earlier calls', in this process) have asked for
        it, and raises KernelNotReady until then: renting (dsl_py per lane) until the rent
        paid equals the price (one compile) costs at most twice the better choice made
        knowing the future.

        compile_timeout: a compile past it raises KernelNotReady, as does every get() of the
        kernel until that compile, going on in the background, has ended (the kernel is then
        kept as any other). One the compile worker gave up (compile_timeout, `max_memory`,
        an XLA error: compile_worker.py) raises KernelNotReady for the rest of the process."""
        name = executables.key("kernel", recipe, forms, repr(tier), size, map_chunk)
        with self.lock:
            kernel = self.kernels.get(name)
            if kernel is not None:
                self.kernels.move_to_end(name)
            elif name in self.compiling_late or name in self.abandoned:
                self.not_ready += 1
                raise KernelNotReady(name)
            else:
                building = self.building.setdefault(name, threading.Lock())
        if kernel is None:
            with building:
                kernel, seconds = self._load_or_build(name, cache_dir, recipe, tier, size, map_chunk, slots,
                                                      lanes, compile_after, compile_timeout, max_memory)
        else:
            seconds = 0.0
            if isinstance(kernel, Kernel) and cache_dir not in kernel.folders:
                _store(cache_dir, name, kernel)
        if isinstance(kernel, KernelTraceError):
            raise kernel
        return kernel, seconds

    def _load_or_build(self, name, cache_dir, recipe, tier, size, map_chunk, slots, lanes, compile_after,
                       compile_timeout, max_memory):
        with self.lock:
            if name in self.kernels:  # another thread built it meanwhile
                return self.kernels[name], 0.0
        start = time.perf_counter()
        entry = executables.load(cache_dir, name, with_meta=True)
        if entry is None and compile_after is not None:
            with self.lock:
                self.asked[name] += lanes
                if self.asked[name] < compile_after:
                    self.building.pop(name, None)
                    self.not_ready += 1
                    raise KernelNotReady(name)
                del self.asked[name]
        if entry is not None:
            executable, meta = entry
            if meta["kind"] == TRACE_ERROR:
                kernel = KernelTraceError(meta["message"])
            else:
                kernel = Kernel(meta["kind"], executable, meta.get("static_flags"), loaded=executable is not None,
                                bytes_needed=meta.get("bytes_needed"), folders={cache_dir},
                                members=tuple(map(tuple, meta.get("members", ()))))
            seconds = 0.0
            with self.lock:
                self.loaded += 1
        else:
            try:
                with memory.compile_slot(tier):
                    kernel = _build(recipe, tier, size, map_chunk, slots, compile_timeout,
                                    lambda late: self._keep_late(cache_dir, name, late), max_memory)
                _store(cache_dir, name, kernel)
            except KernelTraceError as error:
                kernel = error
                executables.store(cache_dir, name, None, meta={"kind": TRACE_ERROR, "message": str(error)})
            except (executables.CompileTimeout, memory.OverMemoryLimit, compile_worker.CompileFailed) as error:
                with self.lock:
                    self.compile_seconds += time.perf_counter() - start
                    goes_on = isinstance(error, executables.CompileTimeout) and not error.killed
                    (self.compiling_late if goes_on else self.abandoned).add(name)
                    self.building.pop(name, None)
                    self.timed_out += isinstance(error, executables.CompileTimeout)
                    self.not_ready += 1
                raise KernelNotReady(name) from None
            seconds = time.perf_counter() - start
            with self.lock:
                self.compile_seconds += seconds
                if isinstance(kernel, Kernel) and kernel.executable is not None:
                    self.compiled += 1
                else:
                    self.traced += 1
        with self.lock:
            self.kernels[name] = kernel
            self.building.pop(name, None)
            while len(self.kernels) > self.MAX_KERNELS:
                self.kernels.popitem(last=False)
        return kernel, seconds

    def _keep_late(self, cache_dir, name, kernel: Kernel):
        """Keeps a kernel whose compile ended after its limit (it runs for later calls)."""
        _store(cache_dir, name, kernel)
        with self.lock:
            self.kernels[name] = kernel
            self.compiling_late.discard(name)
            self.compiled += 1

    def rebuild(self, cache_dir, recipe, forms, tier, size, map_chunk, slots) -> Kernel:
        """A fresh compile of a kernel whose cached executable failed to run here (XLA:CPU
        can fail to resolve a loaded executable's functions); replaces the cached one."""
        name = executables.key("kernel", recipe, forms, repr(tier), size, map_chunk)
        kernel = _build(recipe, tier, size, map_chunk, slots)
        _store(cache_dir, name, kernel)
        with self.lock:
            self.kernels[name] = kernel
        return kernel


KERNELS = KernelCache()
