"""Programs as data: a program group runs step by step on shared, precompiled kernels.

Data flow of one call (a group of programs, lanes padded at one tier, a batch of B lanes):

    programs (IR after rewrite.fuse)
      -> lower (once per group): steps in program order, steps common to several programs
         (same callee on the same arguments) once; registers 0, 1, 2 = I, S, C
      -> per step: a kernels.Recipe (the step, with the deferred values it reads inlined)
         and the forms of its array inputs pick a kernel from kernels.KERNELS (compiled
         once per key, in memory and on disk, shared by every program and group)
      -> registers hold batched values on the device (value, ok, exact, clipped), or
         Deferred (a callable ... rebuilt inside the kernels that read it, its flags kept);
         a register is dropped after its last reader
      -> per program, on the host: flags of its steps in program order
         (emit.program_flags' rule), not exact where the output holds a clipped patch or is
         no array; outputs fetched to numpy

The plan of a group at one batch size (which kernel each step runs, on which registers) is
kept, so later calls only run kernels. Nothing is traced for a step whose kernel exists: a
new program made of known steps compiles nothing. `SteppedGroup` has CompiledGroup's
interface (engine.py picks one or the other, see EngineConfig.executor): lanes, tiers,
memory budget and the fallback to dsl_py are the engine's.
"""
import dataclasses
import time
from typing import Dict, List, Optional, Sequence, Tuple

import jax
import numpy as np

from jaxbatt import kernels, raising
from jaxbatt.codegen import rewrite
from jaxbatt.codegen.ir import INPUTS, Const, Program, Ref, failure_default
from jaxbatt.dsl_jax import values
from jaxbatt.kernels import DEFERRED, FAILED, KERNELS, Recipe


def batch_sizes() -> Tuple[int, ...]:
    """Lanes per kernel call, smallest first. Each size is a kernel per recipe, so there are
    few: 8 (a task's own samples) and 64 on a CPU; up to 4,096 on an accelerator."""
    if jax.default_backend() == "cpu":
        return (8, 64)
    return (8, 64, 512, 4096)


def split_batch(n: int, sizes: Sequence[int]):
    """[(slice of the n lanes, call size)]: calls of the largest size while more lanes remain
    than it holds, the rest in the smallest size that holds them."""
    calls, done = [], 0
    while done < n:
        rest = n - done
        size = next((s for s in sizes if s >= rest), sizes[-1])
        take = min(rest, size)
        calls.append((slice(done, done + take), size))
        done += take
    return calls

# Recipe callees whose value is a callable (kernels.CLOSURE_BUILDERS).
CLOSURE_BUILDERS = frozenset(("prim", name) for name in kernels.CLOSURE_BUILDERS)

# Primitives that keep their names where passed as functions: mapply and lbind read
# attributes of them (functional.py: `offsets` of neighbours, shift's first argument).
UNSWITCHED = frozenset({"shift", "dneighbors", "ineighbors", "neighbors"})

# Arguments kept as constants in a kernel's key (by callee, argument positions): a static
# power exponent unrolls, a traced one loops and is exact only for shape-keeping functions.
STATIC_ARGUMENTS = {"power": (1,)}


def liftable(value) -> bool:
    """A constant passed to kernels as an input (an Integer or IntegerTuple), not in their key."""
    def integer(v):
        return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
    return integer(value) or (isinstance(value, tuple) and len(value) == 2 and all(map(integer, value)))


@dataclasses.dataclass(frozen=True)
class Step:
    """A lowered step: callee and arguments as registers (int), constants (Const) or
    dsl_jax names (str)."""

    callee: object
    args: tuple
    default: Optional[str]  # repr of its failure default when failed lines take defaults


@dataclasses.dataclass(frozen=True)
class LoweredProgram:
    name: str
    steps: Tuple[int, ...]  # registers of its steps, in program order (their flags decide)
    output: int  # the register of its output


