"""Scenarios, live roleplay sessions and the event log that is their single source of truth."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from academy.i18n import localized_property
from academy.models import Team


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class Scenario(models.Model):
    """A simulated customer. `definition` is the engine's scenario document (persona, opening
    lines, stages, reactions, end conditions, both languages); it is validated by the engine
    whenever it is saved from the admin, so an edit can never break a live room."""

    slug = models.SlugField(unique=True)
    title_pl = models.CharField(_("title (Polish)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    summary_pl = models.TextField(_("summary (Polish)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    difficulty = models.CharField(_("default difficulty"), max_length=8, choices=Difficulty.choices,
                                  default=Difficulty.MEDIUM)
    traits = models.ManyToManyField("assessments.Competency", blank=True, related_name="scenarios",
                                    verbose_name=_("traits it trains"))
    course_slug = models.SlugField(_("course"), blank=True)
    lesson_slug = models.SlugField(_("lesson"), blank=True)
    definition = models.JSONField(_("definition"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        MultiFieldPanel([FieldPanel("slug"), FieldPanel("difficulty"), FieldPanel("is_active")], heading=_("Scenario")),
        FieldPanel("title_pl"), FieldPanel("summary_pl"), FieldPanel("title_en"), FieldPanel("summary_en"),
        FieldPanel("traits"),
        MultiFieldPanel([FieldPanel("course_slug"), FieldPanel("lesson_slug")], heading=_("Linked lesson")),
        FieldPanel("definition"),
    ]

    class Meta:
        ordering = ["slug"]
        verbose_name = _("roleplay scenario")
        verbose_name_plural = _("roleplay scenarios")

    def __str__(self) -> str:
        return self.title

    title = localized_property("title")
    summary = localized_property("summary")

    def clean(self):
        from django.core.exceptions import ValidationError

        from .engine_adapter import scenario_from_definition

        try:
            scenario_from_definition(self.slug, self.definition)
        except Exception as error:  # the engine's own message says what is wrong
            raise ValidationError({"definition": str(error)}) from error


class RoleplaySession(models.Model):
    class Kind(models.TextChoices):
        TRAINER_LED = "trainer_led", _("Trainer-led")
        SELF_PRACTICE = "self_practice", _("Self-practice")

    class Mode(models.TextChoices):
        AUTO = "auto", _("Engine replies")
        APPROVE = "approve", _("Trainer approves each reply")
        MANUAL = "manual", _("Trainer types the customer")

    class Status(models.TextChoices):
        LOBBY = "lobby", _("Lobby")
        LIVE = "live", _("Live")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    class ScoreVisibility(models.TextChoices):
        LIVE = "live", _("Trainee sees scores live")
        DEBRIEF = "debrief", _("Trainee sees scores at the debrief")

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="sessions")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="roleplay_sessions")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roleplays")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="led_roleplays")
    observers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="observed_roleplays")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TRAINER_LED)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.AUTO)
    difficulty = models.CharField(max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    language = models.CharField(max_length=2, choices=[("pl", "Polski"), ("en", "English")], default="pl")
    seed = models.PositiveIntegerField(default=0)
    score_visibility = models.CharField(max_length=8, choices=ScoreVisibility.choices,
                                        default=ScoreVisibility.DEBRIEF)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.LOBBY, db_index=True)
    outcome = models.CharField(max_length=16, blank=True)
    mood = models.PositiveSmallIntegerField(null=True, blank=True)
    engine_state = models.JSONField(default=dict, blank=True)
    last_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["trainee", "scenario", "created_at"])]

    def __str__(self) -> str:
        return f"{self.scenario.slug} · {self.trainee} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ENDED


class SessionEvent(models.Model):
    """Every change in a room, numbered per session, stored before anyone is told of it."""

    session = models.ForeignKey(RoleplaySession, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    payload = models.JSONField(default=dict)
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="event_seq_once"),
            models.UniqueConstraint(fields=["session", "actor", "client_id"], condition=~models.Q(client_id=""),
                                    name="event_client_id_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq} {self.type}"


class TraitScore(models.Model):
    """The current score a scorer gives a trait in a session (the events keep the history)."""

    class Role(models.TextChoices):
        TRAINER = "trainer", _("Trainer")
        PEER = "peer", _("Observer")

    session = models.ForeignKey(RoleplaySession, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey("assessments.Competency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=Role.choices)
    score = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "scorer", "competency"], name="one_score_per_trait")
        ]
