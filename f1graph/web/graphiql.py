"""GraphiQL served by the gateway itself: the page and its pinned npm assets, no CDN.

The assets (React, ReactDOM, GraphiQL and its explorer plugin) are an npm dependency pinned by
``graphiql/package-lock.json`` and fetched by ``make graphiql`` into the git-ignored
``graphiql/node_modules`` (or the directory ``F1GRAPH_GRAPHIQL_DIR`` names, as in the image).
Only the files listed in :data:`ASSETS` are served; without them the page says how to get them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import orjson
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

import f1graph

# served name -> path under node_modules; the page (static/graphiql.html) loads these names
ASSETS: dict[str, str] = {
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "plugin-explorer.umd.js": "@graphiql/plugin-explorer/dist/index.umd.js",
    "plugin-explorer.css": "@graphiql/plugin-explorer/dist/style.css",
}
PACKAGES = ("react", "react-dom", "graphiql", "@graphiql/plugin-explorer")
DEFAULT_DIR = Path(f1graph.__file__).resolve().parent.parent / "graphiql" / "node_modules"

MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>f1graph · GraphiQL is not installed</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}}
code,pre{{background:#f3f3f3;padding:.1rem .3rem}}</style></head><body>
<h1>GraphiQL's files are not installed</h1>
<p>This gateway serves GraphiQL from local files so that it works without internet, and they
are missing from <code>{where}</code>.</p>
<p>Fetch them once (they are pinned by <code>graphiql/package-lock.json</code>):</p>
<pre>make graphiql        # or: npm ci --prefix graphiql</pre>
<p>or point <code>F1GRAPH_GRAPHIQL_DIR</code> at a <code>node_modules</code> directory that holds
them, then reload this page. Meanwhile <code>POST /graphql</code> answers queries as usual.</p>
<p><a href="/">f1graph</a></p>
</body></html>
"""


def assets_dir(configured: Path | None) -> Path:
    """Where the npm assets live: ``F1GRAPH_GRAPHIQL_DIR`` or the checkout's ``graphiql/``."""
    return configured if configured is not None else DEFAULT_DIR


def installed(directory: Path) -> bool:
    """Whether every served asset is present."""
    return all((directory / path).is_file() for path in ASSETS.values())


@cache
def _page() -> str:
    return (files("f1graph.web") / "static" / "graphiql.html").read_text(encoding="utf-8")


def graphiql_page(directory: Path) -> Response:
    """The GraphiQL page, or (503) a page saying how to install its assets."""
    if not installed(directory):
        return HTMLResponse(MISSING.format(where=directory), status_code=503)
    return HTMLResponse(_page(), headers={"cache-control": "no-cache"})


async def graphiql_asset(request: Request) -> Response:
    """``/graphiql/{name}``: one of :data:`ASSETS`, cached by browsers for a day."""
    directory: Path = request.app.state.graphiql_dir
    name = request.path_params["name"]
    if name == "LICENSES":
        return PlainTextResponse(licences(directory))
    relative = ASSETS.get(name)
    if relative is None or not (directory / relative).is_file():
        return PlainTextResponse(f"{name}: no such GraphiQL asset", status_code=404)
    return FileResponse(directory / relative, headers={"cache-control": "public, max-age=86400"})


def licences(directory: Path) -> str:
    """Name, version, licence and licence text of each served package (``/graphiql/LICENSES``)."""
    parts: list[str] = []
    for package in PACKAGES:
        root = directory / package
        meta = orjson.loads((root / "package.json").read_bytes()) if root.is_dir() else {}
        texts = [p.read_text(encoding="utf-8") for p in sorted(root.glob("LICEN[CS]E*"))]
        head = f"{package} {meta.get('version', '(not installed)')}: {meta.get('license', '?')}"
        parts.append("\n".join([head, "=" * len(head), *texts]))
    return "\n\n".join(parts) + "\n"
