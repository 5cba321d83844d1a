from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stride.core.audit import Actor
from stride.core.models import Organisation, User
from stride.resources import hsds


class Command(BaseCommand):
    help = (
        "Check an HSDS 1.x, 2.0 or 3.0 data package (a .zip or folder of CSV files, or a "
        "datapackage.json) against a "
        "county's directory, and with --apply import it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("county", help='the county\'s name, like "Fresno County"')
        parser.add_argument(
            "file", type=Path, help="the .zip, .json or .csv file, or a folder of CSV files"
        )
        parser.add_argument(
            "--apply", action="store_true", help="import it (without: only check and count)"
        )
        parser.add_argument(
            "--skip-bad",
            action="store_true",
            help="leave out the rows with problems (and the rows that belong to them) and "
            "import the good rows (without: a file with any problem changes nothing)",
        )
        parser.add_argument(
            "--pause-gone",
            action="store_true",
            help="with --apply, pause the services an earlier import brought in that the file "
            "no longer holds (without: they stay as they are; nothing is ever deleted)",
        )
        parser.add_argument("--user", help="the username the audit trail names (default: system)")

    def handle(
        self,
        *args: Any,
        county: str,
        file: Path,
        apply: bool,
        skip_bad: bool,
        pause_gone: bool,
        **options: Any,
    ) -> None:
        directory = county_named(county)
        try:
            if file.is_dir():
                files = {path.name: path.read_bytes() for path in file.iterdir() if path.is_file()}
                tables = hsds.read_files(files, file.name)
            else:
                tables = hsds.read_package(file.read_bytes(), file.name)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        except hsds.HsdsError as error:
            raise CommandError(str(error)) from error
        if apply:
            try:
                plan = hsds.apply(
                    actor_for(options.get("user")), directory, tables, skip_bad, pause_gone
                )
            except hsds.ImportRefused as refused:
                plan = refused.plan
        elif skip_bad:
            plan = hsds.check_good_rows(directory, tables)
        else:
            plan = hsds.check(directory, tables)

        for problem in plan.problems:
            self.stderr.write(_where(problem))
        for problem in plan.skipped:
            self.stderr.write(_("Skipped: %(row)s") % {"row": _where(problem)})
        if plan.version == hsds.FLAT:
            self.stdout.write(
                _("Read as a flat 211 export: one CSV file of agencies, sites and programs.")
            )
        else:
            self.stdout.write(_("Read as HSDS %(version)s.") % {"version": plan.version})
        for warning in plan.warnings:
            self.stdout.write(warning)
        for name, reason in plan.unread.items():
            self.stdout.write(
                _("Not read: %(table)s (%(reason)s).") % {"table": name, "reason": reason}
            )
        for name, columns in plan.unread_columns.items():
            self.stdout.write(
                _("Not read in %(table)s: %(columns)s.")
                % {"table": name, "columns": ", ".join(columns)}
            )
        for default in plan.default_kinds:
            self.stdout.write(
                ngettext(
                    "%(message)s %(count)d row: %(rows)s",
                    "%(message)s %(count)d rows: %(rows)s",
                    default.count,
                )
                % {
                    "message": default.message,
                    "count": default.count,
                    "rows": _rows(default.first, default.count),
                }
            )
        if plan.placed or plan.to_sort:
            self.stdout.write(
                _(
                    "Kinds of service: %(placed)d found through the taxonomy crosswalk, %(to_sort)d to sort."
                )
                % {"placed": plan.placed, "to_sort": plan.to_sort}
            )
        for table, count in plan.counts.items():
            self.stdout.write(
                _(
                    "%(table)s: %(new)d new, %(changed)d changed, %(unchanged)d unchanged, "
                    "%(gone)d gone"
                )
                % {"table": table, **count}
            )
        self._gone(plan, apply)
        if skip_bad:
            self.stdout.write(
                ngettext(
                    "%(count)d row of the file with problems (or belonging to one) left out.",
                    "%(count)d rows of the file with problems (or belonging to one) left out.",
                    plan.skipped_rows,
                )
                % {"count": plan.skipped_rows}
                + " "
                + ngettext(
                    "%(count)d good row of the file read.",
                    "%(count)d good rows of the file read.",
                    plan.good_rows,
                )
                % {"count": plan.good_rows}
            )
        if not plan.ok:
            if not skip_bad:
                self.stdout.write(
                    _("Add --skip-bad to import the good rows and leave out those with problems.")
                )
            raise CommandError(
                ngettext(
                    "%(count)d problem; nothing was changed.",
                    "%(count)d problems; nothing was changed.",
                    len(plan.problems),
                )
                % {"count": len(plan.problems)}
            )
        if apply:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))
        elif plan.changes_anything and skip_bad:
            self.stdout.write(_("Run again with --apply --skip-bad to import the good rows."))
        elif plan.changes_anything:
            self.stdout.write(_("No problems. Run again with --apply to import."))
        else:
            self.stdout.write(_("No problems, and nothing to change."))

    def _gone(self, plan: "hsds.ImportPlan", applied: bool) -> None:
        """What an earlier import brought in and the file no longer holds; the services paused or not."""
        for provider in plan.gone_providers:
            self.stdout.write(
                _("Organization no longer in the file: %(name)s (id %(id)s)")
                % {"name": provider.name, "id": provider.hsds_id}
            )
        for location in plan.gone_locations:
            self.stdout.write(
                _("Location no longer in the file: %(name)s (%(provider)s, id %(id)s)")
                % {
                    "name": location.name,
                    "provider": location.provider.name,
                    "id": location.hsds_id,
                }
            )
        for service in plan.gone:
            self.stdout.write(
                _("No longer in the file: %(name)s (%(provider)s, id %(id)s)")
                % {"name": service.name, "provider": service.provider.name, "id": service.hsds_id}
            )
        if plan.paused:
            self.stdout.write(
                ngettext(
                    "%(count)d service no longer in the file paused.",
                    "%(count)d services no longer in the file paused.",
                    plan.paused,
                )
                % {"count": plan.paused}
            )
        elif plan.gone and applied:
            self.stdout.write(
                ngettext(
                    "It stays open to referrals; run again with --apply --pause-gone to pause it.",
                    "They stay open to referrals; run again with --apply --pause-gone to pause "
                    "them.",
                    len(plan.gone),
                )
            )
        elif plan.gone:
            self.stdout.write(
                ngettext(
                    "Importing keeps it open to referrals; add --pause-gone to pause it.",
                    "Importing keeps them open to referrals; add --pause-gone to pause them.",
                    len(plan.gone),
                )
            )


def county_named(name: str) -> Organisation:
    county = Organisation.objects.filter(
        kind=Organisation.Kind.COUNTY, name__iexact=name.strip()
    ).first()
    if county is None:
        raise CommandError(_("No county is called %(name)s.") % {"name": name})
    return county


def actor_for(username: str | None) -> Actor:
    if not username:
        return Actor.system()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("No user is called %(name)s.") % {"name": username})
    return Actor(user, None, "system")


def _where(problem: "hsds.RowProblem") -> str:
    return _("%(table)s.csv row %(row)d, %(column)s: %(message)s") % {
        "table": problem.table,
        "row": problem.row,
        "column": problem.column,
        "message": problem.message,
    }


def _rows(first: list["hsds.RowProblem"], count: int) -> str:
    shown = "; ".join(
        _("%(table)s.csv row %(row)d, %(column)s")
        % {"table": item.table, "row": item.row, "column": item.column}
        for item in first
    )
    return shown + ("; ..." if count > len(first) else "")
