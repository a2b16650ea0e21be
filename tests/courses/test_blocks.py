import pytest
from django.urls import reverse
from django.utils import translation

from academy.models import Role
from courses.metrics import CalculatorForm, calculate
from courses.models import ReflectionAnswer

from .conftest import page_url


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


# --- reflections ------------------------------------------------------------------------------
def test_reflection_is_saved_without_javascript_and_shown_again(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/listening")]
    response = client.post(url("courses:reflection_save", page_id=lesson.pk, block_id="think"),
                           {"r-think-answer": "  Wczoraj, przy reklamacji.  "})
    assert response["Location"] == page_url(lesson) + "#block-think"
    answer = ReflectionAnswer.objects.get(learner=trainee)
    assert (answer.answer, answer.prompt, answer.language) == ("Wczoraj, przy reklamacji.", "Kiedy ostatnio słuchałeś?", "pl")
    page = client.get(page_url(curriculum[("en", "alpha/listening")])).content.decode()
    assert "Wczoraj, przy reklamacji." in page and "Update my answer" in page


def test_saving_again_replaces_the_answer(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/listening")]
    for text in ("pierwsza", "druga"):
        client.post(url("courses:reflection_save", page_id=lesson.pk, block_id="think"), {"r-think-answer": text},
                    HTTP_HX_REQUEST="true")
    assert list(ReflectionAnswer.objects.values_list("answer", flat=True)) == ["druga"]


def test_reflection_with_htmx_returns_the_block(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("en", "alpha/listening")]
    response = client.post(url("courses:reflection_save", "en", page_id=lesson.pk, block_id="think"),
                           {"r-think-answer": "Yesterday"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<section class="block reflection')
    assert "Saved" in body and "Yesterday" in body


def test_empty_reflection_rerenders_with_a_message(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/listening")]
    full = client.post(url("courses:reflection_save", page_id=lesson.pk, block_id="think"), {"r-think-answer": "  "})
    assert full.status_code == 400
    assert "Wpisz odpowiedź, zanim ją zapiszesz." in full.content.decode() and b"<html" in full.content
    partial = client.post(url("courses:reflection_save", page_id=lesson.pk, block_id="think"),
                          {"r-think-answer": ""}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and 'aria-invalid="true"' in partial.content.decode()
    assert not ReflectionAnswer.objects.exists()


def test_too_long_reflection_keeps_what_was_typed(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/listening")]
    text = "x" * 5001
    response = client.post(url("courses:reflection_save", page_id=lesson.pk, block_id="think"), {"r-think-answer": text})
    assert response.status_code == 400 and text in response.content.decode()


def test_reflection_on_a_missing_block_is_404(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/listening")]
    assert client.post(url("courses:reflection_save", page_id=lesson.pk, block_id="nope"), {"r-think-answer": "a"}).status_code == 404
    assert client.post(url("courses:reflection_save", page_id=lesson.pk, block_id="intro"), {"r-think-answer": "a"}).status_code == 404


def test_trainers_read_their_trainees_reflections_and_no_one_elses(
    client, trainee, trainer, other_trainee, other_manager, curriculum, django_assert_max_num_queries
):
    lesson = curriculum[("pl", "alpha/listening")]
    for learner, text in ((trainee, "Odpowiedź z zespołu A"), (other_trainee, "Odpowiedź z zespołu B")):
        client.force_login(learner)
        client.post(url("courses:reflection_save", page_id=lesson.pk, block_id="think"), {"r-think-answer": text})
    client.force_login(trainer)
    with django_assert_max_num_queries(12):
        page = client.get(url("courses:reflections", "en")).content.decode()
    assert "Odpowiedź z zespołu A" in page and "Odpowiedź z zespołu B" not in page
    assert "Listening to the customer" in page and "Course Alpha" in page and "Tina Trainee" in page
    assert client.get(url("courses:reflections"), {"learner": other_trainee.pk}).status_code == 403
    client.force_login(other_manager)
    page = client.get(url("courses:reflections")).content.decode()
    assert "Odpowiedź z zespołu B" in page and "Odpowiedź z zespołu A" not in page


def test_a_trainee_sees_only_their_own_reflections(client, trainee, make_user, team_a, curriculum):
    colleague = make_user("colleague", team=team_a, role=Role.TRAINEE)
    lesson = curriculum[("pl", "alpha/listening")]
    for learner, text in ((trainee, "moja"), (colleague, "kolegi")):
        client.force_login(learner)
        client.post(url("courses:reflection_save", page_id=lesson.pk, block_id="think"), {"r-think-answer": text})
    page = client.get(url("courses:reflections")).content.decode()
    assert "kolegi" in page and "moja" not in page


# --- calculators ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "metric,data,display",
    [
        ("service_level", {"total": 1200, "part": 960}, "80%"),
        ("service_level", {"total": 1200, "part": 1020}, "85%"),
        ("fcr", {"total": 2000, "part": 1560}, "78%"),
        ("sla", {"total": 200, "part": 140}, "70%"),
        ("csat", {"total": 400, "part": 312}, "78%"),
        ("nps", {"promoters": 130, "passives": 70, "detractors": 50}, "+32"),
        ("nps", {"promoters": 10, "passives": 0, "detractors": 30}, "-50"),
        ("service_level", {"total": 3, "part": 2}, "66.7%"),
    ],
)
def test_metrics_are_computed(metric, data, display):
    with translation.override("en"):
        result = calculate(metric, data)
    assert result.display == display


def test_explanations_follow_the_page_language():
    with translation.override("pl"):
        pl = calculate("service_level", {"total": 1200, "part": 960})
    with translation.override("en"):
        en = calculate("service_level", {"total": 1200, "part": 960})
    assert pl.explanation[0].startswith("W progu czasowym obsłużono 960 z 1\xa0200 kontaktów")
    assert "80%" in pl.explanation[0]
    assert en.explanation[0] == "960 of 1,200 contacts were handled within the time threshold, so Service Level is 80%."
    assert "240 customers (20%)" in en.explanation[1]
    with translation.override("en"):
        nps = calculate("nps", {"promoters": 130, "passives": 70, "detractors": 50})
    assert "52% come from promoters and 20% from detractors, so NPS is +32" in nps.explanation[0]
    assert "0.4 points each" in nps.explanation[1]


@pytest.mark.parametrize(
    "metric,data,field,message",
    [
        ("service_level", {"total": "100", "part": "120"}, "part",
         "Contacts handled within the threshold cannot outnumber all incoming contacts."),
        ("fcr", {"total": "0", "part": "0"}, "total", "Enter at least one case."),
        ("csat", {"total": "abc", "part": "1"}, "total", "Enter a whole number."),
        ("sla", {"total": "-5", "part": "1"}, "total", "Ensure this value is greater than or equal to 0."),
        ("csat", {"total": "", "part": "1"}, "total", "This field is required."),
    ],
)
def test_calculator_validation_says_what_to_fix(metric, data, field, message):
    with translation.override("en"):
        form = CalculatorForm(metric, data)
        assert not form.is_valid()
        assert message in form.errors[field]


def test_nps_needs_at_least_one_answer():
    with translation.override("en"):
        form = CalculatorForm("nps", {"promoters": "0", "passives": "0", "detractors": "0"})
        assert not form.is_valid() and "Enter at least one answer." in form.non_field_errors()


def test_calculator_with_htmx_returns_the_block_with_the_result(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("en", "alpha/measuring")]
    response = client.post(url("courses:calculate", "en", page_id=lesson.pk, block_id="sl-calc"),
                           {"c-sl-calc-total": "1200", "c-sl-calc-part": "960"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Service Level: <strong>80%</strong>" in body and "240 customers" in body
    assert 'value="1200"' in body  # what was typed stays


def test_calculator_without_javascript_rerenders_the_lesson_with_the_result(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/measuring")]
    response = client.post(url("courses:calculate", page_id=lesson.pk, block_id="nps-calc"),
                           {"c-nps-calc-promoters": "130", "c-nps-calc-passives": "70", "c-nps-calc-detractors": "50"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body and "Mierzenie dostępności" in body
    assert "NPS: <strong>+32</strong>" in body


def test_calculator_errors_rerender_with_messages_and_input(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/measuring")]
    response = client.post(url("courses:calculate", page_id=lesson.pk, block_id="sl-calc"),
                           {"c-sl-calc-total": "100", "c-sl-calc-part": "150"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Kontaktów obsłużonych w progu czasowym nie może być więcej" in body and 'value="150"' in body
    partial = client.post(url("courses:calculate", page_id=lesson.pk, block_id="sl-calc"),
                          {"c-sl-calc-total": "", "c-sl-calc-part": "1"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "field-error" in partial.content.decode()


def test_calculator_on_a_missing_block_is_404(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/measuring")]
    assert client.post(url("courses:calculate", page_id=lesson.pk, block_id="sl")).status_code == 404
