"""Per-program profile: compile cost and run time per lane, next to the reference.

    python benchmarks/bench_programs.py --grids 64 [--only solve_a,solve_b] [--group_size 8]

Each program is compiled alone at the small tier (or --tier) into a fresh cache folder
(cold: trace, lower, XLA compile), then again from the executable cache (warm), and run on the same
--grids ARC grids (all pairs: every grid, whatever its task). Prints one row per program,
slowest first: cold and warm compile seconds, jaxbatt microseconds per lane (warm, batch =
--grids), dsl_py microseconds per evaluation (one process), and the share of lanes the
tier held exactly. With --group_size > 1 it also compiles the programs in groups of that size
and prints seconds per group. Writes bench_programs.json to --output_dir.
"""
import json
import os
import tempfile
import time

from absl import app, flags

FLAGS = flags.FLAGS
flags.DEFINE_string("programs", None, "solver module or batt file (default: the project's programs)")
flags.DEFINE_string("dataset", "arc1-training", "dataset name or path")
flags.DEFINE_integer("grids", 64, "number of input grids (train and test inputs, in dataset order)")
flags.DEFINE_list("only", None, "program names to profile (default: all)")
flags.DEFINE_integer("group_size", 0, "also time compiling groups of this many programs (0: skip)")
flags.DEFINE_list("tier", None, "canvas,margin,capacity of the tier to profile (default: the small tier)")
flags.DEFINE_float("min_run_seconds", 0.3, "repeat each warm run for at least this long")
flags.DEFINE_string("backend", None, "JAX platform (cpu, gpu); default: JAX's choice")
flags.DEFINE_string("output_dir", "out/bench", "where bench_programs.json goes")


def _timed(fn, min_seconds):
    """Seconds per call of fn(), repeated for at least min_seconds."""
    fn()
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / calls


def profile_program(program, lanes, grids, tier, cache_dir, min_seconds):
    """One program's compile and per-lane figures; lanes: engine.PaddedLanes of the grids."""
    from jaxbatt import engine
    from jaxbatt.codegen.reference import run_program
    from jaxbatt.data import as_tuple_grid
    row = {"name": program.name, "steps": len(program.steps)}
    everything = range(len(lanes))
    try:
        start = time.perf_counter()
        compiled = engine.CompiledGroup([program], tier, cache_dir)
        _, fits = compiled(lanes, everything, len(lanes))
        row["cold_compile_s"] = time.perf_counter() - start
        engine.clear_compiled()
        start = time.perf_counter()
        compiled = engine.CompiledGroup([program], tier, cache_dir)
        out, fits = compiled(lanes, everything, len(lanes))
        row["warm_compile_s"] = time.perf_counter() - start
        row["jax_us_per_lane"] = 1e6 * _timed(lambda: compiled(lanes, everything, len(lanes)), min_seconds) / len(lanes)
        _, _, exact = out[program.name]
        row["tier_pct"] = 100.0 * float((exact[:len(lanes)] & fits).mean())
    except Exception as error:  # a program that does not trace: reported, the rest go on
        row["error"] = f"{type(error).__name__}: {error}"[:200]
    tuples = [as_tuple_grid(g) for g in grids]
    start = time.perf_counter()
    for grid in tuples:
        run_program(program, grid)
    row["reference_us_per_eval"] = 1e6 * (time.perf_counter() - start) / len(tuples)
    return row


def main(argv):
    del argv
    import jax
    if FLAGS.backend:
        jax.config.update("jax_platforms", FLAGS.backend)
    import jaxbatt
    from jaxbatt import engine
    from jaxbatt.data import load_tasks
    from jaxbatt.dsl_jax import values
    from jaxbatt.programs import SOLVERS_PATH

    programs = jaxbatt.load_programs(FLAGS.programs or SOLVERS_PATH).programs
    if FLAGS.only:
        programs = [p for p in programs if p.name in FLAGS.only]
    grids = [pair.input for task in load_tasks(FLAGS.dataset)
             for pair in list(task.train) + list(task.test)][:FLAGS.grids]
    lanes = engine.PaddedLanes([engine.Lane(g) for g in grids])
    tier = values.SMALL
    if FLAGS.tier:
        canvas, margin, capacity = (int(x) for x in FLAGS.tier)
        tier = values.Tier("profiled", canvas, margin, capacity)
    with tempfile.TemporaryDirectory() as cache_dir:
        engine.enable_compilation_cache(cache_dir)
        rows = [profile_program(p, lanes, grids, tier, cache_dir, FLAGS.min_run_seconds) for p in programs]
        groups = []
        if FLAGS.group_size > 1:
            engine.clear_compiled()
            for i in range(0, len(programs), FLAGS.group_size):
                group = programs[i:i + FLAGS.group_size]
                start = time.perf_counter()
                try:
                    engine.CompiledGroup(group, tier, cache_dir)(lanes, range(len(lanes)), len(lanes))
                    groups.append({"programs": len(group), "cold_compile_s": time.perf_counter() - start})
                except Exception as error:
                    groups.append({"programs": len(group), "error": str(error)[:200]})

    rows.sort(key=lambda r: -r.get("jax_us_per_lane", float("inf")))
    print(f"{'program':<24}{'steps':>6}{'cold s':>8}{'warm s':>8}{'jax us/lane':>13}{'ref us/eval':>13}{'tier %':>9}")
    for r in rows:
        if "error" in r:
            print(f"{r['name']:<24}{r['steps']:>6}  {r['error'][:80]}")
            continue
        print(f"{r['name']:<24}{r['steps']:>6}{r['cold_compile_s']:>8.2f}{r['warm_compile_s']:>8.3f}"
              f"{r['jax_us_per_lane']:>13.0f}{r['reference_us_per_eval']:>13.0f}{r['tier_pct']:>9.0f}")
    timed = [r for r in rows if "error" not in r]
    if timed:
        total_jax = sum(r["jax_us_per_lane"] for r in timed)
        total_ref = sum(r["reference_us_per_eval"] for r in timed)
        cold = sorted(r["cold_compile_s"] for r in timed)
        warm = sorted(r["warm_compile_s"] for r in timed)
        print(f"programs: {len(timed)}; per grid, all programs: jax {total_jax:.0f} us, reference {total_ref:.0f} us "
              f"(one core each); cold compile median {cold[len(cold) // 2]:.2f} s, max {cold[-1]:.2f} s; "
              f"warm median {warm[len(warm) // 2]:.3f} s, max {warm[-1]:.3f} s")
    for g in groups:
        print(f"group of {g['programs']}: cold compile {g.get('cold_compile_s', float('nan')):.2f} s "
              f"{g.get('error', '')}")
    os.makedirs(FLAGS.output_dir, exist_ok=True)
    with open(os.path.join(FLAGS.output_dir, "bench_programs.json"), "w") as handle:
        json.dump({"backend": jax.default_backend(), "grids": len(grids), "tier": repr(tier), "rows": rows,
                   "groups": groups},
                  handle, indent=1)


if __name__ == "__main__":
    app.run(main)