def lower(programs: Sequence[Program], defaults: bool) -> Tuple[List[Step], List[LoweredProgram]]:
    """The group's steps (register len(INPUTS) + i is steps[i]) and its programs."""
    steps: List[Step] = []
    shared: Dict[Step, int] = {}
    lowered = []
    for program in programs:
        program = rewrite.fuse(program)
        local = {name: i for i, name in enumerate(INPUTS)}

        def operand(arg):
            if isinstance(arg, Const):
                return arg
            return local.get(arg.name, arg.name)

        registers = []
        for step in program.steps:
            default = repr(failure_default(step.func.name)) if defaults and step.guarded else None
            lowered_step = Step(operand(step.func), tuple(operand(a) for a in step.args), default)
            if lowered_step not in shared:
                shared[lowered_step] = len(INPUTS) + len(steps)
                steps.append(lowered_step)
            local[step.target] = shared[lowered_step]
            registers.append(shared[lowered_step])
        (_, source), = program.outputs
        lowered.append(LoweredProgram(program.name, tuple(registers), operand(Ref(source))))
    return steps, lowered


@dataclasses.dataclass
class Deferred:
    """A register whose value is no array: rebuilt by the kernels that read it."""

    register: int


@dataclasses.dataclass
class Failed:
    """A register whose step raises wherever it is called (raising.py): no value. A step
    reading it is never reached on a lane whose result counts (the failed step comes first
    in program order, and fails or is not exact on every lane), so it fails too."""

    register: int


# The kernel of a step that raises on every lane, or reads a Failed register.
_ALWAYS_FAILS = kernels.Kernel(FAILED, static_flags=(False, True))
# A step whose kernel is not ready (kernels.KernelNotReady): not exact on every lane, so
# its programs' lanes go on to the next tier or dsl_py; its register is Failed (no value).
_NOT_READY = kernels.Kernel(FAILED, static_flags=(True, False))


@dataclasses.dataclass
class _Planned:
    """One step of a plan: its kernel, the registers of its slots."""

    recipe: Optional[Recipe]  # None: _ALWAYS_FAILS
    forms: tuple
    slots: Tuple[int, ...]
    size: int  # lanes per call
    kernel: kernels.Kernel
    opcodes: Tuple[int, ...] = ()  # per switch of the recipe: the member the step calls


def _placeholder(like, n: int):
    """Zeros on n lanes in the form of the batched value `like` (int32 zeros when None)."""
    if like is None:
        return np.zeros(n, np.int32)
    return jax.tree_util.tree_map(lambda x: np.zeros((n,) + x.shape[1:], x.dtype), like)


