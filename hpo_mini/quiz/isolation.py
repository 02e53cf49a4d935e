"""Keep a student's code to its own folder, and stop it from outside: Landlock, resource limits, a
clean environment, and a kill of its whole process tree.

The gradebook runs each submission in a Jupyter kernel started through this file (run as a script,
stdlib only, before the kernel's Python starts):

    python -I -S isolation.py '{"read": [...], "write": [...], "files": [...], ...}' -- python -m ipykernel_launcher -f ...

It applies the policy to itself, then `exec`s the kernel, which inherits it (as does every process
the kernel starts):
- Landlock (Linux >= 5.13, unprivileged; https://docs.kernel.org/userspace-api/landlock.html): the
  file system is denied except the paths the policy grants: read (and execute) beneath `read`, read
  the single `files`, read and write beneath `write` (the student's scratch folder and a scratch
  home). In /proc it reads its own folder and the system's files, not other processes' folders (their
  environ, cmdline, cwd). With ABI >= 6 the process may not signal, nor connect to an abstract socket
  of, any process outside its domain (the gradebook); Landlock also keeps it from ptrace-ing one.
- Resource limits (setrlimit): RLIMIT_AS (address space) and RLIMIT_CPU (a backstop if the grader
  itself dies; the wall-clock budget is enforced from outside, by killing the process group).

Where Landlock is missing (another OS, an old kernel), `landlock_abi()` is 0 and the gradebook says
so: files are then only as protected as their permissions.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import time

__all__ = ["landlock_abi", "restrict", "limit_resources", "system_read_paths", "wrapper_command",
           "beneath_except", "without", "kill_tree", "ticks_now", "subreaper", "address_space"]

# <linux/landlock.h>. The syscall numbers are the same on every architecture (added after the unification).
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS, _PR_SET_CHILD_SUBREAPER = 38, 36
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_BITS_BY_ABI = {1: 13, 2: 14, 3: 15, 4: 15, 5: 16}  # REFER (ABI 2), TRUNCATE (3), IOCTL_DEV (5)
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | (1 << 14) | (1 << 15)  # what a rule on a file may grant
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1
READ = EXECUTE | READ_FILE | READ_DIR


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def landlock_abi() -> int:
    """The Landlock ABI version of the running kernel; 0 where there is none."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        version = _libc().syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def _fs_rights(abi: int) -> int:
    return (1 << _FS_BITS_BY_ABI.get(abi, 16)) - 1


def restrict(read=(), write=(), files=(), devices=("/dev",)) -> int:
    """Deny this process (and all it starts) the file system except: read beneath `read`, read the
    single `files`, everything beneath `write`, read and write (no create) the device files beneath
    `devices`. Paths that do not exist are skipped. Returns the ABI applied (0: Landlock missing,
    nothing restricted). Irreversible for this process."""
    abi = landlock_abi()
    if abi == 0:
        return 0
    libc, everything = _libc(), _fs_rights(abi)
    attr = _RulesetAttr(everything, 0, (_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0)
    size = 24 if abi >= 6 else 8  # the struct grew with the ABI: the kernel takes the size it knows
    ruleset = libc.syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), f"landlock_create_ruleset failed: {os.strerror(ctypes.get_errno())}")
    device_rights = READ | WRITE_FILE | ((1 << 15) if abi >= 5 else 0)
    read = [q for p in read for q in (_proc_paths() if os.path.realpath(p) == "/proc" else [p])]
    grants = [(p, READ) for p in read] + [(p, READ_FILE) for p in files] + [(p, everything) for p in write]
    grants += [(p, device_rights) for p in devices]
    try:
        for path, rights in grants:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a path this system does not have
            try:
                allowed = rights & everything & (_FILE_RIGHTS if not os.path.isdir(path) else everything)
                rule = _PathBeneathAttr(allowed, fd)
                if libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) < 0:
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule({path!r}) failed: {os.strerror(ctypes.get_errno())}")
            finally:
                os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_RESTRICT_SELF, ruleset, 0) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_restrict_self failed: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(ruleset)
    return abi


def _proc_paths() -> list[str]:
    """/proc without the other processes' folders: their environ, cmdline, cwd... stay out of reach
    (Landlock's ptrace scoping covers /proc/PID/mem, not environ). This process keeps its own."""
    names = [n for n in os.listdir("/proc") if not n.isdigit() and n not in ("self", "thread-self")]
    return [os.path.join("/proc", n) for n in names] + [f"/proc/{os.getpid()}"]


