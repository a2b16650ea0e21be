"""A lesson page rendered once and filled in for each learner.

Every learner sees the same lesson page but for a few parts (courses.parts: the outline's
states, the progress bar, the lesson's state and form, reflections, calculators, the quiz panel)
and the few things of the top bar that are the person's own (their name, the path the language
switch returns to, the CSRF token). So the page is rendered once with a marker where each of
those goes, kept as a "shell" (the text between markers, and the markers' names), and each view
reads the learner's facts (their progress on the course's lessons, reflections, quiz attempts),
renders their parts (most of them kept by what they show, see courses.parts.Memo) and joins.

A shell is kept per published state of the page, language, path and kind of request (a whole
page or an htmx swap) and per what else shows on it: the roles and the admin access of the
reader (the top bar, the roleplay invitation, the edit link), the invited roleplay scenario,
and the content version of courses.fragments, which saving a competency, an image or a quiz and
publishing, moving or deleting any page changes (the outline shows the other lessons' titles).
The code version is in the key too, so a shared cache (Redis) never serves another release's
markup. Each process keeps its recent shells unpickled, with their parts; the shared cache
holds them for the other processes.

A request with a message to show (after a redirect) or a preview is rendered whole
(courses.views.render_lesson): the same template and the same parts, with the real values.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.core.cache import cache as default_cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import get_language

from academy.context_processors import can_edit_content
from assessments.selectors import quiz_status
from roleplay.selectors import invitation_scenario

from . import selectors, services
from .fragments import FRAGMENT_TIMEOUT, code_version, content_version
from .parts import CSRF_MARKER, MARK_END, MARK_START, learner_parts, marker, part_names
from .statements import progress_of

logger = logging.getLogger(__name__)

# The reader's own things in the top bar (base.html), filled in like the parts.
PATH, WHOAMI = "path", "whoami"
PART = re.compile(f"{MARK_START}(?!{CSRF_MARKER[1:-1]}{MARK_END})([^{MARK_START}{MARK_END}]+){MARK_END}")
LOCAL_SHELLS = 256


@dataclass(frozen=True)
class LessonShell:
    pieces: tuple[str, ...]  # text, a part's name, text, …, text
    layout: selectors.LessonLayout


class _Local:
    """The shells this process used last, with their parts (not pickled, not shared)."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, tuple[LessonShell, dict]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: str, shell: LessonShell) -> tuple[LessonShell, dict]:
        with self.lock:
            found = self.entries[key] = (shell, {})
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
            return found

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


local_shells = _Local(LOCAL_SHELLS)


