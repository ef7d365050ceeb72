"""The public API: load_programs, run (one task), run_tasks (a dataset)."""
import dataclasses
import os
from typing import Dict, List, Optional, Sequence

import numpy as np

from jaxbatt import engine
from jaxbatt.codegen import dialects
from jaxbatt.codegen.ir import Program, ProgramError
from jaxbatt.codegen.parse import parse_file, parse_source
from jaxbatt.data import DataError, Task, as_array


@dataclasses.dataclass
class ProgramSet:
    """Programs read from solver modules or batt files, and the ones that were rejected."""

    programs: List[Program]
    errors: List[ProgramError]

    def __iter__(self):
        return iter(self.programs)

    def __len__(self):
        return len(self.programs)


def load_programs(path_or_source, dsl: str = dialects.AUTO) -> ProgramSet:
    """Programs from a file, a folder of .py files, or source text.

    dsl: the dialect they are written in, "arc-dsl" or "tokpidjin" (codegen.dialects);
    "auto" (the default) detects it per file. Bad programs are collected in `errors`
    (file:line and why); the rest load."""
    if isinstance(path_or_source, ProgramSet):
        return path_or_source
    text = str(path_or_source)
    if "\n" not in text and os.path.isdir(text):
        programs, errors = [], []
        for name in sorted(os.listdir(text)):
            if name.endswith(".py"):
                parsed = parse_file(os.path.join(text, name), dsl)
                programs += parsed.programs
                errors += parsed.errors
        return ProgramSet(programs, errors)
    if "\n" not in text and os.path.isfile(text):
        parsed = parse_file(text, dsl)
    elif "\n" not in text and text.endswith(".py"):
        raise FileNotFoundError(f"no program file {text}")
    else:
        parsed = parse_source(text, dsl=dsl)
    return ProgramSet(parsed.programs, parsed.errors)


@dataclasses.dataclass
class ProgramRun:
    """One program on the grids of a task."""

    name: str
    task: Optional[str]  # the task a solve_<id> program is written for
    outputs: List[object]  # per grid: np.ndarray, another value, or None (the reference raises)
    paths: List[str]  # per grid: "jax", "jax-large", "reference", or "rejected" (not a valid grid)
    train_correct: Optional[bool]  # reproduces every train output (None: grids were given)
    test_correct: Optional[bool]  # reproduces every known test output (None: unknown)
    trace_error: Optional[str] = None
    reference_reason: Optional[str] = None  # why every grid ran on the reference by design (its dialect)

    @property
    def solved(self) -> bool:
        return bool(self.train_correct) and self.test_correct is not False


@dataclasses.dataclass
class RunResult:
    task_id: str
    grids: List[object]  # as given (np.ndarray when valid)
    programs: Dict[str, ProgramRun]
    rejected: Dict[int, str] = dataclasses.field(default_factory=dict)  # grid index -> what is wrong


def _same(output, expected) -> bool:
    return isinstance(output, np.ndarray) and expected is not None and output.shape == expected.shape and bool(
        np.array_equal(output, expected))


def _as_task(task) -> Task:
    if isinstance(task, Task):
        return task
    if isinstance(task, dict):
        return Task.from_dict(task.get("id", "task"), task)
    raise TypeError(f"expected a jaxbatt Task or an ARC-format dict, got {type(task).__name__}")


def _checked_grids(task_id: str, grids) -> tuple:
    """(valid grids as int8 arrays, {index: what is wrong} for the others)."""
    valid, rejected = [], {}
    for index, grid in enumerate(grids):
        try:
            valid.append(as_array(grid))
        except DataError as error:
            rejected[index] = f"task {task_id!r}, grid {index}: {error.detail}"
            valid.append(None)
    return valid, rejected


def task_lanes(task: Task, grids=None):
    """(lanes, number of train lanes or None when grids were given, rejected grids)."""
    train = tuple((p.input, p.output) for p in task.train)
    if grids is not None:
        valid, rejected = _checked_grids(task.id, grids)
        return [engine.Lane(g, train, None) for g in valid if g is not None], None, rejected
    pairs = list(task.train) + list(task.test)
    lanes = [engine.Lane(p.input, train, p.output) for p in pairs]
    return lanes, len(task.train), {}


def _with_rejected(outcome: engine.Outcome, rejected: Dict[int, str]) -> tuple:
    """(outputs, paths) of every grid given: None and "rejected" at the rejected ones."""
    ran = iter(zip(outcome.outputs, outcome.paths))
    total = len(outcome.outputs) + len(rejected)
    both = [(None, "rejected") if i in rejected else next(ran) for i in range(total)]
    return [o for o, _ in both], [p for _, p in both]