class SteppedGroup:
    """A program group run step by step on kernels (CompiledGroup's interface)."""

    def __init__(self, programs: Sequence[Program], tier: values.Tier, cache_dir=None, defaults: bool = False,
                 memory_budget: Optional[int] = None, map_chunk: Optional[int] = None,
                 compile_after: Optional[int] = None, compile_timeout: Optional[float] = None,
                 max_memory: Optional[int] = None):
        from jaxbatt.codegen import emit
        from jaxbatt.engine import default_memory_budget

        self.programs = list(programs)
        self.tier = tier
        self.map_chunk = map_chunk
        self.compile_after = compile_after  # KernelCache.get's: None compiles every missing kernel
        self.compile_timeout = compile_timeout  # KernelCache.get's: seconds a compile may take (None: any)
        self.memory_budget = memory_budget or default_memory_budget()
        self.max_memory = max_memory  # CompiledGroup's
        self.max_lanes = None
        self.cache_dir = cache_dir or emit.default_cache_dir()
        self.steps, self.lowered = lower(self.programs, defaults)
        self.uses_train = any(p.uses("S") for p in self.programs)
        self.uses_target = any(p.uses("C") for p in self.programs)
        self.plans: Dict[int, List[_Planned]] = {}  # batch size -> plan
        self.compile_seconds = 0.0
        self.run_seconds = 0.0
        self.dropped_after: Dict[int, List[List[int]]] = {}  # batch size -> per step, registers
        self.outputs = {p.output for p in self.lowered}
        self.constant_registers: Dict[int, dict] = {}  # batch size -> {("const", value): batched array}

    def _constants(self, size: int) -> dict:
        """The registers of the group's liftable constants: each value repeated on `size` lanes."""
        if size not in self.constant_registers:
            found = {o.value for step in self.steps for o in step.args if isinstance(o, Const) and liftable(o.value)}
            self.constant_registers[size] = {("const", v): jax.device_put(np.full((size,) + np.shape(v), v, np.int32))
                                             for v in found}
        return self.constant_registers[size]

    def __call__(self, lanes, indices: Sequence[int], min_batch: int = 0):
        """(outputs {program: (value, ok, exact)} batched as numpy, which lanes fit). The
        lanes run in calls of the sizes of batch_sizes() (min_batch is CompiledGroup's: here
        every size is a kernel, so the sizes are few)."""
        del min_batch
        indices = list(indices)
        parts = [self._call(lanes, chunk, size) for chunk, size in split_batch(len(indices), batch_sizes())
                 for chunk in [indices[chunk]]]
        out = {}
        for program in self.lowered:
            # A call whose plan has no value for the output (None: a callable, a failed or not
            # ready step; no lane reads it) takes the form of another call's.
            outputs, reached, exact = zip(*[part[program.name] for part, _ in parts])
            like = next((v for v in outputs if v is not None), None)
            outputs = [_placeholder(like, len(r)) if v is None else v for v, r in zip(outputs, reached)]
            value = jax.tree_util.tree_map(lambda *xs: np.concatenate(xs), *outputs)
            out[program.name] = (value, np.concatenate(reached), np.concatenate(exact))
        return out, np.concatenate([fits for _, fits in parts])

    def _call(self, lanes, indices: Sequence[int], size: int):
        n = len(indices)
        order = list(indices) + [indices[0]] * (size - n)
        grid, train, target, fits = lanes.gather(self.tier, order, self.uses_train, self.uses_target)
        registers = dict(enumerate(jax.device_put((grid, train, target))))
        registers.update(self._constants(size))
        start = time.perf_counter()
        plan = self.plans.get(size)
        if plan is None:
            self._plan(size, registers, n)  # runs each step as it plans it
        else:
            for i, planned in enumerate(plan):
                self._step(i, planned, registers, self.dropped_after[size][i])
        flags = {r: (True, True) for r in range(len(INPUTS))}
        for r in range(len(INPUTS), len(INPUTS) + len(self.steps)):
            flags[r] = registers.pop(("flags", r))
        out = self._results(registers, flags, size)
        self.run_seconds += time.perf_counter() - start
        return jax.tree_util.tree_map(lambda x: x[:n], out), fits[:n]

    # ------------------------------------------------------------------ planning

    def _recipe(self, i: int, registers, lift: bool = True, switch: bool = False) -> Tuple[Recipe, tuple, tuple]:
        """(the recipe of step i, the registers of its slots, the primitives its switches
        stand for), given which registers hold Deferred values (their steps are inlined, each
        once, in program order). With `lift`, its Integer and IntegerTuple constants are
        slots too (registers ("const", value)), so programs that differ only in them share
        the kernel; with `switch`, its primitives of a family are switches (kernels.py), so
        programs that differ in them share it too."""
        inlined = set()

        def visit(operand):
            if isinstance(operand, int) and isinstance(registers.get(operand), Deferred) and operand not in inlined:
                inlined.add(operand)
                step = self.steps[operand - len(INPUTS)]
                for o in (step.callee,) + step.args:
                    visit(o)

        step = self.steps[i]
        for operand in (step.callee,) + step.args:
            visit(operand)
        slots, local, switched = [], {}, []

        def slot(register):
            if register not in slots or isinstance(register, tuple):  # a constant: one slot per use
                slots.append(register)
                return ("slot", len(slots) - 1)
            return ("slot", slots.index(register))

        def ref(operand, callee=None, position=None):
            if isinstance(operand, Const):
                if lift and liftable(operand.value) and position not in STATIC_ARGUMENTS.get(callee, ()):
                    return slot(("const", operand.value))
                return ("const", operand.value)
            if isinstance(operand, str):
                # A function passed on keeps its own name where a mapping reads its attributes.
                if switch and operand in kernels.FAMILIES and (callee is None or operand not in UNSWITCHED):
                    switched.append(operand)
                    return ("switch", (len(switched) - 1, kernels.FAMILIES[operand]))
                return ("prim", operand)
            if operand in local:
                return ("local", local[operand])
            return slot(operand)

        def call(step):
            return ref(step.callee), tuple(ref(a, step.callee, j) for j, a in enumerate(step.args))

        calls = []
        for register in sorted(inlined):
            calls.append(call(self.steps[register - len(INPUTS)]))
            local[register] = len(calls) - 1
        calls.append(call(step))
        return Recipe(tuple(calls), step.default), tuple(slots), tuple(switched)

    def _plan(self, size: int, registers, lanes: int) -> List[_Planned]:
        """Finds (loads or compiles) the kernel of every step at this batch size, running
        each step as it goes (the forms of later steps' inputs come from earlier outputs).
        A plan with a step not ready is not kept: the next call asks for its kernel again."""
        plan = []
        for i in range(len(self.steps)):
            planned = self._plan_step(i, size, registers, lanes)
            self._check_memory(planned.kernel.bytes_needed, size)
            self._step(i, planned, registers, ())
            plan.append(planned)
        # Later calls drop a register after the last kernel that reads it (outputs stay).
        last = {r: i for i, planned in enumerate(plan) for r in planned.slots}
        dropped = [[] for _ in plan]
        for register, i in last.items():
            if register not in self.outputs:
                dropped[i].append(register)
        if all(planned.kernel is not _NOT_READY for planned in plan):
            self.plans[size], self.dropped_after[size] = plan, dropped
        return plan

    def _check_memory(self, needed: Optional[int], size: int):
        """engine.check_memory, with max_lanes rounded down to a call size of batch_sizes()
        (0 below the smallest): the group cannot run a call of fewer lanes than that."""
        from jaxbatt.engine import OverMemoryBudget, check_memory

        try:
            check_memory(self, needed, size)
        except OverMemoryBudget as over:
            self.max_lanes = max((s for s in batch_sizes() if s <= over.lanes), default=0)
            raise OverMemoryBudget(over.bytes_per_lane, self.max_lanes) from None

    def _plan_step(self, i: int, size: int, registers, lanes: int) -> _Planned:
        if self._reads_failed(i, registers):
            return _Planned(None, (), (), size, _ALWAYS_FAILS)
        step = self.steps[i]
        if not (isinstance(step.callee, str) and ("prim", step.callee) in CLOSURE_BUILDERS):
            switched, slots, names = self._recipe(i, registers, lift=True, switch=True)
            if names:
                planned = self._switched(switched, slots, names, size, registers, lanes)
                if planned is not None:
                    return planned
        (lifted, lifted_slots, _), (static, static_slots, _) = (self._recipe(i, registers, lift=True),
                                                                  self._recipe(i, registers, lift=False))
        # Constants stay in the key where the recipe does not trace with them as inputs.
        attempts = [(lifted, lifted_slots)] + ([(static, static_slots)] if lifted != static else [])
        for recipe, slots in attempts:
            try:
                return self._planned(recipe, slots, size, registers, lanes)
            except kernels.KernelTraceError:
                if recipe == static:
                    # A step that does not trace may still be known to raise wherever it runs.
                    containers = raising.raises_where(recipe)
                    if containers is None:
                        raise
                    if not containers:
                        return _Planned(None, (), (), size, _ALWAYS_FAILS)
                    return self._planned(Recipe((), raises_where=True), tuple(slots[k] for k in containers),
                                         size, registers, lanes)

    def _switched(self, recipe, slots, names, size, registers, lanes) -> Optional[_Planned]:
        """The step on the kernel of its recipe with switches, or None: it does not trace, or
        a switch's members leave out the primitive it stands for."""
        try:
            planned = self._planned(recipe, slots, size, registers, lanes)
        except kernels.KernelTraceError:
            return None
        if planned.kernel is _NOT_READY:
            return planned
        members = planned.kernel.members
        if len(members) != len(names) or any(name not in found for name, found in zip(names, members)):
            return None
        planned.opcodes = tuple(found.index(name) for name, found in zip(names, members))
        return planned

    def _planned(self, recipe, slots, size, registers, lanes) -> _Planned:
        """The recipe's kernel on those slots (_NOT_READY while it does not pay to compile it)."""
        arrays = [registers[r] for r in slots]
        forms = tuple(kernels.form(a) for a in arrays)
        # Built at once whatever compile_after says: a FAILED kernel (it only measures its
        # containers: cheap, few forms) and a closure's (traced, nothing to compile; its
        # readers cannot ask for their kernels before it is ready).
        cheap = recipe.raises_where or recipe.calls[-1][0] in CLOSURE_BUILDERS
        compile_after = None if cheap else self.compile_after
        try:
            kernel, seconds = KERNELS.get(self.cache_dir, recipe, forms, self.tier, size, self.map_chunk, arrays,
                                          lanes, compile_after, self.compile_timeout, self.max_memory)
        except kernels.KernelNotReady:
            return _Planned(None, (), (), size, _NOT_READY)
        self.compile_seconds += seconds
        return _Planned(recipe, forms, slots, size, kernel)

    def _reads_failed(self, i: int, registers) -> bool:
        """Whether step i reads a Failed register (a Deferred one never does: a step reading a
        Failed register is Failed itself)."""
        step = self.steps[i]
        return any(isinstance(registers.get(o), Failed) for o in (step.callee,) + step.args if isinstance(o, int))

    # ------------------------------------------------------------------ running

    def _step(self, i, planned: _Planned, registers, dropped):
        register = len(INPUTS) + i
        kernel = planned.kernel
        arrays = [registers[r] for r in planned.slots]
        if kernel.kind in (DEFERRED, FAILED):
            registers[register] = (Deferred if kernel.kind == DEFERRED else Failed)(register)
            registers[("flags", register)] = kernel.static_flags or self._execute(planned, arrays)
        else:
            value, ok, exact, clipped = self._execute(planned, arrays)
            registers[register] = value
            registers[("flags", register)] = (ok, exact)
            registers[("clipped", register)] = clipped
        for register in dropped:
            registers.pop(register, None)

    def _execute(self, planned: _Planned, arrays):
        kernel = planned.kernel
        opcode = tuple(np.int32(k) for k in planned.opcodes)
        try:
            out = kernel.executable(*arrays, *opcode)
            if kernel.loaded:  # its errors surface here, not in a later step (dispatch is asynchronous)
                jax.block_until_ready(out)
        except Exception:
            if not kernel.loaded:
                raise
            kernel = planned.kernel = KERNELS.rebuild(self.cache_dir, planned.recipe, planned.forms, self.tier,
                                                      planned.size, self.map_chunk, arrays)
            out = kernel.executable(*arrays, *opcode)
        kernel.loaded = False
        return out

    def _results(self, registers, flags, size) -> Dict[str, tuple]:
        """{program: (value, ok, exact)} on the host: a program's flags from its steps' in
        program order (the first step not ok and exact decides), not exact where its output
        holds a clipped patch or is no array (value None)."""
        wanted = {}
        for program in self.lowered:
            value = registers.get(program.output)
            clipped = registers.get(("clipped", program.output), False)
            failed = isinstance(value, Failed)  # no lane that counts reaches its output
            wanted[program.name] = (None if isinstance(value, (Deferred, Failed)) else value, clipped,
                                    [flags[r] for r in program.steps], failed)
        fetched = jax.device_get(wanted)
        out = {}
        for program in self.lowered:
            value, clipped, step_flags, failed = fetched[program.name]
            reached, exact = np.ones(size, bool), np.ones(size, bool)
            for ok, ex in step_flags:
                exact = exact & (~reached | ex)
                reached = reached & ok & ex
            exact = exact & ~np.asarray(clipped)
            if value is None:  # a callable as the output: no padded form (the reference runs it)
                exact = exact & failed
            out[program.name] = (value, reached, exact)
        return out
