from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Competency, ConsistencyQuestionnaire, Question, Quiz


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "pick"
    menu_label = _("Competencies")
    list_display = ["name_pl", "name_en", "kind", "is_key"]
    list_filter = ["kind"]
    search_fields = ["name_pl", "name_en", "slug"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["slug", "type", "category", "bank", "is_active"]
    list_filter = ["type", "bank", "is_active"]
    search_fields = ["slug", "category", "text_pl", "text_en"]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "list-ol"
    menu_label = _("Quizzes")
    list_display = ["slug", "title_pl", "pass_mark", "attempt_limit", "feedback"]
    search_fields = ["slug", "title_pl", "title_en"]


class ConsistencyQuestionnaireViewSet(SnippetViewSet):
    model = ConsistencyQuestionnaire
    icon = "group"
    menu_label = _("Consistency questionnaires")
    list_display = ["slug", "title_pl", "title_en"]


class AssessmentsGroup(SnippetViewSetGroup):
    menu_label = _("Assessments")
    menu_icon = "pick"
    items = (CompetencyViewSet, QuestionViewSet, QuizViewSet, ConsistencyQuestionnaireViewSet)


register_snippet(AssessmentsGroup)
