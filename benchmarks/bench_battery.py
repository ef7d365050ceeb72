"""Battery benchmark: every program on every grid, jaxbatt against the reference, one run.

    python benchmarks/bench_battery.py --grids 256 --batch_sizes 64,256

The reference is dsl_py in a process pool over --reference_procs cores, with a timeout per
evaluation, as a user runs a battery today. jaxbatt runs the same programs on the same grids;
the outputs are compared lane by lane (any difference fails the run). Prints a table, writes
JSON and a PNG (throughput against batch size) to --output_dir; the last line is
`speedup_vs_reference: X` (warm jaxbatt at the largest batch size / reference, each the
median of --repeats timed runs).
"""
import dataclasses
import json
import multiprocessing
import os
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time

from absl import app, flags

FLAGS = flags.FLAGS
flags.DEFINE_string("programs", None, "solver module or batt file (default: the project's programs)")
flags.DEFINE_list("dataset", ["arc1-training"], "dataset names or paths (see jaxbatt.data), comma-separated; "
                  "grids are taken in order across them")
flags.DEFINE_integer("grids", 256, "number of input grids (train and test inputs, in dataset order)")
flags.DEFINE_list("batch_sizes", ["64", "256"], "jaxbatt batch sizes to sweep")
flags.DEFINE_string("backend", None, "JAX platform (cpu, gpu); default: JAX's choice")
flags.DEFINE_integer("reference_procs", os.cpu_count(), "reference worker processes (also jaxbatt's, for the "
                     "lanes it leaves to dsl_py)")
flags.DEFINE_float("timeout", 10.0, "reference: seconds per evaluation before it counts as an error")
flags.DEFINE_integer("group_size", 8, "programs per compiled function")
flags.DEFINE_string("output_dir", "out/bench", "where the JSON and PNG go")
flags.DEFINE_string("pairing", "all", "all: every program on every grid")
flags.DEFINE_string("tiers", None, "tier ladder, names in order, e.g. tiny,small (default: the engine's)")
flags.DEFINE_list("compare", [], "engine settings timed warm at the largest batch after the sweep, each one "
                  "field=value: tiers=tiny+small (tier names joined by '+'), threads=1, group_size=N, "
                  "later_batch=N, large_batch=N (figures under 'variants' in the JSON)")
flags.DEFINE_integer("threads", None, "program groups in flight at once (default: the engine's)")
flags.DEFINE_integer("large_batch", None, "lanes per call after the first tier (default: the engine's)")
flags.DEFINE_integer("limit_programs", 0, "only the first N programs (0: all)")
flags.DEFINE_integer("repeats", 3, "timed runs of the reference and of jaxbatt at each batch size; the median "
                     "counts (a 2-core machine's figures vary by 20% from run to run)")
flags.DEFINE_integer("later_batch", None, "lanes per call at later tiers (default: the engine's)")
flags.DEFINE_bool("warm_start", True, "also measure a warm start (executables from the persistent cache)")


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def _reference_chunk(args):
    """Worker: every program on a chunk of grids; per-evaluation timeout."""
    programs, grids, timeout = args
    from jaxbatt.codegen.reference import run_program
    signal.signal(signal.SIGALRM, _alarm)
    results = []
    for grid in grids:
        row = []
        for program in programs:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                ok, value = run_program(program, grid)[program.outputs[0][0]]
                row.append(value if ok else None)
            except _Timeout:
                row.append("timeout")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        results.append(row)
    return results


def run_reference(programs, grids, procs, timeout):
    from jaxbatt.data import as_tuple_grid
    tuples = [as_tuple_grid(g) for g in grids]
    chunk = max(1, len(tuples) // (procs * 4))
    jobs = [(programs, tuples[i:i + chunk], timeout) for i in range(0, len(tuples), chunk)]
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        rows = [row for part in pool.map(_reference_chunk, jobs) for row in part]
    return rows, time.perf_counter() - start


def run_jaxbatt(programs, grids, batch_size, config):
    """(outcomes per program with outputs over all grids, seconds) in chunks of batch_size."""
    from jaxbatt import engine
    lanes = [engine.Lane(g) for g in grids]
    merged = {p.name: engine.Outcome([], []) for p in programs}
    start = time.perf_counter()

    def progress(phase, done, total):
        if phase == "jax":
            print(f"  groups done {done}/{total} at {time.perf_counter() - start:.1f} s", flush=True)

    for i in range(0, len(lanes), batch_size):
        part = engine.evaluate(programs, lanes[i:i + batch_size], config, progress=progress)
        for name, outcome in part.items():
            merged[name].outputs += outcome.outputs
            merged[name].paths += outcome.paths
            merged[name].compile_seconds += outcome.compile_seconds
            merged[name].run_seconds += outcome.run_seconds
            for path, seconds in outcome.path_seconds.items():
                merged[name].path_seconds[path] += seconds
            merged[name].trace_error = outcome.trace_error
    return merged, time.perf_counter() - start


def _variant(config, setting):
    """config with one field changed, from "field=value" (--compare)."""
    from jaxbatt.cli import parse_tiers
    field, _, value = setting.partition("=")
    if field == "tiers":
        return dataclasses.replace(config, tiers=parse_tiers(value.replace("+", ",")))
    if field in ("threads", "group_size", "later_batch", "large_batch"):
        return dataclasses.replace(config, **{field: int(value)})
    raise app.UsageError(f"--compare: unknown setting {setting!r}")


def _mismatches(programs, outcomes, reference_rows):
    """(program, grid index, path) of every lane whose output differs from the reference's
    (lanes jaxbatt left unfinished on dsl_py, path TIMEOUT, have no output to compare)."""
    from jaxbatt import engine
    return [(program.name, b, outcomes[program.name].paths[b])
            for j, program in enumerate(programs) for b in range(len(reference_rows))
            if outcomes[program.name].paths[b] != engine.TIMEOUT
            and not _same(outcomes[program.name].outputs[b], reference_rows[b][j])]


def _path_totals(outcomes):
    """({path: lanes}, {path: seconds summed over programs})."""
    from jaxbatt import engine
    return ({p: sum(o.paths.count(p) for o in outcomes.values()) for p in engine.PATHS},
            {p: sum(o.path_seconds[p] for o in outcomes.values()) for p in engine.PATHS})


def _same(a, b):
    import numpy as np
    from jaxbatt.data import as_tuple_grid
    if isinstance(b, str):  # the reference timed out: nothing to compare
        return True
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, np.ndarray):
        return as_tuple_grid(a) == b
    return a == b


