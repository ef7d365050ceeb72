"""The `jaxbatt` command.

    jaxbatt run --programs FILE --dataset NAME|PATH [--pairing own|all]
                [--report FILE.json] [--predictions FILE.json] [--limit N]
                [--failed-lines fail|default] [--executor steps|programs|auto]
    jaxbatt warmup [--programs FILE ...] [--cache-dir DIR] [--tiers T,...]
"""
import argparse
import json
import os
import sys
import time

import numpy as np

from jaxbatt import api, engine
from jaxbatt.data import DATASETS, DataError, load_tasks
from jaxbatt.dsl_jax import values


def _progress_printer(stream):
    last = {}

    def progress(phase, done, total):
        width = 30
        filled = int(width * done / max(total, 1))
        if last.get(phase) == filled and done != total:
            return
        last[phase] = filled
        label = "compile+run (jax)" if phase == "jax" else "reference fallback"
        stream.write(f"\r{label:>20} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return progress


def _lane_counts(runs):
    counts = {path: 0 for path in engine.PATHS}
    counts["error"] = counts[engine.TIMEOUT] = 0
    for run in runs:
        for output, path in zip(run.outputs, run.paths):
            if path == engine.TIMEOUT:
                counts[path] += 1
            elif output is None:
                counts["error"] += 1
            else:
                counts[path] += 1
    return counts


def build_report(result: api.BatteryResult, wall_seconds: float, program_errors) -> dict:
    programs = {}
    for name, per_task in result.runs.items():
        any_run = next(iter(per_task.values()))
        programs[name] = {
            "task": any_run.task,
            "solved": sorted(t for t, run in per_task.items() if run.solved),
            "lanes": _lane_counts(per_task.values()),
            "trace_error": any_run.trace_error,
        }
    lanes = {path: sum(p["lanes"][path] for p in programs.values())
             for path in list(engine.PATHS) + ["error", engine.TIMEOUT]}
    evaluations = sum(lanes.values())
    solved_tasks = sorted({t for p in programs.values() for t in p["solved"]})
    summary = {
        "tasks_solved": len(solved_tasks),
        "programs": len(programs),
        "rejected_programs": len(program_errors),
        "grids": result.lanes,
        "evaluations": evaluations,
        "evaluations_per_second": evaluations / wall_seconds if wall_seconds else 0.0,
        "lanes": lanes,
        "compile_seconds": result.compile_seconds,
        "run_seconds": result.run_seconds,
        "wall_seconds": wall_seconds,
    }
    return {"programs": programs, "summary": summary}


def build_predictions(result: api.BatteryResult, tasks) -> dict:
    """Kaggle format: {task: [{"attempt_1": grid, "attempt_2": grid} per test input]}."""
    predictions = {}
    for task in tasks:
        n_train = len(task.train)
        attempts = [[] for _ in task.test]
        for per_task in result.runs.values():
            run = per_task.get(task.id)
            if run is None or not run.train_correct:
                continue
            for i, output in enumerate(run.outputs[n_train:]):
                if isinstance(output, np.ndarray) and not any(np.array_equal(output, a) for a in attempts[i]):
                    attempts[i].append(output)
        entry = []
        for found in attempts:
            grids = [a.tolist() for a in found[:2]] or [[[0]]]
            entry.append({"attempt_1": grids[0], "attempt_2": grids[min(1, len(grids) - 1)]})
        predictions[task.id] = entry
    return predictions


def _print_summary(report: dict, out=None):
    out = out or sys.stdout
    s = report["summary"]
    total = max(1, s["evaluations"])
    rows = [
        ("tasks solved", f"{s['tasks_solved']}"),
        ("programs (rejected)", f"{s['programs']} ({s['rejected_programs']})"),
        ("grids", f"{s['grids']}"),
        ("evaluations", f"{s['evaluations']}"),
        ("evaluations / s", f"{s['evaluations_per_second']:.1f}"),
        *[(f"lanes {path}", f"{n} ({100 * n / total:.1f}%)") for path, n in s["lanes"].items()],
        ("compile time", f"{s['compile_seconds']:.2f} s"),
        ("jax run time", f"{s['run_seconds']:.2f} s"),
        ("wall time", f"{s['wall_seconds']:.2f} s"),
    ]
    print_table(rows, out)


def print_table(rows, out=None):
    """Prints (label, value) rows as two aligned columns."""
    out = out or sys.stdout
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}", file=out)


def cmd_run(args) -> int:
    # A bad task file or task is listed and skipped; the others still run.
    tasks = load_tasks(args.dataset, solutions=args.solutions, strict=False)
    for error in tasks.errors:
        print(f"rejected task: {error}", file=sys.stderr)
    if not tasks:
        raise DataError("no valid task to run", file=args.dataset)
    if args.limit:
        tasks = tasks[: args.limit]
    programs = api.load_programs(args.programs)
    for error in programs.errors:
        print(f"rejected: {error}", file=sys.stderr)
    budget = int(args.memory_budget * 2**30) if args.memory_budget else None
    config = engine.EngineConfig(tiers=args.tiers, group_size=args.group_size,
                                 cache_dir=args.cache_dir, failed_lines=args.failed_lines,
                                 memory_budget=budget, reference_procs=args.reference_procs,
                                 reference_timeout=args.reference_timeout or None, executor=args.executor,
                                 compile_after_lanes=args.compile_after_lanes)
    start = time.perf_counter()
    result = api.run_tasks(tasks, programs, args.pairing, config, progress=_progress_printer(sys.stderr))
    wall = time.perf_counter() - start
    report = build_report(result, wall, programs.errors)
    _print_summary(report)
    if args.report:
        with open(args.report, "w") as handle:
            json.dump(report, handle, indent=1)
    if args.predictions:
        with open(args.predictions, "w") as handle:
            json.dump(build_predictions(result, tasks), handle)
    return 0


