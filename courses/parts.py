"""The parts of a lesson page that belong to the learner reading it.

A lesson looks the same to every learner but for these: the state of each lesson in the outline,
the progress bar, the lesson's own state and its "mark as completed" form, the reflections and
calculators (a saved answer, a form posting with the learner's CSRF token) and the quiz panel.
Each is rendered here from its own small template, by name, and the lesson template only prints
them (`{{ mine.status }}`, `{{ entry.mark }}`, the html of a learner's block). That is what lets
courses.shells render everything else once per published state of the page and fill these in on
each request: where the page prints a part, a shell holds a marker with the part's name.

Parts carry the marker of the CSRF token, not the token: the caller puts in the request's own
(a shell once for the whole page). `memo` keeps the parts most learners share by what they
show (a state, a count, a block nobody answered, a quiz not started) for the life of one shell.
"""

from __future__ import annotations

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from assessments.templatetags.quiz_tags import QUIZ_PANEL_TEMPLATE, quiz_panel_context

from .forms import ReflectionForm
from .metrics import CalculatorForm

MARK_START, MARK_END = "\ue000", "\ue001"  # Unicode private use: never in content (shells check)


def marker(name: str) -> SafeString:
    return mark_safe(f"{MARK_START}{name}{MARK_END}")


CSRF = "csrf"
CSRF_MARKER = marker(CSRF)


def entry_state(index: int) -> str:
    return f"o{index}s"


def entry_mark(index: int) -> str:
    return f"o{index}m"


def block_part(block_id: str) -> str:
    return f"b:{block_id}"


def part_names(layout) -> set[str]:
    """The names of the parts `learner_parts` returns for a page of this layout."""
    names = {"state", "status", "next_class", "progress", "quiz"}
    names.update(entry_state(index) for index in range(len(layout.entries)))
    names.update(entry_mark(index) for index in range(len(layout.entries)))
    names.update(block_part(item.id) for item in layout.learner_items)
    return names


def _render(template: str, context: dict) -> SafeString:
    return mark_safe(get_template(template).render(context))


class Memo:
    """Parts by what they show; a dict that is not kept (`None`) renders every time."""

    def __init__(self, store: dict | None):
        self.store = store

    def get(self, key, render):
        if self.store is None:
            return render()
        found = self.store.get(key)
        if found is None:
            found = self.store[key] = render()
        return found


def learner_parts(*, lesson, layout, facts, memo: dict | None = None) -> dict[str, SafeString]:
    """Every learner part of the lesson page, by name (see the module's docstring).

    `layout` is the page as everyone sees it (selectors.LessonLayout), `facts` the learner's
    (selectors.LearnerFacts)."""
    memo = Memo(memo)
    total = len(layout.entries)
    states = facts.states
    state = states[layout.position] if layout.position is not None else "new"
    completed_count = sum(1 for s in states if s == "completed")
    parts = {
        "state": memo.get(("state", state), lambda: _render(
            "courses/includes/lesson_state.html",
            {"status": {"completed": state == "completed", "started": state != "new"}},
        )),
        "status": memo.get(("status", state == "completed", facts.just_completed), lambda: _render(
            "courses/includes/lesson_status.html",
            {"completed": state == "completed", "just_completed": facts.just_completed,
             "lesson_id": lesson.pk, "csrf_token": CSRF_MARKER},
        )),
        "next_class": " primary" if state == "completed" else "",
        "progress": memo.get(("progress", completed_count), lambda: _render(
            "courses/includes/outline_progress.html",
            {"percent": round(100 * completed_count / total) if total else 0, "completed": completed_count,
             "total": total},
        )),
        "quiz": "",
    }
    for index, entry_state_value in enumerate(states):
        parts[entry_state(index)] = entry_state_value
        parts[entry_mark(index)] = memo.get(("mark", entry_state_value), lambda value=entry_state_value: _render(
            "courses/includes/outline_mark.html", {"state": value}
        ))
    for item in layout.learner_items:
        parts[block_part(item.id)] = _learner_block(lesson, item, facts, memo)
    if facts.quiz_status is not None:
        status = facts.quiz_status

        def quiz_panel():
            return _render(QUIZ_PANEL_TEMPLATE, quiz_panel_context(
                quiz=status.quiz, status=status, next_url=facts.path, csrf_token=CSRF_MARKER))

        # Not started: the same panel for everyone. After an attempt it links to the learner's own.
        parts["quiz"] = memo.get(("quiz",), quiz_panel) if status.last is None else quiz_panel()
    return parts


def _learner_block(lesson, item, facts, memo: Memo) -> SafeString:
    """A reflection with the learner's saved answer, or a calculator's form (an item the caller
    passes in `facts.items`, e.g. a form with errors, is rendered as it is)."""
    given = facts.items.get(item.id)
    saved = facts.reflections.get(item.id)
    if given is None and saved is None:
        # Nobody's answer in it: the same for every learner.
        return memo.get(("block", item.id), lambda: _render_block(lesson, item, None))
    return _render_block(lesson, item, given, saved)


def _render_block(lesson, item, given=None, saved=None) -> SafeString:
    from .selectors import BodyItem

    child = lesson.body[item.index]
    if given is None:
        given = BodyItem(id=item.id, block=child, saved=saved)
        if child.block_type == "reflection":
            given.form = ReflectionForm(prefix=f"r-{item.id}", initial={"answer": saved.answer if saved else ""})
        else:
            given.form = CalculatorForm(child.value["metric"], prefix=f"c-{item.id}")
    elif given.block is None:
        given.block = child
    return mark_safe(child.render(context={"item": given, "page": lesson, "csrf_token": CSRF_MARKER}))
