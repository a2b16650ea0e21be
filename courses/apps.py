from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from assessments.signals import quiz_passed

        from .receivers import complete_lessons_of_passed_quiz

        quiz_passed.connect(complete_lessons_of_passed_quiz, dispatch_uid="courses.complete_lessons_of_passed_quiz")
