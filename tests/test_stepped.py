"""The stepped executor (programs as data): grouping, kernel reuse, persistence, per-lane flags."""
import jaxbatt
from jaxbatt import engine, kernels, stepped
from jaxbatt.dsl_jax import values
from tests.test_engine import _assert_engine_equals_reference, _lanes, arc1  # noqa: F401

SHARED = (
    "def solve_big_objects(I):\n"
    "    x1 = objects(I, T, F, T)\n"
    "    x2 = sizefilter(x1, TWO)\n"
    "    x3 = merge(x2)\n"
    "    O = fill(I, EIGHT, x3)\n"
    "    return O\n"
)


def _programs(text):
    return jaxbatt.load_programs(text).programs


def _steps(**kwargs):
    return engine.EngineConfig(executor="steps", tiers=(values.SMALL,), **kwargs)


def test_programs_sharing_steps_lower_them_once_and_match_the_reference(arc1, tmp_path):
    programs = _programs(
        "def solve_a(I):\n"
        "    x1 = objects(I, T, F, T)\n"
        "    x2 = size(x1)\n"
        "    O = add(x2, ONE)\n"
        "    return O\n"
        "\n"
        "def solve_b(I):\n"
        "    y1 = objects(I, T, F, T)\n"
        "    y2 = sizefilter(y1, ONE)\n"
        "    O = size(y2)\n"
        "    return O\n")
    steps, lowered = stepped.lower(programs, defaults=False)
    assert len(steps) == 5  # objects once; size, add; sizefilter, size
    assert lowered[0].steps[0] == lowered[1].steps[0]
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:4]])
    outcomes = engine.evaluate(programs, lanes, _steps(cache_dir=str(tmp_path)))
    _assert_engine_equals_reference(programs, lanes, outcomes)
    assert all(path == "jax" for o in outcomes.values() for path in o.paths)


def test_programs_on_different_lanes_and_a_lane_failing_at_one_step(arc1, tmp_path):
    programs = _programs(
        "def solve_corner(I):\n"
        "    x1 = crop(I, ORIGIN, THREE_BY_THREE)\n"
        "    x2 = asindices(x1)\n"
        "    x3 = objects(I, T, F, T)\n"
        "    x4 = sizefilter(x3, FOUR)\n"
        "    x5 = first(x4)\n"
        "    O = fill(I, FIVE, x5)\n"
        "    return O\n"
        "\n"
        "def solve_mirror(I):\n"
        "    O = hmirror(I)\n"
        "    return O\n")
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:6]])
    lanes_of = {"solve_corner": range(0, len(lanes), 2), "solve_mirror": range(1, len(lanes), 2)}
    outcomes = engine.evaluate(programs, lanes, _steps(cache_dir=str(tmp_path)), lanes_of=lanes_of)
    corner = outcomes["solve_corner"]
    # Lanes without an object of four cells fail at `first` (the reference raises); the others go on.
    failing = [b for b in lanes_of["solve_corner"] if corner.outputs[b] is None]
    assert failing and len(failing) < len(lanes_of["solve_corner"])
    assert all(corner.paths[b] == "jax" for b in lanes_of["solve_corner"])
    for name, chosen in lanes_of.items():
        program = next(p for p in programs if p.name == name)
        picked = [lanes[b] for b in chosen]
        _assert_engine_equals_reference([program], picked, {name: engine.Outcome(
            [outcomes[name].outputs[b] for b in chosen], [outcomes[name].paths[b] for b in chosen])})
        assert all(outcomes[name].outputs[b] is None for b in range(len(lanes)) if b not in chosen)


