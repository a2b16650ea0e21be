"""How long submitting a quiz takes, and how many queries, as the quiz grows.

    .venv/bin/python bench/quiz_submit.py              # 10, 25, 50 and 100 questions, 20 runs each
    .venv/bin/python bench/quiz_submit.py --runs 50

Runs on a throw-away SQLite test database (the test settings), through Django's test client,
so it measures the whole request: parsing the form, grading, storing the answers and the
competency evidence (two competencies per question), scoring the attempt. The query count must
not grow with the number of questions (tests/assessments/test_submissions.py asserts ≤ 20).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def question(slug: str) -> dict:
    return {
        "slug": slug, "type": "single", "category": "bench/basics",
        "competencies": {"empathy": 1.0, "kindness": 0.5},
        "options": [{"key": k, "correct": k == "a", "pl": {"text": k, "feedback": k}, "en": {"text": k, "feedback": k}}
                    for k in "abcd"],
        "pl": {"text": slug}, "en": {"text": slug},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sizes", default="10,25,50,100")
    args = parser.parse_args()
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def run(args) -> None:
    from django.test import Client
    from django.urls import reverse

    from academy.models import User
    from assessments.models import Attempt, Question, Quiz, QuizQuestion
    from assessments.services import bank_import

    call_command("load_competencies", verbosity=0)
    print(f"{'questions':>9} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for size in [int(s) for s in args.sizes.split(",")]:
        slugs = [f"bench-{size}-{n}" for n in range(size)]
        bank_import(text=json.dumps([question(s) for s in slugs]), bank_name="bench")
        quiz = Quiz.objects.create(slug=f"bench-{size}", title_pl="B", title_en="B", attempt_limit=None,
                                   feedback="at_end", shuffle=True)
        QuizQuestion.objects.bulk_create(QuizQuestion(quiz=quiz, question=q, sort_order=i)
                                         for i, q in enumerate(Question.objects.filter(slug__in=slugs)))
        user = User.objects.create_user(f"bench{size}", password="x")
        client = Client()
        client.force_login(user)
        timings, queries = [], []
        for _ in range(args.runs):
            client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
            attempt = Attempt.objects.get(learner=user, quiz=quiz, state="in_progress")
            data = {f"q{qid}": "a" for qid in attempt.slots.values_list("question_id", flat=True)}
            url = reverse("assessments:attempt_submit", args=[attempt.pk])
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.post(url, data)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
            queries.append(len(ctx.captured_queries))
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{size:>9} {max(queries):>8} {statistics.median(timings):>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