def _judge(outcome: engine.Outcome, lanes, n_train) -> tuple:
    if n_train is None:
        return None, None
    train = all(_same(o, lane.expected) for o, lane in zip(outcome.outputs[:n_train], lanes[:n_train]))
    tests = [(o, lane.expected) for o, lane in zip(outcome.outputs[n_train:], lanes[n_train:])]
    known = [(o, e) for o, e in tests if e is not None]
    test = all(_same(o, e) for o, e in known) if known else None
    return train, test


def _with_failed_lines(config: Optional[engine.EngineConfig], failed_lines: Optional[str]):
    if failed_lines is None:
        return config
    return dataclasses.replace(config or engine.EngineConfig(), failed_lines=failed_lines)


def run(task, grids=None, programs=None, config: engine.EngineConfig = None,
        failed_lines: Optional[str] = None) -> RunResult:
    """Every program on the grids of one task (default: its train and test inputs).

    A given grid that is not a valid ARC grid (data.as_array) is listed in the result's
    `rejected` and gets output None, path "rejected"; the others run.
    failed_lines: "fail" or "default" (overrides config.failed_lines; see EngineConfig)."""
    config = _with_failed_lines(config, failed_lines)
    task = _as_task(task)
    program_set = load_programs(programs)
    lanes, n_train, rejected = task_lanes(task, grids)
    outcomes = engine.evaluate(program_set.programs, lanes, config)
    runs = {}
    for program in program_set.programs:
        outcome = outcomes[program.name]
        train, test = _judge(outcome, lanes, n_train)
        outputs, paths = _with_rejected(outcome, rejected)
        runs[program.name] = ProgramRun(program.name, program.task_id, outputs, paths,
                                        train, test, outcome.trace_error, outcome.reference_reason)
    given = list(grids) if grids is not None else [lane.grid for lane in lanes]
    return RunResult(task.id, given, runs, rejected)


@dataclasses.dataclass
class BatteryResult:
    """Programs over many tasks: per (program, task) runs, and timing."""

    runs: Dict[str, Dict[str, ProgramRun]]  # program name -> task id -> run
    compile_seconds: float
    run_seconds: float
    lanes: int


def run_tasks(tasks: Sequence[Task], programs, pairing: str = "own",
              config: engine.EngineConfig = None, progress=None,
              failed_lines: Optional[str] = None) -> BatteryResult:
    """Programs on many tasks in one batch per program group.

    pairing="own": `solve_<id>` runs only on task <id> (others are skipped);
    pairing="all": every program on every task.
    failed_lines: "fail" or "default" (overrides config.failed_lines; see EngineConfig)."""
    config = _with_failed_lines(config, failed_lines)
    if pairing not in ("own", "all"):
        raise ValueError(f"pairing must be 'own' or 'all', not {pairing!r}")
    program_set = load_programs(programs)
    if pairing == "own":
        wanted = {p.task_id for p in program_set.programs}
        tasks = [t for t in tasks if t.id in wanted]
    by_id = {t.id: t for t in tasks}
    lanes, spans = [], {}
    for task in tasks:
        own_lanes, n_train, _ = task_lanes(task)
        spans[task.id] = (len(lanes), len(lanes) + len(own_lanes), n_train)
        lanes += own_lanes
    chosen, lanes_of = [], {}
    for program in program_set.programs:
        if pairing == "own":
            if program.task_id not in by_id:
                continue
            start, stop, _ = spans[program.task_id]
            lanes_of[program.name] = list(range(start, stop))
        else:
            lanes_of[program.name] = list(range(len(lanes)))
        chosen.append(program)
    outcomes = engine.evaluate(chosen, lanes, config, lanes_of=lanes_of, progress=progress)
    runs: Dict[str, Dict[str, ProgramRun]] = {}
    for program in chosen:
        outcome = outcomes[program.name]
        task_ids = [program.task_id] if pairing == "own" else list(by_id)
        for task_id in task_ids:
            start, stop, n_train = spans[task_id]
            sub = engine.Outcome(outcome.outputs[start:stop], outcome.paths[start:stop], outcome.trace_error)
            train, test = _judge(sub, lanes[start:stop], n_train)
            runs.setdefault(program.name, {})[task_id] = ProgramRun(
                program.name, program.task_id, sub.outputs, sub.paths, train, test, outcome.trace_error,
                outcome.reference_reason)
    return BatteryResult(runs, sum(o.compile_seconds for o in outcomes.values()),
                         sum(o.run_seconds for o in outcomes.values()), len(lanes))
