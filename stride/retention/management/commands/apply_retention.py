"""Run a county's retention policy from the command line: a dry run, or the purge."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from stride.core.audit import Actor
from stride.core.models import Organisation
from stride.retention import sweep


class Command(BaseCommand):
    help = (
        "Find a county's closed cases past their retention policy and de-identify or delete "
        "their records (--dry-run: only count and list them)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", required=True, help="The county's name as a slug.")
        parser.add_argument("--dry-run", action="store_true", help="Change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["county"]
        counties = [
            county
            for county in Organisation.objects.filter(kind=Organisation.Kind.COUNTY)
            if slugify(county.name) == wanted
        ]
        if len(counties) != 1:
            known = ", ".join(
                sorted(
                    slugify(c.name)
                    for c in Organisation.objects.filter(kind=Organisation.Kind.COUNTY)
                )
            )
            raise CommandError(f"No county {wanted!r}. Counties: {known}")
        actor = Actor(None, None, "system")
        run = sweep.start(actor, counties[0], options["dry_run"])
        sweep.execute(run, actor)
        run.refresh_from_db()
        what = "Would do" if run.dry_run else "Did"
        self.stdout.write(f"Cases: {len(sweep.cases_of(run))}. {what}:")
        for purge in run.purges.all():
            self.stdout.write(
                f"  {purge.get_record_type_display()}: {purge.get_action_display()}, "
                f"{purge.cases} cases, {purge.rows} records (kept {purge.years} years)"
            )
        self.stdout.write(f"Report: run {run.uuid}")
