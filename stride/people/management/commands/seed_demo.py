from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stride.core.models import Organisation
from stride.people.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Load deterministic, realistic demo data (never in production)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--households", type=int, default=600, help="how many households (default 600)"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed, for repeatable data"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when data is already loaded"
        )

    def handle(self, *args, households: int, seed: int, if_empty: bool, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo data has well-known passwords; seed_demo refuses to run with DEBUG off."
            )
        if households < 10:
            raise CommandError("Use at least 10 households.")
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write("Demo data is already loaded.")
                self._print_logins()
                return
            raise CommandError(
                "The database already has data. Use a fresh database (make reset-demo)."
            )
        result = build_demo(
            households, seed=seed, progress=lambda line: self.stdout.write(f"  {line}")
        )
        self.stdout.write(self.style.SUCCESS(f"Loaded {result.households} households."))
        self._print_logins()

    def _print_logins(self) -> None:
        from stride.core.models import User

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username in (
            "coach",
            "coach2",
            "supervisor",
            "county-admin",
            "state-admin",
            "sysadmin",
            "participant",
        ):
            user = User.objects.filter(username=username).select_related("organisation").first()
            if user:
                where = f", {user.organisation}" if user.organisation else ""
                self.stdout.write(f"  {username:<13} {user.get_role_display()}{where}")
