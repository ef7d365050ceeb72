"""Runs IR programs on the CPU reference of their dialect (dsl_py, or dsl_py.tokpidjin):
the oracle and the engine's fallback."""
from jaxbatt.codegen.dialects import dialect
from jaxbatt.codegen.ir import Const, Program, Ref, failure_default


def _value(arg, env, namespace):
    if isinstance(arg, Const):
        return arg.value
    if arg.name in env:
        return env[arg.name]
    return namespace[arg.name]


def run_program(program: Program, I, S=None, C=None, defaults: bool = False):
    """{output name: (ok, value)} of the program on its dialect's reference values.

    ok=False where the reference raises: for a solver any failing step fails the output;
    for a batt output only the steps it depends on count (they are all its steps).
    defaults=True (card.py's behaviour, `failed_lines="default"`): a guarded step whose
    own call raises takes `ir.failure_default` of its callee instead of failing; a step
    whose inputs failed still fails. In tokpidjin's dialect a guarded step does what its
    except branch says whatever `defaults` is: for the exceptions it catches it takes
    `safe_default` of its callee's value (`_get_safe_default(t1)` for a call of `t1`)."""
    language = dialect(program.dsl)
    namespace = language.primitives
    env = {"I": I, "S": S, "C": C}
    failed = set()
    for step in program.steps:
        refs = [step.func] + [a for a in step.args if isinstance(a, Ref)]
        if any(r.name in failed for r in refs):
            failed.add(step.target)
            continue
        fn = _value(step.func, env, namespace)
        try:
            env[step.target] = fn(*[_value(a, env, namespace) for a in step.args])
        except Exception as error:  # a raising line is a result (the lane is an error)
            if step.guarded and language.caught is not None and isinstance(error, language.caught):
                env[step.target] = language.safe_default(fn)
            elif step.guarded and defaults and language.caught is None:
                env[step.target] = failure_default(step.func.name)
            else:
                failed.add(step.target)
    results = {}
    for name, source in program.outputs:
        ok = not failed if program.strict else source not in failed
        results[name] = (ok, env.get(source) if ok else None)
    return results
