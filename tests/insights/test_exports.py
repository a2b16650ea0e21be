"""CSV and xAPI exports: the same numbers as the screen, valid statements, a fixed query count."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from ralph.models.xapi.base.statements import BaseXapiStatement

from insights import xapi
from insights.services import readiness_rules_save
from tests.insights.csvs import read_csv

from .test_dashboard import seed_team


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def test_matrix_csv_has_levels_verdict_and_reasons(client, manager, trainee, add_evidence, competencies, team_a):
    add_evidence(trainee, "empathy", 2.8)
    readiness_rules_save(team=team_a, course_keys=[], minimums={competencies["empathy"]: 3.5,
                                                                competencies["humour"]: 2.0}, updated_by=manager)
    client.force_login(manager)
    response = client.get(url("insights:export_matrix", team_a.pk))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    header, row = read_csv(response)
    assert header[:4] == ["Trainee", "Username", "Team", "Joined"]
    assert row[0] == "Tina Trainee" and row[header.index("Empathy")] == "2.8"
    assert row[header.index("Readiness")] == "not ready"
    assert row[header.index("Unmet rules")] == "Empathy 2.8 < 3.5 required; No evidence for Sense of humour"


def test_csv_cells_cannot_become_formulas(client, manager, make_user, team_a):
    make_user("evil", team=team_a, role="trainee", first_name="=HYPERLINK(1)", last_name="")
    client.force_login(manager)
    rows = read_csv(client.get(url("insights:export_matrix", team_a.pk)))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_progress_csv_has_a_row_per_trainee_and_course(client, manager, trainee, team_a, course_tree,
                                                       complete_course):
    complete_course(trainee, course_tree["basics"], only=2)
    client.force_login(manager)
    rows = read_csv(client.get(url("insights:export_progress", team_a.pk)))
    assert len(rows) == 1 + 2
    basics = next(r for r in rows if r[2] == "Podstawy")
    assert basics[3:6] == ["2", "3", "67"] and basics[6] == ""


def test_export_query_counts_do_not_grow_with_the_team(client, manager, team_a, many_trainees, competencies,
                                                       course_tree):
    readiness_rules_save(team=team_a, course_keys=[course_tree["basics"][0].translation_key],
                         minimums={competencies["empathy"]: 3.0}, updated_by=manager)
    client.force_login(manager)
    counts = {}
    for size, prefix in ((5, "ee"), (55, "ff")):
        seed_team(team_a, many_trainees(team_a, size, prefix=prefix), competencies, course_tree)
        for name in ("insights:export_matrix", "insights:export_progress", "insights:export_xapi"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url(name, team_a.pk)).status_code == 200
            counts.setdefault(name, []).append(len(ctx))
    # Repeated downloads of an unchanged team come from the cache, in fewer queries.
    with CaptureQueriesContext(connection) as ctx:
        client.get(url("insights:export_matrix", team_a.pk))
    assert len(ctx) < counts["insights:export_matrix"][1]
    for name, (small, large) in counts.items():
        # The matrix, when, as here, new evidence and progress are to be computed and kept: the
        # kept levels and course states read, recomputed and kept (LevelSummary, ProgressSummary),
        # and the trainees' lines written and those of leavers removed (ExportRow).
        assert small == large <= 17, name


def validate(statement: dict) -> BaseXapiStatement:
    """The independent check: ralph's pydantic models of the xAPI 1.0.3 statement."""
    return BaseXapiStatement(**statement)


def test_quiz_attempt_statement_is_valid_xapi(graded_attempt, trainer, team_a):
    from assessments.models import Attempt

    (statement,) = xapi.attempt_statements(Attempt.objects.filter(pk=graded_attempt.pk), team=team_a)
    model = validate(statement)
    assert str(model.id) == statement["id"] == xapi.stable_uuid("statements", "attempt", graded_attempt.pk)
    assert statement["verb"]["id"].endswith("/passed") and statement["result"]["success"] is True
    assert statement["result"]["score"] == {"scaled": round(graded_attempt.score, 4), "raw": 2.0, "min": 0, "max": 3}
    assert statement["context"]["instructor"]["account"]["name"] == str(trainer.pk)
    assert str(model.context.registration) == xapi.stable_uuid("registrations", "attempt", graded_attempt.pk)
    results = statement["result"]["extensions"][xapi.iri("extensions", "competency-results")]
    assert results["kindness"] == 1.0 and results["information"] == 0.0
    assert "mbox" not in statement["actor"]


def test_roleplay_statement_is_valid_xapi_with_per_trait_results(ended_session, trainer):
    from roleplay.models import RoleplaySession

    (statement,) = xapi.session_statements(RoleplaySession.objects.filter(pk=ended_session.pk))
    model = validate(statement)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["result"]["score"] == {"scaled": 0.5, "raw": 3.0, "min": 1, "max": 5}
    traits = statement["result"]["extensions"][xapi.iri("extensions", "trait-results")]
    assert traits["empathy"] == {"trainer": 4, "scaled": 0.75, "peers": 5.0}
    assert traits["information"] == {"trainer": 2, "scaled": 0.25}
    assert model.context.instructor.account.name == str(trainer.pk)
    assert str(model.context.registration) == xapi.stable_uuid("registrations", "roleplay", ended_session.pk)


def test_xapi_download_is_valid_json_of_the_team_only(client, manager, graded_attempt, ended_session, team_a,
                                                      other_trainee, quiz):
    from assessments.services import attempt_start

    attempt_start(learner=other_trainee, quiz=quiz)  # another team's, and not graded anyway
    client.force_login(manager)
    response = client.get(url("insights:export_xapi", team_a.pk) + "?period=30")
    assert response["Content-Type"] == "application/json"
    statements = json.loads(response.content)
    assert {s["actor"]["account"]["name"] for s in statements} == {str(graded_attempt.learner_id)}
    assert len(statements) == 2
    for statement in statements:
        validate(statement)


def test_exports_page_lists_downloads(client, manager, team_a, settings):
    settings.XAPI_LRS_ENDPOINT = ""
    client.force_login(manager)
    body = client.get(url("insights:exports", team_a.pk)).content.decode()
    for name in ("insights:export_matrix", "insights:export_progress", "insights:export_xapi"):
        assert url(name, team_a.pk) in body
    assert "XAPI_LRS_ENDPOINT" in body
