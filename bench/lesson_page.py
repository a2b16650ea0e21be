"""Serving a lesson page against serving a bare Wagtail page, in the same run.

    .venv/bin/python bench/lesson_page.py                      # 300 requests of each, interleaved
    .venv/bin/python bench/lesson_page.py --requests 1000
    .venv/bin/python bench/lesson_page.py --lesson /en/learn/three-goals/csat-and-nps/

Runs on a throw-away SQLite test database (the test settings) with the whole shipped curriculum,
the competencies and the quizzes loaded, through Django's test client, so it measures the whole
request on the server: middleware, session, routing, Wagtail's view and its hooks, the lesson's
progress tracking (every view writes the learner's "last seen"), the learner's reflections and
quiz attempts and their parts of the page. The page is the same for every learner but for those
parts, so it comes from a shell rendered once per published state (see courses/shells.py): the
timed requests measure a warm cache, and the script also times the first views after a change
of content (the shell and the blocks rendered again). The bare page is a plain
`wagtailcore.Page` with Wagtail's own one-line template, served by the same Wagtail view under
the same /<lang>/learn/ prefix (as the root of a second site), fetched by the same signed-in
user. Requests alternate lesson / bare, so both see the same machine conditions. Targets:
lesson p50 ≤ 1.3 × bare p50, lesson ≤ 15 queries.
"""

import argparse
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
from django.test.utils import CaptureQueriesContext  # noqa: E402

BARE_PORT = 8081
LESSON_TARGET_RATIO = 1.3
LESSON_TARGET_QUERIES = 15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests of each page (default 300)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--lesson", default="/pl/learn/ten-traits/empathy/", help="path of the lesson to serve")
    args = parser.parse_args()
    # Not setup_test_environment(): its instrumented template rendering copies every context
    # for the test client and would triple the cost of template-heavy pages.
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def prepare():
    from wagtail.models import Page, Site

    from academy.models import Role, Team, User
    from academy.services import membership_add

    started = time.perf_counter()
    call_command("seed_demo", verbosity=0)  # people, competencies, quizzes, the whole curriculum
    team = Team.objects.get(slug="kontakt-warszawa")
    learner = User.objects.create_user("bench-learner", password="bench-pass-12345")
    membership_add(team=team, user=learner, role=Role.TRAINEE)
    root = Page.get_first_root_node()
    bare = root.add_child(instance=Page(title="Bare page", slug="bare-page"))
    bare.save_revision().publish()
    Site.objects.create(hostname="localhost", port=BARE_PORT, site_name="Bare", root_page=bare)
    print(f"setup: migrated, seeded and loaded the curriculum in {time.perf_counter() - started:.1f} s")
    return learner


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run(args) -> None:
    from django.test import Client

    learner = prepare()
    client = Client()
    client.force_login(learner)
    pages = {
        "lesson": (args.lesson, {"HTTP_HOST": "localhost"}),
        "bare Wagtail page": ("/pl/learn/", {"HTTP_HOST": f"localhost:{BARE_PORT}", "SERVER_PORT": str(BARE_PORT)}),
    }
    queries, sizes = {}, {}
    for name, (path, headers) in pages.items():
        for _ in range(args.warmup):
            response = client.get(path, **headers)
            assert response.status_code == 200, f"{name} {path}: HTTP {response.status_code}"
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, **headers)
        queries[name], sizes[name] = len(captured), len(response.content)
    assert b"Bare page" in client.get("/pl/learn/", **pages["bare Wagtail page"][1]).content

    timings = {name: [] for name in pages}
    for _ in range(args.requests):
        for name, (path, headers) in pages.items():
            started = time.perf_counter()
            client.get(path, **headers)
            timings[name].append((time.perf_counter() - started) * 1000)

    print(f"{args.requests} requests each, interleaved, Django test client (server time only), SQLite")
    print(f"{'page':<20} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'queries':>8} {'HTML KiB':>9}")
    for name in pages:
        values = timings[name]
        print(f"{name:<20} {percentile(values, .5):>8.2f} {percentile(values, .99):>8.2f} "
              f"{statistics.fmean(values):>8.2f} {queries[name]:>8} {sizes[name] / 1024:>9.1f}")
    lesson, bare = timings["lesson"], timings["bare Wagtail page"]
    ratio50 = percentile(lesson, .5) / percentile(bare, .5)
    ratio99 = percentile(lesson, .99) / percentile(bare, .99)
    print(f"ratio lesson / bare: p50 {ratio50:.2f}×, p99 {ratio99:.2f}×  (target ≤ {LESSON_TARGET_RATIO}×)")
    print(f"lesson queries: {queries['lesson']}  (target ≤ {LESSON_TARGET_QUERIES})")
    cold, bare_again = first_views_after_a_change(client, pages, count=min(args.requests, 100))
    print(f"lesson, first view after a change of content (shell and blocks rendered again): p50 {percentile(cold, .5):.2f} ms, "
          f"{percentile(cold, .5) / percentile(bare_again, .5):.2f}× the bare page")


def first_views_after_a_change(client, pages, *, count):
    """A published edit, a renamed competency or image changes the content version: the next
    view renders the shell and the blocks again (the outline and the competencies: two more
    queries). Interleaved with the bare page, like the main measurement."""
    from courses.fragments import content_version_change

    timings = {name: [] for name in pages}
    for _ in range(count):
        content_version_change()
        for name, (path, headers) in pages.items():
            started = time.perf_counter()
            client.get(path, **headers)
            timings[name].append((time.perf_counter() - started) * 1000)
    return timings["lesson"], timings["bare Wagtail page"]


if __name__ == "__main__":
    main()
