"""Durations, rounds and sizes, from the environment (BENCH_QUICK=1 for a smoke run)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass
class Settings:
    quick: bool
    rounds: int             # C comparisons: rounds of A, B (order alternating)
    seconds: float          # measured window per run
    warmup: float           # warm-up before each window
    py_rounds: int
    py_seconds: float
    inflight: int           # async comparison: requests kept in flight
    many_threads: int       # the "8 threads" of the goals
    startup_runs: int       # start-up: runs of each program
    rss_rounds: int
    rss_calls: int          # RSS growth: calls in total ...
    rss_warmup: int         # ... of which the first are warm-up
    rss_threads: int
    wrk_rounds: int
    wrk_seconds: int         # whole seconds: what wrk accepts
    wrk_connections: int
    emulator_threads: int
    ut_extra: str           # extra members for the C bench's ut_client_new config

    def describe(self) -> str:
        return ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))


def _env(name: str, default, cast=float):
    value = os.environ.get(name)
    return cast(value) if value not in (None, "") else default


def from_env() -> Settings:
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    q = lambda full, smoke: smoke if quick else full  # noqa: E731
    return Settings(
        quick=quick,
        rounds=_env("BENCH_ROUNDS", q(5, 2), int),
        seconds=_env("BENCH_SECONDS", q(2.0, 0.5)),
        warmup=_env("BENCH_WARMUP", q(0.5, 0.2)),
        py_rounds=_env("BENCH_PY_ROUNDS", q(5, 1), int),
        py_seconds=_env("BENCH_PY_SECONDS", q(2.0, 0.5)),
        inflight=_env("BENCH_INFLIGHT", 256, int),
        many_threads=_env("BENCH_THREADS", 8, int),
        startup_runs=_env("BENCH_STARTUP_RUNS", q(21, 5), int),
        rss_rounds=_env("BENCH_RSS_ROUNDS", q(2, 1), int),
        rss_calls=_env("BENCH_RSS_CALLS", q(100_000, 20_000), int),
        rss_warmup=_env("BENCH_RSS_WARMUP", q(10_000, 2_000), int),
        rss_threads=_env("BENCH_RSS_THREADS", 8, int),
        wrk_rounds=_env("BENCH_WRK_ROUNDS", q(3, 1), int),
        wrk_seconds=_env("BENCH_WRK_SECONDS", q(3, 1), int),
        wrk_connections=_env("BENCH_WRK_CONNECTIONS", 64, int),
        emulator_threads=_env("BENCH_EMULATOR_THREADS", os.cpu_count() or 2, int),
        ut_extra=os.environ.get("BENCH_UT_EXTRA", ""),
    )
