"""A trainee takes a lesson quiz in the browser: htmx swaps each question and its feedback into
the quiz panel without leaving the page (the no-JavaScript path is covered by client tests)."""

import sqlite3
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from .conftest import sign_in


def fill_question(form):
    """Answer whatever question the form shows (the answer need not be right)."""
    fieldset = form.locator("fieldset.question").first
    radios = fieldset.locator("input[type=radio]")
    checkboxes = fieldset.locator("input[type=checkbox]")
    selects = fieldset.locator("select")
    if fieldset.locator("input[name$='-best']").count():
        fieldset.locator("input[name$='-best']").first.check()
        fieldset.locator("input[name$='-worst']").last.check()
    elif radios.count():
        radios.first.check()
    elif checkboxes.count():
        checkboxes.first.check()
    elif selects.count():
        for index in range(selects.count()):
            select = selects.nth(index)
            options = select.locator("option")
            # Matching: any right-hand item; ordering: places 1..n in turn.
            select.select_option(index=min(index + 1, options.count() - 1))
    elif fieldset.locator("textarea").count():
        fieldset.locator("textarea").fill("Przepraszam za kłopot. Sprawdzę to dziś i oddzwonię przed 15:00.")
    else:
        fieldset.locator("input[type=text]").fill("80")


def test_trainee_takes_quiz_with_htmx_and_sees_feedback(page, server):
    sign_in(page, server, "anna")
    page.goto(server + "/en/quizzes/trait-empathy/")
    panel = page.get_by_test_id("quiz-panel")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Trait: Empathy")
    url = page.url
    panel.get_by_test_id("quiz-start").click()
    for _ in range(20):
        form = page.locator("form.question-form")
        expect(form.or_(page.get_by_test_id("quiz-finish"))).to_be_visible()
        if page.get_by_test_id("quiz-finish").is_visible():
            break
        fill_question(form)
        form.get_by_test_id("quiz-check").click()
        feedback = page.get_by_test_id("question-feedback")
        expect(feedback).to_be_visible()
        expect(feedback.get_by_test_id("verdict")).to_be_visible()
        assert page.url == url  # swapped in place by htmx, no navigation
        finish = page.get_by_test_id("quiz-finish")
        if finish.is_visible():
            break
        page.get_by_test_id("quiz-next").click()
        expect(page.get_by_test_id("question-feedback")).to_have_count(0)
    page.get_by_test_id("quiz-finish").click()
    expect(page.get_by_test_id("quiz-result")).to_be_visible()
    expect(page.get_by_test_id("result-verdict")).to_be_visible()
    assert page.url == url
    # The result survives a reload as a page of its own.
    page.goto(server + "/en/quizzes/results/")
    expect(page.get_by_test_id("my-attempts")).to_contain_text("Trait: Empathy")


def test_answers_typed_before_the_time_runs_out_are_sent_and_counted(page, server, server_database):
    """A timed quiz sends what the learner typed when its countdown ends, without a click."""
    sign_in(page, server, "marek")
    page.goto(server + "/pl/quizzes/three-goals/")
    page.get_by_test_id("quiz-start").click()
    form = page.locator("form[data-submit-at-deadline]")
    expect(form).to_be_visible()
    # The quiz gives 20 minutes; bring the deadline to a few seconds from now, then reload.
    database = sqlite3.connect(server_database.removeprefix("sqlite:///"))
    with database:
        (attempt_id,) = database.execute(
            "SELECT a.id FROM assessments_attempt a JOIN academy_user u ON u.id = a.learner_id "
            "WHERE u.username = 'marek' AND a.state = 'in_progress'"
        ).fetchone()
        deadline = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=6)
        database.execute("UPDATE assessments_attempt SET deadline = ? WHERE id = ?",
                         (deadline.isoformat(sep=" "), attempt_id))
    page.reload()
    page.get_by_test_id("quiz-continue").click()
    expect(page.get_by_test_id("timer")).to_contain_text("Pozostały czas:")
    fill_question(page.locator("form[data-submit-at-deadline]"))
    expect(page.get_by_test_id("quiz-result")).to_be_visible(timeout=20_000)
    with database:
        state, timed_out = database.execute(
            "SELECT state, timed_out FROM assessments_attempt WHERE id = ?", (attempt_id,)).fetchone()
        answered = database.execute(
            "SELECT COUNT(*) FROM assessments_answer WHERE attempt_id = ? AND response NOT IN ('{}', 'null', '')",
            (attempt_id,)).fetchone()[0]
    database.close()
    assert state != "in_progress" and not timed_out  # sent in time, as a submit
    assert answered >= 1
