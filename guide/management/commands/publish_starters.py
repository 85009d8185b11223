"""`python manage.py publish_starters [--source DIR]`: publish the starters' template as the
read-only git repository at settings.STARTERS_REPOSITORY (served at /starters.git), tagged
with the newest version in starters/CHANGELOG.md. Run at build or deploy time; running it
again with the same template changes nothing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guide.starters.publish import PublishError, publish
from guide.starters.spec import STARTERS


class Command(BaseCommand):
    help = "Publish the starters' template as a read-only git repository, one tag per version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", type=Path, default=STARTERS, help="the template (default: starters/)"
        )

    def handle(self, *args: object, source: Path, **options: object) -> None:
        repository = Path(settings.STARTERS_REPOSITORY)
        try:
            published = publish(repository, source)
        except PublishError as exc:
            raise CommandError(str(exc)) from None
        said = "published" if published.new else "already published"
        self.stdout.write(f"{published.version} {said} at {repository} ({published.commit[:12]})")
