"""The background worker: sends alerts and account mail, finishes storage clean-ups, makes
previews.

Why a worker: a delete must never wait on (or be lost to) a slow or absent mail server.
Everything it does is recorded in the database first, so stopping it loses nothing; it
carries on where it left off when it starts again. `make run` starts one beside the web server.
"""

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from accounts import outbox
from locker import maintenance
from locker.alerts import deliver_due
from previews.work import make_due as make_previews
from sharing import notify

log = logging.getLogger("locker.worker")


class Command(BaseCommand):
    help = (
        "Send pending alerts and account mail, finish pending storage clean-ups and make "
        "thumbnails, with retries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do what is due now, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between rounds.")

    def handle(
        self, *args: Any, once: bool = False, interval: float = 2.0, **options: Any
    ) -> None:
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        log.info("Worker started")
        last_sweep = float("-inf")  # sweep on start (monotonic time may be young), then regularly
        while self.running:
            close_old_connections()
            try:
                sent, failed = deliver_due()
                # Account mail (verification, password reset) waits in its own outbox.
                mailed, unsent = outbox.deliver_due()
                sent, failed = sent + mailed, failed + unsent
                told, not_told = notify.deliver_due()
                sent, failed = sent + told, failed + not_told
                removed = maintenance.finish_object_removals()
                made = make_previews()  # thumbnails of new content
                if time.monotonic() - last_sweep > maintenance.SWEEP_EVERY.total_seconds():
                    maintenance.sweep()
                    last_sweep = time.monotonic()
            except Exception:
                # The database itself may be away for a moment; the next round tries again.
                log.exception("Worker round failed")
                sent = failed = removed = made = 0
            if once:
                break
            if not (sent or failed or removed or made):
                time.sleep(interval)
        log.info("Worker stopped")

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.running = False
