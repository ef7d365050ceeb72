"""Optional parity checks against a local arc-dsl checkout (never part of this repository).

Set ARCDSL=/path/to/arc-dsl to run them. Also a script:

    ARCDSL=/path/to/arc-dsl python tests/test_arcdsl_parity.py

prints how many of arc-dsl's 400 solvers reproduce every ARC-AGI-1 train and test output
when run unchanged on jaxbatt.dsl_py.
"""
import os
import sys

import pytest

ARCDSL = os.environ.get("ARCDSL")
pytestmark = pytest.mark.skipif(not ARCDSL, reason="set ARCDSL to a local arc-dsl checkout")


def arcdsl_solvers_on_dsl_py():
    """{task id: solve function} from arc-dsl's solvers.py, bound to jaxbatt.dsl_py."""
    import jaxbatt.dsl_py as dsl_py
    with open(os.path.join(ARCDSL, "solvers.py")) as handle:
        source = handle.read()
    namespace = {name: getattr(dsl_py, name) for name in dsl_py.__all__}
    code = compile(source.replace("from dsl import *", "").replace("from constants import *", ""),
                   "arc-dsl/solvers.py", "exec")
    exec(code, namespace)
    return {name[len("solve_"):]: fn for name, fn in namespace.items() if name.startswith("solve_")}


def count_solved():
    from jaxbatt.data import as_tuple_grid, load_tasks
    tasks = {t.id: t for t in load_tasks("arc1-training")}
    solved, failed = [], []
    for task_id, solve in sorted(arcdsl_solvers_on_dsl_py().items()):
        task = tasks[task_id]
        ok = True
        for pair in list(task.train) + list(task.test):
            try:
                ok = ok and solve(as_tuple_grid(pair.input)) == as_tuple_grid(pair.output)
            except Exception:
                ok = False
        (solved if ok else failed).append(task_id)
    return solved, failed


def run_arcdsl_tests(namespace):
    """Runs arc-dsl's tests.py with its primitives taken from `namespace`: (passed, failed)."""
    with open(os.path.join(ARCDSL, "tests.py")) as handle:
        source = handle.read().replace("from dsl import *", "")
    scope = dict(namespace)
    exec(compile(source, "arc-dsl/tests.py", "exec"), scope)
    passed, failed = [], []
    for name, fn in list(scope.items()):
        if name.startswith("test_") and callable(fn):
            try:
                fn()
                passed.append(name)
            except Exception:  # a failing arc-dsl test, counted
                failed.append(name)
    return passed, failed


def test_arcdsl_own_tests_pass_on_dsl_py_except_the_order_dependent_one():
    import jaxbatt.dsl_py as dsl_py
    passed, failed = run_arcdsl_tests({name: getattr(dsl_py, name) for name in dsl_py.__all__})
    assert len(passed) + len(failed) == 160
    assert set(failed) <= {"test_mpapply"}, failed


def dsl_jax_bridge():
    """arc-dsl's names, each running the dsl_jax primitive through from_py/to_py.

    A call whose padded value is not exact raises NotExact (counted apart from failures)."""
    import jaxbatt.dsl_jax as dsl_jax
    import jaxbatt.dsl_py as dsl_py
    from jaxbatt.dsl_jax import flags, values

    def bridged(name, fn):
        def at_tier(tier, args):
            padded = []
            for arg in args:
                value, fits = values.from_py(arg, tier=tier)
                if not fits:
                    return None
                padded.append(value)
            with values.use_tier(tier):
                out, ok, exact = flags.collect(fn, *padded)
            return (out, ok) if bool(exact) else None

        def call(*args):
            args = with_host_functions(name, args)
            # Like the engine: the small tier first, then the large one.
            result = at_tier(values.SMALL, args) or at_tier(values.LARGE, args)
            if result is None:
                raise NotExact(name)
            out, ok = result
            if not bool(ok):
                raise ValueError(f"{name} raises on these arguments")
            return values.to_py(out)
        call.__name__ = name
        call._dsl_jax = fn
        return call

    def with_host_functions(name, args):
        """Python lambdas (not DSL functions) become dsl_jax.host_function callbacks; the
        form of their results is learned from the calls dsl_py's primitive makes."""
        lambdas = [i for i, a in enumerate(args) if callable(a) and not hasattr(a, "_dsl_jax")
                   and getattr(a, "__name__", None) == "<lambda>"]
        if not lambdas:
            return args
        examples = {}

        def recording(i, fn):
            def record(*a):
                result = fn(*a)
                examples.setdefault(i, result)
                return result
            return record

        recorded = [recording(i, a) if i in lambdas else a for i, a in enumerate(args)]
        try:
            getattr(dsl_py, name)(*recorded)
        except Exception:  # the reference raises: dsl_jax must say so too
            pass
        return tuple(dsl_jax.host_function(a, examples[i]) if i in examples else a
                     for i, a in enumerate(args))

    namespace = {name: getattr(dsl_py, name) for name in dsl_py.__all__}
    namespace.update({name: bridged(name, fn) for name, fn in dsl_jax.PRIMITIVES.items()})
    return namespace


class NotExact(Exception):
    """dsl_jax marked the value not exact (the engine would rerun it elsewhere)."""


def test_arcdsl_own_tests_pass_on_dsl_jax_except_the_order_dependent_one():
    import jaxbatt.dsl_jax as dsl_jax
    assert len(dsl_jax.PRIMITIVES) == 160
    passed, failed = run_arcdsl_tests(dsl_jax_bridge())
    assert len(passed) + len(failed) == 160
    # test_mpapply depends on frozenset iteration order (arc-dsl fails it too).
    assert set(failed) <= {"test_mpapply"}, failed


def test_arcdsl_solvers_reproduce_arc1_outputs_on_dsl_py():
    solved, failed = count_solved()
    assert len(solved) + len(failed) == 400
    assert len(solved) >= 399, f"failed: {failed}"


if __name__ == "__main__":
    if not ARCDSL:
        sys.exit("set ARCDSL to a local arc-dsl checkout")
    import jaxbatt.dsl_py as dsl_py
    passed, failed_tests = run_arcdsl_tests({name: getattr(dsl_py, name) for name in dsl_py.__all__})
    print(f"arc-dsl tests.py on jaxbatt.dsl_py: {len(passed)} passed, failed: {failed_tests}")
    passed, failed_tests = run_arcdsl_tests(dsl_jax_bridge())
    print(f"arc-dsl tests.py on jaxbatt.dsl_jax: {len(passed)} passed, failed: {failed_tests}")
    solved, failed = count_solved()
    print(f"{len(solved)}/{len(solved) + len(failed)} arc-dsl solvers solved on jaxbatt.dsl_py; failed: {failed}")
