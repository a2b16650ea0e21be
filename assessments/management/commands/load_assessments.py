"""Load the shipped question banks, quizzes and the consistency questionnaire (run any number of
times: everything is created or updated by slug).

Each bank file goes through the same import service trainers use in the browser, so a file that
loads here imports there too, and the other way round.
"""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from assessments.services import (
    BankImportError,
    ContentError,
    bank_import,
    consistency_load,
    quizzes_load,
    read_json,
)

CONTENT = Path(__file__).resolve().parents[2] / "content"


class Command(BaseCommand):
    help = "Create or update question banks, quizzes and the consistency questionnaire from assessments/content/."

    def add_arguments(self, parser):
        parser.add_argument("--content", default=str(CONTENT))

    def handle(self, *args, **options):
        content = Path(options["content"])
        say = self.stdout.write if options["verbosity"] else (lambda *_: None)
        for path in sorted((content / "questions").glob("*.json")):
            try:
                created, updated = bank_import(text=path.read_text(encoding="utf-8"), bank_name=path.stem)
            except BankImportError as exc:
                report = "\n".join(f"  {error}" for error in exc.errors)
                raise CommandError(f"{path}: nothing imported from this file:\n{report}") from exc
            say(f"Bank {path.stem}: {created} created, {updated} updated.")
        try:
            created, updated = quizzes_load(entries=read_json(content / "quizzes.json"))
            say(f"Quizzes: {created} created, {updated} updated.")
            questionnaire = consistency_load(entry=read_json(content / "consistency.json"))
            say(f"Consistency questionnaire {questionnaire.slug}: {questionnaire.items.count()} items.")
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
