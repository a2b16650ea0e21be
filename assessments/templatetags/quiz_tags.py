"""`{% quiz_embed quiz next_url=... %}`: the quiz panel for the current user, inside any page.

It shows start / continue / the last result, attempts left, best score and whether the quiz is
passed; its buttons post with htmx into the panel and fall back to plain forms and links.
One query (the user's attempts at this quiz).
"""

from django import template

from ..selectors import quiz_status

register = template.Library()


QUIZ_PANEL_TEMPLATE = "assessments/includes/quiz_panel.html"


def quiz_panel_context(*, quiz, status, next_url="", csrf_token=None, request=None, user=None) -> dict:
    """What the panel template needs in its first state (start, continue or the last result);
    a lesson page renders it with a status it read itself (see courses.parts)."""
    return {
        "quiz": quiz,
        "mode": "status",
        "status": status,
        "next_url": next_url or "",
        "embedded": True,
        "request": request,
        "csrf_token": csrf_token,
        "user": user,
    }


@register.inclusion_tag(QUIZ_PANEL_TEMPLATE, takes_context=True)
def quiz_embed(context, quiz, next_url=""):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return quiz_panel_context(
        quiz=quiz,
        status=quiz_status(learner=user, quiz=quiz) if user is not None else None,
        next_url=next_url,
        csrf_token=context.get("csrf_token"),
        request=request,
        user=user,
    )
