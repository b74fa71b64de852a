"""Progress bars for the command line, one per dataset: redrawn in place on a terminal; without
one (logs, CI, tests), a line per finished dataset and per step of a long one."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

_WIDTH = 24


@dataclass
class _Bar:
    done: int = 0
    total: int = 1
    note: str = ""
    printed: bool = False
    shown: int = 0  # the last step written without a terminal


class Bars:
    """Named bars; ``update`` moves one, ``close`` leaves the final state on screen."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._bars: dict[str, _Bar] = {}
        self._drawn = 0

    def add(self, name: str, total: int = 1, note: str = "waiting") -> None:
        self._bars[name] = _Bar(0, max(1, total), note)
        self._draw()

    def update(self, name: str, done: int, total: int | None = None, note: str = "") -> None:
        bar = self._bars.setdefault(name, _Bar())
        bar.done = done
        if total is not None:
            bar.total = max(1, total)
        bar.note = note
        self._draw()

    def close(self) -> None:
        if self.tty:
            self._draw()
        self.stream.flush()

    def _line(self, name: str, bar: _Bar) -> str:
        filled = _WIDTH * min(bar.done, bar.total) // bar.total
        hashes = "#" * filled + "." * (_WIDTH - filled)
        return f"{name:<28} [{hashes}] {bar.done:>4}/{bar.total:<4} {bar.note}"

    def _draw(self) -> None:
        if self.tty:
            up = f"\x1b[{self._drawn}F" if self._drawn else ""
            lines = [self._line(n, b) + "\x1b[K" for n, b in self._bars.items()]
            self.stream.write(up + "\n".join(lines) + "\n")
            self._drawn = len(lines)
            self.stream.flush()
            return
        for name, bar in self._bars.items():
            if bar.done >= bar.total and not bar.printed:
                bar.printed = True
                self.stream.write(self._line(name, bar) + "\n")
            elif bar.total > 1 and 0 < bar.done < bar.total and bar.done != bar.shown:
                bar.shown = bar.done  # a long step (telemetry windows): each step on a line
                self.stream.write(self._line(name, bar) + "\n")
