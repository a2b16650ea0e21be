"""Writes: competency content, evidence, question banks, quizzes, attempts, grading and the
team consistency check."""

import json
import random
import re
from datetime import timedelta
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import bank, grading
from .models import (
    Answer,
    Attempt,
    AttemptQuestion,
    Competency,
    CompetencyLevel,
    ConsistencyAnswer,
    ConsistencyItem,
    ConsistencyQuestionnaire,
    ConsistencyRun,
    Evidence,
    Question,
    QuestionCompetency,
    Quiz,
    QuizDrawRule,
    QuizQuestion,
)
from .signals import quiz_passed

# A submission that arrives this long after the deadline still counts (network, slow clicks).
DEADLINE_GRACE = timedelta(seconds=30)


class ContentError(Exception):
    """A content file cannot be loaded; the message says where and why."""


@transaction.atomic
def evidence_record(
    *,
    learner,
    competency: Competency | str,
    score: float,
    source: str,
    reference: str,
    weight: float = 1.0,
    recorded_by=None,
    note: str = "",
    at=None,
) -> Evidence:
    """Record (or replace) the evidence one source gives about one competency.

    The same learner + competency + source + reference is one record: a re-grade or a
    resubmitted score updates it instead of counting twice.
    """
    if isinstance(competency, str):
        competency = Competency.objects.get(slug=competency)
    if not 0.0 <= score <= 1.0:
        raise ValueError("score must be between 0 and 1")
    evidence, _ = Evidence.objects.update_or_create(
        learner=learner,
        competency=competency,
        source=source,
        reference=reference,
        defaults={
            "score": score,
            "weight": weight,
            "recorded_by": recorded_by,
            "note": note,
            "created_at": at or timezone.now(),
        },
    )
    return evidence


def level_to_score(level: float) -> float:
    """A rubric level 1–5 as a 0–1 score."""
    return max(0.0, min(1.0, (level - 1) / 4))


_LEVEL_PREFIX = re.compile(r"^\s*[1-5]\s*[:.)]\s*")


def read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise ContentError(f"{path}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None


@transaction.atomic
def competencies_load(*, path: Path) -> tuple[int, int]:
    """Create or update competencies and their five levels by slug; (created, updated)."""
    entries = read_json(path)
    if not isinstance(entries, list):
        raise ContentError(f"{path}: expected a list of competencies")
    created = updated = 0
    for index, entry in enumerate(entries, start=1):
        where = f"{path.name} #{index} ({entry.get('slug', '?') if isinstance(entry, dict) else '?'})"
        try:
            slug, kind = entry["slug"], entry["kind"]
            pl, en = entry["pl"], entry["en"]
            levels_pl, levels_en = pl["levels"], en["levels"]
        except (KeyError, TypeError) as exc:
            raise ContentError(f"{where}: missing {exc}") from None
        if kind not in Competency.Kind.values:
            raise ContentError(f"{where}: kind must be trait or knowledge, not {kind!r}")
        if len(levels_pl) != 5 or len(levels_en) != 5:
            raise ContentError(f"{where}: needs exactly five levels in each language")
        competency, was_created = Competency.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kind, "order": entry.get("order", 0), "is_key": bool(entry.get("key", False)),
                "name_pl": pl["name"], "name_en": en["name"],
                "description_pl": pl.get("description", ""), "description_en": en.get("description", ""),
            },
        )
        created += was_created
        updated += not was_created
        for number, (text_pl, text_en) in enumerate(zip(levels_pl, levels_en, strict=True), start=1):
            CompetencyLevel.objects.update_or_create(
                competency=competency, level=number,
                defaults={"description_pl": _LEVEL_PREFIX.sub("", text_pl),
                          "description_en": _LEVEL_PREFIX.sub("", text_en)},
            )
    return created, updated


def evidence_record_many(*, records: list[dict]) -> int:
    """Record many pieces of evidence in one query (same replace-by-reference rule as above).

    Each record has learner, competency (instance), score, weight, source, reference and
    optionally recorded_by, note and at.
    """
    if not records:
        return 0
    now = timezone.now()
    rows = []
    for record in records:
        if not 0.0 <= record["score"] <= 1.0:
            raise ValueError("score must be between 0 and 1")
        rows.append(Evidence(
            learner=record["learner"], competency=record["competency"], score=record["score"],
            weight=record.get("weight", 1.0), source=record["source"], reference=record["reference"],
            recorded_by=record.get("recorded_by"), note=record.get("note", ""),
            created_at=record.get("at") or now,
        ))
    Evidence.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["learner", "competency", "source", "reference"],
        update_fields=["score", "weight", "recorded_by", "note", "created_at"],
    )
    return len(rows)


