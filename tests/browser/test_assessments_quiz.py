"""A trainee takes a lesson quiz in the browser: htmx swaps each question and its feedback into
the quiz panel without leaving the page (the no-JavaScript path is covered by client tests)."""

from playwright.sync_api import expect

from .conftest import sign_in


def fill_question(form):
    """Answer whatever question the form shows (the answer need not be right)."""
    fieldset = form.locator("fieldset.question")
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
