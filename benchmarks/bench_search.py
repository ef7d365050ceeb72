"""Search benchmark: rounds of freshly mutated candidates, end to end, jaxbatt against the reference.

    python benchmarks/bench_search.py                      # 2-core defaults, a few minutes
    python benchmarks/bench_search.py --tasks 32 --population 32 --rounds 5   # GPU size

Each round takes --population candidates mutated from the current population (well-typed
mutations: a constant replaced by another of its type, a primitive by another of the same
signature), writes them as one card.py-style batt file (shared t-lines, each line in
try/except, `o` outputs the candidates, `s` outputs compare them with C), and runs it on
every sample (train and test pairs) of --tasks random ARC-AGI-1 training tasks, with the
expected output as C. jaxbatt's time per round covers everything a user waits for: parsing
the new file, lowering, any kernel compile, the run and the lanes left to dsl_py. The
reference runs the same programs on the same lanes with dsl_py on --reference_procs
processes (a pool kept across rounds). Outputs are compared lane by lane; the candidates
that solve most samples become the next population. The last line is
`speedup_vs_reference: X` (total reference seconds / total jaxbatt seconds).

The kernel cache starts empty unless --cache_dir names a warm one. With --warmup (the
default) and the stepped executor, the rounds are preceded by `jaxbatt warmup`'s one-time
compile of the bundled solvers' kernels (warmup.warm_up): its time is printed apart, and the
rounds' times count every kernel a mutated candidate needs beyond it.
"""
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time

from absl import app, flags

FLAGS = flags.FLAGS
flags.DEFINE_integer("rounds", 4, "search rounds")
flags.DEFINE_integer("population", 32, "candidates per round (one batt file)")
flags.DEFINE_integer("tasks", 8, "random ARC-AGI-1 training tasks whose samples every candidate runs on")
flags.DEFINE_integer("seed", 0, "random seed (tasks and mutations)")
flags.DEFINE_integer("reference_procs", os.cpu_count(), "reference worker processes")
flags.DEFINE_string("executor", "steps", "jaxbatt executor: steps, programs or auto")
flags.DEFINE_string("cache_dir", None, "jaxbatt cache folder (default: a new empty one)")
flags.DEFINE_bool("warmup", True, "compile the bundled solvers' kernels first (stepped executor; timed apart)")
flags.DEFINE_integer("compile_after_lanes", 256,
                     "stepped executor: compile a kernel the cache lacks once this many lanes asked for it "
                     "(dsl_py runs them until then; ~one compile's cost in dsl_py lanes on a CPU); 0: at once")
flags.DEFINE_integer("group_size", 0, "programs per group (0: EngineConfig's default)")
flags.DEFINE_string("output", None, "also write the batt file of each round here (a folder)")


def _signatures():
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from tests.program_generator import CONSTANTS, EXCLUDED, SIGNATURES
    return SIGNATURES, CONSTANTS, EXCLUDED


def mutate(program, rng, name):
    """A copy of `program` with one well-typed change (a constant, or a primitive swapped
    for one of the same signature); the program itself when none applies."""
    import dataclasses
    from jaxbatt.codegen.ir import Const, Ref
    signatures, constants, excluded = _signatures()
    by_signature = {}
    for prim, signature in signatures.items():
        if prim not in excluded:
            by_signature.setdefault((tuple(signature[0]), signature[1]), []).append(prim)
    targets = {s.target for s in program.steps}
    choices = []
    for i, step in enumerate(program.steps):
        for j, arg in enumerate(step.args):
            if isinstance(arg, Const) and not isinstance(arg.value, str):
                kind = ("Boolean" if isinstance(arg.value, bool) else "IntegerTuple" if isinstance(arg.value, tuple)
                        else "Integer")
                choices.append(("const", i, j, constants[kind]))
        if step.func.name not in targets and step.func.name in signatures:
            params, returns = signatures[step.func.name]
            others = [p for p in by_signature.get((tuple(params), returns), []) if p != step.func.name]
            if others:
                choices.append(("prim", i, None, others))
    steps = list(program.steps)
    if choices:
        what, i, j, options = rng.choice(choices)
        step = steps[i]
        if what == "const":
            args = list(step.args)
            args[j] = Const(rng.choice(options))
            steps[i] = dataclasses.replace(step, args=tuple(args))
        else:
            steps[i] = dataclasses.replace(step, func=Ref(rng.choice(options)))
    return dataclasses.replace(program, name=name, steps=tuple(steps))


