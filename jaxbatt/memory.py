"""Host memory of a run against a limit (EngineConfig.max_memory, `jaxbatt run --max-memory`).

Everything a run holds lives in this process's resident memory and its compile worker's: XLA compiles (the largest
and least predictable part: constant folding, modules of the large tiers), the executables
kept in memory, padded lane values and outputs on the host (the CPU backend's device
memory is host memory too). The engine measures, rather than predicts, it:

- before a group runs at a tier it asks `make_room`: past HIGH_WATER of the limit it
  first drops what can be rebuilt (compiled groups and step kernels in memory: they reload
  from the executable cache) and gives freed memory back to the system; still past it, the
  group's lanes go to dsl_py (the reason in the report) instead of compiling or running;
- a call's buffers (XLA's estimate, engine.check_memory) must fit the room left under the
  limit, or it runs on fewer lanes;
- compiles at tiers larger than SMALL run one at a time (`compile_slot`), on the CPU in a
  worker process that is killed past the limit (compile_worker.py); its memory counts here.

The executables held count against a second limit, the system's on memory mappings
(`mappings`): make_room drops them past HIGH_WATER of it too.
"""
import contextlib
import ctypes
import gc
import os
import resource
import threading
from typing import Callable, Optional, Tuple

HIGH_WATER = 0.8  # share of the limit past which nothing new starts
DEFAULT_SHARE = 0.6  # of the machine's memory: the default limit

# One compile at a time at tiers larger than SMALL (their modules take GiBs to compile).
_large_compiles = threading.Lock()


def is_large(tier) -> bool:
    """Values of this tier (a values.Tier) are larger than SMALL's (its lanes' path is "jax-large")."""
    from jaxbatt.dsl_jax import values

    return tier.capacity * tier.window ** 2 > values.SMALL.capacity * values.SMALL.window ** 2


def compiler_options(tier) -> Optional[dict]:
    """XLA options of a compile at `tier`: without constant folding at tiers larger than
    SMALL, where XLA folds iota-built comparisons over whole patch windows (P x P x K
    elements) into constants, taking minutes and GiBs per module; None elsewhere."""
    return {"xla_disable_hlo_passes": "constant_folding"} if is_large(tier) else None


def compile_slot(tier):
    """The context a compile at `tier` runs in: one at a time for large tiers, else any."""
    return _large_compiles if is_large(tier) else contextlib.nullcontext()


class OverMemoryLimit(Exception):
    """The process's resident memory (or its count of memory mappings) is past HIGH_WATER
    of the limit, even after dropping what can be rebuilt: the group's lanes at this tier
    and larger ones go to dsl_py."""


def physical_memory() -> Optional[int]:
    """Bytes of RAM on this machine, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def default_limit() -> Optional[int]:
    """DEFAULT_SHARE of the machine's memory (None where it is not known: no limit)."""
    physical = physical_memory()
    return None if physical is None else int(physical * DEFAULT_SHARE)


# Child processes whose memory is the run's too (the compile worker, compile_worker.py).
counted_children = set()


def _statm_resident(pid) -> Optional[int]:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def resident() -> int:
    """The run's resident memory now, in bytes: this process's (its peak where /proc does
    not say) and that of its counted_children."""
    own = _statm_resident("self")
    return (peak_resident() if own is None else own) + sum(_statm_resident(pid) or 0 for pid in list(counted_children))


def peak_resident_of(pid) -> int:
    """The peak resident memory (VmHWM) in bytes of a live process, 0 where /proc does not say."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def mappings() -> Tuple[int, Optional[int]]:
    """(memory mappings this process holds, the system's limit on them), (0, None) where
    /proc does not say. Each executable XLA's CPU backend loads maps its code sections
    (~7 mappings for a small one); past the limit (vm.max_map_count, often 65,530) LLVM
    cannot load another and the process aborts, whatever its resident memory."""
    try:
        with open("/proc/sys/vm/max_map_count") as limit, open("/proc/self/maps") as maps:
            return sum(1 for _ in maps), int(limit.read())
    except (OSError, ValueError):
        return 0, None


def peak_resident(children: bool = False) -> int:
    """Peak resident memory in bytes of this process (children: of its largest waited-for
    child process, e.g. a dsl_py worker)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_maxrss * 1024  # Linux reports KiB


def give_back_freed():
    """Collects garbage and returns the C heap's free pages to the system (glibc)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


_release_lock = threading.Lock()
releases = 0  # times make_room dropped caches (this process)


def room(limit: Optional[int]) -> Optional[int]:
    """Bytes a new call may still take under HIGH_WATER of `limit` (None: no limit)."""
    if limit is None:
        return None
    return max(0, int(limit * HIGH_WATER) - resident())


def _over(limit: Optional[int]) -> Optional[str]:
    """Why the process is past HIGH_WATER of `limit` or of the system's mappings, or None."""
    if limit is not None and room(limit) == 0:
        return (f"resident memory {resident() / 2**30:.2f} GiB is past {HIGH_WATER:.0%} of the "
                f"{limit / 2**30:.2f} GiB limit (--max-memory)")
    held, most = mappings()
    if most is not None and held > most * HIGH_WATER:
        return f"{held} memory mappings are past {HIGH_WATER:.0%} of the system's {most} (vm.max_map_count)"
    return None


def make_room(limit: Optional[int], release: Callable[[], None]):
    """Returns once the process is under HIGH_WATER of `limit` (None: no limit on resident
    memory) and of the system's limit on memory mappings, calling release() (drop what can
    be rebuilt) first if it is not; raises OverMemoryLimit if it stays past either."""
    global releases
    if _over(limit) is None:
        return
    with _release_lock:
        if _over(limit) is None:  # another thread made room meanwhile
            return
        release()
        give_back_freed()
        releases += 1
        reason = _over(limit)
        if reason is not None:
            raise OverMemoryLimit(reason)
