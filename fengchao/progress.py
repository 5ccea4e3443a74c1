"""A sign of life for builds longer than about a second.

On a terminal: one line, redrawn in place (spinner and seconds), erased when
the build ends. Not on a terminal (CI logs): a plain line every few seconds,
nothing at all for a quick build. The build itself knows nothing about it;
it runs in the calling thread while this ticks in another.
"""

from __future__ import annotations

import threading
import time

SHOW_AFTER = 1.0
TTY_EVERY = 0.1
LOG_EVERY = 5.0
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Ticker:
    def __init__(self, stream, label: str):
        self.stream = stream
        self.label = label
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fengchao-progress", daemon=True)
        self._drawn = False

    def __enter__(self) -> Ticker:
        self._start = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _run(self) -> None:
        if self._done.wait(SHOW_AFTER):
            return
        tick = 0
        while not self._done.is_set():
            seconds = time.monotonic() - self._start
            if self.tty:
                self.stream.write(f"\r\033[K{SPINNER[tick % len(SPINNER)]} {self.label}… {seconds:.1f} 秒")
                self._drawn = True
            else:
                self.stream.write(f"{self.label}…（已用 {seconds:.0f} 秒）\n")
            self.stream.flush()
            tick += 1
            self._done.wait(TTY_EVERY if self.tty else LOG_EVERY)
