"""jaxbatt's own arc-dsl style test programs (solvers for ARC-AGI-1 training tasks).

`SOLVERS_PATH` is the source file, for tools that parse programs (codegen); `solvers()`
imports it and returns {task_id: solve function} running on the CPU reference dsl_py.
"""
from __future__ import annotations

import importlib
import pathlib
from typing import Callable, Dict

SOLVERS_PATH = pathlib.Path(__file__).with_name("solvers.py")


def solvers() -> Dict[str, Callable]:
    """Map each task id to its `solve_<task id>` function from `solvers.py`."""
    module = importlib.import_module("jaxbatt.programs.solvers")
    return {
        name[len("solve_"):]: getattr(module, name)
        for name in sorted(vars(module))
        if name.startswith("solve_")
    }


__all__ = ["SOLVERS_PATH", "solvers"]
