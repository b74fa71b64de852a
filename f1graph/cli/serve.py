"""``f1graph serve``: checks what it can before uvicorn starts, then runs the workers.

A port in use or an unreachable Redis is one line and exit code 2. With ``--workers N`` above 1
the metrics of every worker go to ``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary directory
when unset, removed on exit), so any worker's ``/metrics`` shows them all. A directory named by
the variable is used as it is (empty it between deployments, as prometheus-client asks).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from f1graph.observe import configure_logging
from f1graph.observe.metrics import MULTIPROC_ENV
from f1graph.settings import Settings

PROG = "f1graph serve"


def serve(settings: Settings, workers: int) -> int:
    """Serve until interrupted; 2 when the port or Redis is unusable."""
    problem = _port_problem(settings.host, settings.port) or _redis_problem(settings.redis_url)
    if problem:
        print(f"{PROG}: {problem}", file=sys.stderr)
        return 2
    if workers > 1 and not settings.redis_url:
        print(
            f"{PROG}: warning: without F1GRAPH_REDIS_URL each of the {workers} workers has its "
            "own cache and rate budget; set it to share them.",
            file=sys.stderr,
        )
    made = _metrics_dir(workers)
    configure_logging(settings.log_format, settings.log_level)
    import uvicorn

    from f1graph.web import server_options

    try:
        uvicorn.run(
            "f1graph.web.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            **(
                server_options(settings)
                | {
                    "log_level": settings.log_level.lower(),
                    "log_config": None,  # f1graph's structlog set-up, in every worker
                    "access_log": False,  # one `request` line per request instead
                }
            ),
        )
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
    return 0


def _port_problem(host: str, port: int) -> str | None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return (
                f"cannot listen on {host}:{port} ({exc.strerror}); "
                "choose another with F1GRAPH_PORT or F1GRAPH_HOST."
            )
    return None


def _redis_problem(url: str | None) -> str | None:
    if not url:
        return None
    import redis
    from redis.exceptions import RedisError

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        return f"Redis at {url} cannot be reached ({exc}). Start it (or fix F1GRAPH_REDIS_URL)."
    finally:
        client.close()
    return None


def _metrics_dir(workers: int) -> Path | None:
    """Prepare the multi-process metrics directory; return it when made here (to remove)."""
    named = os.environ.get(MULTIPROC_ENV)
    if named:  # shared on purpose (several servers of one host): never wiped here
        Path(named).mkdir(parents=True, exist_ok=True)
        return None
    if workers == 1:
        return None
    made = Path(tempfile.mkdtemp(prefix="f1graph-metrics-"))
    os.environ[MULTIPROC_ENV] = str(made)  # inherited by the workers uvicorn spawns
    return made