# --- question banks -------------------------------------------------------------------------
class BankImportError(Exception):
    """The file has problems; `errors` lists each with its line. Nothing was imported."""

    def __init__(self, errors):
        super().__init__("; ".join(str(error) for error in errors[:5]))
        self.errors = errors


@transaction.atomic
def bank_import(*, text: str, bank_name: str) -> tuple[int, int]:
    """Import a bank file (exchange format): every question is created or updated by slug.

    All or nothing: a file with any problem raises BankImportError listing every problem with
    its line, and changes nothing.
    """
    competencies = {c.slug: c for c in Competency.objects.all()}
    items, errors = bank.bank_file_errors(text, known_competencies=set(competencies))
    if errors:
        raise BankImportError(errors)
    existing = {q.slug: q for q in Question.objects.filter(slug__in=[item["slug"] for item in items])}
    created = updated = 0
    for raw in items:
        fields = bank.question_fields(raw)
        question = existing.get(raw["slug"])
        if question is None:
            question = Question(slug=raw["slug"], bank=bank_name, **fields)
            created += 1
        else:
            for name, value in fields.items():
                setattr(question, name, value)
            question.bank = bank_name
            updated += 1
        question.is_active = True
        question.save()
        QuestionCompetency.objects.filter(question=question).exclude(
            competency__slug__in=list(raw["competencies"])
        ).delete()
        for slug, weight in raw["competencies"].items():
            QuestionCompetency.objects.update_or_create(
                question=question, competency=competencies[slug], defaults={"weight": float(weight)}
            )
    return created, updated


# --- quizzes and the consistency questionnaire (content) --------------------------------------
@transaction.atomic
def quizzes_load(*, entries: list, source: str = "quizzes.json") -> tuple[int, int]:
    """Create or update quizzes by slug from the content format; (created, updated)."""
    if not isinstance(entries, list):
        raise ContentError(f"{source}: expected a list of quizzes")
    created = updated = 0
    for index, entry in enumerate(entries, start=1):
        where = f"{source} #{index} ({entry.get('slug', '?') if isinstance(entry, dict) else '?'})"
        try:
            slug, pl, en = entry["slug"], entry["pl"], entry["en"]
            fields = {
                "title_pl": pl["title"], "title_en": en["title"],
                "description_pl": pl.get("description", ""), "description_en": en.get("description", ""),
                "pass_mark": int(entry.get("pass_mark", 60)),
                "attempt_limit": entry.get("attempt_limit"),
                "time_limit_minutes": entry.get("time_limit_minutes"),
                "shuffle": bool(entry.get("shuffle", True)),
                "feedback": entry.get("feedback", Quiz.Feedback.PER_QUESTION),
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise ContentError(f"{where}: missing or wrong {exc}") from None
        if fields["feedback"] not in Quiz.Feedback.values:
            raise ContentError(f"{where}: feedback must be per_question or at_end")
        if not 0 <= fields["pass_mark"] <= 100:
            raise ContentError(f"{where}: pass_mark must be 0–100")
        slugs = entry.get("questions") or []
        draw = entry.get("draw") or []
        if not slugs and not draw:
            raise ContentError(f"{where}: needs a list of questions or draw rules")
        questions = {q.slug: q for q in Question.objects.filter(slug__in=slugs)}
        missing = [s for s in slugs if s not in questions]
        if missing:
            raise ContentError(f"{where}: unknown question slugs {', '.join(missing)} "
                               "(load the question banks first)")
        for rule in draw:
            available = Question.objects.filter(category=rule.get("category"), is_active=True).count()
            if available < int(rule.get("count", 0)):
                raise ContentError(f"{where}: category {rule.get('category')!r} has {available} questions, "
                                   f"the rule draws {rule.get('count')}")
        quiz, was_created = Quiz.objects.update_or_create(slug=slug, defaults=fields)
        created += was_created
        updated += not was_created
        QuizQuestion.objects.filter(quiz=quiz).delete()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question=questions[s], sort_order=i) for i, s in enumerate(slugs)
        )
        QuizDrawRule.objects.filter(quiz=quiz).delete()
        QuizDrawRule.objects.bulk_create(
            QuizDrawRule(quiz=quiz, category=r["category"], count=int(r["count"]), sort_order=i)
            for i, r in enumerate(draw)
        )
    return created, updated


