"""The Twisted reactor Scrapy runs on: the asyncio reactor, installed and run once per
process in a thread of its own, without signal handlers (the CLI and the store keep the
main thread; Ctrl-C stays theirs).

A reactor cannot be restarted, so it is started on first use and left running (a daemon
thread) for later crawls of the same process: a test session runs many. Work is handed to
it with :func:`in_reactor`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from surveillance.errors import ConfigError

__all__ = ["ASYNCIO_REACTOR", "in_reactor"]

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
_START_S = 30.0
T = TypeVar("T")

_started = threading.Lock()
_ready = threading.Event()
_failed: list[BaseException] = []


def _run() -> None:
    try:
        from scrapy.utils.reactor import install_reactor, is_asyncio_reactor_installed

        install_reactor(ASYNCIO_REACTOR)
        if not is_asyncio_reactor_installed():
            raise ConfigError("another Twisted reactor than asyncio's is installed")
        from twisted.internet import reactor as installed

        reactor: Any = installed
        reactor.callWhenRunning(_ready.set)
        reactor.run(installSignalHandlers=False)
    except BaseException as exc:  # handed to the caller waiting in the main thread
        _failed.append(exc)
        _ready.set()


def _reactor() -> Any:
    with _started:
        if not _ready.is_set():
            threading.Thread(target=_run, name="scrapy-reactor", daemon=True).start()
            if not _ready.wait(_START_S):
                raise ConfigError("the crawler's event loop did not start")
    if _failed:
        raise _failed[0]
    from twisted.internet import reactor

    return reactor


def in_reactor(function: Callable[..., T], *args: Any) -> T:
    """Run ``function(*args)`` in the reactor's thread and wait for its result (a
    Deferred's result once it fires)."""
    from twisted.internet.threads import blockingCallFromThread

    result: T = blockingCallFromThread(_reactor(), function, *args)
    return result
