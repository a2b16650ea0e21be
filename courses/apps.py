from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.images import get_image_model
        from wagtail.models import Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from assessments.models import Competency, Quiz
        from assessments.signals import quiz_passed

        from .receivers import complete_lessons_of_passed_quiz, lesson_content_changed

        quiz_passed.connect(complete_lessons_of_passed_quiz, dispatch_uid="courses.complete_lessons_of_passed_quiz")
        # What cached lessons show besides their own published content (see courses.fragments
        # and courses.shells: a quiz's panel, the outline's titles, the links' site).
        image = get_image_model()
        for name, signal, sender in (
            ("competency_saved", post_save, Competency),
            ("competency_deleted", post_delete, Competency),
            ("image_saved", post_save, image),
            ("image_deleted", post_delete, image),
            ("page_published", page_published, None),
            ("page_unpublished", page_unpublished, None),
            ("page_moved", post_page_move, None),
            ("page_deleted", post_delete, Page),
            ("quiz_saved", post_save, Quiz),
            ("quiz_deleted", post_delete, Quiz),
            ("site_saved", post_save, Site),
            ("site_deleted", post_delete, Site),
        ):
            signal.connect(lesson_content_changed, sender=sender, dispatch_uid=f"courses.lesson_content_changed.{name}")
