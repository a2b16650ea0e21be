"""Load the shipped curriculum (courses/content/*.json) into Wagtail pages, in Polish and English."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from courses.curriculum import CONTENT_DIR, CurriculumError, load_curriculum, read_curriculum


class Command(BaseCommand):
    help = (
        "Create or update the course pages from courses/content/*.json (Polish tree plus English "
        "translations). Safe to run again: pages whose shipped content did not change are left as "
        "they are, including edits made in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=CONTENT_DIR, help="folder with the course files")
        parser.add_argument("--check", action="store_true", help="only validate the files")
        parser.add_argument("--force", action="store_true", help="rewrite every page from the files")

    def handle(self, *args, dir: Path, check: bool, force: bool, **options):
        try:
            if check:
                courses = read_curriculum(dir)
                lessons = sum(len(course["lessons"]) for course in courses)
                self.stdout.write(self.style.SUCCESS(f"{len(courses)} courses, {lessons} lessons: valid."))
                return
            report = load_curriculum(directory=dir, force=force)
        except CurriculumError as error:
            raise CommandError(str(error)) from error
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if options["verbosity"] >= 1:
            for note in report.notes:
                self.stdout.write(note)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Curriculum loaded: {report.created} pages created, {report.updated} updated, "
                    f"{report.unchanged} unchanged."
                )
            )
