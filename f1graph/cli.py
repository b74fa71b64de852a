"""``f1graph serve | export-schema``."""

from __future__ import annotations

import argparse
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
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"f1graph: {exc}", file=sys.stderr)
        return 2

    if args.command == "serve":
        import uvicorn

        uvicorn.run(
            "f1graph.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=args.workers,
            loop="asyncio",
            http="h11",
            log_level="info",
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
    return 1  # pragma: no cover


if __name__ == "__main__":
    raise SystemExit(main())