def _partial(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _messages_pending(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def shell_key(request, lesson) -> str:
    user = request.user
    scenario = invitation_scenario(lesson.roleplay_scenario) if lesson.roleplay_scenario else None
    parts = (
        code_version(),
        content_version(),
        lesson.cache_key,
        # Only a publish changes the cache key; a live page saved some other way (a script) is
        # rendered again rather than shown with its blocks in the wrong places.
        [raw["id"] for raw in lesson.body.raw_data],
        (lesson.title, lesson.intro, lesson.estimated_minutes, lesson.quiz_id, lesson.roleplay_scenario),
        get_language(),
        request.method,
        request.path,
        "partial" if _partial(request) else "whole",
        ",".join(sorted(user.roles)),
        "editor" if can_edit_content(user) else "",
        f"{scenario.pk}@{scenario.updated_at.isoformat()}" if scenario else "",
    )
    return "courses:lesson-shell:" + hashlib.md5("\x1f".join(map(str, parts)).encode()).hexdigest()


class _ShellRequest:
    """The request as the shell's template sees it: the reader's own path is a marker."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_full_path(self):
        return marker(PATH)


class _ShellUser:
    """The reader as the shell's template sees it: what the key holds (signed in, roles) and
    their name as a marker. Nothing else of theirs can reach a page other readers get: a
    template asking for more renders it empty here, which tests/courses/test_shells.py catches
    by comparing a shell's page with the page rendered whole."""

    is_authenticated = True
    display_name = marker(WHOAMI)

    def __init__(self, user):
        self.roles = frozenset(user.roles)


class _Markers(dict):
    """`mine` in a shell: every part is its marker."""

    def __missing__(self, name):
        return marker(name)


def _build(request, lesson) -> LessonShell | None:
    """Render the page with markers for the reader's parts; None when the content itself holds
    a marker character (the page is then rendered whole on each view)."""
    outline = selectors.lesson_outline(lesson=lesson)
    layout = selectors.lesson_layout(lesson=lesson, outline=outline, request=request)
    context = {"page": lesson, "self": lesson}
    context.update(selectors.lesson_template_context(layout=layout, parts=_Markers(), partial=_partial(request)))
    shell_request = _ShellRequest(request)
    context.update(request=shell_request, user=_ShellUser(request.user), csrf_token=CSRF_MARKER, messages=())
    html = get_template(lesson.get_template(request)).render(context, request=shell_request)
    pieces = PART.split(html)
    known = part_names(layout) | {PATH, WHOAMI}
    if not set(pieces[1::2]) <= known or any(
        MARK_START in text.replace(CSRF_MARKER, "") or MARK_END in text.replace(CSRF_MARKER, "") for text in pieces[::2]
    ):
        logger.warning("Lesson %s holds a marker character: it is rendered whole on every view.", lesson.pk)
        return None
    return LessonShell(pieces=tuple(pieces), layout=layout)


def _shell(request, lesson) -> tuple[LessonShell, dict] | None:
    key = shell_key(request, lesson)
    found = local_shells.get(key)
    if found is not None:
        return found
    shell = default_cache.get(key)
    if shell is None:
        shell = _build(request, lesson) or False  # False: rendered whole, not built again on each view
        default_cache.set(key, shell, FRAGMENT_TIMEOUT)
    return local_shells.put(key, shell) if shell else None


def _facts(request, lesson, layout: selectors.LessonLayout) -> selectors.LearnerFacts:
    """The learner's progress on the course's lessons (this view counts as a visit), their
    reflections and their attempts at the lesson's quiz: a query each."""
    learner = request.user
    keys = [entry.lesson_key for entry in layout.entries]
    progress = progress_of(learner_id=learner.pk, lesson_keys=keys)
    if layout.course is not None and layout.position is not None:
        progress[lesson.translation_key] = services.lesson_visit(
            learner=learner,
            lesson_key=lesson.translation_key,
            course_key=layout.course.key,
            progress=progress.get(lesson.translation_key),
        )
    return selectors.LearnerFacts(
        states=[selectors.progress_state(progress.get(key)) for key in keys],
        reflections=selectors.learner_reflections(lesson=lesson, learner=learner, block_ids=layout.reflection_ids),
        quiz_status=quiz_status(learner=learner, quiz=lesson.quiz) if lesson.quiz_id else None,
        path=request.path,
    )


def lesson_response(request, lesson) -> HttpResponse | None:
    """The lesson page for this request from its shell; None when it has to be rendered whole
    (a message to show, a preview, content holding a marker character)."""
    if getattr(request, "is_preview", False) or _messages_pending(request):
        return None
    found = _shell(request, lesson)
    if found is None:
        return None
    shell, memo = found
    facts = _facts(request, lesson, shell.layout)
    values = learner_parts(lesson=lesson, layout=shell.layout, facts=facts, memo=memo)
    values[PATH] = escape(request.get_full_path())
    values[WHOAMI] = escape(request.user.display_name)
    pieces = shell.pieces
    html = "".join(piece if index % 2 == 0 else values[piece] for index, piece in enumerate(pieces))
    response = HttpResponse(html.replace(CSRF_MARKER, get_token(request)))
    patch_vary_headers(response, ["HX-Request"])
    return response
