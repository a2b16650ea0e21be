"""Course pages (Wagtail) and learning progress.

Progress rows point at a page's `translation_key`, not at a page id: the Polish lesson and its
English translation are one lesson for the learner, so progress, reflections, enrolments and
assignments carry over when the learner switches language. Rows of a deleted page are simply
never joined back to a live page.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import LessonBodyBlock

REFLECTION_MAX_LENGTH = 5000


class LoginRequiredPageMixin:
    """Course content is for signed-in people; anonymous visitors go to the sign-in page.

    Signed-in requests go to `serve_view`, a function in courses.views (progress is tracked
    there, not in the model).
    """

    serve_view = ""

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if self.serve_view:
            from . import views

            request.is_preview = False
            return getattr(views, self.serve_view)(request, self)
        return super().serve(request, *args, **kwargs)

    def get_view_restrictions(self):
        """Wagtail's rule (restrictions of the page and its ancestors, an alias using its
        source's) in one query instead of two, and in none when routing found that the site
        has no restrictions at all (see CourseIndexPage.route): every course and lesson view
        runs it."""
        from wagtail.models import PageViewRestriction

        if getattr(self, "any_view_restrictions", True) is False:
            return PageViewRestriction.objects.none()
        paths = [self.path[:end] for end in range(Page.steplen, len(self.path) + 1, Page.steplen)]
        return PageViewRestriction.objects.filter(
            models.Q(page__path__in=paths, page__alias_of__isnull=True) | models.Q(page__aliases__path__in=paths)
        ).distinct()


class CourseIndexPage(LoginRequiredPageMixin, Page):
    """The root of the curriculum in one language (the site's root page)."""

    intro = models.TextField(_("introduction"), blank=True)
    source_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("course index")

    def route(self, request, path_components):
        """Find a course in one query (Wagtail walks the tree one level and one extra query per
        level; lessons have a route of their own, courses.views.lesson_route); anything else goes
        the usual way."""
        from wagtail.models import PageViewRestriction

        page = None
        if len(path_components) == 1:
            page = CoursePage.objects.annotate(any_view_restrictions=Exists(PageViewRestriction.objects.all())).filter(
                path__startswith=self.path, depth=self.depth + 1, slug=path_components[0]
            ).first()
        if page is None:
            return super().route(request, path_components)
        page._course_index = self
        return page.route(request, [])

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_index_context(index=self, user=request.user))
        return context


class CoursePage(LoginRequiredPageMixin, Page):
    summary = models.TextField(_("summary"))
    audience = models.TextField(_("who it is for"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated time (minutes)"), default=30)
    required = models.BooleanField(
        _("required for readiness"), default=False,
        help_text=_("A trainee is ready only when every required course is complete."),
    )
    competencies = ParentalManyToManyField(
        "assessments.Competency", blank=True, related_name="courses", verbose_name=_("competencies it builds")
    )
    # Fingerprint of the shipped JSON this page was last loaded from: the loader updates a page
    # only when the shipped content changed, so edits made in the admin survive `make run`.
    source_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("audience"),
        MultiFieldPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("required"), FieldPanel("competencies")],
            heading=_("Readiness and competencies"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    serve_view = "course_page_serve"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(course=self, user=request.user))
        return context


class LessonPage(LoginRequiredPageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("lesson body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated time (minutes)"), default=10)
    competencies = ParentalManyToManyField(
        "assessments.Competency", blank=True, related_name="lessons", verbose_name=_("competencies")
    )
    roleplay_scenario = models.CharField(
        _("roleplay scenario"), max_length=80, blank=True,
        help_text=_("Slug of the roleplay scenario the lesson invites the learner to practise."),
    )
    quiz = models.ForeignKey(
        "assessments.Quiz", null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons",
        verbose_name=_("quiz"), help_text=_("Shown at the end of the lesson; passing it completes the lesson."),
    )
    source_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("estimated_minutes"),
                FieldPanel("competencies"),
                FieldPanel("quiz"),
                FieldPanel("roleplay_scenario"),
            ],
            heading=_("Practice and competencies"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    serve_view = "lesson_page_serve"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, just_completed=False, item=None, **kwargs):
        """The whole page for this request (previews, answers to a post); a plain view of a
        live lesson comes from courses.shells."""
        from .selectors import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(lesson=self, request=request, just_completed=just_completed, item=item))
        return context


# --- learning progress ----------------------------------------------------------------------
class Enrolment(models.Model):
    """A learner taking a course: chosen by the trainee, or implied by an assignment or a first lesson."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course_key = models.UUIDField(_("course"), db_index=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrolled_at"]
        constraints = [models.UniqueConstraint(fields=["learner", "course_key"], name="enrolment_once")]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.learner} · {self.course_key}"


class CourseAssignment(models.Model):
    """A course a trainer or manager assigned, with a due date, to a whole team or one trainee in it."""

    course_key = models.UUIDField(_("course"), db_index=True)
    team = models.ForeignKey("academy.Team", on_delete=models.CASCADE, related_name="course_assignments")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="course_assignments", help_text=_("Empty: every trainee of the team."),
    )
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course_key", "team"], condition=models.Q(learner__isnull=True),
                name="assignment_once_per_team",
            ),
            models.UniqueConstraint(
                fields=["course_key", "team", "learner"], condition=models.Q(learner__isnull=False),
                name="assignment_once_per_learner",
            ),
        ]
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")

    def __str__(self) -> str:
        return f"{self.course_key} → {self.learner or self.team} ({self.due_date})"


class LessonProgress(models.Model):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson_key = models.UUIDField()
    course_key = models.UUIDField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [models.UniqueConstraint(fields=["learner", "lesson_key"], name="lesson_progress_once")]
        indexes = [models.Index(fields=["learner", "course_key"])]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")

    def __str__(self) -> str:
        state = "completed" if self.completed_at else "started"
        return f"{self.learner} · {self.lesson_key} · {state}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class ReflectionAnswer(models.Model):
    """What a learner wrote for a lesson's reflection prompt; their trainers read it."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections")
    lesson_key = models.UUIDField()
    course_key = models.UUIDField()
    block_id = models.CharField(max_length=64)
    # The prompt as the learner saw it, so the answer stays readable if the lesson is edited.
    prompt = models.TextField()
    answer = models.TextField(validators=[MaxLengthValidator(REFLECTION_MAX_LENGTH)])
    language = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson_key", "block_id"], name="reflection_once_per_block")
        ]
        verbose_name = _("reflection answer")
        verbose_name_plural = _("reflection answers")

    def __str__(self) -> str:
        return f"{self.learner} · {self.block_id}"
