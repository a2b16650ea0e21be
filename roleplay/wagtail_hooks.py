from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Scenario


class ScenarioViewSet(SnippetViewSet):
    model = Scenario
    icon = "group"
    menu_label = "Roleplay scenarios"
    add_to_admin_menu = True
    list_display = ["title_pl", "title_en", "slug", "difficulty", "is_active"]
    search_fields = ["title_pl", "title_en", "slug"]


register_snippet(ScenarioViewSet)
