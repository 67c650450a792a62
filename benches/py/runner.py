"""Running things: the emulator, one measured program, rounds of interleaved cases."""

from __future__ import annotations

import json
import os
import resource
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence


class BenchError(RuntimeError):
    pass


class Emulator:
    """ut-emulator on a free loopback port, with more `args` (such as `--tls`); stopped (by its
    own pid) on exit. With `--tls` it writes the authority its certificate is trusted through
    to `ca_file`, a file of its own, removed when it stops."""

    def __init__(self, binary: str, threads: int, args: Sequence[str] = ()):
        argv = [binary, "--bind", "127.0.0.1:0", "--threads", str(threads), *args]
        self.ca_file: Optional[str] = None
        if "--tls" in args:
            fd, self.ca_file = tempfile.mkstemp(prefix="ut-emulator-", suffix="-ca.pem")
            os.close(fd)
            argv += ["--cert-out", self.ca_file]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise BenchError(f"{' '.join(argv)} did not start (said {line!r})")
        self.url = line[len("listening on "):]
        # The file is written before the line is printed.
        self._tls = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None

    def target(self) -> List[str]:
        """The C bench's options that point a client at this emulator (and make it trust it)."""
        return ["--url", self.url] + (["--ca-file", self.ca_file] if self.ca_file else [])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.ca_file and os.path.exists(self.ca_file):
            os.remove(self.ca_file)

    def cpu_s(self) -> float:
        """User + system CPU the emulator has used so far (fields 14, 15 of /proc/PID/stat)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")

    def requests_served(self) -> int:
        with urllib.request.urlopen(f"{self.url}/_emulator/stats", timeout=5, context=self._tls) as r:
            return json.load(r)["requests"]


@dataclass
class Case:
    """One side of a comparison: a command that prints one JSON line of results."""
    name: str
    argv: List[str]
    env: Optional[Dict[str, str]] = None
    samples: List[dict] = field(default_factory=list)

    def median(self, key: str) -> float:
        return statistics.median(s[key] for s in self.samples)


def machine_cpu_s() -> float:
    """CPU time the whole machine has spent busy (steal included: it was not ours either)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = v
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def children_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_json(argv: List[str], env: Optional[Dict[str, str]], timeout: float,
             emulator: Optional[Emulator] = None) -> dict:
    """Runs one measurement; any failed request or exit status aborts the whole bench, since
    a number from a broken run would be meaningless."""
    cpu0 = emulator.cpu_s() if emulator else 0.0
    served0 = emulator.requests_served() if emulator else 0
    t0, machine0, child0 = time.monotonic(), machine_cpu_s(), children_cpu_s()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       env={**os.environ, **(env or {})})
    wall, machine, child = time.monotonic() - t0, machine_cpu_s() - machine0, children_cpu_s() - child0
    lines = [line for line in p.stdout.splitlines() if line.startswith("{")]
    if p.returncode != 0 or not lines:
        raise BenchError(f"{' '.join(argv)} exited with {p.returncode}\n{p.stderr[-2000:]}")
    result = json.loads(lines[-1])
    emu = 0.0
    if emulator:
        served = emulator.requests_served() - served0
        emu = emulator.cpu_s() - cpu0
        # The emulator's own CPU per request served during the whole run (warm-up included).
        result["emu_cpu_us_per_req"] = emu * 1e6 / served if served else 0.0
        result["emu_requests"] = served
    # Cores used by everything else on the machine meanwhile: how noisy this run was.
    result["other_cores"] = max(0.0, (machine - child - emu) / wall)
    return result


def interleave(cases: List[Case], rounds: int, run: Callable[[Case], dict],
               label: str) -> None:
    """Runs every case once per round, rotating the order each round, so that slow drift on a
    shared machine (other jobs, thermal, caches) falls on every side alike."""
    for r in range(rounds):
        k = r % len(cases)
        for case in cases[k:] + cases[:k]:
            sample = run(case)
            case.samples.append(sample)
            rate = sample.get("calls_per_s")
            shown = f"{rate:,.0f} calls/s" if rate is not None else ""
            print(f"  [{label} {r + 1}/{rounds}] {case.name:<14} {shown}", flush=True)


def paired_ratio(a: Case, b: Case, key: str) -> float:
    """Median over rounds of a/b, each ratio taken within one round (same machine state)."""
    return statistics.median(x[key] / y[key] for x, y in zip(a.samples, b.samples) if y[key])


def spawn_ms(argv: List[str]) -> float:
    """Wall time of a whole process, exec to exit, in ms; a failed run aborts the bench."""
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ)
    _, status = os.waitpid(pid, 0)
    elapsed = (time.perf_counter_ns() - t0) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        raise BenchError(f"{' '.join(argv)} failed with status {status}")
    return elapsed


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
