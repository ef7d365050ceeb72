"""Runs program groups over batches of grids: jit(vmap(batt)) per group and tier, fallback.

Every lane's result is exact: lanes try the tiers of the ladder in order (a lane whose grids
exceed a tier's canvas skips it; one a tier cannot hold, exact=False, goes on to the next),
and lanes that no tier held run on dsl_py. Each lane records which path produced it: "jax"
(a tier up to SMALL), "jax-large" (a larger tier) or "reference" ("timeout" where dsl_py ran
past EngineConfig.reference_timeout: no value, not an error either). A group that fails to trace is split into
its programs; a program that fails to trace runs wholly on dsl_py, with the reason kept.
A program in a dialect that dsl_jax does not implement (tokpidjin's) runs wholly on its
reference, Outcome.reference_reason saying why.
Groups are traced, compiled and run in a pool of threads (XLA compiles and runs without
holding the GIL); each thread keeps its own dsl_jax tier and flag state.
"""
import atexit
import collections
import concurrent.futures
import contextlib
import dataclasses
import multiprocessing
import os
import signal
import threading
import time
from typing import Dict, List, Optional, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from jaxbatt import executables, memory, stepped
from jaxbatt.codegen import dialects, emit
from jaxbatt.codegen.ir import FAILED_LINES, Program
from jaxbatt.codegen.reference import run_program
from jaxbatt.dsl_jax import flags, values

PATHS = ("jax", "jax-large", "reference")
EXECUTORS = ("auto", "steps", "programs")
TIMEOUT = "timeout"  # the path of a lane whose dsl_py evaluation ran past the time limit


@dataclasses.dataclass
class Lane:
    """One evaluation input: a grid, its task's train pairs, and the expected output."""

    grid: np.ndarray  # (h, w) int
    train: tuple = ()  # ((input, output), ...) numpy grids of the lane's task
    expected: Optional[np.ndarray] = None


@dataclasses.dataclass
class Outcome:
    """One program's results on every lane of a batch."""

    outputs: List[object]  # per lane: np.ndarray (a grid), another Python value, or None (error)
    paths: List[str]  # per lane: one of PATHS, or TIMEOUT (output None)
    # Why lanes of the program ran on the reference although it has a JAX path: the tiers
    # whose trace failed, or whose calls needed more memory than the budget even for one lane.
    trace_error: Optional[str] = None
    compile_seconds: float = 0.0
    # Why every lane of the program runs on the reference by design (its dialect has no
    # JAX path: dialects.Dialect.no_jax_reason); None: it has one.
    reference_reason: Optional[str] = None
    run_seconds: float = 0.0  # in compiled calls
    # Wall seconds per path (the program's share of its group's calls, padding, output
    # conversion; for "reference" its own lanes), compile excluded.
    path_seconds: Dict[str, float] = dataclasses.field(default_factory=lambda: dict.fromkeys(PATHS, 0.0))


def default_tiers() -> tuple:
    """The tiers lanes try before the reference: tiny, small, large on an accelerator; tiny,
    small on a CPU, where a large-tier lane costs ~100x a dsl_py evaluation (measured with
    benchmarks/bench_battery.py: 250 ms against 2.4 ms per lane) and the reference is cheaper."""
    if jax.default_backend() == "cpu":
        return (values.TINY, values.SMALL)
    return (values.TINY, values.SMALL, values.LARGE)


