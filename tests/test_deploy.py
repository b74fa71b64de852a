"""The container set-up without Docker (none runs here): the image's own command and health
check, run as the image would run them; the compose file and the proxy's configuration."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import httpx
import yaml

from f1graph.web.graphiql import DEFAULT_DIR
from tests.data import DATA_DIR
from tests.processes import base_env, free_port, gateway

ROOT = Path(__file__).resolve().parents[1]


def dockerfile() -> tuple[dict[str, str], list[str], str]:
    """The final stage's ENV, CMD (exec form) and HEALTHCHECK command."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    final = text.split("\nFROM ")[-1]
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV (.+)$", final, re.M):
        env.update(part.split("=", 1) for part in shlex.split(line))  # type: ignore[misc]
    cmd = json.loads(re.findall(r"^CMD (\[.+\])$", final, re.M)[-1])
    health = re.findall(r"^HEALTHCHECK .*? CMD (.+)$", final, re.M)[-1]
    return env, cmd, health


class TestImageCommand:
    """The image's CMD serves and its HEALTHCHECK passes, with the image's environment."""

    def test_cmd_and_healthcheck(self, tmp_path: Path) -> None:
        env, cmd, health = dockerfile()
        assert cmd == ["f1graph", "serve"]
        assert env["F1GRAPH_GRAPHIQL_DIR"] == "/app/graphiql/node_modules"
        port = free_port()
        env.update(
            # only in the image: GraphiQL's files at /app/graphiql; here, the checkout's
            F1GRAPH_GRAPHIQL_DIR=str(DEFAULT_DIR),
            F1GRAPH_SOURCE=str(DATA_DIR),  # offline, as `docker run -e F1GRAPH_SOURCE=...`
            F1GRAPH_PORT=str(port),  # 4000 may be taken on a shared machine
        )
        executable = str(Path(sys.executable).parent / cmd[0])
        with gateway(base_env(**env), tmp_path / "image.log", [executable, *cmd[1:]]) as url:
            page = httpx.get(f"{url}/graphql", headers={"accept": "text/html"}, timeout=120)
            probe = subprocess.run(
                [sys.executable, "-c", shlex.split(health)[-1].replace(":4000/", f":{port}/")],
                timeout=120,
            )
        assert page.status_code == 200 and "graphiql.min.js" in page.text
        assert probe.returncode == 0

    def test_build_stage_fetches_graphiql_from_the_lock(self) -> None:
        text = (ROOT / "Dockerfile").read_text()
        assert "COPY graphiql/package.json graphiql/package-lock.json ./" in text
        assert "RUN npm ci" in text
        ignored = (ROOT / ".dockerignore").read_text().split()
        assert {".venv", "**/node_modules", ".git"} <= set(ignored)


class TestCompose:
    """Two gateways on one Redis behind nginx, which knows both and passes websockets."""

    def test_services(self) -> None:
        compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
        services = compose["services"]
        assert set(services) == {"gateway1", "gateway2", "redis", "proxy"}
        for name in ("gateway1", "gateway2"):
            assert services[name]["environment"]["F1GRAPH_REDIS_URL"] == "redis://redis:6379/0"
            assert services[name]["build"] == "."
        nginx = (ROOT / "deploy" / "nginx.conf").read_text()
        assert "server gateway1:4000" in nginx and "server gateway2:4000" in nginx
        assert "proxy_set_header Upgrade $http_upgrade;" in nginx
        assert services["proxy"]["volumes"] == [
            "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro"
        ]
