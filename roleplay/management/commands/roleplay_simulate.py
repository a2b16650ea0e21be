"""Talk to a scenario's customer offline: trainee messages on stdin, one JSON object per turn out.

    python manage.py roleplay_simulate --scenario fuel-card --lang pl --seed 3 < messages.txt

For scenario authors and CI: the same engine as the live room, without a browser or database.
"""

import json
import sys

from django.core.management import BaseCommand, CommandError

from roleplay.engine import DIFFICULTIES, ConversationOver, CustomerEngine, load_scenario


class Command(BaseCommand):
    help = "Run a roleplay scenario offline: trainee messages on stdin, one JSON object per turn on stdout."

    def add_arguments(self, parser):
        parser.add_argument("--scenario", required=True, help="scenario slug, e.g. fuel-card")
        parser.add_argument("--lang", choices=["pl", "en"], default="pl")
        parser.add_argument("--difficulty", choices=list(DIFFICULTIES), default=None)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, scenario, lang, difficulty, seed, **options):
        try:
            definition = load_scenario(scenario)
        except KeyError:
            raise CommandError(f"Unknown scenario {scenario!r}.") from None
        engine = CustomerEngine(definition, lang=lang, difficulty=difficulty, seed=seed)
        opening = engine.opening()
        self.emit(None, opening)
        for line in sys.stdin:
            text = line.strip()
            if not text:
                continue
            try:
                turn = engine.respond(text)
            except ConversationOver:
                self.stderr.write("The conversation is over; further lines are ignored.")
                break
            self.emit(text, turn)
            if turn.outcome:
                break

    def emit(self, trainee, turn):
        self.stdout.write(json.dumps({
            "trainee": trainee,
            "behaviours": [b.code for b in turn.behaviours],
            "customer": turn.customer,
            "mood": turn.mood,
            "stage": turn.stage,
            "outcome": turn.outcome,
        }, ensure_ascii=False))
