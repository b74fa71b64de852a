"""``f1graph serve | export-schema | preload | record``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from f1graph.errors import ConfigError
from f1graph.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="f1graph", description="A GraphQL gateway over OpenF1.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve /graphql (and the REST shim)")
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    export = commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    export.add_argument("--out", type=Path, help="write to this file instead of stdout")
    warm = commands.add_parser(
        "preload", help="warm the shared (Redis) cache with a session's datasets"
    )
    warm.add_argument("session_key", type=int)
    warm.add_argument("--telemetry", action="store_true", help="car data and location too")
    rec = commands.add_parser(
        "record", help="record sessions into a directory that F1GRAPH_SOURCE can serve"
    )
    rec.add_argument("session_keys", type=int, nargs="+", metavar="SESSION_KEY")
    rec.add_argument("--out", type=Path, required=True, help="the directory to record into")
    rec.add_argument("--telemetry", action="store_true", help="car data and location too")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"f1graph: {exc}", file=sys.stderr)
        return 2

    if args.command == "serve":
        import uvicorn

        from f1graph.web import server_options

        uvicorn.run(
            "f1graph.web.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=args.workers,
            **server_options(settings),
        )
        return 0
    if args.command == "export-schema":
        from f1graph.schema import schema

        text = schema.as_str() + "\n"
        if args.out:
            args.out.write_text(text)
        else:
            sys.stdout.write(text)
        return 0
    if args.command == "preload":
        from f1graph.cli.commands import preload

        return asyncio.run(preload(settings, args.session_key, args.telemetry))
    if args.command == "record":
        from f1graph.cli.commands import record

        return asyncio.run(record(settings, args.session_keys, args.out, args.telemetry))
    return 1  # pragma: no cover


if __name__ == "__main__":
    raise SystemExit(main())