@dataclasses.dataclass
class EngineConfig:
    tiers: Optional[Sequence[values.Tier]] = None  # None: default_tiers()
    group_size: int = 8  # programs per compiled function at the first tier that runs them
    min_batch: int = 8  # batches are padded to a power of two at least this large
    # Lanes per call at later tiers, where each program runs alone on its own pending lanes,
    # every call padded to this size (one executable per program and tier). None: 32 on a
    # CPU, 256 on an accelerator.
    later_batch: Optional[int] = None
    large_batch: int = 4  # the same at tiers larger than SMALL: their values are much larger
    cache_dir: Optional[str] = None  # generated modules and XLA's persistent cache
    force_reference: bool = False  # skip JAX entirely (for testing the fallback)
    # A guarded batt line (try/except) whose call fails: "fail" fails what depends on it;
    # "default" gives it its type's default and dependents go on (card.py; ir.failure_default).
    failed_lines: str = "fail"
    # Bytes one compiled call may use (XLA's estimate: arguments, outputs, temporaries).
    # Calls over it run on fewer lanes; a program over it with one lane skips the tier.
    # None: half the device's memory where JAX reports it, else 4 GiB. Shared by the threads.
    memory_budget: Optional[int] = None
    # Program groups in flight at once (compiling or running); None: the CPU count, at most 8.
    threads: Optional[int] = None
    # Processes (spawned, so the calling script needs an `if __name__ == "__main__":` guard)
    # that run the lanes left to dsl_py when there are at least REFERENCE_POOL_MIN of them;
    # 1: every lane in this process.
    reference_procs: int = 1
    # Seconds one lane may take on dsl_py (in the pool, or in this process when it is the
    # main thread); past it the lane's path is TIMEOUT and its output None. None: no limit.
    reference_timeout: Optional[float] = 60.0
    # How a group runs: "steps" (programs as data: per-step kernels compiled once and
    # shared by every program, stepped.py), "programs" (each group one jit(vmap) program,
    # CompiledGroup), or "auto" (see choose_executor).
    executor: str = "auto"
    # Stepped executor: None compiles every kernel a program needs at once; a number N
    # compiles a missing kernel once N lanes have asked for it (in this process), and runs
    # the lanes of programs that need it on dsl_py until then. For searches, where most new
    # kernels serve one candidate on a few lanes: N = a compile's cost in dsl_py lanes.
    compile_after_lanes: Optional[int] = None
    # Seconds one XLA compile (a program group's, a step kernel's) may take; past it nothing
    # waits for it: the group or program goes on to the next tier (steps: its lanes, as for a
    # kernel not ready), and the compile, finishing in the background, is kept for later
    # calls. None: no limit. XLA:CPU's constant folding alone can take minutes on a module.
    compile_timeout: Optional[float] = 120.0
    # Bytes of resident memory the process may reach (memory.py): past 80% of it caches are
    # dropped, then groups go to dsl_py; each call's buffers must fit what is left. None:
    # no limit. Default: 60% of the machine's memory.
    max_memory: Optional[int] = dataclasses.field(default_factory=memory.default_limit)

    def __post_init__(self):
        if self.tiers is None:
            self.tiers = default_tiers()
        if self.later_batch is None:
            self.later_batch = 32 if jax.default_backend() == "cpu" else 256
        if self.executor not in EXECUTORS:
            raise ValueError(f"executor must be one of {EXECUTORS}, not {self.executor!r}")
        if self.failed_lines not in FAILED_LINES:
            raise ValueError(f"failed_lines must be one of {FAILED_LINES}, not {self.failed_lines!r}")


_cache_folder = None


