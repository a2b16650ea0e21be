"""The blocks a trainer composes a lesson from, without a developer.

Block values are plain text (escaped on output) except `text`, which is Wagtail rich text limited
to the tags the shipped content uses. A case names its traits from a list of competencies, so a
trainer picks them instead of typing slugs.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from .metrics import METRIC_CHOICES

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "ol", "ul", "blockquote", "link"]


def competency_choices():
    """Traits and knowledge areas by slug (stored by slug, like the content files, so rendering
    a case needs no query per block)."""
    from assessments.models import Competency

    return [(c.slug, c.name) for c in Competency.objects.all()]


class CompetenciesBlock(blocks.MultipleChoiceBlock):
    """Competency slugs, picked from a list in the admin."""

    def to_python(self, value):
        # The stored slugs are the value: no query for the choices on every page view.
        return [str(slug) for slug in value or []]


class TakeawaysBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Takeaway")), label=_("Takeaways"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Key takeaways")
        template = "courses/blocks/takeaways.html"


class CompareBlock(blocks.StructBlock):
    situation = blocks.TextBlock(label=_("Situation (what the customer said or asked)"))
    good = blocks.TextBlock(label=_("Say it like this"))
    bad = blocks.TextBlock(label=_("Not like this"))
    why = blocks.TextBlock(label=_("Why the first reply works"))

    class Meta:
        icon = "openquote"
        label = _("Say it like this / not like this")
        template = "courses/blocks/compare.html"


class CaseBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    situation = blocks.TextBlock(label=_("Situation"))
    what_happened = blocks.TextBlock(label=_("What happened"))
    why_it_matters = blocks.TextBlock(label=_("Why it matters"))
    traits = CompetenciesBlock(
        choices=competency_choices, label=_("Which traits it shows"), required=False
    )

    class Meta:
        icon = "doc-full"
        label = _("Case story")
        template = "courses/blocks/case.html"


class ReflectionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Question the learner answers in writing"))

    class Meta:
        icon = "edit"
        label = _("Reflection prompt")
        template = "courses/blocks/reflection.html"


class CalculatorBlock(blocks.StructBlock):
    metric = blocks.ChoiceBlock(choices=METRIC_CHOICES, label=_("Metric"))
    intro = blocks.TextBlock(label=_("What to try"), required=False)

    class Meta:
        icon = "table"
        label = _("Metric calculator")
        template = "courses/blocks/calculator.html"


class VideoBlock(blocks.StructBlock):
    url = EmbedBlock(label=_("Video URL (YouTube, Vimeo…)"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, label=_("Text"), template="courses/blocks/text.html"
    )
    takeaways = TakeawaysBlock()
    compare = CompareBlock()
    case = CaseBlock()
    reflection = ReflectionBlock()
    calculator = CalculatorBlock()
    image = FigureBlock()
    video = VideoBlock()
