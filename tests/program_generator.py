"""Random, (mostly) well-typed DSL programs for differential fuzzing of the engine.

Types come from dsl_py's annotations (arc-dsl's). A program starts from the input grid I
and adds steps whose arguments are earlier values of a compatible type or constants;
callable parameters get a unary primitive or an earlier closure (rbind/lbind/compose...).
arc-dsl's annotations are loose, so some programs raise on the reference or fail to trace:
the engine must reproduce whatever the reference does, lane by lane, in every case.
"""
import inspect
import random

from jaxbatt.codegen.ir import Const, Program, Ref, Step
from jaxbatt.dsl_py import PRIMITIVES, types

# Most specific first: an annotation gets the first name it equals.
TYPE_NAMES = ("Grid", "Object", "Objects", "Indices", "IndicesSet", "IntegerSet", "Patch", "Piece",
              "Element", "Cell", "IntegerTuple", "Numerical", "Integer", "Boolean", "Callable",
              "TupleTuple", "ContainerContainer", "FrozenSet", "Tuple", "Container", "Any")
MEMBERS = {
    "Patch": {"Object", "Indices"},
    "Piece": {"Grid", "Object", "Indices"},
    "Element": {"Object", "Grid"},
    "Numerical": {"Integer", "IntegerTuple"},
    "Container": {"Grid", "Object", "Objects", "Indices", "IndicesSet", "IntegerSet", "FrozenSet", "Tuple"},
    "FrozenSet": {"Object", "Objects", "Indices", "IndicesSet", "IntegerSet"},
    "Tuple": {"Grid", "IntegerTuple"},
    "ContainerContainer": {"Grid", "Objects", "IndicesSet"},
    "TupleTuple": {"Grid"},
}
CONSTANTS = {
    "Integer": [0, 1, 2, 3, 4, 5, 8, -1],
    "Boolean": [True, False],
    "IntegerTuple": [(0, 0), (1, 1), (1, 0), (0, 1), (-1, 0), (0, -1), (2, 2), (-1, -1)],
}
# Primitives whose cost on the reference can explode on random arguments.
EXCLUDED = {"power", "canvas", "repeat", "interval", "upscale", "hupscale", "vupscale", "product", "prapply",
            "mpapply", "papply"}


def _type_name(annotation):
    for name in TYPE_NAMES:
        if name == "Any" and annotation is inspect.Parameter.empty:
            return "Any"
        if getattr(types, name, None) == annotation:
            return name
    return "Any"


SIGNATURES = {}
for _name, _fn in PRIMITIVES.items():
    _sig = inspect.signature(_fn)
    SIGNATURES[_name] = ([_type_name(p.annotation) for p in _sig.parameters.values()],
                         _type_name(_sig.return_annotation))
UNARY = sorted(n for n, (params, _) in SIGNATURES.items() if len(params) == 1 and n not in EXCLUDED)


def _accepts(param, value_type):
    return param == "Any" or param == value_type or value_type in MEMBERS.get(param, ())


def generate_program(rng: random.Random, name: str, steps: int) -> Program:
    env = [("I", "Grid")]
    body = []
    candidates = sorted(n for n in SIGNATURES if n not in EXCLUDED)
    while len(body) < steps:
        prim = rng.choice(candidates)
        params, returns = SIGNATURES[prim]
        args, arg_types = [], []
        for param in params:
            if param == "Callable":
                closures = [n for n, t in env if t == "Callable"]
                if closures and rng.random() < 0.5:
                    args.append(Ref(rng.choice(closures)))
                else:
                    args.append(Ref(rng.choice(UNARY)))
                arg_types.append("Callable")
                continue
            usable = [(n, t) for n, t in env if t != "Callable" and _accepts(param, t)]
            constant = CONSTANTS.get(param)
            if constant and (not usable or rng.random() < 0.4):
                args.append(Const(rng.choice(constant)))
                arg_types.append(param)
            elif usable:
                # Prefer recent values, so programs chain.
                n, t = usable[-1] if rng.random() < 0.5 else rng.choice(usable)
                args.append(Ref(n))
                arg_types.append(t)
            else:
                break
        if len(args) != len(params):
            continue
        if returns == "Callable" and len(body) == steps - 1:
            continue  # the output must be a value
        if returns in MEMBERS:  # a union: take the argument's member type when there is one
            returns = next((t for t in arg_types if t in MEMBERS[returns]), returns)
        target = f"x{len(body) + 1}"
        body.append(Step(target, Ref(prim), tuple(args), len(body) + 2))
        env.append((target, returns))
    return Program(name, "<generated>", 1, tuple(body), (("O", body[-1].target),), True)


def generate_programs(seed: int, count: int, min_steps: int = 2, max_steps: int = 7):
    rng = random.Random(seed)
    return [generate_program(rng, f"fuzz_{seed}_{i}", rng.randint(min_steps, max_steps)) for i in range(count)]