def test_a_new_program_of_known_steps_compiles_nothing(arc1, tmp_path):
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:3]])
    config = _steps(cache_dir=str(tmp_path))
    first = _programs(SHARED)
    engine.evaluate(first, lanes, config)
    compiled = kernels.KERNELS.compiled
    # Other names, another order of independent lines, an unused line of a known kernel.
    mutant = _programs(
        "def solve_renamed(I):\n"
        "    a = objects(I, T, F, T)\n"
        "    b = sizefilter(a, TWO)\n"
        "    unused = objects(I, T, F, T)\n"
        "    c = merge(b)\n"
        "    O = fill(I, EIGHT, c)\n"
        "    return O\n")
    outcomes = engine.evaluate(mutant, lanes, config)
    assert kernels.KERNELS.compiled == compiled
    _assert_engine_equals_reference(mutant, lanes, outcomes)


def test_kernels_persist_across_processes(arc1, tmp_path):
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:2]])
    programs = _programs(SHARED.replace("TWO", "THREE"))
    config = _steps(cache_dir=str(tmp_path))
    cold = engine.evaluate(programs, lanes, config)
    assert (tmp_path / "executables").is_dir() and any((tmp_path / "executables").iterdir())
    engine.clear_compiled()  # forgets the kernels in memory, as a new process would
    compiled, loaded = kernels.KERNELS.compiled, kernels.KERNELS.loaded
    warm = engine.evaluate(programs, lanes, config)
    assert kernels.KERNELS.compiled == compiled and kernels.KERNELS.loaded > loaded
    assert warm["solve_big_objects"].outputs[0].tolist() == cold["solve_big_objects"].outputs[0].tolist()
    _assert_engine_equals_reference(programs, lanes, warm)


def test_callables_are_rebuilt_inside_the_kernels_that_read_them(arc1, tmp_path):
    programs = _programs(
        "def solve_shifted(I):\n"
        "    x1 = objects(I, T, F, T)\n"
        "    x2 = rbind(shift, RIGHT)\n"
        "    x3 = compose(x2, normalize)\n"
        "    x4 = apply(x3, x1)\n"
        "    x5 = power(hmirror, TWO)\n"
        "    x6 = x5(I)\n"
        "    x7 = merge(x4)\n"
        "    O = paint(x6, x7)\n"
        "    return O\n"
        "\n"
        "def solve_power_zero(I):\n"
        "    x1 = power(hmirror, ZERO)\n"
        "    O = x1(I)\n"
        "    return O\n")
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:4]])
    outcomes = engine.evaluate(programs, lanes, _steps(cache_dir=str(tmp_path)))
    _assert_engine_equals_reference(programs, lanes, outcomes)
    assert all(path == "jax" for path in outcomes["solve_shifted"].paths)
    # power(f, 0) raises on the reference: its flags (a deferred step's) fail the lanes.
    assert all(o is None for o in outcomes["solve_power_zero"].outputs)


def test_a_program_with_other_constants_compiles_nothing(arc1, tmp_path):
    """Integer and IntegerTuple constants are kernel inputs, not part of the kernel's key."""
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:3]])
    config = _steps(cache_dir=str(tmp_path))
    engine.evaluate(_programs(SHARED), lanes, config)
    compiled = kernels.KERNELS.compiled
    mutant = _programs(SHARED.replace("TWO", "FIVE").replace("EIGHT", "THREE"))
    outcomes = engine.evaluate(mutant, lanes, config)
    assert kernels.KERNELS.compiled == compiled
    _assert_engine_equals_reference(mutant, lanes, outcomes)
    assert all(path == "jax" for path in outcomes["solve_big_objects"].paths)


def test_lanes_run_in_calls_of_the_few_batch_sizes():
    sizes = (8, 64)
    assert stepped.split_batch(5, sizes) == [(slice(0, 5), 8)]
    assert stepped.split_batch(40, sizes) == [(slice(0, 40), 64)]
    assert stepped.split_batch(70, sizes) == [(slice(0, 64), 64), (slice(64, 70), 8)]
    assert stepped.split_batch(130, sizes) == [(slice(0, 64), 64), (slice(64, 128), 64), (slice(128, 130), 8)]


