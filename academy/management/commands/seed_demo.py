"""Demo people and content. Safe to run any number of times."""

from django.core.management import BaseCommand, call_command
from django.db import transaction
from wagtail.models import Locale

from academy.models import Role, Team, User
from academy.services import membership_add

DEMO_PASSWORD = "demo-academy"

TEAMS = [
    ("kontakt-warszawa", "Kontakt Warszawa", "Infolinia i e-mail, zmiana dzienna."),
    ("kontakt-krakow", "Kontakt Kraków", "Czat i e-mail, obsługa klientów biznesowych."),
]

# username, first name, last name, [(team slug, role), ...]
PEOPLE = [
    ("trainee", "Tomasz", "Nowak", [("kontakt-warszawa", Role.TRAINEE)]),
    ("anna", "Anna", "Wiśniewska", [("kontakt-warszawa", Role.TRAINEE)]),
    ("piotr", "Piotr", "Zieliński", [("kontakt-warszawa", Role.TRAINEE)]),
    ("trainee2", "Ewa", "Kowalczyk", [("kontakt-krakow", Role.TRAINEE)]),
    ("marek", "Marek", "Lewandowski", [("kontakt-krakow", Role.TRAINEE)]),
    ("trainer", "Katarzyna", "Mazur", [("kontakt-warszawa", Role.TRAINER)]),
    ("trainer2", "Paweł", "Wójcik", [("kontakt-krakow", Role.TRAINER)]),
    ("manager", "Magdalena", "Kamińska", [("kontakt-warszawa", Role.MANAGER)]),
    ("manager2", "Jan", "Szymański", [("kontakt-krakow", Role.MANAGER)]),
]

# Content loaders of the apps, run in dependency order after the people exist.
CONTENT_COMMANDS: list[str] = [
    "load_competencies", "load_assessments", "load_curriculum", "load_scenarios", "seed_activity",
]


class Command(BaseCommand):
    help = f"Create demo teams, one demo user per role (password: {DEMO_PASSWORD}) and the shipped content."

    def handle(self, *args, **options):
        with transaction.atomic():
            self.ensure_locales()
            self.ensure_people()
        for command in CONTENT_COMMANDS:
            call_command(command, verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Demo ready. Users: admin, " + ", ".join(p[0] for p in PEOPLE)))

    def ensure_locales(self):
        for code in ("pl", "en"):
            Locale.objects.get_or_create(language_code=code)

    def ensure_people(self):
        teams = {}
        for slug, name, description in TEAMS:
            teams[slug], _ = Team.objects.update_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"first_name": "Alicja", "last_name": "Administrator"}
        )
        admin.is_superuser = admin.is_staff = True
        admin.email = "admin@example.com"
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        for username, first, last, memberships in PEOPLE:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"},
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            for team_slug, role in memberships:
                membership_add(team=teams[team_slug], user=user, role=role)