@transaction.atomic
def consistency_load(*, entry: dict, source: str = "consistency.json") -> ConsistencyQuestionnaire:
    """Create or update one consistency questionnaire and its items by slug."""
    try:
        questionnaire, _created = ConsistencyQuestionnaire.objects.update_or_create(
            slug=entry["slug"],
            defaults={"title_pl": entry["pl"]["title"], "title_en": entry["en"]["title"],
                      "intro_pl": entry["pl"].get("intro", ""), "intro_en": entry["en"].get("intro", "")},
        )
        slugs = []
        for order, item in enumerate(entry["items"]):
            options = [{"key": str(o["key"]), "pl": o["pl"], "en": o["en"]} for o in item["options"]]
            if len(options) < 2:
                raise ContentError(f"{source}: item {item['slug']} needs at least two options")
            ConsistencyItem.objects.update_or_create(
                questionnaire=questionnaire, slug=item["slug"],
                defaults={"text_pl": item["pl"]["text"], "text_en": item["en"]["text"],
                          "options": options, "sort_order": order},
            )
            slugs.append(item["slug"])
    except (KeyError, TypeError) as exc:
        raise ContentError(f"{source}: missing {exc}") from None
    questionnaire.items.exclude(slug__in=slugs).delete()
    return questionnaire


# --- attempts -------------------------------------------------------------------------------
class AttemptError(Exception):
    """A submission that cannot count; the message is shown to the learner as is."""

    code = "invalid"


class NoAttemptsLeft(AttemptError):
    code = "no_attempts_left"


class TimeUp(AttemptError):
    code = "time_up"


class AlreadySubmitted(AttemptError):
    code = "already_submitted"


class AlreadyAnswered(AttemptError):
    code = "already_answered"


class NotInAttempt(AttemptError):
    code = "not_in_attempt"


class InvalidAnswers(AttemptError):
    """Some answers are not valid; `errors` maps question id → message."""

    code = "invalid_answers"

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Some answers need your attention."))
        self.errors = errors


def _draw_questions(quiz: Quiz, rng: random.Random) -> list[Question]:
    fixed = [qq.question for qq in quiz.fixed_questions.select_related("question").order_by("sort_order")]
    chosen = {q.pk for q in fixed}
    drawn: list[Question] = []
    for rule in quiz.draw_rules.order_by("sort_order"):
        pool = list(Question.objects.filter(category=rule.category, is_active=True).exclude(pk__in=chosen))
        pick = rng.sample(pool, min(rule.count, len(pool)))
        chosen.update(q.pk for q in pick)
        drawn.extend(pick)
    questions = fixed + drawn
    if quiz.shuffle:
        rng.shuffle(questions)
    return questions


def _option_order(question: Question, quiz: Quiz, rng: random.Random) -> list[str]:
    data = question.data
    if question.type in ("single", "multiple", "sjt"):
        keys = [str(o["key"]) for o in data["options"]]
        if quiz.shuffle:
            rng.shuffle(keys)
        return keys
    if question.type in ("matching", "ordering"):
        # Always shuffled: shown in the listed order they would give the answer away.
        keys = [str(e["key"]) for e in data["pairs" if question.type == "matching" else "items"]]
        original = list(keys)
        for _try in range(10):
            rng.shuffle(keys)
            if keys != original:
                break
        return keys
    return []


def attempts_used(*, learner, quiz: Quiz) -> int:
    return Attempt.objects.filter(learner=learner, quiz=quiz).count()


