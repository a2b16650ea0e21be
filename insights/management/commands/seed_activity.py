"""Eight weeks of demo history for the demo trainees, so the manager's dashboard has a story.

    python manage.py seed_activity

Everything goes through the apps' own services — lessons are completed with
`courses.services.lesson_complete`, quizzes are taken with `assessments.services.attempt_start`
and `attempt_submit` (open answers graded by the team's trainer with `answer_grade`), roleplays
are run frame by frame with `roleplay.services.room_action`, observations, readiness rules and
the self-assessment with `insights.services`. Services stamp "now", so afterwards the rows this
command made are moved back to the day the story says they happened (the only direct updates).

Idempotent: a learner who already has an attempt at a quiz, a session with the demo seed, or an
observation with the demo token is left as they are; rules and answers are replaced by the
same values.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.management import BaseCommand
from django.db.models import Q
from django.db.models.functions import Least
from django.http import QueryDict
from django.utils import timezone

from academy.models import Membership, Role, Team, User
from assessments.models import Answer, Attempt, Competency, Evidence, Quiz
from assessments.services import AttemptError, answer_grade, attempt_start, attempt_submit
from courses.models import CoursePage, LessonPage, LessonProgress
from courses.services import lesson_complete
from insights.environment import ELEMENTS
from insights.models import EnvironmentLevel, EnvironmentSurvey
from insights.services import observation_record, readiness_rules_save, survey_answer_save, survey_open
from roleplay.models import RoleplaySession, Scenario, SessionEvent
from roleplay.services import RoleplayError, room_action, session_create

DEMO_SEED = 424242


@dataclass
class Story:
    skill: float  # chance of a right answer; also the centre of roleplay scores
    quizzes: list = field(default_factory=list)  # (quiz slug, days ago)
    lessons: dict = field(default_factory=dict)  # course slug -> (number of lessons, first day ago, last day ago)
    roleplays: list = field(default_factory=list)  # (scenario slug, days ago, score shift)
    observation: tuple | None = None  # (competency slug, level, days ago, note pl)


# The browser tests start some people from a clean slate, so those are left alone here: Anna's
# empathy quiz, and the ten-traits course of Piotr and Ewa (trainee2) — including the trait
# quizzes, whose passing completes a ten-traits lesson.
STORIES = {
    "trainee": Story(
        skill=0.8,
        quizzes=[("trait-communication", 50), ("trait-empathy", 44), ("trait-information", 37),
                 ("trait-kindness", 30), ("trait-humour", 24), ("three-goals", 15), ("situational-judgement", 8)],
        lessons={"ten-traits": (11, 53, 22), "three-goals": (7, 20, 13)},
        roleplays=[("fuel-card", 33, -0.6), ("refund-delay", 9, 0.2)],
        observation=("kindness", 4, 5, "Klient dzwonił trzeci raz w tej samej sprawie. Tomasz spokojnie przeprosił, "
                     "podsumował, co już wiadomo, i sam zaproponował telefon zwrotny następnego dnia o 10:00."),
    ),
    "anna": Story(
        skill=0.9,
        quizzes=[("trait-communication", 48), ("situational-judgement", 42), ("trait-information", 35),
                 ("trait-kindness", 28), ("trait-humour", 21), ("three-goals", 14), ("high-level-cases", 6)],
        lessons={"ten-traits": (11, 54, 25), "three-goals": (7, 24, 15), "high-level-cases": (7, 12, 5)},
        roleplays=[("perfume", 27, 0.0), ("no-id", 7, 0.5)],
        observation=("humour", 4, 3, "Rozładowała napięcie w rozmowie z poirytowanym klientem lekkim żartem "
                     "o pogodzie, nie bagatelizując problemu, i od razu wróciła do konkretów."),
    ),
    "piotr": Story(
        skill=0.5,
        quizzes=[("situational-judgement", 40), ("high-level-cases", 12)],
        lessons={"high-level-cases": (4, 45, 14)},
        roleplays=[("refund-delay", 18, -0.8)],
        observation=("agency", 2, 4, "Na pytanie klienta o termin odpowiedział, że to nie zależy od niego, "
                     "i nie zaproponował żadnego kolejnego kroku."),
    ),
    "trainee2": Story(
        skill=0.75,
        quizzes=[("situational-judgement", 46), ("three-goals", 30), ("service-environment", 11)],
        lessons={"three-goals": (7, 40, 20), "service-environment": (5, 18, 6)},
        roleplays=[("email-only", 16, 0.0)],
    ),
    "marek": Story(
        skill=0.55,
        quizzes=[("trait-communication", 9)],
        lessons={"ten-traits": (3, 12, 4)},
    ),
}

RULES = {
    "kontakt-warszawa": {"courses": ["ten-traits", "three-goals"],
                         "levels": {"information": 3.0, "kindness": 3.0, "humour": 2.5, "empathy": 3.0}},
    "kontakt-krakow": {"courses": ["three-goals"], "levels": {"communication": 3.0, "information": 3.0}},
}

# Mean rating of each element by level: directors see processes and procedures in place,
# employees on the floor see them on the shelf.
ENVIRONMENT_VIEW = {
    EnvironmentLevel.DIRECTOR: {"goals": 5, "processes": 5, "procedures": 4, "competences": 4, "formal-legal": 4,
                                "decision-centres": 4, "efficiency": 4, "work-tools": 4, "support-tools": 4},
    EnvironmentLevel.MANAGER: {"goals": 4, "processes": 4, "procedures": 3, "competences": 3, "formal-legal": 4,
                               "decision-centres": 3, "efficiency": 3, "work-tools": 3, "support-tools": 3},
    EnvironmentLevel.EMPLOYEE: {"goals": 3, "processes": 2, "procedures": 2, "competences": 3, "formal-legal": 4,
                                "decision-centres": 2, "efficiency": 3, "work-tools": 2, "support-tools": 2},
}

TRAINEE_LINES = {
    "pl": ["Dzień dobry, przepraszam za kłopot. Rozumiem, że to dla Pana ważne.",
           "Sprawdzę to teraz w systemie i do 15:00 oddzwonię z konkretną informacją.",
           "Dziękuję za cierpliwość, zajmę się tym osobiście."],
}
NOTES = ["Dobre przeprosiny na początku; zabrakło konkretnego terminu przy pierwszej odpowiedzi.",
         "Wyraźnie wziął/wzięła sprawę na siebie — tak trzymać.",
         "Popracować nad podsumowaniem ustaleń na koniec rozmowy."]


class Command(BaseCommand):
    help = "Give the demo trainees eight weeks of learning history (idempotent)."

    def handle(self, *args, **options):
        self.now = timezone.now()
        self.verbose = options["verbosity"] > 0
        self.teams = {t.slug: t for t in Team.objects.filter(slug__in=RULES)}
        if not self.teams:
            self.stdout.write("No demo teams (run seed_demo first); nothing to do.")
            return
        self.users = {u.username: u for u in User.objects.filter(
            username__in=[*STORIES, "trainer", "trainer2", "manager", "manager2", "admin"])}
        self.competencies = {c.slug: c for c in Competency.objects.all()}
        self.trainers = {slug: self._member(team, Role.TRAINER) for slug, team in self.teams.items()}
        self.managers = {slug: self._member(team, Role.MANAGER) for slug, team in self.teams.items()}
        self.backdate_memberships()
        for username, story in STORIES.items():
            learner = self.users.get(username)
            membership = Membership.objects.filter(user=learner, role=Role.TRAINEE).select_related("team").first()
            if learner is None or membership is None:
                continue
            rng = random.Random(f"{DEMO_SEED}:{username}")
            self.lessons(learner, story)
            self.quizzes(learner, story, rng, membership.team)
            self.roleplays(learner, story, rng, membership.team)
            self.observe(learner, story, membership.team)
        self.rules()
        self.environment()
        if self.verbose:
            self.stdout.write(self.style.SUCCESS("Demo activity ready."))

    def _member(self, team, role):
        membership = Membership.objects.filter(team=team, role=role).select_related("user").first()
        return membership.user if membership else None

    def day(self, days_ago: float, hour: int = 10):
        moment = timezone.localtime(self.now - timedelta(days=days_ago))
        return moment.replace(hour=hour, minute=(int(days_ago * 37) % 50), second=0, microsecond=0)

    # --- people joined eight weeks ago ---------------------------------------------------------------
    def backdate_memberships(self):
        joined = self.day(58, 9)
        Membership.objects.filter(team__in=self.teams.values(), joined_at__gt=joined).update(joined_at=joined)

    # --- lessons ----------------------------------------------------------------------------------
    def lessons(self, learner, story):
        for course_slug, (count, first, last) in story.lessons.items():
            course = CoursePage.objects.filter(slug=course_slug, locale__language_code="pl").first()
            if course is None:
                continue
            lessons = list(LessonPage.objects.child_of(course).live().order_by("path")[:count])
            for index, lesson in enumerate(lessons):
                days_ago = first - (first - last) * index / max(1, len(lessons) - 1)
                when = self.day(days_ago, 9 + index % 6)
                progress, completed_now = lesson_complete(
                    learner=learner, lesson_key=lesson.translation_key, course_key=course.translation_key, now=when
                )
                if completed_now:
                    LessonProgress.objects.filter(pk=progress.pk).update(
                        started_at=when - timedelta(minutes=20), seconds_spent=600 + 60 * (index % 7))

    # --- quizzes ----------------------------------------------------------------------------------
    def quizzes(self, learner, story, rng, team):
        grader = self.trainers.get(team.slug)
        for quiz_slug, days_ago in story.quizzes:
            quiz = Quiz.objects.filter(slug=quiz_slug).first()
            if quiz is None or Attempt.objects.filter(learner=learner, quiz=quiz).exists():
                continue
            started = timezone.now()
            try:
                attempt = attempt_start(learner=learner, quiz=quiz, seed=rng.randrange(1, 10**6))
                post = self.answers(attempt, story.skill, rng)
                attempt = attempt_submit(attempt=attempt, learner=learner, post=post)
            except AttemptError as error:
                self.stderr.write(f"{learner} {quiz_slug}: {error}")
                continue
            when = self.day(days_ago, 14)
            for answer in Answer.objects.filter(attempt=attempt, status=Answer.Status.PENDING):
                if grader is not None:
                    top = max(level["points"] for level in answer.question.data.get("rubric", [{"points": 3}]))
                    points = top if rng.random() < story.skill else max(1, top - 2)
                    answer_grade(answer=answer, grader=grader, rubric_points=points,
                                 comment="Dobrze uchwycony sedno sprawy." if points == top else "Zabrakło konkretu.")
            answer_ids = list(Answer.objects.filter(attempt=attempt).values_list("pk", flat=True))
            Answer.objects.filter(attempt=attempt).update(answered_at=when, graded_at=when)
            Attempt.objects.filter(pk=attempt.pk).update(
                started_at=when - timedelta(minutes=12), submitted_at=when, graded_at=when)
            Evidence.objects.filter(learner=learner, reference__in=[f"answer:{pk}" for pk in answer_ids]).update(
                created_at=when)
            # Passing completed the quiz's lesson "now": it happened on the day of the attempt.
            LessonProgress.objects.filter(learner=learner, completed_at__gte=started).update(
                completed_at=when, last_seen_at=when, started_at=Least("started_at", when))

    def answers(self, attempt, skill, rng) -> QueryDict:
        post = QueryDict(mutable=True)
        for slot in attempt.slots.select_related("question"):
            question, right = slot.question, rng.random() < skill
            qid, data, kind = question.pk, question.data, question.type
            name = f"q{qid}"
            if kind == "single":
                keys = [str(o["key"]) for o in data["options"]]
                good = [str(o["key"]) for o in data["options"] if o.get("correct")]
                bad = [k for k in keys if k not in good] or good
                post[name] = good[0] if right else rng.choice(bad)
            elif kind == "multiple":
                good = [str(o["key"]) for o in data["options"] if o.get("correct")]
                bad = [str(o["key"]) for o in data["options"] if not o.get("correct")] or good[:1]
                post.setlist(name, good if right else [bad[0]])
            elif kind == "truefalse":
                post[name] = "true" if bool(data["answer"]) == right else "false"
            elif kind == "sjt":
                best, worst = str(data["best"]), str(data["worst"])
                post[f"{name}-best"], post[f"{name}-worst"] = (best, worst) if right else (worst, best)
            elif kind == "matching":
                keys = [str(p["key"]) for p in data["pairs"]]
                chosen = keys if right else keys[1:] + keys[:1]
                for key, value in zip(keys, chosen, strict=True):
                    post[f"{name}-{key}"] = value
            elif kind == "ordering":
                keys = [str(i["key"]) for i in data["items"]]
                order = keys if right else list(reversed(keys))
                for position, key in enumerate(order, start=1):
                    post[f"{name}-{key}"] = str(position)
            elif kind == "numeric":
                value = float(data["answer"]) + (0 if right else float(data.get("tolerance") or 0) + 10)
                post[name] = f"{value:g}"
            elif kind == "open":
                post[name] = ("Przeprosiłbym, powiedział, co już wiem, i podał konkretny termin kolejnego kontaktu."
                              if right else "Poprosiłbym klienta o cierpliwość.")
        return post

    # --- roleplays --------------------------------------------------------------------------------
    def roleplays(self, learner, story, rng, team):
        trainer = self.trainers.get(team.slug)
        if trainer is None:
            return
        traits = [c for c in self.competencies.values() if c.kind == Competency.Kind.TRAIT]
        observers = [m.user for m in Membership.objects.filter(team=team, role=Role.TRAINEE).exclude(user=learner)
                     .select_related("user")[:1]]
        for index, (scenario_slug, days_ago, shift) in enumerate(story.roleplays):
            scenario = Scenario.objects.filter(slug=scenario_slug).first()
            seed = DEMO_SEED + index
            if scenario is None or RoleplaySession.objects.filter(trainee=learner, scenario=scenario, seed=seed).exists():
                continue
            started = timezone.now()
            session = session_create(
                trainer=trainer, trainee=learner, scenario=scenario, team=team, difficulty="medium", language="pl",
                mode=RoleplaySession.Mode.AUTO, score_visibility=RoleplaySession.ScoreVisibility.DEBRIEF,
                observers=observers if index == 0 else [], seed=seed,
            )
            try:
                self._act(session, trainer, "trainer", type="control", action="start")
                for line in TRAINEE_LINES["pl"]:
                    session.refresh_from_db()
                    if session.outcome:
                        break
                    self._act(session, learner, "trainee", type="message", text=line)
                for trait in traits:
                    level = round(1 + 4 * story.skill + shift + rng.uniform(-0.7, 0.7))
                    self._act(session, trainer, "trainer", type="score", trait=trait.slug, score=max(1, min(5, level)))
                for observer in (observers if index == 0 else []):
                    for trait in traits[:4]:
                        level = round(1 + 4 * story.skill + rng.uniform(-1, 1))
                        self._act(session, observer, "observer", type="score", trait=trait.slug,
                                  score=max(1, min(5, level)))
                self._act(session, trainer, "trainer", type="note", text=NOTES[(index + len(learner.username)) % 3])
                self._act(session, trainer, "trainer", type="control", action="end")
            except RoleplayError as error:
                self.stderr.write(f"{learner} {scenario_slug}: {error.message}")
                continue
            when = self.day(days_ago, 11)
            RoleplaySession.objects.filter(pk=session.pk).update(
                created_at=when - timedelta(minutes=25), started_at=when - timedelta(minutes=20), ended_at=when,
                last_activity_at=when)
            SessionEvent.objects.filter(session=session).update(created_at=when - timedelta(minutes=10))
            Evidence.objects.filter(learner=learner, created_at__gte=started).filter(
                Q(reference=f"roleplay:{session.pk}") | Q(reference__startswith=f"roleplay:{session.pk}:")
            ).update(created_at=when)

    def _act(self, session, user, role, **frame):
        return room_action(session_id=session.pk, user=user, role=role, frame=frame)

    # --- an observation by the manager -------------------------------------------------------------------
    def observe(self, learner, story, team):
        manager = self.managers.get(team.slug)
        if story.observation is None or manager is None:
            return
        slug, level, days_ago, note = story.observation
        competency = self.competencies.get(slug)
        if competency is None:
            return
        observation_record(learner=learner, competency=competency, level=level, note=note, recorded_by=manager,
                           token=f"demo-{learner.username}-{slug}", at=self.day(days_ago, 16))

    # --- readiness rules --------------------------------------------------------------------------------
    def rules(self):
        for slug, rules in RULES.items():
            team = self.teams.get(slug)
            if team is None:
                continue
            keys = list(CoursePage.objects.filter(slug__in=rules["courses"], locale__language_code="pl")
                        .values_list("translation_key", flat=True))
            minimums = {self.competencies[c]: level for c, level in rules["levels"].items() if c in self.competencies}
            readiness_rules_save(team=team, course_keys=keys, minimums=minimums, updated_by=self.managers.get(slug))

    # --- the service-environment self-assessment ------------------------------------------------------
    def environment(self):
        admin = self.users.get("admin")
        for slug, team in self.teams.items():
            manager = self.managers.get(slug)
            if manager is None:
                continue
            survey = EnvironmentSurvey.objects.filter(team=team).order_by("opened_at").first()
            if survey is None:
                survey = survey_open(team=team, opened_by=manager, at=self.day(20, 9))
            if not survey.is_open:
                continue
            people = [(manager, EnvironmentLevel.MANAGER)]
            if admin is not None:
                people.append((admin, EnvironmentLevel.DIRECTOR))
            for membership in Membership.objects.filter(team=team, role__in=[Role.TRAINEE, Role.TRAINER]).select_related(
                "user"
            ):
                people.append((membership.user, EnvironmentLevel.EMPLOYEE))
            for person, level in people:
                rng = random.Random(f"{DEMO_SEED}:{slug}:{person.username}")
                ratings = {e.slug: max(1, min(5, ENVIRONMENT_VIEW[level][e.slug] + rng.choice((-1, 0, 0, 1))))
                           for e in ELEMENTS}
                survey_answer_save(survey=survey, respondent=person, level=level, ratings=ratings,
                                   at=self.day(18 - rng.random() * 5, 12))
