"""`python manage.py count_decisions [--every SECONDS]`: count what each question and rule
decided in the results stored since the last count, for the rules pages (/rules/q/, /rules/r/).
Once by default; with --every, again and again (what `make serve` runs beside the site)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from guide.services.impact import BATCH, SETTLE_SECONDS, count_decisions


class Command(BaseCommand):
    help = "Count what each question and rule decided in the results stored since the last count."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="count again every SECONDS, until stopped"
        )
        parser.add_argument("--batch", type=int, default=BATCH, help="results read per query")
        parser.add_argument(
            "--settle",
            type=float,
            default=SETTLE_SECONDS,
            help="leave results younger than SECONDS for the next count",
        )

    def handle(self, *args: object, every: float, batch: int, settle: float, **_: object) -> None:
        if every:  # stopped with the stack (SIGTERM from deploy/serve.py): a clean exit
            signal.signal(signal.SIGTERM, _stop)
        while True:
            try:
                added = self.count(batch, settle)
            except DatabaseError as exc:  # an outage: the pages keep the last counts
                if not every:
                    raise
                self.stderr.write(f"count_decisions: the database failed ({exc}); trying later")
            else:
                if added or not every:
                    self.stdout.write(f"count_decisions: {added} results added")
            if not every:
                return
            close_old_connections()
            time.sleep(every)

    def count(self, batch: int, settle: float) -> int:
        added = 0
        while True:  # batch by batch: each query reads at most `batch` results
            step = count_decisions(batch=batch, settle=settle)
            added += step
            if step < batch:
                return added


def _stop(*_: object) -> None:
    raise SystemExit(0)