def attempt_start(*, learner, quiz: Quiz, seed: int | None = None) -> Attempt:
    """The learner's open attempt at the quiz, or a new one if attempts are left.

    An open attempt whose time is up is closed first (what was answered counts).
    """
    now = timezone.now()
    current = Attempt.objects.filter(learner=learner, quiz=quiz, state=Attempt.State.IN_PROGRESS).first()
    if current is not None:
        if not attempt_expired(current, now=now):
            return current
        attempt_close_expired(attempt=current)
    used = attempts_used(learner=learner, quiz=quiz)
    if quiz.attempt_limit and used >= quiz.attempt_limit:
        raise NoAttemptsLeft(_("You have used all %(n)s attempts at this quiz.") % {"n": quiz.attempt_limit})
    rng = random.Random(seed)
    questions = _draw_questions(quiz, rng)
    if not questions:
        raise AttemptError(_("This quiz has no questions yet."))
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz, learner=learner, number=used + 1, started_at=now,
                deadline=now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None,
            )
            AttemptQuestion.objects.bulk_create(
                AttemptQuestion(attempt=attempt, question=q, position=i, option_order=_option_order(q, quiz, rng))
                for i, q in enumerate(questions, start=1)
            )
    except IntegrityError:
        # A second click started the same attempt a moment ago: continue that one.
        current = Attempt.objects.filter(learner=learner, quiz=quiz, state=Attempt.State.IN_PROGRESS).first()
        if current is None:
            raise
        return current
    return attempt


def attempt_expired(attempt: Attempt, *, now=None) -> bool:
    now = now or timezone.now()
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


def _tags_by_question(question_ids) -> dict[int, list[QuestionCompetency]]:
    tags: dict[int, list[QuestionCompetency]] = {}
    for tag in QuestionCompetency.objects.filter(question_id__in=question_ids).select_related("competency"):
        tags.setdefault(tag.question_id, []).append(tag)
    return tags


def _answer_evidence(answers: list[Answer], learner, tags, *, source=Evidence.Source.QUIZ, recorded_by=None):
    records = []
    for answer in answers:
        if answer.score is None:
            continue
        for tag in tags.get(answer.question_id, []):
            records.append({
                "learner": learner, "competency": tag.competency, "score": answer.score,
                "weight": tag.weight, "source": source, "reference": f"answer:{answer.pk}",
                "recorded_by": recorded_by, "at": answer.graded_at or answer.answered_at,
            })
    evidence_record_many(records=records)


def _slot_questions(attempt: Attempt) -> dict[int, Question]:
    return {slot.question_id: slot.question for slot in attempt.slots.select_related("question")}


def attempt_answer(*, attempt: Attempt, learner, question_id, post) -> Answer | None:
    """Save and grade one answer (quizzes with feedback after each question).

    The same question answered twice keeps the first answer (AlreadyAnswered); a question that is
    not in the attempt, a closed attempt or a late answer are refused with a clear message. An
    answer sent as the time ran out (the page sends the open question then, within the grace)
    counts, even blank, and ends the attempt: the caller finds it no longer in progress (None
    when nothing was answered).
    """
    if attempt.learner_id != learner.pk:
        raise NotInAttempt(_("This is not your attempt."))
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AlreadySubmitted(_("This attempt is already finished; its result is below."))
    if attempt_expired(attempt):
        attempt_close_expired(attempt=attempt)
        raise TimeUp(_("The time limit has passed; this answer was not counted."))
    try:
        question_id = int(question_id)
    except (TypeError, ValueError):
        raise NotInAttempt(_("That question is not part of this attempt.")) from None
    slot = attempt.slots.select_related("question").filter(question_id=question_id).first()
    if slot is None:
        raise NotInAttempt(_("That question is not part of this attempt."))
    question = slot.question
    if Answer.objects.filter(attempt=attempt, question=question).exists():
        raise AlreadyAnswered(_("You already answered this question; your first answer counts."))
    now = timezone.now()
    time_up = attempt.deadline is not None and now > attempt.deadline
    try:
        response = grading.parse_response(question, post, required=not time_up)
    except grading.ResponseError as exc:
        if not time_up:
            raise InvalidAnswers({question.pk: str(exc)}) from None
        response = None
    if time_up and response is None:
        attempt_close_expired(attempt=attempt)  # the question counts as left blank
        return None
    score = grading.score_response(question, response)
    try:
        with transaction.atomic():
            answer = Answer.objects.create(
                attempt=attempt, question=question, response=response or {}, score=score,
                status=Answer.Status.PENDING if score is None else Answer.Status.GRADED,
                answered_at=now, graded_at=None if score is None else now,
            )
    except IntegrityError:
        raise AlreadyAnswered(_("You already answered this question; your first answer counts.")) from None
    _answer_evidence([answer], learner, _tags_by_question([question.pk]))
    if time_up:
        attempt_close_expired(attempt=attempt)
    return answer


