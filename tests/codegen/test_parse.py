"""Reading solver modules and batt files into the IR; errors name file, line, program."""
import os

import pytest

from jaxbatt.codegen.ir import Const, Ref
from jaxbatt.codegen.parse import parse_file, parse_source
from jaxbatt.programs import SOLVERS_PATH

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def test_project_solvers_all_parse():
    parsed = parse_file(SOLVERS_PATH)
    assert parsed.errors == []
    assert len(parsed.programs) >= 45
    assert all(p.outputs[0][0] == "O" and p.strict for p in parsed.programs)


def test_constants_are_resolved_and_keywords_bound():
    parsed = parse_source(
        "def solve_x(I):\n"
        "    x1 = objects(grid=I, univalued=T, diagonal=F, without_bg=T)\n"
        "    x2 = shift(x1, (1, -2))\n"
        "    O = fill(I, NEG_ONE, x2)\n"
        "    return O\n")
    assert parsed.errors == []
    steps = parsed.programs[0].steps
    assert steps[0].args == (Ref("I"), Const(True), Const(False), Const(True))
    assert steps[1].args[1] == Const((1, -2))
    assert steps[2].args[1] == Const(-1)


@pytest.mark.parametrize("body, message", [
    ("    x1 = nosuch(I)\n    return x1\n", "unknown function `nosuch`"),
    ("    x1 = hmirror(I, I)\n    return x1\n", "hmirror takes 1 argument, got 2"),
    ("    x1 = hmirror(J)\n    return x1\n", "unknown name `J`"),
    ("    x1 = hmirror(I)\n    return x2\n", "`return` must name a value defined above"),
    ("    for a in I:\n        pass\n    return I\n", "unsupported statement"),
    ("    x1 = hmirror(I)\n", "no `return`"),
    ("    x1 = crop(I, ORIGIN, size=UNITY)\n    return x1\n", "crop has no parameter `size`"),
    ("    x1 = hmirror(I)\n    x1 = x1\n    return x1\n", "must be a DSL call"),
])
def test_bad_solver_is_rejected_with_file_and_line_and_others_load(body, message):
    source = "def solve_good(I):\n    O = hmirror(I)\n    return O\n\n\ndef solve_bad(I):\n" + body
    parsed = parse_source(source, "progs.py")
    assert [p.name for p in parsed.programs] == ["solve_good"]
    (error,) = parsed.errors
    assert message in str(error)
    assert str(error).startswith("progs.py:") and "solve_bad" in str(error)
    assert error.line >= 6


def test_syntax_error_names_the_file_and_line():
    parsed = parse_source("def solve_x(I):\n    O = hmirror(I\n", "broken.py")
    assert parsed.programs == [] and "broken.py:" in str(parsed.errors[0])


def test_batt_file_gives_one_program_per_candidate_output():
    parsed = parse_file(os.path.join(FIXTURES, "batt_sample.py"))
    assert parsed.errors == []
    names = [p.name for p in parsed.programs]
    assert len(names) == 5 and names[0].startswith("o0[1, False, 'rot180_by_mirrors']")
    assert names[3].startswith("s3")
    by_name = {p.name: p for p in parsed.programs}
    upscale = by_name[names[1]]
    # Only the lines an output depends on are its steps; calling a target is a step.
    assert [s.target for s in upscale.steps] == ["t3", "t4"]
    assert upscale.steps[1].func == Ref("t3")
    assert not upscale.strict
    guarded = by_name[names[0]].steps[1]
    assert guarded.guarded and guarded.target == "t2"


def test_batt_bad_line_rejects_only_outputs_that_depend_on_it():
    source = (
        "def batt(task_id, S, I, C, log_path):\n"
        "    o = []\n"
        "    t1 = hmirror(I)\n"
        "    t2 = nosuch(t1)\n"
        "    o.append((1, t1))\n"
        "    o.append((2, t2))\n"
        "    return o, []\n")
    parsed = parse_source(source, "b.py")
    assert [p.outputs[0][1] for p in parsed.programs] == ["t1"]
    assert any("b.py:4" in str(e) for e in parsed.errors)
    assert any("b.py:6" in str(e) and "rejected line" in str(e) for e in parsed.errors)
