"""The command line as a user meets it: --version, help naming the environment, one-line errors
with exit code 2 and no traceback, nothing left behind, progress for every preload step."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from f1graph import __version__
from f1graph.cli import main
from f1graph.cli.commands import preload
from f1graph.settings import Settings
from tests.data import DATA_DIR, redis_url
from tests.telemetry_data import SESSION, build_telemetry_dir, generated_car_data

F1GRAPH = Path(sys.executable).parent / "f1graph"  # the installed console script
DEAD_REDIS = "redis://127.0.0.1:1/0"
DEAD_OPENF1 = "http://127.0.0.1:1/v1"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``main(argv)`` in process: exit code, stdout, stderr (argparse exits by SystemExit)."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("F1GRAPH_SOURCE", "F1GRAPH_REDIS_URL", "F1GRAPH_OPENF1_URL", "F1GRAPH_PORT"):
        monkeypatch.delenv(name, raising=False)


class TestVersionAndHelp:
    """--version, and help that names each command's variables with an example."""

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(["--version"], capsys)[:2] == (0, f"f1graph {__version__}\n")

    @pytest.mark.parametrize(
        ("command", "names"),
        [
            ("serve", ["F1GRAPH_PORT", "F1GRAPH_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"]),
            ("preload", ["F1GRAPH_REDIS_URL", "F1GRAPH_OPENF1_URL", "F1GRAPH_SOURCE"]),
            ("record", ["F1GRAPH_OPENF1_URL", "F1GRAPH_SOURCE", "F1GRAPH_RATE_PER_SECOND"]),
            ("export-schema", ["environment: none"]),
        ],
    )
    def test_help_names_the_environment(
        self, command: str, names: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run([command, "--help"], capsys)
        assert code == 0
        assert all(name in out for name in names), out
        assert "example:\n  " in out and f"f1graph {command}" in out.split("example:")[1]


class TestOneLineErrors:
    """Every bad argument or unreachable service: one line on stderr, exit code 2."""

    @pytest.mark.parametrize(
        ("argv", "says"),
        [
            (["bogus"], "invalid choice: 'bogus'"),
            (["preload", "abc"], "'abc' is not a session key"),
            (["record", "11253"], "the following arguments are required: --out"),
            (["serve", "--workers", "0"], "--workers must be a whole number of 1 or more"),
            (["record", "-5", "--out", "x"], "'-5' is not a session key"),
        ],
    )
    def test_bad_arguments(
        self, argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, err = run(argv, capsys)
        assert code == 2 and len(err.splitlines()) == 1 and says in err, err

    def test_bad_setting(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("F1GRAPH_PORT", "70000")
        code, _, err = run(["serve"], capsys)
        assert code == 2 and len(err.splitlines()) == 1 and "F1GRAPH_PORT='70000'" in err

    def test_port_in_use(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            monkeypatch.setenv("F1GRAPH_HOST", "127.0.0.1")
            monkeypatch.setenv("F1GRAPH_PORT", str(taken.getsockname()[1]))
            code, _, err = run(["serve"], capsys)
        assert code == 2 and len(err.splitlines()) == 1 and "cannot listen on" in err

    def test_unreachable_redis(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("F1GRAPH_REDIS_URL", DEAD_REDIS)
        monkeypatch.setenv("F1GRAPH_SOURCE", str(DATA_DIR))
        out = tmp_path / "rec"
        for argv in (["preload", "11253"], ["serve"], ["record", "11253", "--out", str(out)]):
            code, _, err = run(argv, capsys)
            assert code == 2 and len(err.splitlines()) == 1, err
            assert err.startswith(f"f1graph {argv[0]}: Redis at {DEAD_REDIS} cannot be reached")
        assert not out.exists()

    def test_unwritable_schema_out(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, err = run(["export-schema", "--out", str(tmp_path / "no" / "s.graphql")], capsys)
        assert code == 2 and len(err.splitlines()) == 1 and "cannot write --out" in err

    def test_record_out_that_cannot_be_made(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("F1GRAPH_SOURCE", str(DATA_DIR))
        out = Path("/proc/f1graph-record")  # its parent looks writable, even to root; mkdir fails
        code, _, err = run(["record", "11253", "--out", str(out)], capsys)
        assert code == 2, err
        assert err.splitlines()[-1] == (
            f"f1graph record: cannot write {out}: No such file or directory. Nothing was recorded."
        )
        assert "Traceback" not in err and not out.exists()

    def test_no_traceback_from_a_real_process(self, tmp_path: Path) -> None:
        target = tmp_path / "file"
        target.write_text("x")
        done = subprocess.run(
            [str(F1GRAPH), "record", "11253", "--out", str(target)],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "F1GRAPH_SOURCE": str(DATA_DIR)},
        )
        assert done.returncode == 2
        assert done.stderr == f"f1graph record: --out {target} is a file, not a directory.\n"


class TestRecordLeavesNothingBehind:
    """A session OpenF1 does not have, or an OpenF1 that cannot be reached, writes nothing."""

    def test_unknown_session(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("F1GRAPH_SOURCE", str(DATA_DIR))
        out = tmp_path / "rec"
        code, _, err = run(["record", "999999", "--out", str(out)], capsys)
        assert code == 2
        assert err.splitlines()[-1] == (
            "f1graph record: OpenF1 has no session 999999; nothing was recorded."
        )
        assert "resume" not in err and not out.exists()

    def test_unreachable_openf1(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("F1GRAPH_OPENF1_URL", DEAD_OPENF1)
        monkeypatch.setenv("F1GRAPH_RETRIES", "0")
        out = tmp_path / "rec"
        code, _, err = run(["record", "11253", "--out", str(out)], capsys)
        assert code == 2 and "could not be reached" in err.splitlines()[-1]
        assert "Nothing was recorded." in err and not out.exists()


class TestPreloadProgress:
    """Every step shows progress, telemetry window by window, even without a terminal."""

    async def test_telemetry_steps(self, tmp_path: Path) -> None:
        directory = build_telemetry_dir(
            tmp_path / "data", generated_car_data(drivers=[1]), location_drivers=[1]
        )
        settings = Settings(source=directory, redis_url=redis_url(9), telemetry_window_s=600)
        out = io.StringIO()
        assert await preload(settings, SESSION, telemetry=True, out=out) == 0
        lines = out.getvalue().splitlines()
        for endpoint in ("car_data", "location"):
            steps = [x for x in lines if x.startswith(endpoint) and "windows" in x]
            assert len(steps) >= 2, lines  # seen moving before it finished
        assert lines[0].startswith("sessions") and lines[-1].startswith("Preloaded session")