def _text(arg, names):
    from jaxbatt.codegen.ir import Const
    if isinstance(arg, Const):
        return repr(arg.value)
    return names.get(arg.name, arg.name)


def write_batt(candidates) -> str:
    """The candidates as one batt file in card.py's form: identical lines shared."""
    lines = ["from dsl import *", "from constants import *", "from safe_dsl import _get_safe_default", "", "",
             "def batt(task_id, S, I, C, log_path):", "    s = []", "    o = []"]
    shared = {}

    def line(call, func):
        if call not in shared:
            shared[call] = f"t{len(shared) + 1}"
            lines.extend([f"    try:", f"        {shared[call]} = {call}",
                          f"    except (TypeError, AttributeError, ValueError):",
                          f"        {shared[call]} = _get_safe_default({func})"])
        return shared[call]

    for k, program in enumerate(candidates, 1):
        names = {"I": "I", "S": "S", "C": "C"}
        for step in program.steps:
            func = _text(step.func, names)
            names[step.target] = line(f"{func}({', '.join(_text(a, names) for a in step.args)})", func)
        out = names[program.outputs[0][1]]
        lines.append(f"    o.append(({k}, False, {program.name!r}, {out}))")
        differ = line(f"equality({out}, C)", "equality")
        lines.append(f"    s.append(({k}, {program.name!r}, {differ}))")
    lines.append("    return o, s")
    return "\n".join(lines) + "\n"


def _reference_chunk(job):
    """Worker: (program, lane) pairs on dsl_py -> outputs (None where the reference raises)."""
    from jaxbatt import engine
    programs, lanes = job
    return [engine._reference_output(p, lane) for p, lane in zip(programs, lanes)]


