"""A server inside a memory cgroup with a limit, as a container with that memory limit runs it.

A container's limit is a cgroup's: the kernel charges the group every page its processes
touch, once however many of them share it, and when the charge reaches the limit it reclaims
the group's page cache, then kills a process (an OOM kill). So the question "does a 1 GiB
replica hold a classroom?" is answered by running the replica in a 1 GiB group and counting OOM
kills, not by summing the processes' RSS (which counts a shared page once per process).

``MemoryCgroup`` makes a child of this process's own memory cgroup (cgroup v1's memory
controller, or v2 where the controller is enabled), moves a server into it right after it is
started (what it touched before the move stays charged to this process's group; the workers it
forks later are born inside), and reads what the group was charged. It needs a writable cgroup tree (root in this sandbox); without one it
raises, naming what is missing.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Layout:
    """Where a memory cgroup's files are, and their names in this cgroup version."""

    version: int
    parent: Path  # this process's memory cgroup, under which the new one is made

    @property
    def limit_file(self) -> str:
        return "memory.limit_in_bytes" if self.version == 1 else "memory.max"

    @property
    def usage_file(self) -> str:
        return "memory.usage_in_bytes" if self.version == 1 else "memory.current"

    @property
    def anon_stat(self) -> tuple[str, ...]:
        """memory.stat's lines of the processes' own memory (not the page cache)."""
        return ("total_rss", "total_shmem") if self.version == 1 else ("anon", "shmem")


def find_layout(proc_cgroup: str, root: Path = CGROUP_ROOT) -> Layout:
    """This process's memory cgroup, from the text of /proc/self/cgroup and the mounts under ``root``."""
    for line in proc_cgroup.splitlines():
        number, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(",") and (root / "memory").is_dir():
            return Layout(1, root / "memory" / path.lstrip("/"))
    for line in proc_cgroup.splitlines():
        number, controllers, path = line.split(":", 2)
        if number == "0" and controllers == "":
            for base in (root, root / "unified"):
                parent = base / path.lstrip("/")
                enabled = parent / "cgroup.subtree_control"
                if enabled.is_file() and "memory" in enabled.read_text().split():
                    return Layout(2, parent)
    raise RuntimeError(
        "no memory cgroup to make a child of: /proc/self/cgroup names no v1 memory controller, "
        "and cgroup v2's memory controller is not enabled for this process's group"
    )


class MemoryCgroup:
    """A new memory cgroup limited to ``limit_bytes``; ``add(pid)`` moves a process into it (its
    later children are born inside). Leaving the block removes the group (its processes must have
    ended). ``usage``, ``anonymous`` and ``oom_kills`` read what the group went through."""

    def __init__(self, limit_bytes: int, layout: Layout | None = None):
        self.limit_bytes = limit_bytes
        self.layout = layout or find_layout(Path("/proc/self/cgroup").read_text())
        self.path = self.layout.parent / f"vanishing-point-{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> MemoryCgroup:
        try:
            self.path.mkdir()
        except OSError as error:
            raise RuntimeError(f"cannot make the memory cgroup {self.path}: {error}") from error
        try:
            (self.path / self.layout.limit_file).write_text(str(self.limit_bytes))
            # No way around the limit through swap: memory and swap together get the same limit.
            swap_limit = self.path / (
                "memory.memsw.limit_in_bytes" if self.layout.version == 1 else "memory.swap.max"
            )
            if swap_limit.exists():
                swap_limit.write_text(str(self.limit_bytes) if self.layout.version == 1 else "0")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        # A stopped server's processes leave the group a moment after they are killed.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.path.is_dir():
            try:
                self.path.rmdir()
            except OSError:  # a process still inside
                time.sleep(0.1)

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def _stat(self) -> dict[str, int]:
        pairs = (line.split() for line in (self.path / "memory.stat").read_text().splitlines())
        return {name: int(value) for name, value in pairs}

    def usage(self) -> int:
        """Bytes charged now: the processes' memory and the page cache they read."""
        return int((self.path / self.layout.usage_file).read_text())

    def anonymous(self) -> int:
        """Bytes of the processes' own memory now (what reclaiming the page cache cannot free)."""
        stat = self._stat()
        return sum(stat.get(name, 0) for name in self.layout.anon_stat)

    def oom_kills(self) -> int:
        """Processes the kernel killed for the limit."""
        name = "memory.oom_control" if self.layout.version == 1 else "memory.events"
        for line in (self.path / name).read_text().splitlines():
            key, value = line.split()
            if key == "oom_kill":
                return int(value)
        return 0