def main(argv):
    del argv
    if FLAGS.backend:
        import jax
        jax.config.update("jax_platforms", FLAGS.backend)
    import jax

    from jaxbatt import api, engine
    from jaxbatt.cli import parse_tiers, print_table
    from jaxbatt.data import load_tasks
    from jaxbatt.programs import SOLVERS_PATH

    cache = tempfile.mkdtemp(prefix="jaxbatt-bench-cache-")
    engine.enable_compilation_cache(cache)  # the benchmark's own, empty persistent cache
    programs = api.load_programs(FLAGS.programs or str(SOLVERS_PATH)).programs
    if FLAGS.limit_programs:
        programs = programs[: FLAGS.limit_programs]
    tasks = [t for name in FLAGS.dataset for t in load_tasks(name)]
    grids = [p.input for t in tasks for p in list(t.train) + list(t.test)][: FLAGS.grids]
    batch_sizes = sorted(int(b) for b in FLAGS.batch_sizes)
    evaluations = len(programs) * len(grids)
    print(f"{len(programs)} programs x {len(grids)} grids = {evaluations} evaluations; "
          f"backend {jax.default_backend()} ({len(jax.devices())} device(s))", flush=True)

    reference_times = []
    for _ in range(FLAGS.repeats):
        reference_rows, seconds = run_reference(programs, grids, FLAGS.reference_procs, FLAGS.timeout)
        reference_times.append(seconds)
        print(f"reference: {seconds:.1f} s", flush=True)
    reference_seconds = statistics.median(reference_times)
    timeouts = sum(v == "timeout" for row in reference_rows for v in row)

    config = engine.EngineConfig(group_size=FLAGS.group_size, cache_dir=cache, threads=FLAGS.threads,
                                 reference_procs=FLAGS.reference_procs, reference_timeout=FLAGS.timeout,
                                 tiers=parse_tiers(FLAGS.tiers) if FLAGS.tiers else None)
    if FLAGS.large_batch:
        config.large_batch = FLAGS.large_batch
    if FLAGS.later_batch:
        config.later_batch = FLAGS.later_batch
    largest = batch_sizes[-1]
    cold, cold_seconds = run_jaxbatt(programs, grids, largest, config)
    cold_compile = sum(o.compile_seconds for o in cold.values())
    print(f"jaxbatt cold: {cold_seconds:.1f} s ({cold_compile:.1f} s compiling)", flush=True)
    warm_compile = None
    if FLAGS.warm_start:
        engine.clear_compiled()
        warm_start, warm_seconds = run_jaxbatt(programs, grids, largest, config)
        warm_compile = sum(o.compile_seconds for o in warm_start.values())
        print(f"jaxbatt warm start: {warm_seconds:.1f} s ({warm_compile:.1f} s loading)", flush=True)

    sweep = {}
    for batch_size in batch_sizes:
        if batch_size != largest:  # the cold run compiled the largest size
            # Compile this size's executables: a tier gets a varying share of each chunk's
            # lanes (those whose grids fit it), so chunks need several bucket sizes.
            run_jaxbatt(programs, grids, batch_size, config)
        times = []
        for _ in range(FLAGS.repeats):
            outcomes, seconds = run_jaxbatt(programs, grids, batch_size, config)
            times.append(seconds)
            print(f"jaxbatt warm @ batch {batch_size}: {seconds:.2f} s", flush=True)
        seconds = statistics.median(times)
        sweep[batch_size] = {"seconds": seconds, "evaluations_per_second": evaluations / seconds, "runs": times}
    final = outcomes
    mismatches = _mismatches(programs, final, reference_rows)
    paths, path_seconds = _path_totals(final)
    variants = {}
    for variant in FLAGS.compare:
        other = _variant(config, variant)
        run_jaxbatt(programs, grids, largest, other)  # compiles what this setting adds
        times = []
        for _ in range(FLAGS.repeats):
            compared, seconds = run_jaxbatt(programs, grids, largest, other)
            times.append(seconds)
            print(f"jaxbatt warm @ batch {largest}, {variant}: {seconds:.2f} s", flush=True)
        mismatches += _mismatches(programs, compared, reference_rows)
        lanes, seconds_per_path = _path_totals(compared)
        seconds = statistics.median(times)
        variants[variant] = {"seconds": seconds, "evaluations_per_second": evaluations / seconds, "runs": times,
                             "lanes": lanes, "seconds_per_path": seconds_per_path}
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reference_rate = evaluations / reference_seconds
    best_rate = sweep[largest]["evaluations_per_second"]
    figures = {
        "backend": jax.default_backend(),
        "devices": len(jax.devices()),
        "programs": len(programs),
        "grids": len(grids),
        "evaluations": evaluations,
        "reference": {"procs": FLAGS.reference_procs, "seconds": reference_seconds, "runs": reference_times,
                      "evaluations_per_second": reference_rate, "timeouts": timeouts},
        "jaxbatt": {"cold_compile_seconds": cold_compile, "cold_total_seconds": cold_seconds,
                    "warm_compile_seconds": warm_compile, "sweep": sweep,
                    "lanes": paths, "seconds_per_path": path_seconds, "peak_host_memory_mib": peak_mib,
                    "trace_errors": {n: o.trace_error for n, o in final.items() if o.trace_error},
                    "per_program": {n: {"lanes": {p: o.paths.count(p) for p in engine.PATHS},
                                        "seconds_per_path": o.path_seconds, "compile_seconds": o.compile_seconds,
                                        "compiled_call_seconds": o.run_seconds}
                                    for n, o in final.items()},
                    "variants": variants},
        "mismatches": len(mismatches),
        "speedup_vs_reference": best_rate / reference_rate,
    }
    os.makedirs(FLAGS.output_dir, exist_ok=True)
    with open(os.path.join(FLAGS.output_dir, "bench_battery.json"), "w") as handle:
        json.dump(figures, handle, indent=1)
    _plot(sweep, reference_rate, os.path.join(FLAGS.output_dir, "bench_battery.png"))
    shutil.rmtree(cache, ignore_errors=True)

    total = max(1, sum(paths.values()))
    rows = [
        ("reference evaluations/s", f"{reference_rate:.1f} ({FLAGS.reference_procs} procs, {timeouts} timeouts, "
                                    f"median of {FLAGS.repeats})"),
        *[(f"jaxbatt evaluations/s @ batch {b}", f"{s['evaluations_per_second']:.1f}") for b, s in sweep.items()],
        ("ratio jaxbatt/reference", f"{best_rate / reference_rate:.2f}x"),
        ("cold compile", f"{cold_compile:.1f} s"),
        ("warm compile (persistent cache)", "not measured" if warm_compile is None else f"{warm_compile:.1f} s"),
        ("run time @ largest batch", f"{sweep[largest]['seconds']:.2f} s (median of {FLAGS.repeats})"),
        ("peak host memory", f"{peak_mib:.0f} MiB"),
        *[(f"lanes {p}", f"{n} ({100 * n / total:.1f}%), {path_seconds[p]:.2f} s") for p, n in paths.items()],
        *[(f"{variant} evaluations/s", f"{f['evaluations_per_second']:.1f} "
           f"({f['evaluations_per_second'] / reference_rate:.2f}x)") for variant, f in variants.items()],
        ("programs that failed to trace", f"{len(figures['jaxbatt']['trace_errors'])}"),
        ("lanes past the timeout on dsl_py", f"{sum(o.paths.count(engine.TIMEOUT) for o in final.values())}"),
        ("lane mismatches vs reference", f"{len(mismatches)}"),
    ]
    print_table(rows)
    slowest = sorted(final.items(), key=lambda item: -sum(item[1].path_seconds[p] for p in ("jax", "jax-large")))
    print("programs with the most device seconds (summed over threads): jax / jax-large / reference s, lanes")
    for name, o in slowest[:10]:
        print(f"  {name:24s} " + " / ".join(f"{o.path_seconds[p]:.2f}" for p in engine.PATHS)
              + "  " + " / ".join(str(o.paths.count(p)) for p in engine.PATHS))
    if mismatches:
        print(f"first mismatches: {mismatches[:5]}", file=sys.stderr)
    print(f"speedup_vs_reference: {best_rate / reference_rate:.2f}")
    return 1 if mismatches else 0


def _plot(sweep, reference_rate, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no plot", file=sys.stderr)
        return
    sizes = sorted(sweep)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(sizes, [sweep[s]["evaluations_per_second"] for s in sizes], "o-", label="jaxbatt (warm)")
    ax.axhline(reference_rate, color="gray", linestyle="--", label="reference (process pool)")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("batch size (grids)")
    ax.set_ylabel("evaluations / s")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    app.run(main)
