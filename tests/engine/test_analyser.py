"""The behaviour analyser: codes, spans, Polish inflection, negation, determinism."""

import pytest

from roleplay.engine import CODES, Behaviour, analyse


def codes(text, lang):
    return {b.code for b in analyse(text, lang)}


def span_of(text, lang, code):
    return [b.text for b in analyse(text, lang) if b.code == code]


# One or more examples per code and language: (lang, text, code, expected span text).
EXAMPLES = [
    ("pl", "Dzień dobry, w czym mogę pomóc?", "greeting", "Dzień dobry"),
    ("en", "Good afternoon, how can I help?", "greeting", "Good afternoon"),
    ("pl", "Przepraszam za ten kłopot.", "apology", "Przepraszam"),
    ("pl", "Proszę przyjąć nasze przeprosiny.", "apology", "przeprosiny"),
    ("pl", "Przepraszamy za opóźnienie.", "apology", "Przepraszamy"),
    ("pl", "Bardzo mi przykro.", "apology", "przykro"),
    ("en", "Please accept our apologies for the delay.", "apology", "apologies"),
    ("en", "I'm so sorry about that.", "apology", "sorry"),
    ("pl", "Wyobrażam sobie, jakie to stresujące.", "empathy", "Wyobrażam sobie"),
    ("pl", "Rozumiem Pana frustrację.", "empathy", "Rozumiem"),
    ("en", "I can only imagine how stressful this is.", "empathy", "imagine"),
    ("en", "You have every right to be upset.", "empathy", "every right"),
    ("pl", "Widzę w systemie, że przelew został zlecony wczoraj.", "information", "Widzę w systemie, że"),
    ("pl", "Opłata 75 dolarów dotyczy zwrotu w innym mieście.", "information", "Opłata 75 dolarów dotyczy"),
    ("en", "I can see that the payment has not been released yet.", "information", "I can see that"),
    ("en", "We don't carry that brand, but the shop next door does.", "information", "n't carry that"),
    ("pl", "Odpowiedź dostanie Pan jutro do 12:00.", "timeline", "jutro do 12:00"),
    ("pl", "Przelew wyjdzie najpóźniej w piątek.", "timeline", "najpóźniej w piątek"),
    ("pl", "Oddzwonię w ciągu godziny.", "timeline", "w ciągu godziny"),
    ("pl", "Sprawdzę to za 15 minut.", "timeline", "za 15 minut"),
    ("en", "I'll email you the invoice by noon tomorrow.", "timeline", "by noon"),
    ("en", "The refund will arrive within two working days.", "timeline", "within two working days"),
    ("pl", "Osobiście dopilnuję, żeby pieniądze wróciły.", "ownership", "dopilnuję"),
    ("pl", "Biorę tę sprawę na siebie.", "ownership", "Biorę tę sprawę na siebie"),
    ("en", "Leave it with me.", "ownership", "Leave it with me"),
    ("en", "I take full responsibility for this.", "ownership", "I take full responsibility"),
    ("pl", "Sprawdzę to od razu.", "next_step", "Sprawdzę"),
    ("pl", "Sprawdzimy status przelewu.", "next_step", "Sprawdzimy"),
    ("pl", "Wyślę Panu fakturę mailem.", "next_step", "Wyślę"),
    ("pl", "Proszę zatankować i zachować fakturę.", "next_step", "Proszę zatankować"),
    ("en", "Let me check that for you.", "next_step", "Let me check"),
    ("en", "I'll call the branch manager now.", "next_step", "I'll call"),
    ("pl", "Dam Panu znać, jak tylko przelew wyjdzie.", "proactive_update", "Dam Panu znać"),
    ("pl", "Będę Panią informować na bieżąco.", "proactive_update", "Będę Panią informować"),
    ("en", "I'll keep you posted.", "proactive_update", "keep you posted"),
    ("en", "I'll get back to you this afternoon.", "proactive_update", "get back to you"),
    ("pl", "Proszę podać numer PESEL.", "unnecessary_question", "PESEL"),
    ("pl", "Czy na pewno przeszukał Pan cały samochód?", "unnecessary_question", "Czy na pewno"),
    ("en", "Could I have your date of birth?", "unnecessary_question", "date of birth"),
    ("en", "How did you hear about our company?", "unnecessary_question", "How did you hear"),
    ("pl", "To nie moja wina.", "blame_shifting", "nie moja wina"),
    ("pl", "To wina systemu.", "blame_shifting", "wina systemu"),
    ("pl", "Szef by mnie zabił.", "blame_shifting", "Szef by mnie zabił"),
    ("en", "It's not my fault.", "blame_shifting", "not my fault"),
    ("en", "My boss would kill me.", "blame_shifting", "boss would"),
    ("pl", "Nic nie mogę zrobić.", "helplessness", "Nic nie mogę"),
    ("pl", "To nie zależy ode mnie.", "helplessness", "nie zależy ode mnie"),
    ("en", "There's nothing I can do.", "helplessness", "nothing I can do"),
    ("en", "It's out of my hands.", "helplessness", "out of my hands"),
    ("pl", "Zgłoszenie ma status pending, czekamy na SLA.", "jargon", "pending"),
    ("pl", "Eskalowałem ticket do L2.", "jargon", "ticket"),
    ("en", "Your ticket is pending in the back office.", "jargon", "ticket"),
    ("en", "As per our T&Cs this is fine.", "jargon", "As per"),
    ("pl", "Proszę się uspokoić.", "rudeness", "się uspokoić"),
    ("pl", "To Pana problem, nie mój.", "rudeness", "Pana problem"),
    ("en", "Calm down, sir.", "rudeness", "Calm down"),
    ("en", "That's your problem.", "rudeness", "your problem"),
    ("pl", "Laptopy nie mają nóg, nigdzie nie ucieknie :)", "humour", ":)"),
    ("pl", "Żartuję oczywiście.", "humour", "Żartuję"),
    ("en", "Only kidding, of course.", "humour", "kidding"),
    ("en", "It won't spend a month on holiday in accounting 😉", "humour", "😉"),
    ("pl", "To nasz błąd.", "admits_error", "nasz błąd"),
    ("pl", "Pomyliliśmy się przy przelewie.", "admits_error", "Pomyliliśmy"),
    ("pl", "To moja wina, źle wpisałem numer.", "admits_error", "moja wina"),
    ("en", "That's our mistake.", "admits_error", "our mistake"),
    ("en", "We got this wrong.", "admits_error", "got this wrong"),
    ("pl", "Między nami mówiąc, w księgowości jest bałagan.", "discretion_breach", "Między nami"),
    ("pl", "Inny klient dzwonił dziś z tym samym.", "discretion_breach", "Inny klient"),
    ("en", "Between you and me, accounting is a mess.", "discretion_breach", "Between you and me"),
    ("en", "Another customer called about the same thing.", "discretion_breach", "Another customer"),
]


