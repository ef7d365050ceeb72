"""jaxbatt: run ARC DSL programs batch-native on accelerators with JAX.

    programs = jaxbatt.load_programs("solvers.py")
    result = jaxbatt.run(task, programs=programs)   # every program on the task's grids
"""
from jaxbatt.api import BatteryResult, ProgramRun, ProgramSet, RunResult, load_programs, run, run_tasks

__version__ = "0.1.0"
__all__ = ["BatteryResult", "ProgramRun", "ProgramSet", "RunResult", "load_programs", "run", "run_tasks"]
