"""A run keeps its finished work: the report is written at every checkpoint, a killed run
leaves a valid report of what finished, and --resume finishes it as one run would have."""
import json
import os
import signal
import subprocess
import sys
import time

from jaxbatt import cli
from jaxbatt.programs import SOLVERS_PATH

ARGS = ["run", "--programs", str(SOLVERS_PATH), "--dataset", "arc1-training", "--limit", "24",
        "--reference-procs", "1", "--checkpoint", "1"]


def _entries(path):
    return json.loads(open(path).read())["programs"]


def test_a_killed_run_keeps_its_report_and_resume_finishes_it(tmp_path):
    whole, whole_predictions = str(tmp_path / "whole.json"), str(tmp_path / "whole_predictions.json")
    assert cli.main(ARGS + ["--report", whole, "--predictions", whole_predictions]) == 0
    expected = _entries(whole)
    assert len(expected) >= 4

    report, predictions = str(tmp_path / "report.json"), str(tmp_path / "predictions.json")
    process = subprocess.Popen([sys.executable, "-m", "jaxbatt.cli"] + ARGS + ["--report", report,
                                                                              "--predictions", predictions],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not os.path.exists(report) and process.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)  # as the OOM killer would: no clean-up runs
    process.wait()
    kept = _entries(report)  # valid JSON: every write is atomic
    assert 1 <= len(kept) < len(expected)
    assert all(kept[name] == expected[name] for name in kept)

    assert cli.main(ARGS + ["--report", report, "--predictions", predictions, "--resume"]) == 0
    assert _entries(report) == expected
    assert json.loads(open(predictions).read()) == json.loads(open(whole_predictions).read())


def test_resume_needs_the_report_it_goes_on_with(capsys):
    assert cli.main(ARGS + ["--resume"]) == 2
    assert "--resume needs --report" in capsys.readouterr().err


def test_resume_from_a_file_that_is_no_report_says_so(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert cli.main(ARGS + ["--report", str(bad), "--resume"]) == 2
    assert "not a jaxbatt report" in capsys.readouterr().err
