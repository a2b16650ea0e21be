"""`{% quiz_embed quiz next_url=... %}`: the quiz panel for the current user, inside any page.

It shows start / continue / the last result, attempts left, best score and whether the quiz is
passed; its buttons post with htmx into the panel and fall back to plain forms and links.
One query (the user's attempts at this quiz).
"""

from django import template

from ..selectors import quiz_status

register = template.Library()


@register.inclusion_tag("assessments/includes/quiz_panel.html", takes_context=True)
def quiz_embed(context, quiz, next_url=""):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {
        "quiz": quiz,
        "mode": "status",
        "status": quiz_status(learner=user, quiz=quiz) if user is not None else None,
        "next_url": next_url or "",
        "embedded": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user": user,
    }
