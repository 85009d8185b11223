"""The link preview of a permalink: a 1200 x 630 PNG of its verdict card, for the Open Graph
and Twitter card tags of the results page, drawn with Pillow (which WeasyPrint already brings)
and served at /r/<slug>/card.png. Drawn once per permalink, then served like the PDF summary
(guide.services.downloads).
"""

from __future__ import annotations

import io
import textwrap
from functools import lru_cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from guide.engine import Snapshot
from guide.services import permalinks
from guide.services.downloads import Made, serve
from guide.services.rulebook import active_language, get_rulebook
from guide.wording.sentences import tell

SIZE = (1200, 630)
#: DejaVu is what the PDF summary uses too (Debian's fonts-dejavu-core); Pillow's own font is
#: the fallback where it is missing.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
#: Chinese needs a CJK font: Debian's Noto CJK (fonts-noto-cjk), its Simplified Chinese face.
CJK_DIR = Path("/usr/share/fonts/opentype/noto")
CJK_FACE = 2  # in NotoSansCJK-*.ttc: JP, KR, SC, TC, HK
CJK_LANGUAGES = ("zh-hans",)
COLOURS = {"flask": "#1f2a44", "django": "#3aa57a"}  # static/guide/options.css
TEXT_COLOURS = {"flask": "#1f2a44", "django": "#0b4d33"}  # the same, dark enough for text
INK, MUTED, PAPER = "#1a1a1a", "#55606e", "#ffffff"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=16)
def face(size: int, *, bold: bool = False, cjk: bool = False) -> Font:
    cjk_file = CJK_DIR / ("NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc")
    if cjk and cjk_file.exists():
        return ImageFont.truetype(str(cjk_file), size, index=CJK_FACE)
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def draw_card(result: Snapshot, language: str = "en") -> bytes:
    """The verdict card as PNG bytes: who the guide names, how sure, the points and why, in
    ``language`` (Chinese with a CJK font, its lines half as many characters long)."""
    told = tell(result)
    cjk = language in CJK_LANGUAGES

    def font(size: int, *, bold: bool = False) -> Font:
        return face(size, bold=bold, cjk=cjk)

    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    colour = COLOURS.get(result["recommendation"], INK)
    draw.rectangle((0, 0, SIZE[0], 18), fill=colour)
    # Two gettext calls of their own: xgettext does not look inside f-strings.
    title, what = gettext("Flask or Django?"), gettext("The guide’s recommendation")
    kicker = f"{title} · {what}"
    draw.text((70, 60), kicker.upper(), font=font(26), fill=MUTED)
    draw.text((70, 110), told.headline, font=font(96 if told.decided else 64, bold=True), fill=INK)
    line = f"{result['confidence_label']} · {told.standing}"
    text_colour = TEXT_COLOURS.get(result["recommendation"], INK)
    draw.text((70, 250), line, font=font(38, bold=True), fill=text_colour)
    summary = told.because or told.close_note or result["recommendation_summary"]
    for i, text in enumerate(textwrap.wrap(summary, width=26 if cjk else 52)[:4]):
        draw.text((70, 330 + i * 52), text, font=font(36), fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@require_safe
def permalink_card(request: HttpRequest, slug: str) -> HttpResponse:
    """The permalink's preview image, drawn once and then served from the cache."""

    def make() -> Made:
        said = permalinks.said(permalinks.find_or_404(slug))
        return Made(draw_card(said, active_language()), "image/png")

    response = serve(request, f"card:{get_rulebook().version}:{slug}", make, limit="pages")
    # The one resource meant to be shown on other sites (link previews).
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