def limit_resources(memory_bytes=None, cpu_seconds=None) -> None:
    """setrlimit for this process and what it starts: address space (RLIMIT_AS, an allocation past it
    raises MemoryError) and CPU time (RLIMIT_CPU: SIGXCPU at the soft limit, SIGKILL one second later)."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        return

    def lower(which, soft, hard):  # never above a limit already set (raising one needs privileges)
        _, current = resource.getrlimit(which)
        if current != resource.RLIM_INFINITY:
            soft, hard = min(soft, current), min(hard, current)
        resource.setrlimit(which, (soft, hard))

    if memory_bytes is not None:
        lower(resource.RLIMIT_AS, int(memory_bytes), int(memory_bytes))
    if cpu_seconds is not None:
        soft = max(1, int(cpu_seconds + 0.999))
        lower(resource.RLIMIT_CPU, soft, soft + 1)


def address_space() -> int:
    """This process's current address space in bytes (/proc/self/statm), 0 where unknown."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def system_read_paths() -> list[str]:
    """What a Python process needs to read: the OS's libraries and configuration, this Python, its
    environment's site-packages (not the working copy of the course: the keys live there)."""
    import site
    import sysconfig

    paths = ["/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/opt", "/proc", "/sys", "/run",
             sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))]
    paths += [sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    paths += getattr(site, "getsitepackages", lambda: [])()
    return sorted({os.path.realpath(p) for p in paths})


def beneath_except(root, excluded) -> list[str]:
    """Paths that together cover everything beneath `root` except `excluded` (one path inside it): the
    siblings of each folder on the way down to it. Landlock only grants, so this is how to leave one out."""
    root, excluded = os.path.realpath(root), os.path.realpath(excluded)
    out, here = [], root
    for part in os.path.relpath(excluded, root).split(os.sep):
        try:
            names = os.listdir(here)
        except OSError:
            return out
        out += [os.path.join(here, n) for n in names if n != part]
        here = os.path.join(here, part)
    return out


def without(paths, hidden) -> list[str]:
    """`paths` with the folder `hidden` left out of any of them that holds it (beneath_except)."""
    hidden = os.path.realpath(hidden)
    out = []
    for p in paths:
        real = os.path.realpath(p)
        inside = hidden == real or hidden.startswith(real.rstrip(os.sep) + os.sep)
        out += beneath_except(real, hidden) if inside and hidden != real else [] if inside else [p]
    return out


def wrapper_command(policy: dict, command: list) -> list:
    """The command that applies `policy` (keys: read, write, files, memory_bytes, cpu_seconds) and
    then becomes `command`."""
    return [sys.executable, "-I", "-S", os.path.abspath(__file__), json.dumps(policy), "--", *command]


def _start_time(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[19])  # field 22 of proc(5): starttime, in clock ticks since boot
    except (OSError, IndexError, ValueError):
        return None


def _children(parent: int) -> list[int]:
    out = []
    for name in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == parent:
                        out.append(int(name))
            except (OSError, IndexError, ValueError):
                continue
    return out


def subreaper(on: bool) -> bool:
    """Make this process the "child subreaper" (Linux, prctl): a process its descendants start that
    loses its parent (a double fork, setsid) becomes its child instead of init's, so kill_tree finds it."""
    if not sys.platform.startswith("linux"):
        return False
    return _libc().prctl(_PR_SET_CHILD_SUBREAPER, 1 if on else 0, 0, 0, 0) == 0


def ticks_now() -> int | None:
    """Clock ticks since boot now (/proc/uptime), for kill_tree's `since`; None where unknown."""
    try:
        with open("/proc/uptime") as f:
            return int(float(f.read().split()[0]) * os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError):
        return None


def kill_tree(pid: int | None, since: int | None = None, rounds: int = 20) -> int:
    """SIGKILL the process group of `pid` (None: none), then (with `subreaper(True)` on) every other
    child of this process started no earlier than `since` (ticks_now() before the group started: its
    orphans, escaped into a session of their own and handed to this process), until none is left.
    Returns how many were killed; reaps the orphans (not `pid`: its Popen does)."""
    killed = 0
    if pid is not None:
        try:
            os.killpg(pid, signal.SIGKILL)
            killed += 1
        except (ProcessLookupError, PermissionError):
            pass
    if since is None:
        return killed
    for _ in range(rounds):
        orphans = [c for c in _children(os.getpid()) if c != pid and (_start_time(c) or -1) >= since - 1]
        if not orphans:
            break
        for child in orphans:
            try:
                os.kill(child, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
            try:
                os.waitpid(child, 0)
            except ChildProcessError:
                pass
        time.sleep(0.05)
    return killed


def _main(argv) -> None:
    policy, command = json.loads(argv[0]), argv[2:]
    limit_resources(policy.get("memory_bytes"), policy.get("cpu_seconds"))
    restrict(policy.get("read", ()), policy.get("write", ()), policy.get("files", ()))
    if policy.get("cwd"):
        os.chdir(policy["cwd"])
    os.execv(command[0], command)


if __name__ == "__main__":
    _main(sys.argv[1:])