def test_warm_up_compiles_what_a_later_run_needs(arc1, tmp_path):
    from jaxbatt import warmup
    programs = _programs(SHARED.replace("objects(I, T, F, T)", "objects(I, F, T, T)"))
    config = _steps(cache_dir=str(tmp_path))
    report = warmup.warm_up(programs, _lanes([arc1[i] for i in sorted(arc1)[:2]]), config)
    assert report.failed == 0 and report.compiled + report.loaded > 0
    assert report.calls == len(stepped.batch_sizes())
    engine.clear_compiled()  # a new process: only the cache folder is left
    compiled = kernels.KERNELS.compiled
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:20]])  # more lanes than the warm-up had
    outcomes = engine.evaluate(programs, lanes, config)
    assert kernels.KERNELS.compiled == compiled
    _assert_engine_equals_reference(programs, lanes, outcomes)


def test_with_compile_after_lanes_a_kernel_compiles_once_enough_lanes_asked_for_it(arc1, tmp_path):
    """Until then the lanes of programs that need it run on dsl_py (exact, path reference).
    A closure's kernel (power's: traced, nothing to compile) is built at once, so its
    readers can ask for theirs: here O's kernel compiles at the 3rd call (12 lanes asked)."""
    programs = _programs("def solve_seven_mirrors(I):\n"  # power's exponent is in the kernel's key
                         "    x1 = power(hmirror, SEVEN)\n"
                         "    O = x1(I)\n"
                         "    return O\n")
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:1]])  # 4 lanes
    config = _steps(cache_dir=str(tmp_path), compile_after_lanes=2 * len(lanes) + 1)
    paths, compiled = [], []
    for _ in range(4):
        outcomes = engine.evaluate(programs, lanes, config)
        _assert_engine_equals_reference(programs, lanes, outcomes)
        paths.append(set(outcomes["solve_seven_mirrors"].paths))
        compiled.append(kernels.KERNELS.compiled)
    assert paths == [{"reference"}] * 2 + [{"jax"}] * 2
    assert compiled[1] == compiled[0] and compiled[2] == compiled[1] + 1 and compiled[3] == compiled[2]


def _assert_swaps_compile_nothing(arc1, tmp_path, source, first, swaps):
    """source.format(f) for f in first, *swaps: after the first, exact, all on JAX, no compile."""
    lanes = _lanes([arc1[i] for i in sorted(arc1)[:3]])
    config = _steps(cache_dir=str(tmp_path))
    engine.evaluate(_programs(source.format(first)), lanes, config)
    compiled = kernels.KERNELS.compiled
    for swap in swaps:
        programs = _programs(source.format(swap))
        outcomes = engine.evaluate(programs, lanes, config)
        _assert_engine_equals_reference(programs, lanes, outcomes)
        assert all(set(o.paths) == {"jax"} for o in outcomes.values())
    assert kernels.KERNELS.compiled == compiled


def test_a_primitive_swapped_for_one_of_its_signature_compiles_nothing(arc1, tmp_path):
    """rot90 ... compress (Grid -> Grid) share a family kernel: its opcode picks the member."""
    assert {"rot90", "rot270", "compress", "tophalf"} <= set(kernels.FAMILIES["rot90"])
    _assert_swaps_compile_nothing(arc1, tmp_path, "def solve_turned(I):\n"
                                                  "    x1 = {}(I)\n"
                                                  "    x2 = ofcolor(x1, ZERO)\n"
                                                  "    O = fill(x1, FIVE, x2)\n"
                                                  "    return O\n", "rot90", ("rot270", "compress", "tophalf"))


def test_a_function_argument_swapped_for_one_of_its_signature_compiles_nothing(arc1, tmp_path):
    """The corner passed to apply is a switch of the kernel: ulcorner ... center share it."""
    _assert_swaps_compile_nothing(arc1, tmp_path, "def solve_corners(I):\n"
                                                  "    x1 = objects(I, T, F, T)\n"
                                                  "    x2 = apply({}, x1)\n"
                                                  "    O = fill(I, FIVE, x2)\n"
                                                  "    return O\n", "ulcorner", ("lrcorner", "urcorner", "center"))