def cmd_warmup(args) -> int:
    """Compiles the step kernels of the programs (default: the bundled solvers) into the cache."""
    from jaxbatt import warmup
    from jaxbatt.programs import SOLVERS_PATH

    programs = []
    for path in args.programs or [str(SOLVERS_PATH)]:
        loaded = api.load_programs(path)
        for error in loaded.errors:
            print(f"rejected: {error}", file=sys.stderr)
        programs += loaded.programs
    tasks = load_tasks(args.dataset, strict=False)[:16]
    lanes = [lane for t in tasks for lane in api.task_lanes(t)[0]]
    config = engine.EngineConfig(tiers=args.tiers, cache_dir=args.cache_dir, failed_lines=args.failed_lines)
    engine.enable_compilation_cache(config.cache_dir)
    printer = _progress_printer(sys.stderr)
    report = warmup.warm_up(programs, lanes, config, progress=lambda done, total: printer("jax", done, total))
    print_table([("programs", f"{len(programs)}"),
                 ("tiers", ",".join(t.name for t in config.tiers)),
                 ("kernels compiled / loaded", f"{report.compiled} / {report.loaded}"),
                 ("program-tier pairs that did not run", f"{report.failed}"),
                 ("warm-up wall time", f"{report.seconds:.1f} s")])
    return 0


def parse_tiers(text: str):
    """"tiny,small" -> (values.TINY, values.SMALL): the tiers lanes try, in order."""
    by_name = {tier.name: tier for tier in values.TIERS}
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in by_name]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"tiers must be names among {sorted(by_name)}, got {text!r}")
    return tuple(by_name[name] for name in names)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="jaxbatt", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run programs on ARC tasks")
    run.add_argument("--programs", required=True, help="solver module, batt file, or folder of them")
    run.add_argument("--dataset", required=True,
                     help=f"one of {', '.join(DATASETS)}, a task JSON file, a folder, or a Kaggle challenges file")
    run.add_argument("--solutions", help="Kaggle solutions file for --dataset")
    run.add_argument("--pairing", choices=("own", "all"), default="own",
                     help="own: solve_<id> on task <id> only; all: every program on every task")
    run.add_argument("--report", help="write the JSON report here")
    run.add_argument("--predictions", help="write Kaggle-format predictions here")
    run.add_argument("--limit", type=int, default=0, help="only the first N tasks")
    run.add_argument("--group-size", type=int, default=engine.EngineConfig.group_size,
                     help="programs per compiled function")
    run.add_argument("--cache-dir", help="cache folder (default: ~/.cache/jaxbatt)")
    run.add_argument("--tiers", default=None, type=parse_tiers,
                     help="capacity tiers lanes try before the reference, in order, among "
                          "tiny, small, large, huge (default: tiny,small,large on an accelerator; "
                          "tiny,small on a CPU, where a large-tier lane costs more than "
                          "running it on the reference)")
    run.add_argument("--reference-procs", type=int, default=os.cpu_count() or 1, metavar="N",
                     help="processes for the lanes no tier holds (default: the CPU count)")
    run.add_argument("--reference-timeout", type=float, default=engine.EngineConfig.reference_timeout,
                     metavar="SECONDS", help="seconds one lane may take on the reference; past it the lane "
                                             "counts as a timeout, with no output (0: no limit)")
    run.add_argument("--memory-budget", type=float, metavar="GIB",
                     help="memory one compiled call may use (default: half the device's memory "
                          "where JAX reports it, else 4 GiB); larger calls run on fewer lanes")
    run.add_argument("--failed-lines", choices=("fail", "default"), default="fail",
                     help="a guarded batt line (try/except) that fails: fail what depends on it, "
                          "or take its type's default as card.py does")
    run.add_argument("--executor", choices=engine.EXECUTORS, default="auto",
                     help="steps: programs as data, on per-step kernels compiled once and shared "
                          "by every program; programs: one compiled XLA program per group; auto: "
                          "programs for now (see the README)")
    run.add_argument("--compile-after-lanes", type=int, metavar="N",
                     help="steps: compile a kernel not in the cache only once N lanes have asked "
                          "for it, running them on the reference until then (a search's fresh "
                          "candidates; default: compile at once)")
    warm = sub.add_parser("warmup", help="compile the step kernels of a corpus of programs into the cache "
                                         "(once; later runs of any program made of their steps compile nothing)")
    warm.add_argument("--programs", action="append",
                      help="solver module, batt file or folder (repeatable; default: the bundled solvers)")
    warm.add_argument("--dataset", default="arc1-training", help="where the warm-up calls take their input grids")
    warm.add_argument("--cache-dir", help="cache folder (default: ~/.cache/jaxbatt)")
    warm.add_argument("--tiers", default=None, type=parse_tiers, help="tiers to compile for (default: run's)")
    warm.add_argument("--failed-lines", choices=("fail", "default"), default="fail",
                      help="compile for this --failed-lines of later runs")
    args = parser.parse_args(argv)
    try:
        return cmd_warmup(args) if args.command == "warmup" else cmd_run(args)
    except (DataError, OSError) as error:  # a missing or unreadable input, said in one line
        print(f"jaxbatt: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
