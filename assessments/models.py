"""Competencies and the evidence that measures them.

Every other part of the product writes evidence here (quiz answers, trainer and peer scores in
roleplays, manager observations) and reads levels through `assessments.selectors`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from academy.i18n import localized_property


class Competency(ClusterableModel):
    class Kind(models.TextChoices):
        TRAIT = "trait", _("Service trait")
        KNOWLEDGE = "knowledge", _("Knowledge area")

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    is_key = models.BooleanField(
        _("one of the three most important"), default=False,
        help_text=_("The author of the framework names information, kindness and humour."),
    )
    name_pl = models.CharField(_("name (Polish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    panels = [
        MultiFieldPanel([FieldPanel("slug"), FieldPanel("kind"), FieldPanel("order"), FieldPanel("is_key")],
                        heading=_("Identity")),
        FieldPanel("name_pl"), FieldPanel("description_pl"),
        FieldPanel("name_en"), FieldPanel("description_en"),
        InlinePanel("levels", heading=_("Rubric levels (observable behaviour)"), min_num=5, max_num=5),
    ]

    class Meta:
        ordering = ["kind", "order", "slug"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return self.name

    name = localized_property("name")
    description = localized_property("description")


class CompetencyLevel(models.Model):
    competency = ParentalKey(Competency, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    description_pl = models.TextField(_("observable behaviour (Polish)"))
    description_en = models.TextField(_("observable behaviour (English)"))

    panels = [FieldPanel("level"), FieldPanel("description_pl"), FieldPanel("description_en")]

    class Meta:
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="unique_competency_level")
        ]

    def __str__(self) -> str:
        return f"{self.competency.slug} {self.level}"

    description = localized_property("description")


class Evidence(models.Model):
    """One measurement of one competency for one learner, score normalised to 0–1."""

    class Source(models.TextChoices):
        QUIZ = "quiz", _("Quiz answer")
        OPEN_ANSWER = "open_answer", _("Graded open answer")
        ROLEPLAY_TRAINER = "roleplay_trainer", _("Roleplay: trainer score")
        ROLEPLAY_PEER = "roleplay_peer", _("Roleplay: peer score")
        OBSERVATION = "observation", _("Manager observation")

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="evidence")
    score = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])
    source = models.CharField(max_length=24, choices=Source.choices)
    # What produced it, e.g. "answer:123" or "roleplay:45"; with `source` it makes a record
    # idempotent, so re-grading replaces rather than duplicates.
    reference = models.CharField(max_length=80)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["learner", "competency", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "competency", "source", "reference"], name="evidence_once_per_reference"
            )
        ]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.learner} {self.competency.slug} {self.score:.2f} ({self.source})"

    @property
    def level(self) -> float:
        """The score on the rubric's 1–5 scale."""
        return 1 + 4 * self.score


# --- question bank --------------------------------------------------------------------------
class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True / false")
    MATCHING = "matching", _("Matching")
    ORDERING = "ordering", _("Ordering")
    NUMERIC = "numeric", _("Numeric")
    OPEN = "open", _("Open answer (graded by a trainer)")
    SJT = "sjt", _("Situational judgement (best and worst reply)")


class Question(ClusterableModel):
    """One item of the bank.

    The per-type data (options, pairs, items, answer, tolerance, unit, rubric, best/worst) is
    kept in `data` exactly as in the exchange format (docs/content-format.md) and validated by
    `assessments.bank.validate_question_data`, so import, export and the admin share one shape.
    """

    slug = models.SlugField(max_length=120, unique=True)
    bank = models.SlugField(_("bank"), max_length=60, default="default",
                            help_text=_("Banks are exported and imported as one file."))
    category = models.CharField(_("category"), max_length=120, db_index=True,
                                help_text=_("e.g. traits/empathy or goals/metrics; quizzes draw from it."))
    type = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    text_pl = models.TextField(_("question (Polish)"))
    text_en = models.TextField(_("question (English)"))
    explanation_pl = models.TextField(_("explanation (Polish)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    data = models.JSONField(_("answer data"), default=dict, blank=True,
                            help_text=_("Options, pairs, items, answer or rubric in the exchange format."))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        MultiFieldPanel([FieldPanel("slug"), FieldPanel("bank"), FieldPanel("category"), FieldPanel("type"),
                         FieldPanel("is_active")], heading=_("Identity")),
        FieldPanel("text_pl"), FieldPanel("explanation_pl"),
        FieldPanel("text_en"), FieldPanel("explanation_en"),
        FieldPanel("data"),
        InlinePanel("competency_tags", heading=_("Competencies (weight 0–1)")),
    ]

    class Meta:
        ordering = ["bank", "category", "slug"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.slug

    text = localized_property("text")
    explanation = localized_property("explanation")

    @property
    def is_open(self) -> bool:
        return self.type == QuestionType.OPEN

    def clean(self):
        from django.core.exceptions import ValidationError

        from .bank import question_data_errors

        errors = question_data_errors(self.type, self.data)
        if errors:
            raise ValidationError({"data": errors})


class QuestionCompetency(models.Model):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="competency_tags")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="question_tags")
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])

    panels = [FieldPanel("competency"), FieldPanel("weight")]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "competency"], name="unique_question_competency")
        ]


