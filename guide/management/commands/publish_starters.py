"""`python manage.py publish_starters [--source DIR] [--release]`: publish the starters'
template as the read-only git repository at settings.STARTERS_REPOSITORY (served at
/starters.git): every version released in deploy/starters.bundle, and the newest version in
starters/CHANGELOG.md. Run at build or deploy time; running it again with the same template
changes nothing. With --release (what `make starters-release` runs) it writes the bundle
instead, with the newest version in it: run it when the template gets a new version. With
DEBUG on (`make run`), a template that cannot be published is a warning, not an error, so
the site starts while its template is being changed."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guide.starters.publish import RELEASES, PublishError, publish
from guide.starters.publish import release as release_into
from guide.starters.spec import STARTERS


class Command(BaseCommand):
    help = "Publish the starters' template as a read-only git repository, one tag per version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", type=Path, default=STARTERS, help="the template (default: starters/)"
        )
        parser.add_argument(
            "--release",
            action="store_true",
            help=f"write every version, the newest too, into {RELEASES.name} (commit it)",
        )

    def handle(self, *args: object, source: Path, release: bool, **options: object) -> None:
        target = RELEASES if release else Path(settings.STARTERS_REPOSITORY)
        try:
            published = release_into(target, source) if release else publish(target, source)
        except PublishError as exc:
            if settings.DEBUG and not release:
                # While the template is being worked on (`make run`), the site still starts:
                # /starters.git keeps serving what was published, and this says why.
                self.stderr.write(f"warning: the starters' template was not published: {exc}")
                return
            raise CommandError(str(exc)) from None
        said = "released" if release else "published"
        said = said if published.new else f"already {said}"
        self.stdout.write(f"{published.version} {said} in {target} ({published.commit[:12]})")
