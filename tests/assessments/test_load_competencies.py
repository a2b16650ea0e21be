from django.core.management import call_command

from assessments.models import Competency, CompetencyLevel


def test_load_competencies_creates_fourteen_with_five_levels_and_is_idempotent(db):
    call_command("load_competencies", verbosity=0)
    call_command("load_competencies", verbosity=0)
    assert Competency.objects.filter(kind="trait").count() == 10
    assert Competency.objects.filter(kind="knowledge").count() == 4
    assert CompetencyLevel.objects.count() == 5 * Competency.objects.count()
    assert set(Competency.objects.filter(is_key=True).values_list("slug", flat=True)) == {
        "information", "kindness", "humour"
    }
    level = CompetencyLevel.objects.get(competency__slug="agency", level=5)
    assert level.description_pl and level.description_en
    assert not level.description_pl[:2].startswith("5:")
