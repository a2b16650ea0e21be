"""The part of a lesson that is the same for every learner, rendered once and cached.

A lesson view renders eight or so block templates, rich text and the competencies of its case
stories, and none of it depends on who is reading. It is cached per published state of the page
(Wagtail's `Page.cache_key`: id, URL path, time of the last publish) and language. Blocks with a
form (a reflection holds the learner's answer, a calculator posts with the request's CSRF token)
are never cached: the cache keeps only their place, and the page renders them per request.

What a cached block shows also comes from other records: competency names (case stories and the
lesson's badges), images, and the URLs of pages that rich text links to. Saving one of those
changes the content version (see courses.receivers), and an entry rendered under another
version is rendered again. A deployment that changes the templates or the translations changes
the code version, which is part of the key, so a shared cache (Redis) never serves the markup of
a previous release.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import wagtail
from django.conf import settings
from django.core.cache import cache as default_cache
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from academy.fingerprints import code_fingerprint
from assessments.models import Competency

# Blocks holding a form: the learner's own answer, a CSRF token. Rendered on every request.
PER_REQUEST_BLOCK_TYPES = frozenset({"reflection", "calculator"})
CONTENT_VERSION_KEY = "courses:lesson-content-version"
# Entries of a page's earlier states are never read again; this lets them expire.
FRAGMENT_TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class CompetencyBadge:
    name: str
    description: str


@dataclass(frozen=True)
class CachedBlock:
    id: str
    block_type: str
    html: str  # empty for a block rendered per request

    @property
    def safe_html(self) -> SafeString:
        # Rendered by the block's own template with autoescaping on, as the page would.
        return mark_safe(self.html)


@dataclass(frozen=True)
class LessonFragments:
    content_version: str
    blocks: tuple[CachedBlock, ...]
    competencies: tuple[CompetencyBadge, ...]  # the lesson's own, in the active language


@cache
def code_version() -> str:
    """Fingerprint of what renders cached lessons (these fragments and courses.shells) besides
    the data: every template (a shell is a whole page), the compiled translations, the modules
    that build the pages and the Wagtail release (rich text, images, embeds)."""
    base = settings.BASE_DIR
    sources = sorted((base / "templates").rglob("*.html"))
    modules = [Path(__file__).with_name(name) for name in ("blocks.py", "fragments.py", "parts.py", "selectors.py", "shells.py")]
    modules += [base / "academy" / "context_processors.py", base / "assessments" / "templatetags" / "quiz_tags.py",
                base / "roleplay" / "templatetags" / "roleplay_tags.py"]
    return code_fingerprint([*sources, *modules], wagtail.__version__)


def content_version_change() -> None:
    """Competencies, images or page URLs changed: every cached lesson renders again."""
    default_cache.set(CONTENT_VERSION_KEY, uuid.uuid4().hex, None)


def _fragments_key(lesson, language: str) -> str:
    return f"courses:lesson-fragments:{code_version()}:{lesson.cache_key}:{language}"


def lesson_competencies(lesson, trait_slugs: set[str]) -> tuple[list[Competency], dict[str, Competency]]:
    """The lesson's own competencies and those named by its case stories (one query)."""
    through = lesson.__class__.competencies.through.objects.filter(lessonpage_id=lesson.pk)
    rows = list(
        Competency.objects.filter(
            Q(pk__in=Subquery(through.values("competency_id"))) | Q(slug__in=trait_slugs)
        ).annotate(on_lesson=Exists(through.filter(competency_id=OuterRef("pk"))))
    )
    return [c for c in rows if c.on_lesson], {c.slug: c for c in rows}


def _render(lesson, version: str) -> LessonFragments:
    from .selectors import BodyItem

    children = list(lesson.body)
    trait_slugs = {slug for child in children if child.block_type == "case" for slug in child.value.get("traits") or []}
    own, competencies = lesson_competencies(lesson, trait_slugs)
    blocks = []
    for child in children:
        html = ""
        if child.block_type not in PER_REQUEST_BLOCK_TYPES:
            item = BodyItem(id=child.id, block=child)
            if child.block_type == "case":
                item.traits = [competencies[slug] for slug in child.value.get("traits") or [] if slug in competencies]
            # The context of `{% include_block item.block with item=item %}` minus the page's:
            # these templates use only the block, its value and the active language.
            html = str(child.render(context={"item": item}))
        blocks.append(CachedBlock(id=child.id, block_type=child.block_type, html=html))
    return LessonFragments(
        content_version=version,
        blocks=tuple(blocks),
        competencies=tuple(CompetencyBadge(name=c.name, description=c.description) for c in own),
    )


def content_version(found: str | None = None) -> str:
    """The version of everything cached lessons show besides their own content (`found`: the
    value a caller already read with other keys)."""
    version = found if found is not None else default_cache.get(CONTENT_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not default_cache.add(CONTENT_VERSION_KEY, version, None):
            version = default_cache.get(CONTENT_VERSION_KEY) or version
    return version


def lesson_fragments(*, lesson) -> LessonFragments:
    """The lesson's blocks as everyone sees them, in the active language (one cache read when
    cached; the competencies query and the block templates when not)."""
    key = _fragments_key(lesson, get_language())
    found = default_cache.get_many([key, CONTENT_VERSION_KEY])
    version = content_version(found.get(CONTENT_VERSION_KEY))
    fragments = found.get(key)
    if (
        fragments is None
        or fragments.content_version != version
        # Only a publish changes the key; should a live page be saved some other way, its blocks
        # are rendered again rather than put in the wrong places.
        or [block.id for block in fragments.blocks] != [raw["id"] for raw in lesson.body.raw_data]
    ):
        fragments = _render(lesson, version)
        default_cache.set(key, fragments, FRAGMENT_TIMEOUT)
    return fragments
