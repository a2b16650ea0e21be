"""Load the competency framework from assessments/content/competencies.json (run any number of times)."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from assessments.services import ContentError, competencies_load

CONTENT = Path(__file__).resolve().parents[2] / "content" / "competencies.json"


class Command(BaseCommand):
    help = "Create or update the ten traits and the knowledge areas with their five rubric levels."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(CONTENT))

    def handle(self, *args, **options):
        try:
            created, updated = competencies_load(path=Path(options["file"]))
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            self.stdout.write(f"Competencies: {created} created, {updated} updated.")
