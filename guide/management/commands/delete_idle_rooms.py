"""Delete the team rooms nobody has changed for 90 days (``--days``), with their members.

Run it daily from cron or a systemd timer (README, "Team rooms"); decisions the rooms
recorded are permalinks and stay.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guide.services import teams


class Command(BaseCommand):
    help = "Delete the team rooms with no activity for --days days (90)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=teams.IDLE_DAYS)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        if days < 1:
            self.stderr.write("--days must be at least 1.")
            raise SystemExit(2)
        deleted = teams.delete_idle(days)
        self.stdout.write(
            f"Deleted {deleted} room{'s' if deleted != 1 else ''} idle for {days} days."
        )
