"""Bank import and export: the exchange format round-trips; a bad file imports nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from assessments.models import Question
from assessments.selectors import bank_export
from assessments.services import BankImportError, bank_import

from .conftest import q_open, q_single

pytestmark = pytest.mark.django_db


def test_shipped_content_meets_the_issue_minimums(competencies):
    call_command("load_assessments", verbosity=0)
    call_command("load_assessments", verbosity=0)
    from assessments.models import ConsistencyQuestionnaire, Quiz

    for trait in ("communication", "empathy", "information", "extraversion", "responsibility", "discretion",
                  "kindness", "humour", "agency", "courage"):
        assert Question.objects.filter(competency_tags__competency__slug=trait).distinct().count() >= 5, trait
        assert Quiz.objects.filter(slug=f"trait-{trait}").exists()
    goals = Question.objects.filter(competency_tags__competency__slug="goals-metrics").distinct()
    assert goals.count() >= 20 and goals.filter(type="numeric").exists()
    assert Question.objects.filter(type="sjt").count() >= 10
    assert ConsistencyQuestionnaire.objects.get().items.count() >= 15


def test_every_shipped_bank_round_trips_through_export(competencies):
    call_command("load_assessments", verbosity=0)
    from pathlib import Path

    import assessments

    for path in sorted((Path(assessments.__file__).parent / "content" / "questions").glob("*.json")):
        original = {q["slug"]: q for q in json.loads(path.read_text())}
        exported = {q["slug"]: q for q in bank_export(bank_name=path.stem)}
        assert exported == original, path.name


def test_bad_file_reports_every_problem_with_its_line_and_imports_nothing(competencies):
    good = q_single("fine")
    bad = q_single("broken")
    bad["options"][1]["correct"] = True  # two correct answers in a single-choice question
    del bad["en"]
    unknown = q_open("open-x", competencies={"telepathy": 1.0})
    text = json.dumps([good, bad, unknown], indent=2)
    with pytest.raises(BankImportError) as info, translation.override("en"):
        bank_import(text=text, bank_name="x")
    lines = text.splitlines()
    messages = [str(e) for e in info.value.errors]
    assert any("broken" in m and "exactly one correct" in m for m in messages)
    assert any("broken" in m and "en" in m for m in messages)
    assert any("telepathy" in m for m in messages)
    broken_line = next(e.line for e in info.value.errors if e.slug == "broken")
    assert lines[broken_line - 1].strip() == "{" and '"broken"' in lines[broken_line]
    assert not Question.objects.exists()


def test_invalid_json_reports_line(competencies):
    with pytest.raises(BankImportError) as info:
        bank_import(text='[\n  {"slug": "a",\n  oops\n]', bank_name="x")
    assert info.value.errors[0].line == 3


def test_trainer_imports_and_exports_in_the_browser(client, trainer, competencies, django_assert_max_num_queries):
    client.force_login(trainer)
    upload = SimpleUploadedFile("bank.json", json.dumps([q_single("web-1"), q_open("web-2")]).encode(),
                                content_type="application/json")
    response = client.post(reverse("assessments:bank_import"), {"bank": "web", "file": upload})
    assert response.status_code == 302
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessments:bank_export", args=["web"]))
    data = json.loads(response.content)
    assert [q["slug"] for q in data] == ["web-1", "web-2"]
    assert response["Content-Disposition"].endswith('web.json"')
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assessments:bank_list")).status_code == 200


def test_bad_upload_shows_line_report(client, trainer, competencies):
    client.force_login(trainer)
    broken = q_single("web-1")
    broken["type"] = "essay"
    upload = SimpleUploadedFile("bank.json", json.dumps([broken], indent=1).encode())
    response = client.post(reverse("assessments:bank_import"), {"bank": "web", "file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="import-errors"' in body and "essay" in body
    assert not Question.objects.exists()


def test_trainee_cannot_use_bank_pages(client, trainee, competencies):
    client.force_login(trainee)
    assert client.get(reverse("assessments:bank_list")).status_code == 403
    assert client.get(reverse("assessments:item_analysis_list")).status_code == 403


def test_question_admin_rejects_invalid_answer_data(competencies):
    from django.core.exceptions import ValidationError

    question = Question(slug="adm", category="x/y", type="numeric", text_pl="a", text_en="b", data={"answer": "ten"})
    with pytest.raises(ValidationError):
        question.full_clean()


def test_wagtail_admin_lists_and_edits_questions(client, competencies):
    from academy.models import User

    call_command("load_assessments", verbosity=0)
    admin = User.objects.create_superuser("root", "root@example.com", "pass-12345")
    client.force_login(admin)
    question = Question.objects.get(slug="env-procedure-minutes")
    assert client.get("/admin/snippets/assessments/question/").status_code == 200
    assert client.get(f"/admin/snippets/assessments/question/edit/{question.pk}/").status_code == 200
    assert client.get("/admin/snippets/assessments/quiz/").status_code == 200
