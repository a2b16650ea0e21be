"""Recompute every learner's kept levels and course states (insights.LevelSummary and
ProgressSummary) from their evidence and lesson progress.

    python manage.py summaries_rebuild

Not needed for correctness: a read recomputes any learner whose evidence or progress changed
since (the database raises the learner's versions with every change) or whose courses have
other live lessons now. Run it after a bulk import or a change to the level formula, so that
the first export after does not do it all at once.
"""

from django.core.management import BaseCommand

from insights.selectors import summaries_rebuild


class Command(BaseCommand):
    help = "Recompute every learner's kept levels and course states."

    def handle(self, *args, **options):
        count = summaries_rebuild()
        if options["verbosity"]:
            self.stdout.write(f"Levels and course states recomputed for {count} learners.")
