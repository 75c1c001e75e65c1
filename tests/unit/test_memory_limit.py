"""The capacity benchmark's memory cgroup (benchmarks.memory_limit), on a made-up cgroup tree: which
group it makes its own under, which files it writes and how it reads what the kernel counted."""

from pathlib import Path

import pytest

from benchmarks.memory_limit import Layout, MemoryCgroup, find_layout

MIB = 2**20
V1_SELF = "9:name=systemd:/\n4:memory:/process_api/abc\n1:cpu:/\n0::/\n"
V2_SELF = "0::/user.slice/session-1.scope\n"


def test_cgroup_v1_the_group_is_made_under_this_process_memory_cgroup(tmp_path: Path):
    (tmp_path / "memory" / "process_api" / "abc").mkdir(parents=True)
    layout = find_layout(V1_SELF, tmp_path)
    assert layout == Layout(1, tmp_path / "memory" / "process_api" / "abc")
    assert (layout.limit_file, layout.usage_file) == ("memory.limit_in_bytes", "memory.usage_in_bytes")


def test_cgroup_v2_needs_the_memory_controller_enabled_for_this_process_group(tmp_path: Path):
    parent = tmp_path / "user.slice" / "session-1.scope"
    parent.mkdir(parents=True)
    (parent / "cgroup.subtree_control").write_text("cpu pids\n")
    with pytest.raises(RuntimeError, match="memory controller is not enabled"):
        find_layout(V2_SELF, tmp_path)
    (parent / "cgroup.subtree_control").write_text("cpu memory pids\n")
    assert find_layout(V2_SELF, tmp_path) == Layout(2, parent)


def make_kernel_files(group: Path, version: int) -> None:
    """What the kernel would put in a new group's directory (a plain directory here)."""
    if version == 1:
        files = {"memory.limit_in_bytes": "9223372036854771712",
                 "memory.memsw.limit_in_bytes": "9223372036854771712", "memory.usage_in_bytes": str(300 * MIB),
                 "memory.max_usage_in_bytes": str(700 * MIB),
                 "memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n",
                 "memory.stat": f"cache {100 * MIB}\nrss {5 * MIB}\ntotal_cache {100 * MIB}\n"
                                f"total_rss {190 * MIB}\ntotal_shmem {10 * MIB}\n"}  # fmt: skip
    else:
        files = {"memory.max": "max", "memory.swap.max": "max", "memory.current": str(300 * MIB),
                 "memory.peak": str(700 * MIB), "memory.events": "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n",
                 "memory.stat": f"anon {190 * MIB}\nfile {100 * MIB}\nshmem {10 * MIB}\n"}  # fmt: skip
    for name, text in files.items():
        (group / name).write_text(text)
    (group / "cgroup.procs").write_text("")


@pytest.mark.parametrize("version", [1, 2])
def test_the_group_is_limited_without_swap_and_its_readings_are_the_kernels(tmp_path: Path, version: int):
    group = MemoryCgroup(1024 * MIB, Layout(version, tmp_path))
    original_mkdir = Path.mkdir

    def mkdir_with_kernel_files(path: Path, *args, **kwargs):
        original_mkdir(path, *args, **kwargs)
        make_kernel_files(path, version)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "mkdir", mkdir_with_kernel_files)
        group.__enter__()
    assert group.path.parent == tmp_path and group.path.name.startswith("vanishing-point-")
    if version == 1:
        assert (group.path / "memory.limit_in_bytes").read_text() == str(1024 * MIB)
        assert (group.path / "memory.memsw.limit_in_bytes").read_text() == str(1024 * MIB)
    else:
        assert (group.path / "memory.max").read_text() == str(1024 * MIB)
        assert (group.path / "memory.swap.max").read_text() == "0"
    group.add(4242)
    assert (group.path / "cgroup.procs").read_text() == "4242"
    assert group.usage() == 300 * MIB
    assert group.anonymous() == 200 * MIB  # the processes' own pages and shared memory, not the cache
    assert group.oom_kills() == 1


def test_a_group_that_cannot_be_made_says_where(tmp_path: Path):
    missing = Layout(1, tmp_path / "not-mounted")
    with pytest.raises(RuntimeError, match=r"cannot make the memory cgroup .*not-mounted"):
        MemoryCgroup(1024 * MIB, missing).__enter__()
