"""Per-primitive benchmark: every dsl_jax primitive on a batch of real ARC-1 grids.

    python benchmarks/bench_primitives.py --grids 64 --only objects,fill

For each primitive, one representative call (the argument table `ARGS` below: constants
where arc-dsl solvers typically pass constants, patches and objects derived from each grid
with dsl_py) is built on every grid, converted with `values.from_py`, stacked, and run as

    jax.jit(jax.vmap(lambda *a: flags.collect(prim, *a)))

Arguments that are callables, containers of callables, or ints / bools / pairs equal on
every lane are closed over as static constants (as a solver's constants are); the rest
is batched. Measured: trace time, lowering time, XLA compile time (lower().compile()),
optimised HLO line count, warm run time per lane, the share of lanes ok and exact, the
exact lanes that disagree with dsl_py (should be 0), and the same call's time on dsl_py
(a plain Python loop over the same dsl_py arguments). Lanes whose values do not fit the
SMALL tier, or whose padded shapes differ from the majority (e.g. an empty container),
are dropped and counted.

Higher-order primitives that return a callable (compose, rbind, ...) are applied to one
more per-grid argument so the jitted function returns an array. Polymorphic primitives
are measured on one path only (the one in the table).

Prints a table sorted by compile time and writes bench_primitives.json to --output_dir.
A primitive that fails at any stage is reported in the table with its stage, never
crashes the run. Timings are wall clock of one process: noisy on a shared machine.
"""
import collections
import json
import os
import sys
import time
import traceback

from absl import app, flags as absl_flags

FLAGS = absl_flags.FLAGS
absl_flags.DEFINE_integer("grids", 64, "number of ARC-1 training grids (inputs and outputs, seeded sample)")
absl_flags.DEFINE_list("only", None, "comma list of primitive names (default: all)")
absl_flags.DEFINE_string("output_dir", "out/bench", "where bench_primitives.json goes")
absl_flags.DEFINE_string("backend", None, "JAX platform (cpu, gpu); default: JAX's choice")
absl_flags.DEFINE_float("min_run_seconds", 0.2, "repeat each warm measurement for at least this long")
absl_flags.DEFINE_integer("seed", 0, "grid sample seed")
absl_flags.DEFINE_string("dump_hlo", None, "folder: write each primitive's optimised HLO there (<name>.hlo.txt)")


# --------------------------------------------------------------------------- argument table

class Closure:
    """A callable built by a higher-order primitive from constants, resolved per side
    (dsl_py: the dsl_py primitive; dsl_jax: the dsl_jax one on converted constants)."""

    def __init__(self, name, *args):
        self.name, self.args = name, args

    def py(self):
        from jaxbatt import dsl_py
        return dsl_py.PRIMITIVES[self.name](*[a.py() if isinstance(a, Closure) else a for a in self.args])

    def jax(self):
        from jaxbatt import dsl_jax
        return dsl_jax.PRIMITIVES[self.name](*[_static_jax(a) for a in self.args])


def _static_jax(value):
    """The dsl_jax form of a static (lane-independent) argument."""
    import numpy as np
    from jaxbatt.dsl_jax import values
    if isinstance(value, Closure):
        return value.jax()
    if isinstance(value, (bool, int)):
        return value
    if callable(value):
        return values.function_from_py(value)
    if isinstance(value, (tuple, frozenset)) and value and all(callable(v) for v in value):
        return values.from_py(tuple(_resolve_py(v) for v in value) if isinstance(value, tuple)
                              else frozenset(_resolve_py(v) for v in value))[0]
    if _is_pair(value):
        return np.asarray(value, np.int32)
    raise TypeError(f"not a static value: {value!r}")


def _resolve_py(value):
    if isinstance(value, Closure):
        return value.py()
    if isinstance(value, tuple) and value and all(isinstance(v, Closure) or callable(v) for v in value):
        return tuple(_resolve_py(v) for v in value)
    return value


def _is_pair(v):
    return isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in v)


