"""Trainer and trainee in their own browsers: the journey only a browser can prove."""

import re

from playwright.sync_api import expect

from .conftest import sign_in


def open_session(trainer, server, *, scores="live"):
    trainer.goto(server + "/pl/roleplay/new/")
    refund = trainer.locator("#id_scenario option", has_text="21").get_attribute("value")
    trainer.get_by_label("Scenariusz").select_option(refund)
    trainer.get_by_label("Uczestnik", exact=True).select_option(label="Tomasz Nowak")
    trainer.locator(f"input[name=score_visibility][value={scores}]").check()
    trainer.get_by_role("button", name="Otwórz poczekalnię").click()
    expect(trainer).to_have_url(re.compile(r"/pl/roleplay/\d+/$"))
    return trainer.url


def test_trainee_writes_customer_answers_trainer_scores_trainee_sees_it(browser, server):
    trainer_context, trainee_context = browser.new_context(), browser.new_context()
    trainer, trainee = trainer_context.new_page(), trainee_context.new_page()
    sign_in(trainer, server, "trainer")
    room_url = open_session(trainer, server)
    expect(trainer.locator("#room[data-connection=open]")).to_have_count(1)
    trainer.locator("[data-control=start]").click()
    expect(trainer.locator(".msg-customer")).to_have_count(1)

    sign_in(trainee, server, "trainee")
    trainee.goto(room_url)
    expect(trainee.locator("#room[data-connection=open]")).to_have_count(1)
    expect(trainee.locator(".msg-customer")).to_have_count(1)
    trainee.get_by_label("Twoja odpowiedź dla klienta").fill(
        "Bardzo przepraszam za te trzy tygodnie czekania. Sprawdzę przelew i oddzwonię dziś do 15:00.")
    trainee.get_by_role("button", name="Wyślij").click()
    expect(trainee.locator(".msg-trainee")).to_have_count(1)
    expect(trainee.locator(".msg-customer")).to_have_count(2)
    expect(trainee.get_by_label("Twoja odpowiedź dla klienta")).to_have_value("")

    # The trainer sees the message with the analyser's hints, and scores live.
    expect(trainer.locator(".msg-trainee .code-apology")).to_have_count(1)
    trainer.locator("[data-score-input=empathy][value='4']").check()
    expect(trainee.locator("[data-score-output=empathy]")).to_have_text("4")

    # The trainee's socket drops; a hint sent meanwhile arrives once after the reconnect.
    trainee.evaluate("window.roleplayRoom.socket().close()")
    trainer.get_by_label("Szepnij podpowiedź uczestnikowi").fill("Zaproponuj konkretny termin")
    trainer.get_by_role("button", name="Szepnij").click()
    expect(trainee.locator(".msg-hint")).to_have_count(1)
    expect(trainee.locator("#room[data-connection=open]")).to_have_count(1)
    expect(trainee.locator(".msg-hint")).to_have_count(1)

    trainer.locator("[data-control=end]").click()
    trainee.get_by_role("link", name=re.compile("Otwórz omówienie")).click()
    expect(trainee.get_by_role("heading", level=1)).to_contain_text("Omówienie")
    expect(trainee.locator("tr[data-trait=empathy] [data-col=trainer]")).to_contain_text("4")
    trainer_context.close()
    trainee_context.close()
