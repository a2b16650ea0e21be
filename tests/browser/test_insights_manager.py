"""The demo manager's day: the heatmap, a trainee's profile and where each number came from, a
readiness verdict with reasons, an observation, the self-assessment radar, CSV and xAPI downloads
— and no way into the other team's data."""

import csv
import io
import json
import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import sign_in

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"


def serious_accessibility_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_manager_reads_the_team_and_a_trainee(page, server):
    sign_in(page, server, "manager")
    expect(page).to_have_url(server + "/pl/dashboard/")
    heatmap = page.get_by_test_id("heatmap")
    expect(heatmap.locator("tr[data-trainee]")).to_have_count(3)
    expect(heatmap).to_contain_text("Tomasz Nowak")
    expect(heatmap).not_to_contain_text("Marek Lewandowski")  # Kraków
    piotr = heatmap.locator("tr[data-trainee=piotr]")
    expect(piotr.locator("[data-verdict=not_ready]")).to_be_visible()
    expect(piotr.locator(".reasons")).to_contain_text("Kurs „Dziesięć cech dobrej obsługi klienta” nieukończony")
    expect(piotr.locator(".reasons")).to_contain_text("wymagane")
    expect(heatmap.locator("[data-verdict=ready]").first).to_be_visible()
    # The trends panel arrives after the page, with its chart drawn.
    expect(page.get_by_test_id("trends")).to_be_visible()
    expect(page.locator("#trend-chart[data-drawn]")).to_have_count(1)
    expect(page.get_by_test_id("ready-count")).to_contain_text("z 3")
    assert serious_accessibility_violations(page) == []

    # A filter swaps the heatmap in place and keeps the address shareable.
    page.get_by_label("Okres").select_option("30")
    expect(page).to_have_url(re.compile(r"/pl/dashboard/\?.*period=30"))
    expect(page.locator("#trends-region #trend-chart[data-drawn]")).to_have_count(1)

    # Drill down: Piotr's profile says where his empathy level came from.
    page.get_by_role("link", name="Piotr Zieliński").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Piotr Zieliński")
    expect(page.get_by_test_id("verdict")).to_contain_text("Niegotowy")
    story = page.get_by_test_id("story-empathy")
    expect(story).to_have_attribute("open", "")  # below the minimum: open
    expect(story.locator("canvas[data-drawn]")).to_have_count(1)
    debrief = story.locator("tr[data-source=roleplay_trainer] a").first
    expect(debrief).to_be_visible()
    debrief.click()
    expect(page).to_have_url(re.compile(r"/roleplay/\d+/debrief/$"))
    page.go_back()

    # An observation becomes evidence of that competency.
    form = page.get_by_test_id("observation-form")
    form.get_by_label("Kompetencja").select_option(label="Poczucie humoru")
    form.get_by_label("4", exact=True).check()
    form.get_by_label("Co zaobserwowałeś(-aś)").fill("Żartem rozładował napięcie i wrócił do konkretów.")
    form.get_by_role("button", name="Zapisz obserwację").click()
    expect(page).to_have_url(re.compile(r"#competency-humour$"))
    expect(page.locator(".messages")).to_contain_text("Obserwacja zapisana")
    humour = page.get_by_test_id("story-humour")
    humour.locator("summary").click()
    expect(humour.locator("tr[data-source=observation]").first).to_contain_text("Żartem rozładował napięcie")


def test_manager_downloads_csv_and_xapi(page, server):
    sign_in(page, server, "manager")
    with page.expect_download() as download:
        page.get_by_test_id("download-matrix").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert {row[1] for row in rows[1:]} == {"trainee", "anna", "piotr"}  # usernames, Warszawa only
    assert "Niegotowy" in rows[0][-3] or "Gotowość" in rows[0]

    page.get_by_role("link", name="Eksporty (CSV, xAPI)").click()
    with page.expect_download() as download:
        page.get_by_test_id("export-progress").click()
    assert "Piotr Zieliński" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    with page.expect_download() as download:
        page.get_by_test_id("export-xapi").click()
    statements = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert statements and {s["verb"]["display"]["en-US"] for s in statements} >= {"completed"}
    assert all(s["version"] == "1.0.3" and s["context"]["registration"] for s in statements)


def test_manager_sees_the_self_assessment_radar(page, server):
    sign_in(page, server, "manager")
    page.get_by_role("link", name="Samoocena środowiska obsługi").click()
    page.get_by_role("link", name="Kontakt Warszawa", exact=True).click()
    expect(page.locator("#environment-radar[data-drawn]")).to_have_count(1)
    expect(page.get_by_test_id("diverging").locator("li")).to_have_count(3)
    expect(page.get_by_test_id("environment-table")).to_contain_text("Procedury")
    assert serious_accessibility_violations(page) == []


def test_trainee_answers_the_self_assessment(page, server):
    sign_in(page, server, "anna")
    page.goto(server + "/pl/insights/environment/")
    page.get_by_role("link", name=re.compile("Kontakt Warszawa")).click()
    form = page.get_by_test_id("environment-form")
    form.get_by_role("button").click()  # answered before by the demo: the form keeps the answers
    expect(page.locator(".messages")).to_contain_text("Dziękujemy")


def test_no_url_leads_into_the_other_team(browser, server):
    other = browser.new_context()
    other_page = other.new_page()
    sign_in(other_page, server, "manager2")
    krakow_team = other_page.get_by_label("Zespół").input_value()
    marek = other_page.locator("tr[data-trainee=marek] th a").get_attribute("href")
    other_page.goto(server + "/pl/insights/environment/")
    link = other_page.get_by_role("link", name="Kontakt Kraków", exact=True)
    survey = link.get_attribute("href")
    other.close()

    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, "manager")
    for path in (f"/pl/dashboard/?team={krakow_team}", marek, f"/pl/insights/teams/{krakow_team}/exports/",
                 f"/pl/insights/teams/{krakow_team}/exports/competencies.csv",
                 f"/pl/insights/teams/{krakow_team}/readiness/", survey):
        response = page.goto(server + path)
        assert response.status in (403, 404), path
    context.close()
