"""Warm-up: compile the step kernels a corpus of programs uses, once, into a cache folder.

The stepped executor (stepped.py) compiles a kernel the first time a step's recipe is met
at a tier and batch size; later programs made of known steps, new ones included, compile
nothing. `warm_up` meets every step of a corpus (by default the bundled solvers) at every
tier and every size of stepped.batch_sizes(), so a search or a battery that follows runs
its programs' known steps on kernels loaded from the cache:

    corpus programs -> groups of GROUP programs -> per tier, per batch size: one SteppedGroup
    call on that many lanes (any lanes: a kernel's key is the forms of its inputs, not
    their values) -> kernels compiled (or loaded) and stored in the cache folder

A group that does not trace or run at a tier goes on program by program; a program that
fails alone is counted and skipped (its lanes would run on the next tier or dsl_py).

Integer constants are kernel inputs, but Booleans stay in a kernel's key (objects'
connectivity flags choose its algorithm), so a search mutating a flag would meet new
kernels: `boolean_variants` adds copies of programs with a step's Boolean arguments set
otherwise, one for each (callee, Booleans) the corpus does not run.
"""
import concurrent.futures
import dataclasses
import itertools
import time
from typing import Callable, List, Optional, Sequence

from jaxbatt import engine, kernels, stepped
from jaxbatt.codegen import rewrite
from jaxbatt.codegen.ir import Const, Program

GROUP = 16  # programs per warm-up call (kernels do not depend on how programs are grouped)


@dataclasses.dataclass
class WarmupReport:
    seconds: float
    compiled: int  # kernels traced and compiled by this warm-up
    loaded: int  # kernels found in the cache folder
    failed: int  # (program, tier) pairs that did not run (their kernels were skipped)
    calls: int  # group calls made


def _flagged_calls(program: Program) -> set:
    """(callee, Booleans) of the steps with Boolean arguments once the program is fused (the
    steps the stepped executor runs: objects(...) read by colorfilter is objects_of_colour)."""
    calls = set()
    for step in rewrite.fuse(program).steps:
        flags = tuple(a.value for a in step.args if isinstance(a, Const) and isinstance(a.value, bool))
        if flags:
            calls.add((step.func.name, flags))
    return calls


def boolean_variants(programs: Sequence[Program]) -> List[Program]:
    """Copies of programs with the Boolean arguments of one step set otherwise, each kept if
    it runs a (callee, Booleans) no earlier program runs: the kernels a flag mutation meets."""
    variants = []
    seen = set().union(*map(_flagged_calls, programs)) if programs else set()
    for program in programs:
        for i, step in enumerate(program.steps):
            flags_at = [j for j, a in enumerate(step.args) if isinstance(a, Const) and isinstance(a.value, bool)]
            for combination in itertools.product((False, True), repeat=len(flags_at)) if flags_at else ():
                args = list(step.args)
                for j, value in zip(flags_at, combination):
                    args[j] = Const(value)
                steps = list(program.steps)
                steps[i] = dataclasses.replace(step, args=tuple(args))
                variant = dataclasses.replace(program, name=f"{program.name}~{len(variants)}", steps=tuple(steps))
                new = _flagged_calls(variant) - seen
                if new:
                    seen |= new
                    variants.append(variant)
    return variants


def warm_up(programs: Sequence[Program], lanes: Sequence[engine.Lane], config: engine.EngineConfig,
            progress: Optional[Callable[[int, int], None]] = None, variants: bool = True) -> WarmupReport:
    """Compiles (or loads) the kernels of `programs` (and their boolean_variants) at
    config.tiers and every batch size into config.cache_dir; `lanes` are the calls' inputs
    (repeated up to each size)."""
    start = time.perf_counter()
    if variants:
        programs = list(programs) + boolean_variants(programs)
    compiled, loaded = kernels.KERNELS.compiled, kernels.KERNELS.loaded
    defaults = config.failed_lines == "default"
    padded = engine.PaddedLanes(list(lanes))
    jobs = [(programs[i:i + GROUP], tier, size) for tier in config.tiers for size in stepped.batch_sizes()
            for i in range(0, len(programs), GROUP)]
    failed = calls = 0

    def call(group, tier, size):
        """Runs the group: (calls that ran, programs that failed alone)."""
        indices = [i % len(lanes) for i in range(size)]
        try:
            stepped.SteppedGroup(group, tier, config.cache_dir, defaults, config.memory_budget)(padded, indices)
            return 1, 0
        except Exception:  # noqa: BLE001 - a trace error or over-budget kernel of one of them
            if len(group) == 1:
                return 0, 1
            counts = [call([p], tier, size) for p in group]
            return sum(c for c, _ in counts), sum(f for _, f in counts)

    with concurrent.futures.ThreadPoolExecutor(engine._threads(config)) as pool:
        running = [pool.submit(call, *job) for job in jobs]
        for done, future in enumerate(concurrent.futures.as_completed(running), 1):
            ran, lost = future.result()
            calls, failed = calls + ran, failed + lost
            if progress:
                progress(done, len(jobs))
    return WarmupReport(time.perf_counter() - start, kernels.KERNELS.compiled - compiled,
                        kernels.KERNELS.loaded - loaded, failed, calls)
