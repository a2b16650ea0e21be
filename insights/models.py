"""What managers keep beyond what the other apps record: readiness rules per team, the
service-environment self-assessment, and the outbox of xAPI statements for a learning record store.

Manager observations are not here: they are `assessments.Evidence` with source `observation`
(the note and its author are fields of Evidence).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReadinessRule(models.Model):
    """One condition a trainee of the team must meet to be ready for the floor.

    A rule is one row, so a verdict can name each rule that is not met: a course that must be
    completed (by the course's `translation_key`, the key learning progress uses, so one rule
    covers the Polish and the English course) or a minimum level of a competency.
    """

    class Kind(models.TextChoices):
        COURSE = "course", _("Course completed")
        LEVEL = "level", _("Minimum level")

    team = models.ForeignKey("academy.Team", on_delete=models.CASCADE, related_name="readiness_rules")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    course_key = models.UUIDField(null=True, blank=True)
    competency = models.ForeignKey(
        "assessments.Competency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    minimum = models.DecimalField(
        max_digits=2, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "course_key"], condition=Q(kind="course"),
                                    name="readiness_course_once"),
            models.UniqueConstraint(fields=["team", "competency"], condition=Q(kind="level"),
                                    name="readiness_level_once"),
            models.CheckConstraint(
                condition=(Q(kind="course", course_key__isnull=False, competency__isnull=True)
                           | Q(kind="level", competency__isnull=False, minimum__isnull=False, course_key__isnull=True)),
                name="readiness_rule_shape",
            ),
        ]
        verbose_name = _("readiness rule")
        verbose_name_plural = _("readiness rules")

    def __str__(self) -> str:
        if self.kind == self.Kind.COURSE:
            return f"{self.team_id}: course {self.course_key}"
        return f"{self.team_id}: {self.competency_id} ≥ {self.minimum}"


class EnvironmentLevel(models.TextChoices):
    """The three levels at which the service environment is understood differently (seed 001)."""

    DIRECTOR = "director", _("Director")
    MANAGER = "manager", _("Manager")
    EMPLOYEE = "employee", _("Employee")


class EnvironmentSurvey(models.Model):
    """A manager asks the team (and the directors above it) to rate the nine elements."""

    team = models.ForeignKey("academy.Team", on_delete=models.CASCADE, related_name="environment_surveys")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("service-environment self-assessment")
        verbose_name_plural = _("service-environment self-assessments")

    def __str__(self) -> str:
        return f"{self.team} · {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class EnvironmentResponse(models.Model):
    survey = models.ForeignKey(EnvironmentSurvey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("your level"), max_length=8, choices=EnvironmentLevel.choices)
    # element slug -> rating 1–5 (insights.environment.ELEMENTS lists the nine slugs)
    ratings = models.JSONField(default=dict)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], name="environment_response_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.respondent_id} ({self.level})"


class XapiStatement(models.Model):
    """An xAPI statement waiting for (or delivered to) the configured learning record store.

    The statement id is derived from what it describes (the attempt or the session), so sending
    it again after a lost answer is harmless: an LRS keeps the first copy of an id.
    """

    class Kind(models.TextChoices):
        ATTEMPT = "attempt", _("Quiz attempt")
        ROLEPLAY = "roleplay", _("Roleplay session")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up after retries")

    statement_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_pk = models.PositiveBigIntegerField()
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    payload = models.JSONField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_pk"], name="xapi_statement_once")]
        indexes = [models.Index(fields=["status", "next_try_at"])]
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_pk} ({self.status})"


class LevelSummary(models.Model):
    """A learner's level in each competency as the pages compute it, kept for whole-team reads.

    A team of 5,000 has 100,000 pieces of evidence; reading and weighing them all was most of
    an export. The levels here are computed by the same code as every page (group_cells), and
    trusted only while current: the database itself raises `evidence_version`, in the same
    transaction, whenever any of the learner's evidence is added, changed or removed, whoever
    writes it (triggers on assessments_evidence, migration 0002), and `computed_version` is the
    version the levels were computed from. A read that finds them different recomputes that
    learner and stores the result (insights.selectors.team_levels); `manage.py summaries_rebuild`
    does so for everyone.
    """

    # No foreign-key constraint: the triggers write a row for any learner whose evidence
    # changes, also while the learner is being deleted; a row left behind is never read.
    learner = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")
    evidence_version = models.BigIntegerField(default=0)
    computed_version = models.BigIntegerField(default=-1)
    # JSON: [competency id, level, evidence count, competency id, …] for each competency with evidence
    levels = models.TextField(default="[]")
    # The level history of each competency with evidence, for trends and since-when, as 64-bit
    # integers (insights.levels.flat_steps). A database default: the triggers insert rows without it.
    steps = models.BinaryField(db_default=b"")

    def __str__(self) -> str:
        return f"{self.learner_id}: v{self.computed_version}/{self.evidence_version}"


class ProgressSummary(models.Model):
    """A learner's state in each live course as the pages compute it, kept for whole-team reads
    on the same terms as LevelSummary: the database raises `progress_version` with any change to
    the learner's lesson progress (triggers on courses_lessonprogress, migration 0003), and
    `computed_version` is the version the states were computed from. Each course's state also
    carries a fingerprint of the course's live lessons it was computed against, so publishing
    or withdrawing a lesson makes it out of date as well (insights.selectors.team_course_states).
    """

    learner = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")  # no constraint: see LevelSummary
    progress_version = models.BigIntegerField(default=0)
    computed_version = models.BigIntegerField(default=-1)
    # Raised only when a lesson is completed (or a completion removed): the teams' cache
    # fingerprint, which time spent in a lesson must not change (migration 0003).
    completions_version = models.BigIntegerField(default=0)
    # JSON: [[course key (hex), lessons fingerprint, lessons completed, last completion (ISO) once all
    # are, seconds spent], …] for every live course when computed
    courses = models.TextField(default="[]")

    def __str__(self) -> str:
        return f"{self.learner_id}: v{self.computed_version}/{self.progress_version}"


class ExportRow(models.Model):
    """A trainee's finished lines of a team CSV export, kept under a fingerprint of everything
    they were made from (insights.exports): their names and joining date, the versions of their
    evidence and progress (raised by the database, see LevelSummary), and the team's rules,
    competencies, courses, language and time zone. An export writes again only the trainees
    whose fingerprint changed, so its cost follows what changed, not the size of the team."""

    team = models.ForeignKey("academy.Team", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)  # the export and its language: "matrix-pl", "progress-en", …
    key = models.CharField(max_length=32)
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "kind", "learner"], name="one_export_row")]

    def __str__(self) -> str:
        return f"{self.kind} {self.team_id}/{self.learner_id}"