def _table():
    """name -> (builder(grid) -> dsl_py args, extra(grid) -> args for the returned callable or None)."""
    from jaxbatt import dsl_py as P

    def objs(g):
        return P.objects(g, True, False, True)

    def obj(g):  # the largest object, or the whole grid as an object
        o = objs(g)
        return P.argmax(o, P.size) if o else P.asobject(g)

    def obj2(g):  # the smallest object
        o = objs(g)
        return P.argmin(o, P.size) if o else P.asobject(g)

    def idx(g):
        return P.toindices(obj(g))

    def loc(g):
        return P.ulcorner(obj(g))

    def h(g):
        return P.height(g)

    def w(g):
        return P.width(g)

    big = Closure("compose", Closure("rbind", P.greater, 2), P.size)  # size > 2
    t = {}

    def add(name, builder, extra=None):
        t[name] = (builder, extra)

    # arithmetic
    for n in ("add", "subtract", "multiply", "greater", "astuple"):
        add(n, lambda g: (h(g), w(g)))
    add("divide", lambda g: (h(g) * w(g), h(g)))
    add("invert", lambda g: (P.shape(g),))
    add("even", lambda g: (h(g),))
    add("double", lambda g: (P.shape(g),))
    add("halve", lambda g: (P.shape(g),))
    add("flip", lambda g: (P.portrait(g),))
    add("equality", lambda g: (g, P.hmirror(g)))
    add("both", lambda g: (P.portrait(g), P.square(g)))
    add("either", lambda g: (P.portrait(g), P.square(g)))
    add("increment", lambda g: (h(g),))
    add("decrement", lambda g: (h(g),))
    add("crement", lambda g: (h(g) - w(g),))
    add("sign", lambda g: (h(g) - w(g),))
    add("positive", lambda g: (h(g) - w(g),))
    add("toivec", lambda g: (h(g),))
    add("tojvec", lambda g: (w(g),))
    # containers
    add("contained", lambda g: (P.mostcolor(g), P.palette(g)))
    add("combine", lambda g: (objs(g), P.fgpartition(g)))
    add("intersection", lambda g: (objs(g), P.fgpartition(g)))
    add("difference", lambda g: (objs(g), P.fgpartition(g)))
    add("dedupe", lambda g: (g[0],))
    add("order", lambda g: (objs(g), P.size))
    add("repeat", lambda g: (obj(g), 3))
    add("size", lambda g: (objs(g),))
    add("merge", lambda g: (objs(g),))
    add("maximum", lambda g: (P.apply(P.size, objs(g)),))
    add("minimum", lambda g: (P.apply(P.size, objs(g)),))
    for n in ("valmax", "valmin", "argmax", "argmin"):
        add(n, lambda g: (objs(g), P.size))
    add("mostcommon", lambda g: (P.apply(P.color, P.totuple(objs(g))),))
    add("leastcommon", lambda g: (P.apply(P.color, P.totuple(objs(g))),))
    add("initset", lambda g: (obj(g),))
    add("sfilter", lambda g: (objs(g), big))
    add("mfilter", lambda g: (objs(g), big))
    add("extract", lambda g: (objs(g), big))
    add("totuple", lambda g: (objs(g),))
    add("first", lambda g: (objs(g),))
    add("last", lambda g: (objs(g),))
    add("insert", lambda g: (obj(g), P.fgpartition(g)))
    add("remove", lambda g: (obj(g), objs(g)))
    add("other", lambda g: (P.palette(g), P.mostcolor(g)))
    add("interval", lambda g: (0, h(g), 1))
    add("product", lambda g: (P.palette(g), P.palette(g)))
    add("pair", lambda g: (g[0], g[-1]))
    # functional
    add("identity", lambda g: (g,))
    add("branch", lambda g: (P.portrait(g), g, P.rot90(g)))
    add("compose", lambda g: (P.size, P.toindices), lambda g: (obj(g),))
    add("chain", lambda g: (P.size, P.toindices, P.normalize), lambda g: (obj(g),))
    add("matcher", lambda g: (P.color, 1), lambda g: (obj(g),))
    add("rbind", lambda g: (P.colorcount, 0), lambda g: (g,))
    add("lbind", lambda g: (P.greater, 3), lambda g: (h(g),))
    add("power", lambda g: (P.rot90, 3), lambda g: (g,))
    add("fork", lambda g: (P.hconcat, P.identity, P.vmirror), lambda g: (g,))
    add("apply", lambda g: (P.size, objs(g)))
    add("rapply", lambda g: ((P.height, P.width), g))
    add("mapply", lambda g: (P.toindices, objs(g)))
    add("papply", lambda g: (P.add, g[0], g[-1]))
    add("mpapply", lambda g: (P.recolor, P.apply(P.color, P.totuple(objs(g))), P.totuple(objs(g))))
    add("prapply", lambda g: (P.add, P.palette(g), P.palette(g)))
    # grids
    for n in ("mostcolor", "leastcolor", "palette", "numcolors", "height", "width", "shape",
              "portrait", "rot90", "rot180", "rot270", "hmirror", "vmirror", "dmirror", "cmirror",
              "trim", "tophalf", "bottomhalf", "lefthalf", "righthalf", "compress"):
        add(n, lambda g: (g,))
    add("colorcount", lambda g: (g, 0))
    add("fill", lambda g: (g, 5, P.ofcolor(g, 0)))
    add("paint", lambda g: (g, P.shift(obj(g), (1, 1))))
    add("underfill", lambda g: (g, 5, P.backdrop(obj(g))))
    add("underpaint", lambda g: (g, P.shift(obj(g), (1, 1))))
    add("hupscale", lambda g: (g, 2))
    add("vupscale", lambda g: (g, 2))
    add("upscale", lambda g: (g, 2))
    add("downscale", lambda g: (g, 2))
    add("hconcat", lambda g: (g, P.vmirror(g)))
    add("vconcat", lambda g: (g, P.hmirror(g)))
    add("subgrid", lambda g: (obj(g), g))
    add("hsplit", lambda g: (g, 2))
    add("vsplit", lambda g: (g, 2))
    add("cellwise", lambda g: (g, P.hmirror(g), 0))
    add("replace", lambda g: (g, 0, 5))
    add("switch", lambda g: (g, 0, 1))
    add("canvas", lambda g: (0, P.shape(g)))
    add("crop", lambda g: (g, (1, 1), (3, 3)))
    add("index", lambda g: (g, loc(g)))
    add("cover", lambda g: (g, obj(g)))
    add("move", lambda g: (g, obj(g), (1, 1)))
    # objects
    add("objects", lambda g: (g, True, False, True))
    add("partition", lambda g: (g,))
    add("fgpartition", lambda g: (g,))
    add("frontiers", lambda g: (g,))
    add("colorfilter", lambda g: (objs(g), 1))
    add("sizefilter", lambda g: (objs(g), 1))
    add("occurrences", lambda g: (g, P.normalize(obj2(g))))
    # patches
    add("asindices", lambda g: (g,))
    add("asobject", lambda g: (g,))
    add("ofcolor", lambda g: (g, 0))
    for n in ("ulcorner", "urcorner", "llcorner", "lrcorner", "toindices", "normalize",
              "uppermost", "lowermost", "leftmost", "rightmost", "square", "centerofmass",
              "color", "center", "corners", "backdrop", "delta", "inbox", "outbox", "box",
              "hperiod", "vperiod"):
        add(n, lambda g: (obj(g),))
    add("vline", lambda g: (idx(g),))
    add("hline", lambda g: (idx(g),))
    add("recolor", lambda g: (5, idx(g)))
    add("shift", lambda g: (obj(g), (1, 1)))
    for n in ("dneighbors", "ineighbors", "neighbors", "vfrontier", "hfrontier"):
        add(n, lambda g: (loc(g),))
    for n in ("hmatching", "vmatching", "manhattan", "adjacent", "position", "gravitate"):
        add(n, lambda g: (obj(g), obj2(g)))
    add("bordering", lambda g: (obj(g), g))
    add("toobject", lambda g: (idx(g), g))
    add("connect", lambda g: (P.ulcorner(obj(g)), P.lrcorner(obj(g))))
    add("shoot", lambda g: (loc(g), (1, 1)))
    return t


