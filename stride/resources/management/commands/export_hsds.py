import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from stride.resources import hsds

from .import_hsds import county_named


class Command(BaseCommand):
    help = "Write a county's directory as an HSDS data package (.zip of CSV files, or .json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("county", help='the county\'s name, like "Fresno County"')
        parser.add_argument("out", type=Path, help="the file to write: a .zip or a .json")

    def handle(self, *args: Any, county: str, out: Path, **options: Any) -> None:
        directory = county_named(county)
        suffix = out.suffix.lower()
        if suffix == ".zip":
            data = hsds.export_zip(directory)
        elif suffix == ".json":
            data = json.dumps(hsds.export_json(directory), indent=2, ensure_ascii=False).encode()
        else:
            raise CommandError(_("Name the file .zip or .json."))
        try:
            out.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from error
        self.stdout.write(
            self.style.SUCCESS(_("Wrote %(county)s's directory to %(file)s."))
            % {"county": directory.name, "file": out}
        )
