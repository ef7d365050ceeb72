"""XLA compiles of the large tiers in a child process, so that their time and memory are bounded.

XLA:CPU takes minutes and GiBs to compile some modules of the tiers larger than SMALL, and a
compile cannot be interrupted in-process: one abandoned past --compile-timeout goes on in
its thread and keeps its memory (arc-dsl's 400 solvers through tiny..huge reached 21.95 GiB
resident against a 14.12 GiB limit). Here the compile runs in one worker process that the
run can kill:

    parent: jax.export of the traced function, flat leaves in and out -> bytes
    worker: deserialize, jax.jit(exported.call).lower(...).compile(options)
            -> serialize_executable -> bytes
    parent: deserialize_and_load with the function's own pytrees -> a jax Compiled

While it waits the parent watches the clock and the memory of both processes
(memory.resident counts the worker): past the time limit it kills the worker and raises
executables.CompileTimeout; past memory.HIGH_WATER of the memory limit it kills it and
raises memory.OverMemoryLimit. Either way all the compile held is freed, and the next
compile starts a new worker. Used on the CPU backend only (a worker on a GPU would open a
second client on the device); `serve` is the worker's loop.
"""
import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
import weakref
from typing import Optional

import jax
import numpy as np

from jaxbatt import memory

POLL_SECONDS = 0.05  # how often the parent looks at the clock and the memory while waiting
KEEP_RESIDENT = 1 << 30  # a worker holding more after a compile is replaced by a new one


class CompileFailed(Exception):
    """The worker could not compile the module (XLA's error), or died while compiling."""


def isolated() -> bool:
    """Whether compiles may run in the worker: on the CPU backend only."""
    return jax.default_backend() == "cpu"


class Exported:
    """A traced function ready for the worker: its serialized jax.export module over the
    flat leaves of `args`, and the pytrees that rebuild its arguments and outputs."""

    def __init__(self, fn, args):
        leaves, self.in_tree = jax.tree.flatten((tuple(args), {}))
        trees = {}

        def flat(*flat_leaves):
            positional, _ = jax.tree.unflatten(self.in_tree, flat_leaves)
            outputs, trees["out"] = jax.tree.flatten(fn(*positional))
            return outputs

        shapes = [jax.ShapeDtypeStruct(np.shape(leaf), np.asarray(leaf).dtype) for leaf in leaves]
        self.module = bytes(jax.export.export(jax.jit(flat))(*shapes).serialize())
        self.out_tree = trees["out"]


def _send(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _receive(stream):
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("the stream ended")
    (size,) = struct.unpack("<Q", header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the stream ended inside a message")
    return pickle.loads(data)


class _Worker:
    """The one compile worker of this process (started when first needed)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.process: Optional[subprocess.Popen] = None
        self.started = 0  # workers started by this process
        self.killed = 0  # workers killed for time or memory
        self.peak = 0  # the largest peak resident memory of a worker, in bytes

    def _start(self):
        env = dict(os.environ, JAX_PLATFORMS="cpu")
        self.process = subprocess.Popen([sys.executable, "-c", "from jaxbatt import compile_worker; compile_worker.serve()"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        memory.counted_children.add(self.process.pid)
        self.started += 1

    def stop(self, killed: bool = False):
        if self.process is None:
            return
        self.peak = max(self.peak, memory.peak_resident_of(self.process.pid))
        memory.counted_children.discard(self.process.pid)
        self.process.kill()
        self.process.wait()
        self.process = None
        self.killed += killed

    def compile(self, exported: Exported, seconds: Optional[float], options: Optional[dict],
                max_memory: Optional[int]):
        from jax.experimental import serialize_executable

        from jaxbatt import executables

        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.stop()
                self._start()
            start = time.perf_counter()
            _send(self.process.stdin, (exported.module, options))
            while True:
                if select.select([self.process.stdout], [], [], POLL_SECONDS)[0]:
                    break
                if seconds is not None and time.perf_counter() - start > seconds:
                    self.stop(killed=True)
                    raise executables.CompileTimeout(seconds, killed=True)
                if max_memory is not None and memory.room(max_memory) == 0:
                    over = memory.resident()
                    self.stop(killed=True)
                    raise memory.OverMemoryLimit(
                        f"a compile took the run's resident memory to {over / 2**30:.2f} GiB, past "
                        f"{memory.HIGH_WATER:.0%} of the {max_memory / 2**30:.2f} GiB limit (--max-memory)")
            try:
                status, answer, worker_resident = _receive(self.process.stdout)
            except (EOFError, pickle.UnpicklingError) as error:
                self.stop()
                raise CompileFailed(f"the compile worker died ({error})") from None
            self.peak = max(self.peak, memory.peak_resident_of(self.process.pid))
            if worker_resident > KEEP_RESIDENT:
                self.stop()
        if status != "ok":
            raise CompileFailed(answer)
        compiled = serialize_executable.deserialize_and_load(answer, exported.in_tree, exported.out_tree)
        SERIALIZED[compiled] = (answer, exported.in_tree, exported.out_tree)
        return compiled


# Executable from the worker -> the payload it came in (serialize_executable.serialize's form).
# executables.store writes that: XLA:CPU serializes a loaded executable again without the
# code of its functions (the entry loads, then fails with "Function ... not found").
SERIALIZED = weakref.WeakKeyDictionary()


WORKER = _Worker()
atexit.register(WORKER.stop)


def compile_isolated(exported: Exported, seconds: Optional[float] = None, options: Optional[dict] = None,
                     max_memory: Optional[int] = None):
    """The executable of `exported`, compiled in the worker with XLA `options`: raises
    executables.CompileTimeout past `seconds`, memory.OverMemoryLimit once this process and
    the worker pass memory.HIGH_WATER of `max_memory` (None: no limit), CompileFailed on
    XLA's error. One compile at a time."""
    return WORKER.compile(exported, seconds, options, max_memory)


def serve():
    """The worker's loop: a (module, options) message in, ("ok", executable bytes,
    resident) or ("error", message, resident) out, until its input closes."""
    from jax.experimental import serialize_executable

    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever else writes to stdout goes to stderr, not into the answers
    while True:
        try:
            module, options = _receive(requests)
        except EOFError:
            return
        try:
            exported = jax.export.deserialize(bytearray(module))
            compiled = jax.jit(exported.call).lower(*exported.in_avals).compile(options)
            answer = ("ok", serialize_executable.serialize(compiled)[0])
            del compiled, exported
        except Exception as error:  # XLA's error goes back to the parent
            answer = ("error", f"{type(error).__name__}: {error}")
        memory.give_back_freed()
        _send(answers, answer + (memory.resident(),))