def attempt_close_expired(*, attempt: Attempt) -> Attempt:
    """Close an attempt whose time ran out; only what was answered in time counts."""
    try:
        return _attempt_finish(attempt=attempt, post=None, timed_out=True)
    except AlreadySubmitted:
        attempt.refresh_from_db()
        return attempt


def attempt_submit(*, attempt: Attempt, learner, post=None) -> Attempt:
    """Finish an attempt: grade what is answered (and, for quizzes with feedback at the end, the
    answers in `post`), score it, record evidence.

    Posting the same form twice gives AlreadySubmitted the second time and counts once; after the
    time limit the answers in the form are not counted (TimeUp, the attempt is closed with what
    was saved before).
    """
    if attempt.learner_id != learner.pk:
        raise NotInAttempt(_("This is not your attempt."))
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AlreadySubmitted(_("This attempt was already submitted; it was counted once. Its result is below."))
    if attempt_expired(attempt):
        attempt_close_expired(attempt=attempt)
        raise TimeUp(_("The time limit has passed; answers sent after it were not counted."))
    return _attempt_finish(attempt=attempt, post=post, timed_out=False)


@transaction.atomic
def _attempt_finish(*, attempt: Attempt, post, timed_out: bool) -> Attempt:
    now = timezone.now()
    questions = _slot_questions(attempt)
    answered = set(Answer.objects.filter(attempt=attempt).values_list("question_id", flat=True))
    new_answers, errors = [], {}
    if post is not None:
        foreign = _foreign_question_ids(post, set(questions))
        if foreign:
            raise NotInAttempt(_("The form contained a question that is not part of this attempt; "
                                 "nothing was counted. Please answer the questions shown."))
    for question_id, question in questions.items():
        if question_id in answered:
            continue
        response = None
        if post is not None:
            try:
                response = grading.parse_response(question, post, required=False)
            except grading.ResponseError as exc:
                errors[question_id] = str(exc)
                continue
        score = grading.score_response(question, response)
        pending = score is None and response is not None
        if score is None and response is None:
            score = 0.0  # an open question left blank earns nothing; no trainer needed
        new_answers.append(Answer(
            attempt=attempt, question=question, response=response or {}, score=score,
            status=Answer.Status.PENDING if pending else Answer.Status.GRADED,
            answered_at=now, graded_at=None if pending else now,
        ))
    if errors:
        raise InvalidAnswers(errors)
    # The conditional update is the lock: of two identical submissions only one moves the state.
    claimed = Attempt.objects.filter(pk=attempt.pk, state=Attempt.State.IN_PROGRESS).update(
        state=Attempt.State.AWAITING, submitted_at=now, timed_out=timed_out
    )
    if not claimed:
        raise AlreadySubmitted(_("This attempt was already submitted; it was counted once. Its result is below."))
    created = Answer.objects.bulk_create(new_answers)
    _answer_evidence(created, attempt.learner, _tags_by_question([a.question_id for a in created]))
    attempt.state, attempt.submitted_at, attempt.timed_out = Attempt.State.AWAITING, now, timed_out
    return _attempt_score(attempt, now=now)


def _foreign_question_ids(post, allowed: set[int]) -> set[int]:
    found = set()
    for name in post:
        match = re.match(r"^q(\d+)(-|$)", name)
        if match and int(match.group(1)) not in allowed:
            found.add(int(match.group(1)))
    return found


def _attempt_score(attempt: Attempt, *, now) -> Attempt:
    """Score an attempt whose answers are all in; pending open answers keep it awaiting a grade."""
    scores = list(Answer.objects.filter(attempt=attempt).values_list("score", "status"))
    if any(status == Answer.Status.PENDING for _score, status in scores):
        return attempt
    total = attempt.slots.count() if len(scores) == 0 else len(scores)
    attempt.score = sum(score or 0.0 for score, _status in scores) / max(total, 1)
    attempt.passed = attempt.score * 100 + 1e-9 >= attempt.quiz.pass_mark
    attempt.state = Attempt.State.GRADED
    attempt.graded_at = now
    attempt.save(update_fields=["score", "passed", "state", "graded_at"])
    if attempt.passed:
        learner, quiz = attempt.learner, attempt.quiz
        transaction.on_commit(lambda: quiz_passed.send(sender=Quiz, learner=learner, quiz=quiz, attempt=attempt))
    return attempt