# --- quizzes --------------------------------------------------------------------------------
class Quiz(ClusterableModel):
    class Feedback(models.TextChoices):
        PER_QUESTION = "per_question", _("After each question")
        AT_END = "at_end", _("At the end")

    slug = models.SlugField(max_length=120, unique=True)
    title_pl = models.CharField(_("title (Polish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    attempt_limit = models.PositiveSmallIntegerField(
        _("attempt limit"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty: unlimited."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty: no time limit."),
    )
    shuffle = models.BooleanField(_("shuffle questions and options"), default=True)
    feedback = models.CharField(_("feedback shown"), max_length=16, choices=Feedback.choices,
                                default=Feedback.PER_QUESTION)
    is_active = models.BooleanField(_("listed"), default=True)

    panels = [
        MultiFieldPanel([FieldPanel("slug"), FieldPanel("is_active")], heading=_("Identity")),
        FieldPanel("title_pl"), FieldPanel("description_pl"),
        FieldPanel("title_en"), FieldPanel("description_en"),
        MultiFieldPanel([FieldPanel("pass_mark"), FieldPanel("attempt_limit"), FieldPanel("time_limit_minutes"),
                         FieldPanel("shuffle"), FieldPanel("feedback")], heading=_("Rules")),
        InlinePanel("fixed_questions", heading=_("Fixed questions")),
        InlinePanel("draw_rules", heading=_("Questions drawn at random from categories")),
    ]

    class Meta:
        ordering = ["slug"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title

    title = localized_property("title")
    description = localized_property("description")


class QuizQuestion(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="unique_quiz_question")]


class QuizDrawRule(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    category = models.CharField(_("category"), max_length=120)
    count = models.PositiveSmallIntegerField(_("how many"), default=5, validators=[MinValueValidator(1)])

    panels = [FieldPanel("category"), FieldPanel("count")]


# --- attempts and answers -------------------------------------------------------------------
class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING = "awaiting", _("Waiting for a trainer's grade")
        GRADED = "graded", _("Graded")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="0–1; null until every answer is graded")
    passed = models.BooleanField(null=True)
    timed_out = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "learner", "number"], name="unique_attempt_number"),
            # At most one open attempt per learner and quiz, even under a double click.
            models.UniqueConstraint(fields=["quiz", "learner"], condition=models.Q(state="in_progress"),
                                    name="one_open_attempt"),
        ]
        indexes = [models.Index(fields=["learner", "quiz", "state"])]

    def __str__(self) -> str:
        return f"{self.quiz.slug} #{self.number} ({self.learner})"

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS


class AttemptQuestion(models.Model):
    """The questions an attempt drew, in the order shown, with the order of their options."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    option_order = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="unique_attempt_question"),
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_attempt_position"),
        ]


class Answer(models.Model):
    class Status(models.TextChoices):
        GRADED = "graded", _("Graded")
        PENDING = "pending", _("Waiting for a trainer")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    response = models.JSONField(default=dict, blank=True)
    score = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.GRADED)
    rubric_points = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    answered_at = models.DateTimeField()
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question"),
        ]
        indexes = [models.Index(fields=["status", "answered_at"])]

    def __str__(self) -> str:
        return f"answer:{self.pk}"


# --- team consistency check -----------------------------------------------------------------
class ConsistencyQuestionnaire(ClusterableModel):
    slug = models.SlugField(max_length=120, unique=True)
    title_pl = models.CharField(_("title (Polish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    intro_pl = models.TextField(_("introduction (Polish)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    panels = [
        FieldPanel("slug"), FieldPanel("title_pl"), FieldPanel("intro_pl"),
        FieldPanel("title_en"), FieldPanel("intro_en"),
        InlinePanel("items", heading=_("Items")),
    ]

    class Meta:
        ordering = ["slug"]
        verbose_name = _("consistency questionnaire")
        verbose_name_plural = _("consistency questionnaires")

    def __str__(self) -> str:
        return self.title

    title = localized_property("title")
    intro = localized_property("intro")


class ConsistencyItem(Orderable):
    questionnaire = ParentalKey(ConsistencyQuestionnaire, on_delete=models.CASCADE, related_name="items")
    slug = models.SlugField(max_length=120)
    text_pl = models.TextField(_("statement or question (Polish)"))
    text_en = models.TextField(_("statement or question (English)"))
    options = models.JSONField(_("options"), default=list,
                               help_text=_('[{"key": "a", "pl": "...", "en": "..."}, ...]; none is correct.'))

    panels = [FieldPanel("slug"), FieldPanel("text_pl"), FieldPanel("text_en"), FieldPanel("options")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["questionnaire", "slug"], name="unique_consistency_item")]

    def __str__(self) -> str:
        return self.slug

    text = localized_property("text")

    def localized_options(self) -> list[tuple[str, str]]:
        from academy.i18n import current_language

        language = current_language()
        return [(o["key"], o.get(language) or o.get("pl", "")) for o in self.options]


class ConsistencyRun(models.Model):
    """One team answering one questionnaire, opened and closed by a manager of that team."""

    questionnaire = models.ForeignKey(ConsistencyQuestionnaire, on_delete=models.PROTECT, related_name="runs")
    team = models.ForeignKey("academy.Team", on_delete=models.CASCADE, related_name="consistency_runs")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.questionnaire.slug} · {self.team}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ConsistencyAnswer(models.Model):
    run = models.ForeignKey(ConsistencyRun, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ConsistencyItem, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    option_key = models.CharField(max_length=16)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "item", "member"], name="one_consistency_answer"),
        ]