@pytest.mark.parametrize(("lang", "text", "code", "span"), EXAMPLES)
def test_analyser_finds_code_with_its_span(lang, text, code, span):
    found = [b for b in analyse(text, lang) if b.code == code]
    assert found, f"{code} not found in {text!r}: {analyse(text, lang)}"
    assert span in [b.text for b in found]


def test_every_code_has_an_example_in_both_languages():
    covered = {(lang, code) for lang, _text, code, _span in EXAMPLES}
    for code in CODES:
        for lang in ("pl", "en"):
            assert (lang, code) in covered


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Przepraszam.", "apology"),
        ("Przepraszamy bardzo.", "apology"),
        ("Proszę przyjąć przeprosiny.", "apology"),
        ("Sprawdzę to.", "next_step"),
        ("Sprawdzimy to.", "next_step"),
        ("Już sprawdzam.", "next_step"),
        ("Zaraz sprawdzamy.", "next_step"),
        ("Odpowiedź będzie jutro do 12:00.", "timeline"),
        ("Przelew wyjdzie do piątku.", "timeline"),
        ("Dostanie Pan zwrot w ciągu dwóch dni roboczych.", "timeline"),
    ],
)
def test_polish_inflected_forms_are_recognised(text, code):
    assert code in codes(text, "pl")


def test_polish_timeline_span_covers_day_and_hour():
    assert "jutro do 12:00" in span_of("Oddzwonię jutro do 12:00.", "pl", "timeline")