# --- grading open answers -------------------------------------------------------------------
class GradingError(Exception):
    pass


@transaction.atomic
def answer_grade(*, answer: Answer, grader, rubric_points: int, comment: str = "") -> Answer:
    """A trainer's rubric grade for an open answer (a re-grade replaces the earlier one).

    Records the evidence (source open_answer) and, when it was the attempt's last open answer,
    scores the attempt.
    """
    answer = Answer.objects.select_for_update().select_related("question", "attempt__quiz",
                                                               "attempt__learner").get(pk=answer.pk)
    question = answer.question
    if question.type != "open":
        raise GradingError(_("Only open answers are graded by a trainer."))
    if answer.attempt.learner_id == grader.pk:
        raise GradingError(_("You cannot grade your own answer."))
    allowed = {level["points"] for level in question.data.get("rubric", [])}
    if rubric_points not in allowed:
        raise GradingError(_("Choose one of the rubric levels."))
    now = timezone.now()
    answer.rubric_points = rubric_points
    answer.score = rubric_points / grading.rubric_top(question)
    answer.comment = comment.strip()
    answer.status = Answer.Status.GRADED
    answer.graded_by = grader
    answer.graded_at = now
    answer.save(update_fields=["rubric_points", "score", "comment", "status", "graded_by", "graded_at"])
    _answer_evidence([answer], answer.attempt.learner, _tags_by_question([question.pk]),
                     source=Evidence.Source.OPEN_ANSWER, recorded_by=grader)
    attempt = answer.attempt
    if attempt.state == Attempt.State.AWAITING:
        _attempt_score(attempt, now=now)
    elif attempt.state == Attempt.State.GRADED:
        # A re-grade: the score changes, the pass is not announced a second time.
        was_passed = attempt.passed
        scores = list(Answer.objects.filter(attempt=attempt).values_list("score", flat=True))
        attempt.score = sum(s or 0.0 for s in scores) / max(len(scores), 1)
        attempt.passed = attempt.score * 100 + 1e-9 >= attempt.quiz.pass_mark
        attempt.save(update_fields=["score", "passed"])
        if attempt.passed and not was_passed:
            learner, quiz = attempt.learner, attempt.quiz
            transaction.on_commit(lambda: quiz_passed.send(sender=Quiz, learner=learner, quiz=quiz, attempt=attempt))
    return answer


# --- team consistency check -----------------------------------------------------------------
class ConsistencyError(Exception):
    pass


def consistency_run_open(*, team, questionnaire: ConsistencyQuestionnaire, opened_by) -> ConsistencyRun:
    return ConsistencyRun.objects.create(
        team=team, questionnaire=questionnaire, opened_by=opened_by, opened_at=timezone.now()
    )


def consistency_run_close(*, run: ConsistencyRun) -> ConsistencyRun:
    if run.closed_at is None:
        run.closed_at = timezone.now()
        run.save(update_fields=["closed_at"])
    return run


@transaction.atomic
def consistency_answers_save(*, run: ConsistencyRun, member, choices: dict[int, str]) -> int:
    """Store (or change, while the run is open) a member's answers: item id → option key."""
    if not run.is_open:
        raise ConsistencyError(_("This consistency check is closed; answers can no longer change."))
    items = {item.pk: item for item in run.questionnaire.items.all()}
    if set(choices) != set(items):
        raise ConsistencyError(_("Answer every question."))
    now = timezone.now()
    rows = []
    for item_id, key in choices.items():
        if key not in {o["key"] for o in items[item_id].options}:
            raise ConsistencyError(_("That is not one of the options."))
        rows.append(ConsistencyAnswer(run=run, item=items[item_id], member=member, option_key=key, answered_at=now))
    ConsistencyAnswer.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["run", "item", "member"],
        update_fields=["option_key", "answered_at"],
    )
    return len(rows)
