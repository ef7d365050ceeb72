"""Peak resident memory of a run under a memory limit, every lane checked against dsl_py.

One program per ARC-AGI-1 training task (a solver module's `solve_<id>` programs, or
generated ones from tests/program_generator.py given the tasks in order) runs on its task's
grids through every tier asked for (default tiny,small,large,huge: the large and huge tiers
are where compile and value memory grow), with EngineConfig.max_memory as the limit. Then
each lane runs on dsl_py in this process and is compared with the engine's output.

    .venv/bin/python benchmarks/bench_memory.py --programs generated --count 400
    .venv/bin/python benchmarks/bench_memory.py --programs path/to/solvers.py

Prints the peak resident memory against the limit (last line `peak_resident_gib: X`, the sum
of this process's peak and the compile worker's: an upper bound of the run's), lanes
per path, memory releases, compiles past the time limit and mismatches (exit status 1 if any).
"""
import os
import sys
import tempfile
import time

from absl import app, flags

flags.DEFINE_string("programs", "generated", "'generated', or a solver module / batt file / folder")
flags.DEFINE_integer("count", 400, "generated programs (one per task, in task order)")
flags.DEFINE_integer("seed", 0, "generator seed")
flags.DEFINE_string("tiers", "tiny,small,large,huge", "tier ladder")
flags.DEFINE_float("max_memory", 0.0, "limit in GiB (0: the engine's default, 60% of the machine)")
flags.DEFINE_float("compile_timeout", 120.0, "seconds one XLA compile may take (0: no limit)")
flags.DEFINE_string("executor", "steps", "jaxbatt executor: steps, programs or auto")
flags.DEFINE_string("cache_dir", None, "jaxbatt cache folder (default: a new empty one)")
flags.DEFINE_float("reference_timeout", 10.0, "seconds one lane may take on dsl_py")
FLAGS = flags.FLAGS


def _programs(tasks):
    """[(program, task)] pairs: each program with the task it runs on."""
    import dataclasses

    import jaxbatt
    if FLAGS.programs == "generated":
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
        from tests.program_generator import generate_programs
        programs = generate_programs(FLAGS.seed, min(FLAGS.count, len(tasks)), min_steps=4, max_steps=10)
        return [(dataclasses.replace(p, name=f"solve_{t.id}"), t) for p, t in zip(programs, tasks)]
    by_id = {t.id: t for t in tasks}
    loaded = jaxbatt.load_programs(FLAGS.programs)
    for error in loaded.errors:
        print(f"rejected: {error}", file=sys.stderr)
    return [(p, by_id[p.task_id]) for p in loaded.programs if p.task_id in by_id]


def _progress(start, every=30.0):
    """An engine progress callback printing a line (programs done, resident memory) every `every` s."""
    from jaxbatt import kernels, memory
    last = [start]

    def progress(phase, done, total):
        now = time.perf_counter()
        if now - last[0] >= every or done == total:
            last[0] = now
            print(f"{now - start:7.0f} s  {phase} {done}/{total}  resident {memory.resident() / 2**30:.2f} GiB  "
                  f"mappings {memory.mappings()[0]}  kernels compiled {kernels.KERNELS.compiled}", flush=True)
    return progress


def _with_error(outcomes, name) -> int:
    """Programs whose report names the exception `name` (at some tier)."""
    return sum(name in (o.trace_error or "") for o in outcomes.values())


def main(argv):
    del argv
    from jaxbatt import api, cli, compile_worker, engine, kernels, memory
    from jaxbatt.data import load_tasks

    tasks = load_tasks("arc1-training")
    pairs = _programs(tasks)
    lanes, lanes_of = [], {}
    for program, task in pairs:
        own, _, _ = api.task_lanes(task)
        lanes_of[program.name] = list(range(len(lanes), len(lanes) + len(own)))
        lanes += own
    limit = int(FLAGS.max_memory * 2**30) if FLAGS.max_memory else memory.default_limit()
    config = engine.EngineConfig(tiers=cli.parse_tiers(FLAGS.tiers), executor=FLAGS.executor,
                                 cache_dir=FLAGS.cache_dir or tempfile.mkdtemp(prefix="jaxbatt-memory-"),
                                 compile_timeout=FLAGS.compile_timeout or None, max_memory=limit,
                                 reference_timeout=FLAGS.reference_timeout)
    programs = [p for p, _ in pairs]
    print(f"{len(programs)} programs, {len(lanes)} lanes, tiers {FLAGS.tiers}, executor {FLAGS.executor}, "
          f"limit {limit / 2**30:.2f} GiB", flush=True)
    start = time.perf_counter()
    outcomes = engine.evaluate(programs, lanes, config, lanes_of=lanes_of, progress=_progress(start))
    wall = time.perf_counter() - start
    compile_worker.WORKER.stop()  # its peak is read as it stops
    own, worker = memory.peak_resident(), compile_worker.WORKER.peak
    peak = own + worker  # an upper bound of the two processes' peak together

    start = time.perf_counter()
    mismatches, compared, paths = 0, 0, {}
    for program in programs:
        outcome = outcomes[program.name]
        for b in lanes_of[program.name]:
            paths[outcome.paths[b]] = paths.get(outcome.paths[b], 0) + 1
            expected, path = engine._reference_lane(program, lanes[b], False, FLAGS.reference_timeout)
            if engine.TIMEOUT in (path, outcome.paths[b]):
                continue
            compared += 1
            if not engine.same_output(outcome.outputs[b], expected):
                mismatches += 1
                print(f"MISMATCH {program.name} lane {b} via {outcome.paths[b]}", file=sys.stderr)
    reference = time.perf_counter() - start
    total = max(1, sum(paths.values()))
    cli.print_table([
        ("programs / lanes", f"{len(programs)} / {total}"),
        *[(f"lanes {p}", f"{n} ({100 * n / total:.1f}%)") for p, n in sorted(paths.items())],
        ("jaxbatt wall (cold cache unless --cache_dir)", f"{wall:.1f} s"),
        ("reference wall (1 process, the check)", f"{reference:.1f} s"),
        ("memory limit", f"{limit / 2**30:.2f} GiB (nothing new starts past {memory.HIGH_WATER:.0%})"),
        ("peak resident memory: jaxbatt / compile worker", f"{own / 2**30:.2f} / {worker / 2**30:.2f} GiB"),
        ("peak resident memory, both (sum of their peaks)", f"{peak / 2**30:.2f} GiB"),
        ("compile workers started / killed (time, memory)",
         f"{compile_worker.WORKER.started} / {compile_worker.WORKER.killed}"),
        ("memory releases (caches dropped)", f"{memory.releases}"),
        ("programs with lanes sent to dsl_py by the limit", f"{_with_error(outcomes, 'OverMemoryLimit')}"),
        ("compiles past --compile_timeout",
         f"{kernels.KERNELS.timed_out} kernels, {_with_error(outcomes, 'CompileTimeout')} programs"),
        ("kernels the compile worker gave up (time, memory, error)", f"{len(kernels.KERNELS.abandoned)}"),
        ("lanes compared / mismatches", f"{compared} / {mismatches}"),
    ])
    print(f"peak_resident_gib: {peak / 2**30:.2f}")
    return 1 if mismatches or peak > limit else 0


if __name__ == "__main__":
    app.run(main)