# --------------------------------------------------------------------------- one primitive

def _reference(fn, args, extra):
    try:
        out = fn(*args)
        if extra is not None:
            out = out(*extra)
        return True, out
    except Exception:
        return False, None


def _is_static(column):
    """A column of per-lane dsl_py args is static when callable or a lane-constant scalar/pair."""
    first = column[0]
    if isinstance(first, Closure) or callable(first):
        return True
    if isinstance(first, (tuple, frozenset)) and first and all(isinstance(v, Closure) or callable(v) for v in first):
        return True
    if (isinstance(first, (bool, int)) or _is_pair(first)) and all(
            type(v) is type(first) and v == first for v in column):
        return True
    return False


def bench_one(name, grids, table, min_seconds, dump_hlo=None):
    import jax
    import numpy as np
    from jaxbatt import dsl_jax, dsl_py
    from jaxbatt.dsl_jax import flags, values

    row = {"name": name, "stage": "ok", "error": None}
    if name not in table:
        row.update(stage="no builder")
        return row
    builder, extra_builder = table[name]
    stage = "build"
    try:
        calls = []
        for g in grids:
            try:
                args = builder(g)
                extra = extra_builder(g) if extra_builder else None
            except Exception:
                continue  # deriving the arguments raised on this grid (e.g. extract)
            calls.append((args, extra))
        if not calls:
            raise ValueError("no grid gave arguments")
        full = [a + (e or ()) for a, e in calls]
        n_args, n_all = len(calls[0][0]), len(full[0])
        static = [i for i in range(n_all) if _is_static([f[i] for f in full])]
        static_py = {i: full[0][i] for i in static}
        static_jax = {i: _static_jax(v) for i, v in static_py.items()}

        # Pad every lane; keep the lanes of the most common padded signature.
        lanes = collections.defaultdict(list)
        dropped_fit = 0
        for args, extra in calls:
            allargs = args + (extra or ())
            padded, fits = [], True
            for i, a in enumerate(allargs):
                if i in static_py:
                    continue
                p, ok = values.from_py(a, None, values.SMALL)
                fits = fits and ok
                padded.append(jax.tree_util.tree_map(np.asarray, p))
            if not fits:
                dropped_fit += 1
                continue
            leaves, treedef = jax.tree_util.tree_flatten(padded)
            signature = (str(treedef), tuple((x.shape, x.dtype.str) for x in leaves))
            lanes[signature].append((args, extra, padded))
        if not lanes:
            raise ValueError(f"no lane fits the tier ({dropped_fit} dropped)")
        members = max(lanes.values(), key=len)
        row.update(lanes=len(members), dropped_fit=dropped_fit,
                   dropped_shape=sum(len(v) for v in lanes.values()) - len(members),
                   static_args=sorted(static))
        batch = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *[m[2] for m in members])

        fn = dsl_jax.PRIMITIVES[name]

        def target(*allargs):
            out = fn(*allargs[:n_args])
            return out(*allargs[n_args:]) if n_all > n_args else out

        def call(*dynamic):
            it = iter(dynamic)
            allargs = [static_jax[i] if i in static_jax else next(it) for i in range(n_all)]
            with values.use_tier(values.SMALL):
                return flags.collect(target, *allargs)

        jitted = jax.jit(jax.vmap(call))
        batch = jax.device_put(batch)
        stage = "trace"
        start = time.perf_counter()
        traced = jitted.trace(*batch)
        row["trace_s"] = time.perf_counter() - start
        stage = "lower"
        start = time.perf_counter()
        lowered = traced.lower()
        row["lower_s"] = time.perf_counter() - start
        row["stablehlo_lines"] = len(lowered.as_text().splitlines())
        stage = "compile"
        start = time.perf_counter()
        compiled = lowered.compile()
        row["compile_s"] = time.perf_counter() - start
        hlo = compiled.as_text()
        row["hlo_lines"] = len(hlo.splitlines())
        if dump_hlo:
            os.makedirs(dump_hlo, exist_ok=True)
            with open(os.path.join(dump_hlo, f"{name}.hlo.txt"), "w") as handle:
                handle.write(hlo)
        stage = "run"
        result = jax.block_until_ready(compiled(*batch))
        best, total, reps = float("inf"), 0.0, 0
        while total < min_seconds or reps < 3:
            start = time.perf_counter()
            jax.block_until_ready(compiled(*batch))
            dt = time.perf_counter() - start
            best, total, reps = min(best, dt), total + dt, reps + 1
        row["run_us_per_lane"] = 1e6 * best / len(members)

        stage = "check"
        out, ok, exact = jax.tree_util.tree_map(np.asarray, result)
        py_fn = dsl_py.PRIMITIVES[name]
        py_calls = [(tuple(_resolve_py(a) for a in args), tuple(_resolve_py(a) for a in extra) if extra else None)
                    for args, extra, _ in members]
        mismatches, errors = 0, 0
        for lane, (args, extra) in enumerate(py_calls):
            ref_ok, ref = _reference(py_fn, args, extra)
            errors += not ref_ok
            if not exact[lane]:
                continue
            if bool(ok[lane]) != ref_ok:
                mismatches += 1
            elif ref_ok and values.to_py(jax.tree_util.tree_map(lambda x: x[lane], out)) != ref:
                mismatches += 1
        row.update(ok_pct=100.0 * ok.mean(), exact_pct=100.0 * exact.mean(),
                   mismatches=mismatches, reference_errors=errors)

        stage = "dsl_py"
        best, total, reps = float("inf"), 0.0, 0
        while total < min_seconds or reps < 3:
            start = time.perf_counter()
            for args, extra in py_calls:
                _reference(py_fn, args, extra)
            dt = time.perf_counter() - start
            best, total, reps = min(best, dt), total + dt, reps + 1
        row["py_us_per_call"] = 1e6 * best / len(py_calls)
        row["ratio"] = row["py_us_per_call"] / max(row["run_us_per_lane"], 1e-9)
    except Exception as error:  # reported, never fatal
        row.update(stage=stage, error=f"{type(error).__name__}: {error}"[:500],
                   traceback=traceback.format_exc(limit=6)[-2000:])
    return row


