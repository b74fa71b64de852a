"""Background loads: what a request was refused (over its OpenF1 budget) is loaded once, here.

A load is keyed by ``(session, what)``: ``datasets`` (every whole-session dataset, as a preload
without telemetry) or a telemetry endpoint (``car_data``, ``location``: every car's windows over
the session, a few windows at a time so progress can be told). Each runs once however many
requests ask for it, in a context with no request allowance, so the source holds it to the
background's share of the rate budget; at most :data:`RUNNING` run at a time.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from f1graph.errors import F1GraphError, SessionLoadingError
from f1graph.openf1 import ENDPOINTS, SESSION_DATASETS
from f1graph.openf1.allowance import ALLOWANCE, BACKGROUND, Wanted

if TYPE_CHECKING:
    from f1graph.runtime.services import Services

log = logging.getLogger("f1graph.loading")

RUNNING = 2  # loads at once: the others wait their turn
MOST = 64  # loads held (running or waiting); past it a request is told to come back later
TELEMETRY = ("car_data", "location")
WINDOWS_A_STEP = 4


@dataclass
class Load:
    """One background load and how far it got."""

    session_key: int
    what: str
    started_at: float = field(default_factory=time.time)
    done: int = 0
    total: int | None = None
    error: str | None = None
    task: asyncio.Task[None] | None = None

    def progress(self) -> dict[str, object]:
        """What a client sees of it (``extensions.loading``, the REST error's ``loading``)."""
        percent = round(100 * self.done / self.total, 1) if self.total else 0.0
        return {
            "sessionKey": self.session_key,
            "loading": self.what,
            "done": self.done,
            "total": self.total,
            "percent": percent,
            "runningForS": round(time.time() - self.started_at, 1),
        }

    @property
    def left(self) -> int:
        return max(0, (self.total or 1) - self.done)


class Loads:
    """The process's background loads, at most one per ``(session, what)``."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._loads: dict[tuple[int, str], Load] = {}
        self._turns = asyncio.Semaphore(RUNNING)

    def __len__(self) -> int:
        return len(self._loads)

    def start(self, wanted: list[Wanted]) -> list[Load]:
        """The loads covering ``wanted`` (started now, or already running)."""
        out: list[Load] = []
        for want in wanted:
            what = want.endpoint if want.endpoint in TELEMETRY else "datasets"
            for session_key in want.session_keys:
                key = (session_key, what)
                load = self._loads.get(key)
                if load is None:
                    if len(self._loads) >= MOST:
                        continue
                    load = self._loads[key] = Load(session_key, what)
                    context = contextvars.copy_context()
                    context.run(ALLOWANCE.set, None)
                    context.run(BACKGROUND.set, True)
                    load.task = asyncio.get_running_loop().create_task(
                        self._run(key, load), context=context
                    )
                if load not in out:
                    out.append(load)
        return out

    async def aclose(self) -> None:
        """Stop every load (the app is shutting down: the clients they use are closing)."""
        tasks = [load.task for load in self._loads.values() if load.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def retry_after_s(self, loads: list[Load]) -> float:
        """When to ask again: the requests left at the background's share of the budget."""
        per_minute = max(1, self.services.settings.rate_per_minute // 2)
        left = sum(load.left for load in loads)
        return min(600.0, max(1.0, 60.0 * left / per_minute))

    async def _run(self, key: tuple[int, str], load: Load) -> None:
        try:
            async with self._turns:
                if load.what == "datasets":
                    await self._datasets(load)
                else:
                    await self._telemetry(load)
        except F1GraphError as error:
            load.error = error.message
            log.warning("background load %s failed: %s", key, error.message)
        except Exception:
            load.error = "failed"
            log.exception("background load %s failed", key)
        finally:
            self._loads.pop(key, None)

    async def _datasets(self, load: Load) -> None:
        datasets = self.services.datasets
        load.total = len(SESSION_DATASETS) + 1
        await datasets.get(ENDPOINTS["sessions"], load.session_key)
        load.done = 1
        for endpoint in SESSION_DATASETS:
            for _attempt in range(2):  # again if it joined a request's fetch that was refused
                try:
                    await datasets.get(ENDPOINTS[endpoint], load.session_key)
                    break
                except SessionLoadingError:
                    continue
                except F1GraphError as error:
                    log.info("background load of %s: %s", endpoint, error.message)
                    break
            load.done += 1

    async def _telemetry(self, load: Load) -> None:
        store = self.services.telemetry
        info = await store.session_info(load.session_key)
        starts = info.span.window_starts()
        load.total = len(starts)
        step_ms = info.span.window_ms * WINDOWS_A_STEP
        for i in range(0, len(starts), WINDOWS_A_STEP):
            await store.session_columns(load.session_key, load.what, starts[i], starts[i] + step_ms)
            load.done = min(len(starts), i + WINDOWS_A_STEP)
