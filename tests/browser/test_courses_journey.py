"""Courses in a real browser: the learner's journey, htmx flows, the admin, accessibility."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"


def serious_accessibility_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_trainee_reads_reflects_completes_switches_language_and_resumes(browser, server):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, "piotr")
    expect(page).to_have_url(server + "/pl/learning/")
    assigned = page.get_by_test_id("assigned-courses")
    card = assigned.locator("[data-course=ten-traits]")
    expect(card).to_contain_text("Dziesięć cech dobrej obsługi klienta")
    expect(card).to_contain_text("Termin:")
    card.get_by_role("link", name=re.compile("Dziesięć cech", re.I)).first.click()
    page.get_by_test_id("resume").click()
    expect(page).to_have_url(server + "/pl/learn/ten-traits/introduction/")

    reflection = page.locator("section.reflection")
    reflection.locator("textarea").fill("Zapamiętuję, jak ktoś mnie wysłuchał do końca.")
    reflection.get_by_role("button", name="Zapisz odpowiedź").click()
    expect(page.locator("section.reflection [role=status]")).to_have_text("Zapisano")

    page.get_by_test_id("complete-lesson").click()
    expect(page.get_by_test_id("course-progress")).to_have_text("Ukończone lekcje: 1 z 11")
    expect(page.locator("#lesson-status")).to_contain_text("Lekcja ukończona")

    page.get_by_test_id("next-lesson").click()
    expect(page).to_have_url(server + "/pl/learn/ten-traits/communication/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kompetencja komunikacyjna i kultura osobista")
    expect(page.locator("[data-lesson-heading]")).to_be_focused()

    page.get_by_test_id("lang-en").click()
    expect(page).to_have_url(server + "/en/learn/ten-traits/communication/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Communication competence and personal culture")
    page.get_by_role("link", name="Ten traits of good customer service").first.click()
    expect(page.get_by_test_id("resume")).to_have_text("Continue: Communication competence and personal culture")

    # later, in a new browser session, the course resumes where the learner stopped
    context.close()
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, "piotr")
    page.get_by_test_id("assigned-courses").locator("[data-course=ten-traits]").get_by_role(
        "link", name=re.compile("Kontynuuj")
    ).click()
    expect(page).to_have_url(server + "/pl/learn/ten-traits/communication/")
    expect(page.locator(".lesson-outline")).to_contain_text("Ukończone lekcje: 1 z 11")
    context.close()

    trainer_context = browser.new_context()
    trainer = trainer_context.new_page()
    sign_in(trainer, server, "trainer")
    trainer.goto(server + "/pl/courses/reflections/")
    expect(trainer.locator(".reflection-list")).to_contain_text("Zapamiętuję, jak ktoś mnie wysłuchał do końca.")
    expect(trainer.locator(".reflection-list")).to_contain_text("Piotr Zieliński")
    trainer_context.close()


def test_calculator_explains_the_result_and_the_mistake(page, server):
    sign_in(page, server, "trainee2")
    page.goto(server + "/en/learn/three-goals/demand-and-service-level/")
    calculator = page.locator("section.calculator")
    calculator.get_by_label("Incoming contacts").fill("1200")
    calculator.get_by_label("Contacts handled within the time threshold").fill("1500")
    calculator.get_by_role("button", name="Calculate").click()
    expect(page.locator("section.calculator .field-error")).to_contain_text("cannot outnumber")
    expect(page.locator("section.calculator").get_by_label("Incoming contacts")).to_have_value("1200")
    page.locator("section.calculator").get_by_label("Contacts handled within the time threshold").fill("960")
    page.locator("section.calculator").get_by_role("button", name="Calculate").click()
    result = page.get_by_test_id("calc-result")
    expect(result).to_contain_text("Service Level: 80%")
    expect(result).to_contain_text("240 customers (20%) waited longer")
    expect(result).to_be_focused()
    expect(page).to_have_url(server + "/en/learn/three-goals/demand-and-service-level/")


def test_lessons_work_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, server, "marek")
    page.goto(server + "/pl/learn/ultra-distance/no-finish-line/")
    page.get_by_test_id("next-lesson").click()
    expect(page).to_have_url(server + "/pl/learn/ultra-distance/create-not-copy/")
    page.get_by_test_id("complete-lesson").click()
    expect(page).to_have_url(server + "/pl/learn/ultra-distance/humility/")
    expect(page.locator(".messages")).to_contain_text("Lekcja ukończona.")
    expect(page.get_by_test_id("course-progress")).to_have_text("Ukończone lekcje: 1 z 8")
    page.goto(server + "/pl/learn/three-goals/first-contact-resolution/")
    calculator = page.locator("section.calculator")
    calculator.get_by_label("Wszystkie sprawy").fill("2000")
    calculator.get_by_label("Sprawy rozwiązane przy pierwszym kontakcie").fill("1560")
    calculator.get_by_role("button", name="Oblicz").click()
    expect(page.get_by_test_id("calc-result")).to_contain_text("FCR wynosi 78%")
    context.close()


def test_trainer_edits_a_lesson_in_the_admin_and_sees_it_live(page, server):
    sign_in(page, server, "trainer2")
    page.goto(server + "/pl/learn/ten-traits/discretion/")
    page.get_by_test_id("edit-in-admin").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    page.locator("textarea[name=intro]").fill("Dyskrecja w praktyce — wstęp poprawiony przez trenera.")
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    page.locator("button[name=action-publish]").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/$"))
    page.goto(server + "/pl/learn/ten-traits/discretion/")
    expect(page.locator(".lesson-header .lead")).to_have_text("Dyskrecja w praktyce — wstęp poprawiony przez trenera.")


def test_trainees_cannot_reach_the_admin(page, server):
    sign_in(page, server, "trainee2")
    expect(page.get_by_test_id("edit-in-admin")).to_have_count(0)
    page.goto(server + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))


@pytest.mark.parametrize(
    "username,path",
    [
        ("marek", "/pl/learning/"),
        ("marek", "/en/learning/"),
        ("marek", "/pl/learn/"),
        ("marek", "/pl/learn/three-goals/"),
        ("marek", "/en/learn/ten-traits/empathy/"),
        ("marek", "/pl/learn/three-goals/csat-and-nps/"),
        ("marek", "/pl/courses/search/?q=empatia"),
        ("trainer2", "/pl/courses/assign/"),
        ("trainer2", "/en/courses/reflections/"),
    ],
)
def test_course_pages_have_no_serious_accessibility_violations(page, server, username, path):
    sign_in(page, server, username)
    page.goto(server + path)
    expect(page.locator("main h1")).to_be_visible()
    assert serious_accessibility_violations(page) == []


def test_lesson_after_htmx_swaps_has_no_serious_accessibility_violations(page, server):
    sign_in(page, server, "marek")
    page.goto(server + "/pl/learn/three-goals/sla/")
    calculator = page.locator("section.calculator")
    calculator.get_by_role("button", name="Oblicz").click()  # empty: errors shown
    expect(page.locator("section.calculator .field-error").first).to_be_visible()
    page.locator("section.reflection").get_by_role("button", name="Zapisz odpowiedź").click()
    expect(page.locator("section.reflection .field-error")).to_be_visible()
    page.get_by_test_id("complete-lesson").click()
    expect(page.locator("#lesson-status")).to_contain_text("Lekcja ukończona")
    assert serious_accessibility_violations(page) == []


def test_passing_the_quiz_shows_the_lesson_completed_without_a_reload(page, server):
    sign_in(page, server, "trainee2")
    page.goto(server + "/pl/learn/ten-traits/courage/")
    expect(page.get_by_test_id("quiz-panel")).to_be_visible()
    expect(page.get_by_test_id("complete-lesson")).to_be_visible()
    # What passing the quiz does on the server (the quiz_passed receiver), then the quiz panel's
    # HX-Trigger event in the browser:
    page.evaluate(
        """async () => {
            const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
            const form = document.querySelector("#lesson-status form");
            await fetch(form.action, {method: "POST", headers: {"X-CSRFToken": token}});
            document.body.dispatchEvent(new CustomEvent("quizPassed", {bubbles: true}));
        }"""
    )
    expect(page.locator("#lesson-status")).to_contain_text("Ta lekcja jest ukończona.")
    expect(page.get_by_test_id("course-progress")).to_contain_text("Ukończone lekcje: 1 z 11")
