"""A persistent cache of compiled XLA executables, so that a warm start skips tracing too.

JAX's own persistent cache (also on, see engine.enable_compilation_cache) saves the XLA
compile but still traces and lowers every program group, which costs seconds for a group of
DSL programs. This cache stores the compiled executable itself
(jax.experimental.serialize_executable) under a key made of everything its code depends on:
the generated module's source, the tier, the batch shapes, the source of jaxbatt's dsl_jax
and codegen packages, the jax/jaxlib versions and the devices. A hit loads it in
milliseconds. An unreadable entry is ignored (and rewritten).
"""
import functools
import hashlib
import os
import pickle
import threading
from typing import Callable, Optional

import jax
from jax.experimental import serialize_executable

import jaxbatt
from jaxbatt import compile_worker

_PACKAGES = ("dsl_jax", "codegen")
_MODULES = ("kernels.py",)  # what runs inside a step kernel besides those packages


@functools.lru_cache(maxsize=None)
def code_version() -> str:
    """A digest of the sources the compiled programs depend on, and of the JAX build."""
    digest = hashlib.sha256()
    root = os.path.dirname(jaxbatt.__file__)
    for package in _PACKAGES:
        folder = os.path.join(root, package)
        for name in sorted(os.listdir(folder)):
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as handle:
                    digest.update(name.encode() + handle.read())
    for name in _MODULES:
        with open(os.path.join(root, name), "rb") as handle:
            digest.update(name.encode() + handle.read())
    import jaxlib
    digest.update(f"{jax.__version__} {jaxlib.__version__}".encode())
    return digest.hexdigest()


def key(*parts) -> str:
    """The cache key of an executable: `parts` (source, tier, shapes...) plus code and devices."""
    devices = jax.devices()
    described = repr(parts) + code_version() + repr([(d.platform, d.device_kind) for d in devices])
    return hashlib.sha256(described.encode()).hexdigest()[:32]


def bytes_needed(executable):
    """XLA's estimate of the memory one call of `executable` uses (arguments, outputs,
    temporaries), or None on a backend without the estimate."""
    try:
        m = executable.memory_analysis()
        return m.temp_size_in_bytes + m.argument_size_in_bytes + m.output_size_in_bytes
    except Exception:
        return None


class CompileTimeout(Exception):
    """XLA did not finish a compile within the limit. Nobody waits for it: the compile goes
    on in a background thread, which hands its executable to the `when_done` callback, or
    (`killed`) it ran in the compile worker, which was killed: no executable comes."""

    def __init__(self, seconds: float, killed: bool = False):
        super().__init__(f"XLA compile past the {seconds:g} s limit (--compile-timeout)")
        self.killed = killed


def lower(fn, args, isolated: bool):
    """What compile_within compiles: the jitted `fn` traced for `args`. isolated (the large
    tiers), on the CPU backend: a compile_worker.Exported, compiled in the worker process;
    else jax's Lowered, compiled here."""
    if isolated and compile_worker.isolated():
        return compile_worker.Exported(fn, args)
    return fn.lower(*args)


def compile_within(lowered, seconds: Optional[float], when_done: Callable = None, options: dict = None,
                   max_memory: Optional[int] = None):
    """The executable of `lowered` (from `lower`) with XLA compiler `options`
    (memory.compiler_options), or CompileTimeout once it runs past `seconds` (None: no limit).

    An Exported compiles in the compile worker, which is killed past `seconds` or past
    memory.HIGH_WATER of `max_memory` (memory.OverMemoryLimit). A compile here is not
    interruptible: one past the limit finishes in a daemon thread, then calls
    when_done(executable) (not on an error), so its work is kept for later callers."""
    if isinstance(lowered, compile_worker.Exported):
        return compile_worker.compile_isolated(lowered, seconds, options, max_memory)
    if seconds is None:
        return lowered.compile(options)
    finished = threading.Event()
    result = {}

    def compile_it():
        try:
            result["executable"] = lowered.compile(options)
        except Exception as error:  # raised to the caller if it still waits, else dropped
            result["error"] = error
        with lock:
            finished.set()
            late = result.pop("late", False)
        if late and "executable" in result and when_done is not None:
            when_done(result["executable"])

    lock = threading.Lock()
    threading.Thread(target=compile_it, name="jaxbatt-compile", daemon=True).start()
    finished.wait(seconds)
    with lock:
        if not finished.is_set():
            result["late"] = True
            raise CompileTimeout(seconds)
    if "error" in result:
        raise result["error"]
    return result["executable"]


def _path(folder: str, name: str) -> str:
    return os.path.join(folder, "executables", f"{name}.pkl")


def load(folder: str, name: str, with_meta: bool = False):
    """The cached executable, or None (absent or unreadable); with_meta: (executable or
    None, the dict stored with it), or None."""
    path = _path(folder, name)
    if not os.path.exists(path):
        return None
    try:
        with open(path, "rb") as handle:
            payload, meta = pickle.load(handle)
        executable = None if payload is None else serialize_executable.deserialize_and_load(*payload)
    except Exception:  # a stale or truncated entry: compile again and overwrite it
        return None
    return (executable, meta) if with_meta else executable


def store(folder: str, name: str, compiled, meta: dict = None) -> None:
    """Stores `compiled` (may be None where `meta` says all) and `meta` under `name`."""
    path = _path(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    payload = None if compiled is None else (compile_worker.SERIALIZED.get(compiled)
                                             or serialize_executable.serialize(compiled))
    with open(temporary, "wb") as handle:
        pickle.dump((payload, meta or {}), handle)
    os.replace(temporary, path)