# --------------------------------------------------------------------------- main

def _fmt(row, key, spec):
    value = row.get(key)
    return format(value, spec) if isinstance(value, (int, float)) else "-"


def main(argv):
    del argv
    if FLAGS.backend:
        import jax
        jax.config.update("jax_platforms", FLAGS.backend)
    import jax

    from jaxbatt import dsl_jax
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
    from arc_samples import sample_grids

    grids = sample_grids(FLAGS.grids, seed=FLAGS.seed)
    names = list(FLAGS.only) if FLAGS.only else list(dsl_jax.PRIMITIVES)
    unknown = [n for n in names if n not in dsl_jax.PRIMITIVES]
    table = _table()
    print(f"{len(names)} primitives x {len(grids)} grids; backend {jax.default_backend()} "
          f"({len(jax.devices())} device(s)); {os.cpu_count()} cpus", flush=True)
    rows = []
    for n in names:
        if n in unknown:
            rows.append({"name": n, "stage": "unknown primitive", "error": None})
            continue
        start = time.perf_counter()
        row = bench_one(n, grids, table, FLAGS.min_run_seconds, FLAGS.dump_hlo)
        row["wall_s"] = time.perf_counter() - start
        rows.append(row)
        status = row["stage"] if row["stage"] != "ok" else (
            f"compile {row['compile_s']:.2f}s run {row['run_us_per_lane']:.2f}us/lane")
        print(f"  {n:<14} {status}" + (f"  [{row['error']}]" if row.get("error") else ""), flush=True)

    rows.sort(key=lambda r: -(r.get("compile_s") or -1.0))
    header = (f"{'name':<14} {'trace s':>8} {'compile s':>9} {'HLO lines':>9} {'run us/lane':>11} "
              f"{'dsl_py us':>10} {'ratio':>8} {'exact %':>7} {'lanes':>5} {'mism':>4}")
    print(header)
    print("-" * len(header))
    for r in rows:
        if r["stage"] != "ok":
            print(f"{r['name']:<14} FAILED at {r['stage']}: {(r.get('error') or '')[:90]}")
            continue
        print(f"{r['name']:<14} {_fmt(r, 'trace_s', '8.3f')} {_fmt(r, 'compile_s', '9.3f')} "
              f"{_fmt(r, 'hlo_lines', '9d')} {_fmt(r, 'run_us_per_lane', '11.2f')} "
              f"{_fmt(r, 'py_us_per_call', '10.2f')} {_fmt(r, 'ratio', '8.2f')} "
              f"{_fmt(r, 'exact_pct', '7.1f')} {_fmt(r, 'lanes', '5d')} {_fmt(r, 'mismatches', '4d')}")
    failed = [r["name"] for r in rows if r["stage"] != "ok"]
    good = [r for r in rows if r["stage"] == "ok"]
    print(f"{len(good)} measured, {len(failed)} failed: {failed}")
    if good:
        print(f"total trace {sum(r['trace_s'] for r in good):.1f} s, "
              f"total compile {sum(r['compile_s'] for r in good):.1f} s")
    os.makedirs(FLAGS.output_dir, exist_ok=True)
    path = os.path.join(FLAGS.output_dir, "bench_primitives.json")
    with open(path, "w") as handle:
        json.dump({"backend": jax.default_backend(), "grids": len(grids), "cpus": os.cpu_count(),
                   "rows": rows}, handle, indent=1, default=float)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    app.run(main)
