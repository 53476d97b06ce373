"""Handing work to the broker without making a request wait for it or fail after its change is saved.

Work that leaves the portal is first written to the database in the transaction of the change that causes it (a
report job row, a queued mail in the outbox). Once that transaction commits, `send_when_committed` asks the broker
to have it done. The broker may be away: then the request goes on as if it had been sent, and a thread of this
process keeps trying, every few seconds at first, so the work is sent within seconds of the broker answering
again. A process that stops before then loses nothing: the periodic tasks (the outbox's flush, the report watcher)
find the rows still waiting and send them.

Publishing fails fast when the broker is away (CELERY_TASK_PUBLISH_RETRY_POLICY, and no result subscription), so
the thread is the one that waits, never the user.

Without a broker (the demo: CELERY_TASK_ALWAYS_EAGER), "sending" runs the task itself. With
TASKS_IN_BACKGROUND_THREAD on, that happens in one background thread of the process, in the order asked, so a
request that asks for a report is answered at once and its page follows the job as it would with a worker.
"""

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached: kombu wraps Redis' errors in its OperationalError; a
# refused or reset socket may come through as an OSError.
BROKER_ERRORS = (BrokerOperationalError, OSError)
# The pause between tries: short at first, so a broker back after a restart is used within seconds.
FIRST_PAUSE = 0.5
LONGEST_PAUSE = 5.0

# A send: publishes and returns True once the work is with the broker, or nothing is left to send; raises one of
# BROKER_ERRORS (or returns False) while the broker cannot be reached.
Send = Callable[[], bool]


def send_now(send: Send, *, key: str) -> bool:
    """Try once; when the broker cannot be reached, leave the send to the retry thread. True when sent."""
    if _retrier.waiting(key):
        return False  # an earlier try of the same work is waiting for the broker: it sends this too
    try:
        if send():
            return True
    except BROKER_ERRORS as exc:
        logger.warning("%s waits for the broker, which cannot be reached (%s)", key, exc)
    if settings.DISPATCH_RETRY_SECONDS > 0:
        _retrier.add(key, send)
    return False


def send_when_committed(send: Send, *, key: str) -> None:
    """Send once the current transaction commits (at once outside one); see the module's docstring.

    Asked twice in one transaction for the same key (two mails queued by one change), it sends once. A callback
    left in the list may belong to a savepoint that could still roll back; but then the work it would send rolls
    back with it, so one send per key still covers every row this transaction leaves.
    """
    # Django keeps the transaction's callbacks as (savepoint ids, callback, robust); a test's capture of them may
    # run one and leave it in the list, hence `ran`.
    for _ids, func, _robust in _pending_callbacks():
        if getattr(func, "dispatch_key", None) == key and not func.ran:
            return

    def callback() -> None:
        callback.ran = True  # type: ignore[attr-defined]
        if settings.TASKS_IN_BACKGROUND_THREAD:
            _background.add(key, send)
        else:
            send_now(send, key=key)

    callback.dispatch_key = key  # type: ignore[attr-defined]
    callback.ran = False  # type: ignore[attr-defined]
    transaction.on_commit(callback, robust=True)


def _pending_callbacks() -> list:
    connection = transaction.get_connection()
    return connection.run_on_commit if connection.in_atomic_block else []


@dataclass
class _Waiting:
    send: Send
    since: float
    next_try: float
    pause: float = FIRST_PAUSE


@dataclass
class _Retrier:
    """One thread per process that retries the sends the broker refused, until they succeed or time out."""

    waiting_sends: dict[str, _Waiting] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    wake: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def waiting(self, key: str) -> bool:
        with self.lock:
            return key in self.waiting_sends

    def add(self, key: str, send: Send) -> None:
        now = time.monotonic()
        with self.lock:
            self.waiting_sends.setdefault(key, _Waiting(send=send, since=now, next_try=now + FIRST_PAUSE))
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="opstap-dispatch-retry", daemon=True)
                self.thread.start()
        self.wake.set()

    def clear(self) -> None:
        """Forget every waiting send (tests; the periodic tasks would find the work anyway)."""
        with self.lock:
            self.waiting_sends.clear()
        self.wake.set()

    def _run(self) -> None:
        try:
            while self._round():
                pass
        finally:
            # The thread ends here: its own database connections go with it (connections are per thread).
            connections.close_all()

    def _round(self) -> bool:
        """Try every send that is due; False once nothing waits any more."""
        with self.lock:
            if not self.waiting_sends:
                self.thread = None
                return False
            now = time.monotonic()
            due = [(key, item) for key, item in self.waiting_sends.items() if item.next_try <= now]
            next_try = min(item.next_try for item in self.waiting_sends.values())
        if not due:
            self.wake.wait(timeout=max(0.0, next_try - now))
            self.wake.clear()
            return True
        for key, item in due:
            self._try(key, item)
        return True

    def _try(self, key: str, item: _Waiting) -> None:
        try:
            sent = item.send()
        except BROKER_ERRORS:
            sent = False
        except Exception:
            logger.exception("%s could not be sent; the periodic tasks will find it", key)
            sent = True  # not a broker outage: trying again here would fail the same way
        now = time.monotonic()
        with self.lock:
            if sent:
                self.waiting_sends.pop(key, None)
                logger.info("%s sent after waiting %.1f s for the broker", key, now - item.since)
            elif now - item.since >= settings.DISPATCH_RETRY_SECONDS:
                self.waiting_sends.pop(key, None)
                logger.warning("%s still waits for the broker; the periodic tasks will send it", key)
            else:
                item.pause = min(item.pause * 2, LONGEST_PAUSE)
                item.next_try = now + item.pause


_retrier = _Retrier()


@dataclass
class _Background:
    """One thread per process that runs the sends handed to it, one after the other (TASKS_IN_BACKGROUND_THREAD).

    One thread rather than one per send: two report builds at once on SQLite would only wait for each other's
    locks. The thread lives as long as the process; a send it had not run yet when the process stops is found by
    the periodic tasks, as with a broker that is away.
    """

    sends: queue.Queue[tuple[str, Send]] = field(default_factory=queue.Queue)
    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None

    def add(self, key: str, send: Send) -> None:
        self.sends.put((key, send))
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="opstap-dispatch-background", daemon=True)
                self.thread.start()

    def busy(self) -> bool:
        return self.sends.unfinished_tasks > 0

    def _run(self) -> None:
        while True:
            key, send = self.sends.get()
            try:
                send_now(send, key=key)
            except Exception:
                logger.exception("%s failed in the background; the periodic tasks will find it", key)
            finally:
                # As after a request: this thread's connection is not kept past its age or in a broken state.
                close_old_connections()
                self.sends.task_done()


_background = _Background()


def waiting_sends() -> list[str]:
    """The keys of the sends this process is still trying (the health check, tests)."""
    with _retrier.lock:
        return sorted(_retrier.waiting_sends)


def forget_waiting_sends() -> None:
    _retrier.clear()


def background_busy() -> bool:
    """Whether the background thread still has sends to run or is running one (tests)."""
    return _background.busy()
