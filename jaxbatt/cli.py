"""The `jaxbatt` command.

    jaxbatt run --programs FILE --dataset NAME|PATH [--pairing own|all] [--dsl auto|arc-dsl|tokpidjin]
                [--report FILE.json] [--predictions FILE.json] [--limit N]
                [--failed-lines fail|default] [--executor steps|programs|auto]
                [--checkpoint N] [--resume] [--max-memory GIB] [--compile-timeout SECONDS]
    jaxbatt warmup [--programs FILE ...] [--cache-dir DIR] [--tiers T,...]
"""
import argparse
import collections
import json
import os
import sys
import time

import numpy as np

from jaxbatt import api, engine, kernels, memory
from jaxbatt.codegen import dialects
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


def program_entries(result: api.BatteryResult, tasks) -> dict:
    """{program: its report entry}: the tasks it solves, lanes per path, its trace error, and
    the test outputs it gives on each task whose train pairs it reproduces (the predictions'
    attempts, so a resumed run rebuilds them from the report)."""
    n_train = {task.id: len(task.train) for task in tasks}
    programs = {}
    for name, per_task in result.runs.items():
        any_run = next(iter(per_task.values()))
        attempts = {}
        for task_id, run in per_task.items():
            if run.train_correct:
                attempts[task_id] = [o.tolist() if isinstance(o, np.ndarray) else None
                                     for o in run.outputs[n_train[task_id]:]]
        programs[name] = {
            "task": any_run.task,
            "solved": sorted(t for t, run in per_task.items() if run.solved),
            "lanes": _lane_counts(per_task.values()),
            "trace_error": any_run.trace_error,
            "reference_reason": any_run.reference_reason,
            "attempts": attempts,
        }
    return programs


def summarize(programs: dict, grids: int, program_errors: int, compile_seconds: float, run_seconds: float,
              wall_seconds: float) -> dict:
    lanes = {path: sum(p["lanes"][path] for p in programs.values())
             for path in list(engine.PATHS) + ["error", engine.TIMEOUT]}
    evaluations = sum(lanes.values())
    solved_tasks = sorted({t for p in programs.values() for t in p["solved"]})
    return {
        "tasks_solved": len(solved_tasks),
        "programs": len(programs),
        "rejected_programs": program_errors,
        "grids": grids,
        "evaluations": evaluations,
        "evaluations_per_second": evaluations / wall_seconds if wall_seconds else 0.0,
        "lanes": lanes,
        "compile_seconds": compile_seconds,
        "run_seconds": run_seconds,
        "wall_seconds": wall_seconds,
        # Of this process (a resumed run's: since it resumed) and of its largest dsl_py worker.
        "peak_resident_gib": memory.peak_resident() / 2**30,
        "peak_worker_resident_gib": memory.peak_resident(children=True) / 2**30,
        "memory_releases": memory.releases,
        "compiles_timed_out": kernels.KERNELS.timed_out + sum(
            "CompileTimeout" in (p["trace_error"] or "") for p in programs.values()),
    }


def build_report(result: api.BatteryResult, tasks, wall_seconds: float, program_errors) -> dict:
    programs = program_entries(result, tasks)
    return {"programs": programs, "summary": summarize(programs, result.lanes, len(program_errors),
                                                       result.compile_seconds, result.run_seconds, wall_seconds)}


def build_predictions(programs: dict, tasks) -> dict:
    """Kaggle format: {task: [{"attempt_1": grid, "attempt_2": grid} per test input]}, from
    report entries (program_entries), in program order."""
    predictions = {}
    for task in tasks:
        attempts = [[] for _ in task.test]
        for entry in programs.values():
            for i, output in enumerate(entry["attempts"].get(task.id, ())):
                if output is not None and output not in attempts[i]:
                    attempts[i].append(output)
        entry = []
        for found in attempts:
            grids = found[:2] or [[[0]]]
            entry.append({"attempt_1": grids[0], "attempt_2": grids[min(1, len(grids) - 1)]})
        predictions[task.id] = entry
    return predictions