def enable_compilation_cache(cache_dir: Optional[str] = None):
    """Turns on JAX's persistent compilation cache in `cache_dir`/xla (default: a folder
    under the user's cache directory). The first folder set in a process stays."""
    global _cache_folder
    if _cache_folder is not None:
        return _cache_folder
    _cache_folder = os.path.join(cache_dir or emit.default_cache_dir(), "xla")
    os.makedirs(_cache_folder, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", _cache_folder)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return _cache_folder


def clear_compiled():
    """Forgets compiled groups (and failed ones) and step kernels in this process (the
    persistent cache stays)."""
    _release_compiled()
    _compiled_groups.clear()


def _release_compiled():
    """Drops the executables this process holds (they reload from the executable cache);
    the groups that failed stay remembered."""
    with _compiled_groups_lock:
        for key in [k for k, v in _compiled_groups.items() if not isinstance(v, Exception)]:
            del _compiled_groups[key]
    stepped.KERNELS.clear()
    jax.clear_caches()


def _bucket(n, minimum, devices=1):
    """Batch size for n lanes: a power of two >= minimum, a multiple of the device count."""
    size = max(minimum, 1)
    while size < n:
        size *= 2
    return -(-size // devices) * devices


def batch_sharding():
    """Shards the batch axis over all local devices (None on one device)."""
    devices = jax.devices()
    if len(devices) == 1:
        return None
    mesh = jax.sharding.Mesh(np.array(devices), ("batch",))
    return jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec("batch"))


def _to_py_grid(array) -> tuple:
    return tuple(map(tuple, np.asarray(array).tolist()))


_NO_CANVAS = np.iinfo(np.int32).max  # a side no tier's canvas reaches


def canvas_side(grid) -> int:
    """The canvas side a lane's grid needs: its larger dimension; _NO_CANVAS when its cells
    do not fit the int8 planes (a 2-D array of colours 0..127; -1 marks padding), so that
    no tier takes it and its lane runs on the reference."""
    grid = np.asarray(grid)
    if grid.ndim != 2 or grid.dtype.kind not in "iu" or (grid.size and (grid.min() < 0 or grid.max() > 127)):
        return _NO_CANVAS
    return max(grid.shape)


def pad_grids(grids: Sequence[np.ndarray], tier: values.Tier, sides: Optional[Sequence[int]] = None):
    """A batched Grid (cells int8[B, C, C], h, w int32[B]); grids larger than C, or whose
    cells int8 planes cannot hold, don't fit. `sides`: each grid's canvas_side where the
    caller has it (PaddedLanes computes them once per lane)."""
    c = tier.canvas
    cells = np.full((len(grids), c, c), -1, np.int8)
    h = np.zeros(len(grids), np.int32)
    w = np.zeros(len(grids), np.int32)
    fits = np.ones(len(grids), bool)
    for b, grid in enumerate(grids):
        grid = np.asarray(grid)
        if (canvas_side(grid) if sides is None else sides[b]) > c:
            fits[b] = False
            continue
        cells[b, : grid.shape[0], : grid.shape[1]] = grid
        h[b], w[b] = grid.shape
    return values.Grid(cells, h, w), fits


def pad_train(trains: Sequence[tuple], tier: values.Tier):
    """S per lane: a tuple Container of (input Grid, output Grid) pairs; batched. Only the
    grids' shapes are read: their cells must fit int8 planes (PaddedLanes.gather passes the
    train pairs of such lanes only)."""
    k = tier.capacity
    inputs = [[pair[0] for pair in train] for train in trains]
    outputs = [[pair[1] for pair in train] for train in trains]
    fits = np.array([len(t) <= k for t in trains])
    blank = np.zeros((1, 1), np.int8)

    def stack(side):
        flat = [g for lane in side for g in (lane + [blank] * k)[:k]]
        grid, ok = pad_grids(flat, tier, [max(np.shape(g)) for g in flat])
        cells = grid.cells.reshape(len(side), k, tier.canvas, tier.canvas)
        empty = np.arange(k)[None, :] >= np.array([len(lane) for lane in side])[:, None]
        h = np.where(empty, 0, grid.h.reshape(len(side), k))
        w = np.where(empty, 0, grid.w.reshape(len(side), k))
        cells = np.where(empty[:, :, None, None], -1, cells)
        return values.Grid(cells, h.astype(np.int32), w.astype(np.int32)), ok.reshape(len(side), k).all(axis=1)

    ins, ok_in = stack(inputs)
    outs, ok_out = stack(outputs)
    sizes = np.array([min(len(t), k) for t in trains], np.int32)
    return values.Container((ins, outs), sizes, "tuple"), fits & ok_in & ok_out


class PaddedLanes:
    """The lanes of one evaluate call, padded once per tier: calls gather their rows.

    Input grids and targets are padded for all lanes at a tier's first use (int8[n, C, C]
    each); train pairs (K grids per side per lane) are padded per call, for its lanes only."""

    def __init__(self, lanes: Sequence[Lane]):
        self.lanes = list(lanes)
        n = len(self.lanes)
        self.grid_side = np.array([canvas_side(lane.grid) for lane in self.lanes], np.int32).reshape(n)
        self.train_side = np.array([max((canvas_side(g) for pair in lane.train for g in pair), default=0)
                                    for lane in self.lanes], np.int32).reshape(n)
        self.train_pairs = np.array([len(lane.train) for lane in self.lanes], np.int32).reshape(n)
        self.has_target = np.array([lane.expected is not None for lane in self.lanes], bool).reshape(n)
        self.target_side = np.array([canvas_side(lane.expected) if lane.expected is not None else 0
                                     for lane in self.lanes], np.int32).reshape(n)
        self._grids = {}  # tier -> (batched Grid, fits) of the inputs
        self._targets = {}  # tier -> (batched Grid, fits) of the targets

    def __len__(self):
        return len(self.lanes)

    def held(self, tier: values.Tier, uses_train: bool, uses_target: bool) -> np.ndarray:
        """bool[n]: whether each lane's grids (the input, and the train pairs and target where
        the program reads them) fit the tier's canvas and capacity."""
        c = tier.canvas
        fits = self.grid_side <= c
        if uses_train:
            fits &= (self.train_pairs <= tier.capacity) & (self.train_side <= c)
        if uses_target:
            fits &= self.target_side <= c
        return fits

    def gather(self, tier: values.Tier, order: Sequence[int], uses_train: bool, uses_target: bool):
        """(grid, train or None, target or None, fits bool[len(order)]) for the lanes `order`."""
        order = np.asarray(order, np.int64)
        if tier not in self._grids:
            self._grids[tier] = pad_grids([lane.grid for lane in self.lanes], tier, self.grid_side)
        grid, fits = self._take(self._grids[tier], order)
        train = target = None
        if uses_train:
            holdable = self.train_side[order] <= tier.canvas
            train, train_fits = pad_train([self.lanes[i].train if ok else () for i, ok in zip(order, holdable)], tier)
            fits = fits & train_fits & holdable
        if uses_target:
            if tier not in self._targets:
                known = [lane.expected if lane.expected is not None else np.zeros((1, 1)) for lane in self.lanes]
                self._targets[tier] = pad_grids(known, tier, np.maximum(self.target_side, 1))
            target, target_fits = self._take(self._targets[tier], order)
            fits = fits & target_fits & self.has_target[order]
        return grid, train, target, fits

    @staticmethod
    def _take(padded, order):
        grid, fits = padded
        return values.Grid(grid.cells[order], grid.h[order], grid.w[order]), fits[order]


def default_memory_budget() -> int:
    stats = jax.devices()[0].memory_stats() or {}
    return stats["bytes_limit"] // 2 if "bytes_limit" in stats else 4 << 30


class OverMemoryBudget(Exception):
    """A compiled call would need more memory than the budget; `lanes` per call would fit
    (a power of two; 0 when not even one lane does)."""

    def __init__(self, bytes_per_lane: float, lanes: int):
        super().__init__(f"needs {bytes_per_lane / 2**20:.0f} MiB per lane; {lanes} lanes per call fit "
                         "the memory budget")
        self.bytes_per_lane = bytes_per_lane
        self.lanes = lanes


def check_memory(group, needed: Optional[int], size: int):
    """Raises OverMemoryBudget when a call of `size` lanes needing `needed` bytes (None: not
    known) is over group.memory_budget or the room left under group.max_memory, after
    setting group.max_lanes to the lanes that fit."""
    if needed is None:
        return
    room = memory.room(group.max_memory)
    budget = group.memory_budget if room is None else min(group.memory_budget, room)
    if needed <= budget:
        return
    per_lane = needed / size
    lanes = 0 if per_lane > budget else 1 << int(np.log2(budget / per_lane))
    group.max_lanes = min(lanes, size // 2)
    raise OverMemoryBudget(per_lane, group.max_lanes)


class CompiledGroup:
    """jit(vmap(batt)) of one program group at one tier."""

    def __init__(self, programs: Sequence[Program], tier: values.Tier, cache_dir=None, defaults: bool = False,
                 memory_budget: Optional[int] = None, map_chunk: Optional[int] = None,
                 compile_timeout: Optional[float] = None, max_memory: Optional[int] = None):
        self.programs = list(programs)
        self.tier = tier
        self.map_chunk = map_chunk  # elements a mapped function runs on at once (None: all)
        self.memory_budget = memory_budget or default_memory_budget()
        self.compile_timeout = compile_timeout  # seconds (executables.compile_within)
        self.max_memory = max_memory  # EngineConfig's: the room check_memory leaves a call
        self.max_lanes = None  # lanes per call within the memory budget, once one call was over
        self.cache_dir = cache_dir or emit.default_cache_dir()
        self.module = emit.load(self.programs, cache_dir, defaults)
        self.uses_train = any(p.uses("S") for p in self.programs)
        self.uses_target = any(p.uses("C") for p in self.programs)

        def lane(I, S, C):
            with values.use_tier(tier), flags.chunked_maps(map_chunk):
                results = self.module.batt(I, S, C)
            return {name: (out, jnp.asarray(ok), jnp.asarray(ex)) for name, (out, ok, ex) in results.items()}

        self.fn = jax.jit(jax.vmap(lane))
        self.compiled = {}  # batch size -> compiled executable
        self.loaded = set()  # batch sizes whose executable came from the cache and has not run yet
        self.compile_seconds = 0.0
        self.run_seconds = 0.0

    def __call__(self, lanes: PaddedLanes, indices: Sequence[int], min_batch: int):
        """(outputs {program: (value, ok, exact)} batched, which of the lanes `indices` fit the tier)."""
        n = len(indices)
        sharding = batch_sharding()
        size = _bucket(n, min_batch, len(sharding.device_set) if sharding else 1)
        order = list(indices) + [indices[0]] * (size - n)
        grid, train, target, fits = lanes.gather(self.tier, order, self.uses_train, self.uses_target)
        if sharding is not None:
            grid, train, target = jax.device_put((grid, train, target), sharding)
        if size not in self.compiled:
            start = time.perf_counter()
            executable = self._compile(size, grid, train, target, sharding)
            self.compile_seconds += time.perf_counter() - start
            check_memory(self, executables.bytes_needed(executable), size)
            self.compiled[size] = executable
        start = time.perf_counter()
        try:
            out = jax.device_get(self.compiled[size](grid, train, target))
        except Exception:
            if size not in self.loaded:
                raise
            # An executable from the cache that this process cannot run (XLA:CPU can fail
            # to resolve a loaded executable's functions after compiling others): compile it.
            self.compiled[size] = self._compile(size, grid, train, target, sharding, use_cache=False)
            out = jax.device_get(self.compiled[size](grid, train, target))
        self.loaded.discard(size)
        self.run_seconds += time.perf_counter() - start
        return out, fits[:n]

    def _compile(self, size, grid, train, target, sharding, use_cache=True):
        """The executable for one batch size: from the executable cache, else traced and
        compiled (and stored). Sharded executables are left to JAX's own cache."""
        if sharding is not None:
            return executables.compile_within(self.fn.lower(grid, train, target), self.compile_timeout)
        name = executables.key(self.module.__name__, self.tier, size, self.uses_train, self.uses_target,
                               self.map_chunk)
        compiled = executables.load(self.cache_dir, name) if use_cache else None
        if compiled is not None:
            self.loaded.add(size)
            return compiled

        def store(executable):  # also when it ends past the limit: a later run loads it
            executables.store(self.cache_dir, name, executable)

        with memory.compile_slot(self.tier):
            lowered = executables.lower(self.fn, (grid, train, target), isolated=memory.is_large(self.tier))
            compiled = executables.compile_within(lowered, self.compile_timeout, store,
                                                  memory.compiler_options(self.tier), self.max_memory)
        store(compiled)
        return compiled


# (programs, tier, cache dir, defaults) -> CompiledGroup, or the exception that stopped its
# trace. Executables take host memory (tens of MB each on the CPU) and memory mappings
# (hundreds each on XLA:CPU): only the most recently used MAX_COMPILED_GROUPS stay, fewer
# while the process holds more than half the mappings Linux allows it (past the limit the
# next compile fails and XLA:CPU aborts); the others reload from the executable cache.
MAX_COMPILED_GROUPS = 160
_compiled_groups = collections.OrderedDict()
_compiled_groups_lock = threading.Lock()


def choose_executor(config: EngineConfig) -> str:
    """The executor config.executor names; "auto" is "programs" for now: the stepped
    executor is opt-in until its per-call cost is measured against the jit path (the test
    suite on steps took 4x as long on 2 cores, each test compiling its own kernels)."""
    if config.executor != "auto":
        return config.executor
    return "programs"


def _compiled_group(key, group, tier, config, defaults, map_chunk):
    with _compiled_groups_lock:
        if key in _compiled_groups:
            _compiled_groups.move_to_end(key)
        else:
            budget = (config.memory_budget or default_memory_budget()) // _threads(config)
            if choose_executor(config) == "programs":
                compiled = CompiledGroup(group, tier, config.cache_dir, defaults, budget, map_chunk,
                                         config.compile_timeout, config.max_memory)
            else:
                compiled = stepped.SteppedGroup(group, tier, config.cache_dir, defaults, budget, map_chunk,
                                                config.compile_after_lanes, config.compile_timeout,
                                                config.max_memory)
            _compiled_groups[key] = compiled
            live = [k for k, v in _compiled_groups.items() if isinstance(v, CompiledGroup)]
            for old in live[:-MAX_COMPILED_GROUPS]:
                del _compiled_groups[old]
            for old in live[-MAX_COMPILED_GROUPS:-1]:
                if not _many_mappings():
                    break
                del _compiled_groups[old]
        return _compiled_groups[key]


def _mapping_use() -> Optional[tuple]:
    """(memory mappings this process holds, vm.max_map_count), or None where /proc does
    not tell."""
    try:
        with open("/proc/self/maps") as maps:
            used = sum(1 for _ in maps)
        with open("/proc/sys/vm/max_map_count") as limit:
            return used, int(limit.read())
    except (OSError, ValueError):
        return None


def _many_mappings() -> bool:
    """Whether this process holds more than half the memory mappings Linux allows it."""
    use = _mapping_use()
    return use is not None and use[0] > use[1] // 2


def _forget_group(key, error):
    """A group whose trace or compile failed: remembered as the error (_drop_frames)."""
    _drop_frames(error)
    with _compiled_groups_lock:
        _compiled_groups[key] = error


def _drop_frames(error):
    """Clears the error's traceback and chained errors: their frames would keep what they
    held alive (an over-budget call's executable, hundreds of memory mappings each)."""
    error.__traceback__ = error.__context__ = error.__cause__ = None


def _threads(config) -> int:
    return max(1, config.threads or min(os.cpu_count() or 1, 8))


def _output_reader(value):
    """For a batched dsl_jax output (numpy leaves), a function from a lane index to that
    lane's Python/numpy value, as as_output gives the reference's (grids of colours 0..9 as
    int8 arrays, others as tuples)."""
    def general(b):
        return as_output(values.to_py(jax.tree_util.tree_map(lambda x: x[b], value)))

    if not isinstance(value, values.Grid):
        return general
    cells, h, w = np.asarray(value.cells, np.int8), np.asarray(value.h), np.asarray(value.w)

    def grid(b):
        block = cells[b, : h[b], : w[b]]
        if block.size and block.min() >= 0 and block.max() <= 9:
            return block.copy()
        return general(b)
    return grid


class ReferenceTimeout(BaseException):
    """A lane's dsl_py evaluation ran past its time limit (a BaseException, so that
    run_program's `except Exception` per line does not take it for a failing line)."""


@contextlib.contextmanager
def _time_limit(seconds: Optional[float]):
    """Raises ReferenceTimeout here after `seconds` (SIGALRM: in a main thread only; no limit
    elsewhere, or with seconds None)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    active = [True]

    def alarm(signum, frame):
        if active[0]:
            # Python drops an exception raised while a finalizer or gc callback runs: the
            # alarm rings again shortly until one reaches the block.
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            raise ReferenceTimeout()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        while True:  # an alarm that rings during this clean-up starts it again
            try:
                active[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
                break
            except ReferenceTimeout:
                continue


def _reference_lane(program: Program, lane: Lane, defaults: bool, timeout: Optional[float]):
    """(output, path) of one lane on dsl_py: path "reference", or TIMEOUT past `timeout` s."""
    try:
        with _time_limit(timeout):
            return _reference_output(program, lane, defaults), "reference"
    except ReferenceTimeout:
        return None, TIMEOUT


def _reference_output(program: Program, lane: Lane, defaults: bool = False):
    train = tuple((_to_py_grid(i), _to_py_grid(o)) for i, o in lane.train)
    target = _to_py_grid(lane.expected) if lane.expected is not None else None
    results = run_program(program, _to_py_grid(lane.grid), train, target, defaults)
    ok, value = results[program.outputs[0][0]]
    if not ok:
        return None
    return as_output(value)


def as_output(value):
    """A result as the engine returns it: a grid as an int8 array, anything else as is."""
    is_grid = (isinstance(value, tuple) and value and all(isinstance(r, tuple) for r in value)
               and len({len(r) for r in value}) == 1
               and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 9 for r in value for v in r))
    return np.asarray(value, np.int8) if is_grid else value


def same_output(a, b) -> bool:
    """Whether two results in as_output's form (None: the program raised) are equal."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and bool((a == b).all())
    return a == b


def evaluate(programs: Sequence[Program], lanes: Sequence[Lane], config: EngineConfig = None,
             lanes_of: Dict[str, Sequence[int]] = None, progress=None) -> Dict[str, Outcome]:
    """Programs on lanes: {program name: Outcome} (each program has one output).

    lanes_of: the lanes each program runs on (default: all); other lanes stay None.
    progress: optional callback progress(phase, done, total), phase "jax" or "reference"."""
    config = config or EngineConfig()
    enable_compilation_cache(config.cache_dir)
    outcomes = {p.name: Outcome([None] * len(lanes), ["reference"] * len(lanes)) for p in programs}
    everything = range(len(lanes))
    pending = {p.name: set(lanes_of[p.name] if lanes_of else everything) for p in programs}
    reference = _ReferenceLanes(programs, lanes, config, outcomes, pending, progress)
    # Programs of a dialect without a JAX path (tokpidjin's, for now) go to dsl_py at once.
    for program in programs:
        outcomes[program.name].reference_reason = dialects.dialect(program.dsl).no_jax_reason
    without_jax = [p for p in programs if outcomes[p.name].reference_reason]
    if without_jax:
        reference.add(without_jax)
    programs = [p for p in programs if not outcomes[p.name].reference_reason]
    if not config.force_reference and lanes and programs:
        padded = PaddedLanes(lanes)
        groups = [programs[i:i + config.group_size] for i in range(0, len(programs), config.group_size)]
        # Groups touch disjoint programs' outcomes and pending lanes: they run concurrently.
        # The lanes a program left once its ladder is done go to dsl_py while the others run.
        with concurrent.futures.ThreadPoolExecutor(min(_threads(config), len(groups))) as pool:
            running = [pool.submit(_run_group, group, padded, config, outcomes, pending, reference.add)
                       for group in groups]
            for done, future in enumerate(concurrent.futures.as_completed(running)):
                future.result()
                if progress:
                    progress("jax", done + 1, len(groups))
    else:
        reference.add(programs)
    reference.finish()
    return outcomes


# Below this many lanes left to dsl_py, they run in this process (a pool takes seconds to start).
REFERENCE_POOL_MIN = 256
REFERENCE_CHUNK = 16  # lanes of one program per pool task
_reference_pool = None  # (processes, multiprocessing pool), shared by evaluate calls


def _pool(processes):
    global _reference_pool
    if _reference_pool is None or _reference_pool[0] != processes:
        if _reference_pool is not None:
            _reference_pool[1].terminate()
        pool = multiprocessing.get_context("spawn").Pool(processes)
        atexit.register(pool.terminate)
        _reference_pool = (processes, pool)
    return _reference_pool[1]


def start_reference_pool(processes: int):
    """Starts the processes that evaluate() gives the lanes left to dsl_py (config.reference_procs)
    and waits until each has imported jaxbatt, so a later evaluate() does not wait for them
    (a search starts it once, as it warms up)."""
    _pool(processes).map(worker_ready, range(processes), chunksize=1)


def worker_ready(_=None):
    """A pool task that makes a worker import jaxbatt's reference, then waits a moment so each
    worker of a pool takes one of `processes` such tasks."""
    from jaxbatt.codegen import reference  # noqa: F401 - the import is the point
    time.sleep(0.5)
    return os.getpid()


def _reference_task(task):
    """Pool worker: (program, lanes, defaults, timeout) -> (output, path) on each lane."""
    program, lanes, defaults, timeout = task
    return [_reference_lane(program, lane, defaults, timeout) for lane in lanes]


class _ReferenceLanes:
    """The lanes no tier held, on dsl_py. Programs are added once their lanes are final (their
    own ladder is done). With config.reference_procs > 1 they go to a process pool at once, so dsl_py
    works while other programs run on the device, once REFERENCE_POOL_MIN lanes have gathered or
    when the pool is already up; the rest run in this process at finish()."""

    def __init__(self, programs, lanes, config, outcomes, pending, progress):
        self.lock = threading.Lock()  # programs are added from the engine's threads
        self.by_name = {p.name: p for p in programs}
        self.lanes, self.outcomes, self.pending, self.progress = lanes, outcomes, pending, progress
        self.defaults = config.failed_lines == "default"
        self.timeout = config.reference_timeout
        self.processes = config.reference_procs
        self.waiting = []  # (program name, lanes) not handed to the pool yet
        self.sent = []  # (program name, lanes, the pool's AsyncResult)
        self.start = None  # when the first chunk went to the pool

    def add(self, programs):
        with self.lock:
            self._add(programs)

    def _add(self, programs):
        self.waiting += [(p.name, sorted(self.pending[p.name])) for p in programs if self.pending[p.name]]
        waiting = sum(len(rest) for _, rest in self.waiting)
        pool_up = _reference_pool is not None and _reference_pool[0] == self.processes
        if self.processes > 1 and waiting and (pool_up or waiting >= REFERENCE_POOL_MIN):
            self._send()

    def _send(self):
        pool = _pool(self.processes)
        self.start = self.start or time.perf_counter()
        for name, rest in self.waiting:
            for i in range(0, len(rest), REFERENCE_CHUNK):
                chunk = rest[i:i + REFERENCE_CHUNK]
                task = (self.by_name[name], [self.lanes[b] for b in chunk], self.defaults, self.timeout)
                self.sent.append((name, chunk, pool.apply_async(_reference_task, (task,))))
        self.waiting = []

    def finish(self):
        total = sum(len(chunk) for _, chunk, _ in self.sent) + sum(len(rest) for _, rest in self.waiting)
        done = 0
        for name, chunk, result in self.sent:
            for b, (output, path) in zip(chunk, result.get()):
                self.outcomes[name].outputs[b] = output
                self.outcomes[name].paths[b] = path
            done += len(chunk)
            if self.progress:
                self.progress("reference", done, total)
        if self.sent:  # each program's share of the pool's wall time since its first chunk
            wall = time.perf_counter() - self.start
            pooled = sum(len(chunk) for _, chunk, _ in self.sent)
            for name, chunk, _ in self.sent:
                self.outcomes[name].path_seconds["reference"] += wall * len(chunk) / pooled
        for name, rest in self.waiting:
            for b in rest:
                start = time.perf_counter()
                self.outcomes[name].outputs[b], self.outcomes[name].paths[b] = _reference_lane(
                    self.by_name[name], self.lanes[b], self.defaults, self.timeout)
                self.outcomes[name].path_seconds["reference"] += time.perf_counter() - start
                done += 1
                if self.progress:
                    self.progress("reference", done, total)


# Elements a mapped function runs on at once when a program runs with chunked maps.
CHUNKED_MAP_ELEMENTS = 8


def _call_tier(group, todo, lanes, tier_index, config, map_chunk):
    """The group's compiled function at config.tiers[tier_index] over the pending lanes
    `todo` that fit the tier: (compiled, its (compile, run) seconds before, start time,
    [(lanes, outputs, which fit) per call]), or None when none fits. Raises what stopped the
    trace, compile or call (remembered for the group, tier and map_chunk)."""
    tier = config.tiers[tier_index]
    defaults = config.failed_lines == "default"
    key = (tuple(group), tier, config.cache_dir, defaults, choose_executor(config), config.compile_after_lanes,
           config.compile_timeout, map_chunk)
    try:
        compiled = _compiled_group(key, group, tier, config, defaults, map_chunk)
        if isinstance(compiled, Exception):
            raise compiled
        todo = todo[lanes.held(tier, compiled.uses_train, compiled.uses_target)[todo]]
        if not len(todo):
            return None
        before = compiled.compile_seconds, compiled.run_seconds
        start = time.perf_counter()
        # Bounded memory: a tier larger than SMALL holds values ~5-30x larger per lane,
        # and any call over the memory budget runs again on fewer lanes.
        later = tier_index > 0
        step = config.large_batch if memory.is_large(tier) else config.later_batch if later else len(todo)
        if isinstance(compiled, stepped.SteppedGroup) and not memory.is_large(tier):
            step = len(todo)  # it splits its lanes into its own few batch sizes
        min_batch = step if later else config.min_batch
        chunks, parts, done = [], [], 0
        while done < len(todo):
            step = min(step, compiled.max_lanes or step)
            chunk = todo[done:done + step]
            try:
                parts.append(compiled(lanes, chunk, min(min_batch, step)))
            except OverMemoryBudget as over:
                if over.lanes == 0 or over.lanes >= step:
                    raise  # no call fits, or no call of fewer lanes than this one
                continue  # again on fewer lanes (compiled.max_lanes)
            chunks.append(chunk)
            done += len(chunk)
    except Exception as error:
        _forget_group(key, error)
        raise
    return compiled, before, start, [(chunk, out, fits) for chunk, (out, fits) in zip(chunks, parts)]


def _run_group(group, lanes, config, outcomes, pending, finished, first_tier=0):
    """The group's pending lanes (lanes: PaddedLanes) through the ladder from
    config.tiers[first_tier]; finished(programs) is called with programs whose lanes are final.

    Programs share a compiled function at the first tier that runs them (all programs on all
    lanes); after it, each program goes on alone with the lanes it left pending (in calls of
    config.later_batch lanes), so a program that leaves many lanes (a grid that grows past the
    canvas, a capacity overflow) does not take the group's other programs along: measured on
    the CPU battery, later tiers then compute half as many (program, lane) pairs. A stepped
    group goes on together instead (its programs with lanes left, in one call of the lanes
    any of them left): its shared steps run once and its kernels need no compile per group. A group that
    fails at a tier (trace, compile, memory) also goes on program by program from that tier;
    a single program goes on to the next tier, the reason kept if lanes remain pending."""
    failures = []
    for tier_index in range(first_tier, len(config.tiers)):
        tier = config.tiers[tier_index]
        todo = np.array(sorted(set().union(*(pending[p.name] for p in group))), np.int64)
        if not len(todo):
            break
        try:
            memory.make_room(config.max_memory, _release_compiled)
            try:
                called = _call_tier(group, todo, lanes, tier_index, config, None)
            except OverMemoryBudget as over:
                if over.lanes or len(group) > 1:
                    raise
                _drop_frames(over)
                # Not one lane fits: map the program's functions over a few elements at a
                # time (nested maps over K elements hold K x K intermediates otherwise).
                called = _call_tier(group, todo, lanes, tier_index, config, CHUNKED_MAP_ELEMENTS)
        except Exception as error:  # untraceable or over the memory budget at this tier
            if len(group) > 1:
                for program in group:
                    _run_group([program], lanes, config, outcomes, pending, finished, tier_index)
                return
            failures.append(f"{tier.name} tier: {type(error).__name__}: {error}")
            _drop_frames(error)  # the frames it gathered on its way up
            if isinstance(error, (OverMemoryBudget, memory.OverMemoryLimit)):
                break  # larger tiers need more
            continue  # lanes the earlier tiers held keep their results
        if called is None:
            continue  # no pending lane fits this tier
        compiled, before, start, calls = called
        large = memory.is_large(tier)
        compile_seconds = compiled.compile_seconds - before[0]
        run_seconds = compiled.run_seconds - before[1]
        path = "jax-large" if large else "jax"
        for program in group:
            outcome = outcomes[program.name]
            outcome.compile_seconds += compile_seconds / len(group)
            outcome.run_seconds += run_seconds / len(group)
            mine = pending[program.name]
            for chunk, out, lane_fits in calls:  # each call's outputs read apart (their forms may differ)
                value, ok, exact = out[program.name]
                read = _output_reader(value)
                chunk = chunk.tolist()
                taken = lane_fits[:len(chunk)] & exact[:len(chunk)] & np.fromiter((b in mine for b in chunk), bool,
                                                                                   len(chunk))
                for position in np.flatnonzero(taken).tolist():
                    b = chunk[position]
                    outcome.outputs[b] = read(position) if ok[position] else None
                    outcome.paths[b] = path
                    mine.discard(b)
        wall = time.perf_counter() - start - compile_seconds
        for program in group:
            outcomes[program.name].path_seconds[path] += wall / len(group)
        if len(group) > 1 and tier_index + 1 < len(config.tiers):
            if isinstance(compiled, stepped.SteppedGroup):
                # Steps shared by its programs run once: the group goes on together (those with
                # lanes left), on kernels that need no compile per group.
                group = [p for p in group if pending[p.name]]
                if not group:
                    break
                continue
            for program in group:
                _run_group([program], lanes, config, outcomes, pending, finished, tier_index + 1)
            return
    if failures and pending[group[0].name]:
        outcomes[group[0].name].trace_error = "; ".join(failures)
    finished(group)
