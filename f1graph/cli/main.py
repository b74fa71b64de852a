"""``f1graph serve | export-schema | preload | record``: parsing, help and dispatch.

Every mistake the user can fix (a bad argument, a bad setting, an unreachable service) ends
with one line on stderr and exit code 2, never a traceback; help names the environment
variables each command reads, with an example.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import NoReturn

from f1graph import __version__
from f1graph.errors import ConfigError
from f1graph.observe import configure_logging
from f1graph.settings import Settings

SOURCE_VARS = """\
  F1GRAPH_OPENF1_URL     OpenF1 or a compatible base URL (default https://api.openf1.org/v1)
  F1GRAPH_SOURCE         a directory of recorded responses to read instead of HTTP
  F1GRAPH_RATE_PER_SECOND, F1GRAPH_RATE_PER_MINUTE   the OpenF1 request budget (3, 30)
  F1GRAPH_CONNECT_TIMEOUT, F1GRAPH_READ_TIMEOUT, F1GRAPH_RETRIES   per upstream request"""

SERVE_HELP = f"""\
environment:
  F1GRAPH_HOST, F1GRAPH_PORT   where to listen (0.0.0.0, 4000)
{SOURCE_VARS}
  F1GRAPH_REDIS_URL      redis://host:port/db, the cache shared by every worker and replica
  F1GRAPH_LOG_FORMAT     text (default) or json; F1GRAPH_LOG_LEVEL, F1GRAPH_SLOW_QUERY
  F1GRAPH_CORS_ORIGINS   browser origins allowed to call /graphql and /api/v1 (off)
  PROMETHEUS_MULTIPROC_DIR   metrics of several workers (made for --workers N when unset)
  (every setting: the README's Configuration table)

example:
  F1GRAPH_REDIS_URL=redis://127.0.0.1:6379/0 f1graph serve --workers 2
  F1GRAPH_SOURCE=../shared/openf1/dev f1graph serve     # offline, recorded data"""

EXPORT_HELP = """\
environment: none.

example:
  f1graph export-schema --out schema.graphql"""

PRELOAD_HELP = f"""\
environment:
  F1GRAPH_REDIS_URL      the Redis the servers use (required: it is what gets warmed)
{SOURCE_VARS}
  F1GRAPH_TELEMETRY_WINDOW   seconds of telemetry per request and cache entry (300)

example:
  F1GRAPH_REDIS_URL=redis://127.0.0.1:6379/0 f1graph preload 11253 --telemetry"""

RECORD_HELP = f"""\
environment:
{SOURCE_VARS}
  F1GRAPH_TELEMETRY_WINDOW   seconds of telemetry per request (300)

example:
  f1graph record 11253 11245 --out recorded/
  F1GRAPH_SOURCE=recorded/ f1graph serve     # then serve what was recorded"""


class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (exit code 2) instead of a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser() -> Parser:
    parser = Parser(
        prog="f1graph",
        description="A GraphQL gateway over OpenF1. Every setting is an F1GRAPH_* environment "
        "variable; each command's --help names those it reads.",
    )
    parser.add_argument("--version", action="version", version=f"f1graph {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    raw = argparse.RawDescriptionHelpFormatter
    serve = commands.add_parser(
        "serve",
        help="serve /graphql, the REST shim and the pages",
        epilog=SERVE_HELP,
        formatter_class=raw,
    )
    serve.add_argument(
        "--workers", type=_workers, default=1, help="worker processes (share a Redis cache)"
    )
    export = commands.add_parser(
        "export-schema",
        help="print the GraphQL schema (SDL)",
        epilog=EXPORT_HELP,
        formatter_class=raw,
    )
    export.add_argument("--out", type=Path, help="write to this file instead of stdout")
    warm = commands.add_parser(
        "preload",
        help="warm the shared (Redis) cache with a session's datasets",
        epilog=PRELOAD_HELP,
        formatter_class=raw,
    )
    warm.add_argument("session_key", type=_session_key, metavar="SESSION_KEY")
    warm.add_argument("--telemetry", action="store_true", help="car data and location too")
    rec = commands.add_parser(
        "record",
        help="record sessions into a directory that F1GRAPH_SOURCE can serve",
        epilog=RECORD_HELP,
        formatter_class=raw,
    )
    rec.add_argument("session_keys", type=_session_key, nargs="+", metavar="SESSION_KEY")
    rec.add_argument("--out", type=Path, required=True, help="the directory to record into")
    rec.add_argument("--telemetry", action="store_true", help="car data and location too")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    prog = f"f1graph {args.command}"
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    try:
        return _run(args, settings)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command != "serve":
        # a command speaks in its own lines; library warnings (a Redis fallback...) would
        # turn its one-line error into several
        configure_logging(settings.log_format, "ERROR")
    if args.command == "serve":
        from f1graph.cli.serve import serve

        return serve(settings, args.workers)
    if args.command == "export-schema":
        from f1graph.cli.commands import export_schema

        return export_schema(args.out)
    if args.command == "preload":
        from f1graph.cli.commands import preload

        return asyncio.run(preload(settings, args.session_key, args.telemetry))
    if args.command == "record":
        from f1graph.cli.commands import record

        return asyncio.run(record(settings, args.session_keys, args.out, args.telemetry))
    return 1  # pragma: no cover


def _workers(raw: str) -> int:
    value = int(raw) if raw.strip().isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"--workers must be a whole number of 1 or more, not {raw!r}"
        )
    return value


def _session_key(raw: str) -> int:
    if not raw.strip().isdigit() or int(raw) == 0:
        raise argparse.ArgumentTypeError(
            f"{raw!r} is not a session key (a positive whole number such as 11253)"
        )
    return int(raw)


if __name__ == "__main__":
    raise SystemExit(main())
