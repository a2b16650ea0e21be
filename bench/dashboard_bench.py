"""How the team dashboard and the CSV export hold up as a team grows to 5,000 trainees.

    .venv/bin/python bench/dashboard_bench.py                       # 100, 1,000 and 5,000 trainees
    .venv/bin/python bench/dashboard_bench.py --sizes 100,1000 --requests 50
    DATABASE_URL=postgres://… .venv/bin/python bench/dashboard_bench.py   # on PostgreSQL

One team grows through the sizes; every trainee has 20 pieces of evidence spread over the 14
competencies and the last 120 days, progress in the shipped courses, and one in ten a finished
roleplay. The team has readiness rules (two courses, four minimum levels). Requests go through
Django's test client as the team's manager, on a throw-away test database (SQLite file by
default), so each figure is a whole request: session, access checks, queries, Python work and
the template. Printed per size: p50 and p95 in milliseconds and the number of queries, for

- the dashboard (page 1 of the heatmap, 50 trainees; what a manager opens),
- the dashboard's page 20 (the last page at 1,000),
- the trends panel loaded after the page (the whole team's history),
- the competency-matrix CSV and the progress CSV (the whole team),

the last three "cold" (computed: the first request after any change in the team: the cache is
emptied and one trainee has a new piece of evidence and more time in a lesson, so the levels,
course states and export lines kept in LevelSummary, ProgressSummary and ExportRow are current
for everyone but that trainee) and "cached" (the same team again: served from the cache under
the team's fingerprint); and the CSVs "rebuilt", with nothing kept current (the first export
after a bulk import, before `manage.py summaries_rebuild`).

Targets (issue #6): p95 ≤ 300 ms at 5,000 trainees for the dashboard and, cold, for both CSV
exports, and a query count that does not grow with the team (tests/insights/test_dashboard.py
and test_exports.py assert the same count for a small and a larger team).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
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

EVIDENCE_PER_TRAINEE = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--requests", type=int, default=30, help="requests per page and size")
    parser.add_argument("--export-requests", type=int, default=10, help="requests per export and size")
    args = parser.parse_args()
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def seed_content():
    from wagtail.models import Locale

    for code in ("pl", "en"):
        Locale.objects.get_or_create(language_code=code)
    for command in ("load_competencies", "load_assessments", "load_curriculum", "load_scenarios"):
        call_command(command, verbosity=0)


def grow_team(team, start: int, size: int, *, rng, now, competencies, courses, scenario, trainer):
    """Add trainees start..size-1 with their evidence, progress and roleplays, in bulk."""
    from academy.models import Membership, Role, User
    from assessments.models import Evidence
    from courses.models import LessonProgress
    from roleplay.models import RoleplaySession

    users = User.objects.bulk_create([
        User(username=f"bench{i:05d}", first_name="Trainee", last_name=f"Bench {i:05d}") for i in range(start, size)
    ])
    Membership.objects.bulk_create([Membership(team=team, user=u, role=Role.TRAINEE) for u in users])
    evidence, progress, sessions = [], [], []
    for user in users:
        for n in range(EVIDENCE_PER_TRAINEE):
            competency = competencies[(n + user.pk) % len(competencies)]
            evidence.append(Evidence(
                learner=user, competency=competency, score=rng.random(), weight=rng.choice((0.5, 1.0)),
                source=rng.choice(("quiz", "quiz", "roleplay_trainer", "observation")), reference=f"bench:{n}",
                created_at=now - timedelta(days=rng.uniform(0, 120)),
            ))
        for course in courses:
            for lesson_key in course.lesson_keys[: rng.randrange(0, len(course.lesson_keys) + 1)]:
                done = now - timedelta(days=rng.uniform(0, 60))
                progress.append(LessonProgress(learner=user, lesson_key=lesson_key, course_key=course.key,
                                               started_at=done, last_seen_at=done, completed_at=done,
                                               seconds_spent=rng.randrange(60, 900)))
        if user.pk % 10 == 0:
            ended = now - timedelta(days=rng.uniform(0, 60))
            sessions.append(RoleplaySession(scenario=scenario, team=team, trainee=user, trainer=trainer,
                                            status="ended", started_at=ended, ended_at=ended, outcome="resolved"))
    Evidence.objects.bulk_create(evidence, batch_size=5000)
    LessonProgress.objects.bulk_create(progress, batch_size=5000)
    RoleplaySession.objects.bulk_create(sessions, batch_size=2000)


def measure(client, path: str, runs: int, *, before=None) -> tuple[float, float, float, int, int]:
    """p50 and p95 in ms, the median CPU time of this process in ms, the query count, and the
    size of the response in bytes. On a busy machine wall times wander; CPU time does not.

    `before`: called before each request, outside the measured time (to make it cold).
    """
    times, cpu, queries, size = [], [], set(), 0
    client.get(path)  # warm: templates compiled, caches filled
    for _ in range(runs):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as ctx:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            body = response.content
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries.add(len(ctx))
        size = len(body)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return statistics.median(times), p95, statistics.median(cpu), max(queries), size


def change_in_the_team(team, competency):
    """What happens between two cold requests: the cache is emptied and one trainee (a
    different one each time) has a new piece of evidence."""
    from itertools import count

    from django.core.cache import cache
    from django.db.models import F

    from academy.models import Membership, Role, User
    from assessments.services import evidence_record
    from courses.models import LessonProgress

    numbers = count()

    def change():
        cache.clear()
        n = next(numbers)
        trainees = Membership.objects.filter(team=team, role=Role.TRAINEE).order_by("pk").values_list("user", flat=True)
        learner = User(pk=trainees[n % 100])
        evidence_record(learner=learner, competency=competency, score=0.5, source="quiz", reference=f"bench-change:{n}")
        LessonProgress.objects.filter(pk=LessonProgress.objects.filter(learner=learner).values("pk")[:1]).update(
            seconds_spent=F("seconds_spent") + 30)

    return change


def nothing_kept():
    """Every kept level, course state and export line out of date, as after a bulk import, and
    the cache emptied."""
    from django.core.cache import cache

    from insights.models import ExportRow, LevelSummary, ProgressSummary

    cache.clear()
    LevelSummary.objects.update(computed_version=-1)
    ProgressSummary.objects.update(computed_version=-1)
    ExportRow.objects.all().delete()


def report(size, name, p50, p95, cpu, queries, nbytes) -> None:
    print(f"{size:>9} {name:<20} {p50:>8.1f} {p95:>8.1f} {cpu:>8.1f} {queries:>8} {nbytes / 1024:>7.0f}", flush=True)


def run(args) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone, translation

    from academy.models import Role, Team, User
    from academy.services import membership_add
    from assessments.models import Competency
    from insights.selectors import live_courses
    from insights.services import readiness_rules_save
    from roleplay.models import Scenario

    started = time.perf_counter()
    seed_content()
    print(f"content loaded in {time.perf_counter() - started:.1f} s "
          f"({connection.vendor}, {EVIDENCE_PER_TRAINEE} evidence rows per trainee)")
    rng = random.Random(6)
    now = timezone.now()
    team = Team.objects.create(name="Bench", slug="bench")
    manager = User.objects.create_user("bench-manager", password="x")
    trainer = User.objects.create_user("bench-trainer", password="x")
    membership_add(team=team, user=manager, role=Role.MANAGER)
    membership_add(team=team, user=trainer, role=Role.TRAINER)
    competencies = list(Competency.objects.order_by("pk"))
    with translation.override("pl"):
        courses = live_courses()
    scenario = Scenario.objects.first()
    by_slug = {c.slug: c for c in competencies}
    readiness_rules_save(
        team=team, course_keys=[c.key for c in courses[:2]],
        minimums={by_slug[s]: 3.0 for s in ("information", "kindness", "humour", "empathy")}, updated_by=manager,
    )
    client = Client()
    client.force_login(manager)
    with translation.override("pl"):
        pages = {
            "dashboard p1": reverse("team_dashboard"),
            "dashboard p20": reverse("team_dashboard") + "?page=20",
            "trends": reverse("insights:team_trends", args=[team.pk]),
            "matrix CSV": reverse("insights:export_matrix", args=[team.pk]),
            "progress CSV": reverse("insights:export_progress", args=[team.pk]),
        }
    cached = {"trends", "matrix CSV", "progress CSV"}
    change = change_in_the_team(team, by_slug["empathy"])
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'trainees':>9} {'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8} {'queries':>8} {'KiB':>7}")
    done = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        grow_team(team, done, size, rng=rng, now=now, competencies=competencies, courses=courses,
                  scenario=scenario, trainer=trainer)
        done = size
        with connection.cursor() as cursor:  # table statistics, as autovacuum would keep them
            cursor.execute("ANALYZE")
        for name, path in pages.items():
            if name == "dashboard p20" and size < 1000:
                continue
            if name in cached:
                report(size, name + " cold", *measure(client, path, args.export_requests, before=change))
                report(size, name + " cached", *measure(client, path, args.export_requests))
                if name != "trends":
                    report(size, name + " rebuilt", *measure(client, path, 3, before=nothing_kept))
                continue
            report(size, name, *measure(client, path, args.requests))


if __name__ == "__main__":
    main()