def run_reference(pool, programs, lanes, procs):
    pairs = [(p, lane) for p in programs for lane in lanes]
    chunk = max(1, len(pairs) // (procs * 8))
    jobs = [([p for p, _ in pairs[i:i + chunk]], [lane for _, lane in pairs[i:i + chunk]])
            for i in range(0, len(pairs), chunk)]
    start = time.perf_counter()
    flat = [v for part in pool.map(_reference_chunk, jobs) for v in part]
    seconds = time.perf_counter() - start
    return {p.name: flat[i * len(lanes):(i + 1) * len(lanes)] for i, p in enumerate(programs)}, seconds


def main(argv):
    del argv
    import jax
    import numpy as np
    from jaxbatt import api, engine, kernels
    from jaxbatt.cli import print_table
    from jaxbatt.data import load_tasks
    from jaxbatt.programs import SOLVERS_PATH

    rng = random.Random(FLAGS.seed)
    cache = FLAGS.cache_dir or tempfile.mkdtemp(prefix="jaxbatt-search-cache-")
    engine.enable_compilation_cache(cache)
    tasks = rng.sample(load_tasks("arc1-training"), FLAGS.tasks)
    lanes = [lane for t in tasks for lane in api.task_lanes(t)[0]]
    population = api.load_programs(str(SOLVERS_PATH)).programs
    config = engine.EngineConfig(cache_dir=cache, executor=FLAGS.executor, reference_procs=FLAGS.reference_procs,
                                 compile_after_lanes=FLAGS.compile_after_lanes or None,
                                 group_size=FLAGS.group_size or engine.EngineConfig.group_size)
    print(f"{FLAGS.rounds} rounds x {FLAGS.population} candidates x {len(lanes)} samples of {len(tasks)} tasks; "
          f"backend {jax.default_backend()}, executor {engine.choose_executor(config)}", flush=True)
    warmup_seconds = None
    if FLAGS.warmup and engine.choose_executor(config) == "steps":
        from jaxbatt import warmup
        report = warmup.warm_up(population, lanes, config)
        warmup_seconds = report.seconds
        print(f"warm-up: {report.compiled} kernels compiled, {report.loaded} loaded, {report.seconds:.1f} s", flush=True)
    if FLAGS.reference_procs > 1:  # jaxbatt's own pool for the lanes it leaves to dsl_py, as the reference's
        start = time.perf_counter()
        engine.start_reference_pool(FLAGS.reference_procs)
        print(f"dsl_py pool of {FLAGS.reference_procs} processes started: {time.perf_counter() - start:.1f} s "
              f"(once, not in the rounds, as the reference's)", flush=True)
    pool = multiprocessing.get_context("spawn").Pool(FLAGS.reference_procs)
    pool.map(engine.worker_ready, range(FLAGS.reference_procs), chunksize=1)  # imports done before round 0
    totals = {"jaxbatt": 0.0, "reference": 0.0, "evaluations": 0, "mismatches": 0, "compile": 0.0}
    paths = dict.fromkeys(engine.PATHS + (engine.TIMEOUT,), 0)
    for r in range(FLAGS.rounds):
        parents = population[:FLAGS.population]
        candidates = [mutate(rng.choice(parents), rng, f"c{r}_{k}") for k in range(FLAGS.population)]
        text = write_batt(candidates)
        if FLAGS.output:
            os.makedirs(FLAGS.output, exist_ok=True)
            with open(os.path.join(FLAGS.output, f"batt_round{r}.py"), "w") as handle:
                handle.write(text)
        compiled_before = kernels.KERNELS.compile_seconds
        start = time.perf_counter()
        programs = api.load_programs(text).programs
        outcomes = engine.evaluate(programs, lanes, config)
        jax_seconds = time.perf_counter() - start
        compile_seconds = kernels.KERNELS.compile_seconds - compiled_before + sum(
            o.compile_seconds for o in outcomes.values() if engine.choose_executor(config) == "programs")
        reference, reference_seconds = run_reference(pool, programs, lanes, FLAGS.reference_procs)
        mismatches = sum(not engine.same_output(outcomes[p.name].outputs[b], reference[p.name][b])
                         for p in programs for b in range(len(lanes)) if outcomes[p.name].paths[b] != engine.TIMEOUT)
        for o in outcomes.values():
            for path in o.paths:
                paths[path] += 1
        scores = {}
        for p in programs:
            if p.name.startswith("o"):
                scores[p.name] = sum(engine.same_output(out, lane.expected)
                                     for out, lane in zip(outcomes[p.name].outputs, lanes))
        by_candidate = {}
        for name, score in scores.items():  # batt outputs are named o<k>[<candidate name>]
            by_candidate[re.search(r"'([^']*)'", name).group(1)] = score
        population = sorted(candidates + parents, key=lambda c: -by_candidate.get(c.name, -1))
        evaluations = len(programs) * len(lanes)
        print(f"round {r}: {len(text.splitlines())} lines, {len(programs)} outputs, {evaluations} evaluations; "
              f"jaxbatt {jax_seconds:.2f} s ({compile_seconds:.2f} s compiling), reference {reference_seconds:.2f} s, "
              f"mismatches {mismatches}, best {max(by_candidate.values(), default=0)}/{len(lanes)}", flush=True)
        totals["jaxbatt"] += jax_seconds
        totals["reference"] += reference_seconds
        totals["evaluations"] += evaluations
        totals["mismatches"] += mismatches
        totals["compile"] += compile_seconds
    pool.terminate()
    lanes_total = max(1, sum(paths.values()))
    print_table([
        ("evaluations", f"{totals['evaluations']}"),
        ("reference evaluations/s", f"{totals['evaluations'] / totals['reference']:.1f} "
                                    f"({FLAGS.reference_procs} procs)"),
        ("jaxbatt evaluations/s (end to end)", f"{totals['evaluations'] / totals['jaxbatt']:.1f}"),
        ("jaxbatt compile", f"{totals['compile']:.1f} s (summed over threads)"),
        ("one-time warm-up (not in the rounds)", "none" if warmup_seconds is None else f"{warmup_seconds:.1f} s"),
        *[(f"lanes {p}", f"{n} ({100 * n / lanes_total:.1f}%)") for p, n in paths.items()],
        ("kernels compiled / loaded", f"{kernels.KERNELS.compiled} / {kernels.KERNELS.loaded}"),
        ("kernels not ready (lanes to dsl_py)", f"{kernels.KERNELS.not_ready} asks"),
        ("lane mismatches vs reference", f"{totals['mismatches']}"),
    ])
    print(f"speedup_vs_reference: {totals['reference'] / totals['jaxbatt']:.2f}")
    return 1 if totals["mismatches"] else 0


if __name__ == "__main__":
    app.run(main)