@pytest.mark.parametrize(
    ("text", "lang", "present", "absent"),
    [
        ("To nie moja wina.", "pl", {"blame_shifting"}, {"admits_error"}),
        ("To moja wina.", "pl", {"admits_error"}, {"blame_shifting"}),
        ("Nie, to nie jest Pana wina, karta powinna być w aucie.", "pl", set(), {"blame_shifting", "admits_error"}),
        ("Nie musi Pan przepraszać.", "pl", set(), {"apology"}),
        ("Nie dziwię się, że jest Pan zły.", "pl", {"empathy"}, set()),
        ("Nie wiem jeszcze, ale sprawdzę to w ciągu godziny.", "pl", {"next_step", "timeline"}, {"helplessness"}),
        ("Nie wiem.", "pl", {"helplessness"}, set()),
        ("Nie mogę obiecać godziny, ale do jutra rana będę znała odpowiedź.", "pl", {"timeline"}, {"helplessness"}),
        ("Czeka Pan już 21 dni.", "pl", set(), {"timeline"}),
        ("It's not my fault.", "en", {"blame_shifting"}, {"admits_error"}),
        ("It's my fault.", "en", {"admits_error"}, {"blame_shifting"}),
        ("I'm not blaming you at all.", "en", set(), {"blame_shifting"}),
        ("No need to apologise.", "en", set(), {"apology"}),
        ("I don't know yet, but I'll find out within the hour.", "en", {"next_step", "timeline"}, {"helplessness"}),
        ("I don't know.", "en", {"helplessness"}, set()),
        ("I can't promise an hour, but I'll have news by tomorrow morning.", "en", {"timeline"}, {"helplessness"}),
        ("You've been waiting for 21 days.", "en", set(), {"timeline"}),
    ],
)
def test_negation_and_tricky_sentences(text, lang, present, absent):
    found = codes(text, lang)
    assert present <= found, (text, found)
    assert not (absent & found), (text, found)


def test_spans_point_into_the_original_text(corpus):
    for item in corpus:
        for b in analyse(item["text"], item["lang"]):
            assert isinstance(b, Behaviour)
            assert 0 <= b.start < b.end <= len(item["text"])
            assert item["text"][b.start : b.end] == b.text
            assert b.code in CODES


def test_analysis_is_deterministic_and_ordered(corpus):
    for item in corpus[:80]:
        first = analyse(item["text"], item["lang"])
        assert first == analyse(item["text"], item["lang"])
        assert first == sorted(first, key=lambda b: (b.start, b.end, CODES.index(b.code)))


def test_behaviour_is_frozen_and_serialisable():
    b = analyse("Przepraszam.", "pl")[0]
    with pytest.raises(AttributeError):
        b.code = "rudeness"
    assert Behaviour.from_dict(b.to_dict()) == b


def test_empty_text_gives_nothing_and_unknown_language_is_an_error():
    assert analyse("", "pl") == []
    assert analyse("   ", "en") == []
    with pytest.raises(ValueError):
        analyse("Hello", "de")


def test_very_long_message_is_handled():
    text = "Przepraszam, sprawdzę to jutro do 12:00. " * 400
    found = analyse(text, "pl")
    assert {"apology", "next_step", "timeline"} <= {b.code for b in found}
    assert all(b.end <= len(text) for b in found)


def test_curly_apostrophes_and_contractions():
    assert "next_step" in codes("I’ll check it right now.", "en")
    assert "helplessness" in codes("There’s nothing I can do.", "en")


def test_start_index_never_skips_a_match(corpus):
    """The analyser tries each rule only where its first word can start (an index over the
    rules' first elements). Tried everywhere, no rule finds a match the index would skip."""
    from roleplay.engine.analyser import _candidates, _compiled
    from roleplay.engine.text import find_all, tokenize

    checked = 0
    for lang in ("pl", "en"):
        rules, sets = _compiled(lang)
        for item in corpus:
            if item["lang"] != lang:
                continue
            tokens = tokenize(item["text"], lang)
            candidates = _candidates(tokens, lang)
            for number, rule in enumerate(rules):
                for first, _last in find_all(rule.elems, tokens, sets):
                    assert first in candidates.get(number, ()), (item["text"], rule.code, first)
                    checked += 1
    assert checked > 500