def write_json(path: str, data, **dump_args):
    """Writes data to path atomically (a file beside it, then renamed): a run killed while
    writing leaves the previous version whole."""
    partial = f"{path}.partial"
    with open(partial, "w") as handle:
        json.dump(data, handle, **dump_args)
    os.replace(partial, path)


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
        ("peak resident memory", f"{s['peak_resident_gib']:.2f} GiB (dsl_py worker "
                                 f"{s['peak_worker_resident_gib']:.2f} GiB)"),
        ("compiles past --compile-timeout", f"{s['compiles_timed_out']}"),
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
    programs = api.load_programs(args.programs, args.dsl)
    for error in programs.errors:
        print(f"rejected: {error}", file=sys.stderr)
    for reason, count in collections.Counter(
            dialects.dialect(p.dsl).no_jax_reason for p in programs.programs).items():
        if reason:
            print(f"{count} program{'s' * (count != 1)} on the reference only ({reason})", file=sys.stderr)
    budget = int(args.memory_budget * 2**30) if args.memory_budget else None
    max_memory = memory.default_limit() if args.max_memory is None else int(args.max_memory * 2**30) or None
    config = engine.EngineConfig(tiers=args.tiers, group_size=args.group_size,
                                 cache_dir=args.cache_dir, failed_lines=args.failed_lines,
                                 memory_budget=budget, reference_procs=args.reference_procs,
                                 reference_timeout=args.reference_timeout or None, executor=args.executor,
                                 compile_after_lanes=args.compile_after_lanes,
                                 compile_timeout=args.compile_timeout or None, max_memory=max_memory)
    entries, seconds = _resumed(args) if args.resume else ({}, {"compile": 0.0, "run": 0.0, "wall": 0.0})
    todo = [p for p in programs.programs if p.name not in entries]
    if args.resume:
        print(f"resuming: {len(entries)} programs already in {args.report}, {len(todo)} to run", file=sys.stderr)
    start = time.perf_counter()
    progress = _progress_printer(sys.stderr)
    grids = sum(len(t.train) + len(t.test) for t in tasks if args.pairing == "all" or t.id in
                {p.task_id for p in programs.programs})

    def checkpoint():
        report = {"programs": entries,
                  "summary": summarize(entries, grids, len(programs.errors), seconds["compile"], seconds["run"],
                                       seconds["wall"] + time.perf_counter() - start)}
        if args.report:
            write_json(args.report, report, indent=1)
        if args.predictions:
            write_json(args.predictions, build_predictions(entries, tasks))
        return report

    # Programs run in checkpoints; after each, the report (and predictions) so far are
    # written atomically, so an interrupted run keeps what finished and --resume goes on.
    report = checkpoint() if not todo else None
    for first in range(0, len(todo), args.checkpoint):
        chunk = api.ProgramSet(todo[first:first + args.checkpoint], [])
        result = api.run_tasks(tasks, chunk, args.pairing, config, progress=progress)
        entries.update(program_entries(result, tasks))
        seconds["compile"] += result.compile_seconds
        seconds["run"] += result.run_seconds
        report = checkpoint()
    _print_summary(report)
    return 0


def _resumed(args):
    """The program entries and summed seconds of an earlier run's report (--resume)."""
    if not args.report:
        raise DataError("--resume needs --report (the report of the run to go on with)")
    if not os.path.exists(args.report):
        return {}, {"compile": 0.0, "run": 0.0, "wall": 0.0}
    try:
        with open(args.report) as handle:
            report = json.load(handle)
        summary = report["summary"]
        return report["programs"], {"compile": summary["compile_seconds"], "run": summary["run_seconds"],
                                    "wall": summary["wall_seconds"]}
    except (ValueError, KeyError, TypeError) as error:
        raise DataError(f"cannot resume from {args.report}: not a jaxbatt report ({error})") from None


def cmd_warmup(args) -> int:
    """Compiles the step kernels of the programs (default: the bundled solvers) into the cache."""
    from jaxbatt import warmup
    from jaxbatt.programs import SOLVERS_PATH

    programs = []
    for path in args.programs or [str(SOLVERS_PATH)]:
        loaded = api.load_programs(path)
        for error in loaded.errors:
            print(f"rejected: {error}", file=sys.stderr)
        programs += [p for p in loaded.programs if not dialects.dialect(p.dsl).no_jax_reason]  # no kernels to compile
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
    run.add_argument("--dsl", choices=(dialects.AUTO,) + dialects.DSLS, default=dialects.AUTO,
                     help="the DSL dialect of --programs: arc-dsl, tokpidjin (pierreb4/tokpidjin's "
                          "batt files; every lane on the reference for now), or auto (the default: "
                          "detected per file, arc-dsl unless the file is clearly tokpidjin's)")
    run.add_argument("--pairing", choices=("own", "all"), default="own",
                     help="own: solve_<id> on task <id> only; all: every program on every task")
    run.add_argument("--report", help="write the JSON report here (after every --checkpoint programs)")
    run.add_argument("--checkpoint", type=int, default=64, metavar="N",
                     help="programs run between two writes of the report and predictions (default 64)")
    run.add_argument("--resume", action="store_true",
                     help="go on with the run whose --report is given: programs already in it are skipped")
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
    run.add_argument("--max-memory", type=float, metavar="GIB",
                     help="resident memory the run may reach: past 80%% of it, compiled code held in "
                          "memory is dropped, then programs go to the reference instead of compiling "
                          "(default: 60%% of the machine's memory; 0: no limit)")
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
    run.add_argument("--compile-timeout", type=float, default=engine.EngineConfig.compile_timeout,
                     metavar="SECONDS",
                     help="seconds one XLA compile may take; past it its program (steps: its lanes) "
                          "goes on to the next tier or the reference while the compile ends in the "
                          "background (0: no limit)")
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
