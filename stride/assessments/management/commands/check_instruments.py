from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stride.assessments.instruments import InstrumentError, parse


class Command(BaseCommand):
    help = "Check instrument files (default: every file Stride loads) and say what is wrong."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="instrument files to check")

    def handle(self, *args, paths: list[Path], **options):
        paths = paths or sorted(Path(settings.ASSESSMENT_INSTRUMENTS).glob("*/*.yaml"))
        problems = 0
        for path in paths:
            try:
                instrument = parse(path, path.read_text())
            except InstrumentError as error:
                problems += 1
                self.stderr.write(str(error))
            except OSError as error:
                problems += 1
                self.stderr.write(f"{path}: {error.strerror}")
            else:
                self.stdout.write(
                    f"{path}: {instrument.slug} version {instrument.version}, "
                    f"{len(instrument.items)} questions: fine"
                )
        if problems:
            raise CommandError(f"{problems} of {len(paths)} files refused")
