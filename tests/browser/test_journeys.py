import re
import sqlite3
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from .conftest import sign_in


@pytest.mark.parametrize(
    "username,path,heading_pl,heading_en",
    [
        ("trainee", "/learning/", "Moja nauka", "My learning"),
        ("trainer", "/trainer/", "Konsola trenera", "Trainer console"),
        ("manager", "/dashboard/", "Pulpit zespołu", "Team dashboard"),
        ("admin", "/dashboard/", "Pulpit zespołu", "Team dashboard"),
    ],
)
def test_role_journey(page, server, username, path, heading_pl, heading_en):
    sign_in(page, server, username)
    expect(page).to_have_url(server + "/pl" + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading_pl)
    page.get_by_test_id("lang-en").click()
    expect(page).to_have_url(server + "/en" + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading_en)
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/en/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_wrong_password_shows_a_clear_message(page, server):
    sign_in(page, server, "trainee2", "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("Wprowadź poprawne")
    expect(page.get_by_label("Nazwa użytkownika")).to_have_value("trainee2")


def test_announcement_arrives_live_in_another_browser(browser, server):
    trainee_context, trainer_context = browser.new_context(), browser.new_context()
    trainee, trainer = trainee_context.new_page(), trainer_context.new_page()
    sign_in(trainee, server, "anna")
    expect(trainee.locator("body[data-team-socket=open]")).to_have_count(1)
    sign_in(trainer, server, "trainer")
    trainer.get_by_role("link", name="Kontakt Warszawa").click()
    expect(trainer.locator("body[data-team-socket=open]")).to_have_count(1)
    trainer.get_by_label("Ogłoszenie").fill("Symulacja o 14:00 w sali 2")
    trainer.get_by_role("button", name="Opublikuj").click()
    expect(trainee.locator("[data-announcements]")).to_contain_text("Symulacja o 14:00 w sali 2")
    expect(trainer.get_by_label("Ogłoszenie")).to_have_value("")
    trainee_context.close()
    trainer_context.close()


def test_a_page_whose_socket_dropped_catches_up(page, server, server_database):
    """An announcement posted while a page's socket was down shows once it reconnects."""
    page.add_init_script(
        "window.__sockets = []; const Native = window.WebSocket;"
        "window.WebSocket = function (url) { const s = new Native(url); window.__sockets.push(s); return s; };"
        "window.WebSocket.OPEN = Native.OPEN;"
    )
    sign_in(page, server, "anna")
    expect(page.locator("body[data-team-socket=open]")).to_have_count(1)
    # Posted without any socket hearing of it, as if it came while this page was offline.
    database = sqlite3.connect(server_database.removeprefix("sqlite:///"))
    with database:
        database.execute(
            "INSERT INTO academy_announcement (team_id, author_id, text, client_id, created_at) "
            "SELECT t.id, u.id, 'Zmiana grafiku na piątek', '', ? FROM academy_team t, academy_user u "
            "WHERE t.slug = 'kontakt-warszawa' AND u.username = 'trainer'",
            (datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" "),),
        )
    database.close()
    expect(page.locator("[data-announcements]")).not_to_contain_text("Zmiana grafiku na piątek")
    page.evaluate("window.__sockets.forEach((socket) => socket.close())")
    expect(page.locator("[data-announcements]")).to_contain_text("Zmiana grafiku na piątek", timeout=10_000)
