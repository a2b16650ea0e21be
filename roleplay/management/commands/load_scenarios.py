"""Load the shipped scenarios (roleplay/scenarios/*.json) into the database; safe to rerun."""

import json

from django.core.management import BaseCommand, CommandError
from django.db import transaction

from assessments.models import Competency
from roleplay.engine_adapter import SCENARIO_DIR, scenario_from_definition
from roleplay.models import Scenario


class Command(BaseCommand):
    help = "Load or update the shipped roleplay scenarios."

    @transaction.atomic
    def handle(self, *args, **options):
        files = sorted(p for p in SCENARIO_DIR.glob("*.json") if not p.name.startswith("_"))
        if not files:
            raise CommandError(f"No scenario files in {SCENARIO_DIR}")
        for path in files:
            definition = json.loads(path.read_text(encoding="utf-8"))
            slug = definition.get("slug") or path.stem
            try:
                scenario = scenario_from_definition(slug, definition)
            except Exception as error:
                raise CommandError(f"{path.name}: {error}") from error
            lesson = scenario.lesson or {}
            record, _ = Scenario.objects.update_or_create(
                slug=slug,
                defaults={
                    "title_pl": scenario.title("pl"), "title_en": scenario.title("en"),
                    "summary_pl": scenario.summary("pl"), "summary_en": scenario.summary("en"),
                    "difficulty": scenario.difficulty_default,
                    "course_slug": lesson.get("course", ""), "lesson_slug": lesson.get("lesson", ""),
                    "definition": definition,
                },
            )
            record.traits.set(Competency.objects.filter(slug__in=scenario.traits))
        if options["verbosity"]:
            self.stdout.write(f"Scenarios loaded: {len(files)}")
