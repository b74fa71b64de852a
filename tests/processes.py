"""Run ``f1graph serve`` as real operating-system processes, for the many-process tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

F1GRAPH = Path(sys.executable).parent / "f1graph"  # the installed console script
START_BOUND_S = 120.0  # a bound on a hang (a busy machine starts Python slowly), not a speed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def base_env(**values: str) -> dict[str, str]:
    """The environment of a gateway process: this one's minus every F1GRAPH_* and metrics
    variable, plus ``values``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("F1GRAPH_") and k != "PROMETHEUS_MULTIPROC_DIR"
    }
    env.update(values)
    return env


@contextmanager
def gateway(
    env: dict[str, str], log: Path, argv: Sequence[str] = (str(F1GRAPH), "serve")
) -> Iterator[str]:
    """Start ``argv`` with ``env`` (which must name ``F1GRAPH_PORT``), wait until /healthz
    answers, yield the base URL; stop it (SIGTERM, then SIGKILL) on exit. Output goes to ``log``."""
    url = f"http://127.0.0.1:{env['F1GRAPH_PORT']}"
    with log.open("wb") as out:
        process = subprocess.Popen(list(argv), env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_BOUND_S
            while True:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{argv} exited with {process.returncode}:\n{log.read_text()}"
                    )
                try:
                    if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{argv} did not answer in {START_BOUND_S} s:\n{log.read_text()}"
                    )
                time.sleep(0.1)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
