from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Competency


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "pick"
    menu_label = "Competencies"
    add_to_admin_menu = True
    list_display = ["name_pl", "name_en", "kind", "is_key"]
    list_filter = ["kind"]
    search_fields = ["name_pl", "name_en", "slug"]


register_snippet(CompetencyViewSet)
