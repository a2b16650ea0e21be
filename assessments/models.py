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

from academy.i18n import localized


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

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


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

    @property
    def description(self) -> str:
        return localized(self, "description")


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
