"""The user guide: docs/guide/, one chapter per role, shown in the portal at /handleiding/.

The chapters are Markdown files, so that they read the same on GitHub and in the portal. The portal renders them
itself rather than with a Markdown package: none is among the project's dependencies, and the chapters use only
a small part of Markdown, which `render` covers: headings (#, ##, ###), paragraphs, numbered and bulleted lists
(a line indented under an item continues it), images, links, **bold** and `code`. Everything else is shown as the
text it is. Links to another chapter ("gastwerkgever.md") and pictures ("img/...png") become the portal's own
addresses; the pictures are made by docs/guide/screenshots.py (`make screenshots`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .roles import Role

INDEX_FILE = "README.md"
IMAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.png")


@dataclass(frozen=True)
class Chapter:
    slug: str
    role: Role

    @property
    def file_name(self) -> str:
        return f"{self.slug}.md"


# In the order of the index; the slug is the file's name and the chapter's address (/handleiding/<slug>/).
CHAPTERS = (
    Chapter("adviseur", Role.ADVISER),
    Chapter("coordinator", Role.COORDINATOR),
    Chapter("opleider", Role.TRAINING_PARTNER),
    Chapter("gastwerkgever", Role.EMPLOYER_CONTACT),
    Chapter("beheerder", Role.ADMINISTRATOR),
)
_BY_SLUG = {chapter.slug: chapter for chapter in CHAPTERS}
_BY_FILE = {chapter.file_name: chapter for chapter in CHAPTERS}


@dataclass(frozen=True)
class GuidePage:
    slug: str  # "" for the index
    title: str
    html: SafeString
    url: str


def guide_dir() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "guide"


def page(slug: str = "") -> GuidePage | None:
    """The index (slug "") or a chapter, rendered; None for a chapter that does not exist."""
    if slug and slug not in _BY_SLUG:
        return None
    file_name = _BY_SLUG[slug].file_name if slug else INDEX_FILE
    text = (guide_dir() / file_name).read_text(encoding="utf-8")
    return GuidePage(slug=slug, title=title_of(text), html=render(text, link=_portal_link), url=_page_url(slug))


def table_of_contents() -> list[GuidePage]:
    """The index and every chapter, with their titles; the pages themselves are not rendered."""
    pages = []
    for slug in ("", *_BY_SLUG):
        file_name = _BY_SLUG[slug].file_name if slug else INDEX_FILE
        text = (guide_dir() / file_name).read_text(encoding="utf-8")
        pages.append(GuidePage(slug=slug, title=title_of(text), html=SafeString(""), url=_page_url(slug)))
    return pages


def image_path(name: str) -> Path | None:
    """The picture of that name in docs/guide/img/, or None: only a plain PNG file name is looked up."""
    if not IMAGE_NAME.fullmatch(name):
        return None
    path = guide_dir() / "img" / name
    return path if path.is_file() else None


def title_of(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def _page_url(slug: str) -> str:
    return reverse("guide-chapter", args=[slug]) if slug else reverse("guide")


def _portal_link(target: str) -> str | None:
    """The portal's address for a link of a chapter, or None when it leads outside the guide."""
    if target.startswith(("https://", "http://", "mailto:")):
        return target
    path, _, fragment = target.partition("#")
    anchor = f"#{fragment}" if fragment else ""
    if path.startswith("img/") and IMAGE_NAME.fullmatch(path[4:]):
        return reverse("guide-image", args=[path[4:]])
    if path == INDEX_FILE:
        return reverse("guide") + anchor
    if path in _BY_FILE:
        return reverse("guide-chapter", args=[_BY_FILE[path].slug]) + anchor
    if not path and fragment:
        return anchor
    return None


# --- The Markdown ------------------------------------------------------------------------------------------

_HEADING = re.compile(r"(#{1,3}) (.+)")
_ORDERED = re.compile(r"\d+\. (.*)")
_BULLET = re.compile(r"[-*] (.*)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# The sizes of the portal's own pages: a page title, then section titles.
HEADING_CLASSES = {1: "h2 mb-3", 2: "section-title mt-4", 3: "h6 mt-3"}


def render(text: str, *, link: Callable[[str], str | None]) -> SafeString:
    """The HTML of the Markdown subset in the module's docstring; `link` maps a link's target to an address."""
    html: list[str] = []
    paragraph: list[str] = []
    items: list[list[str]] = []
    list_tag = ""

    def close_paragraph() -> None:
        if paragraph:
            html.append(f"<p>{_inline(' '.join(paragraph), link)}</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if items:
            rendered = "".join(f"<li>{_inline(' '.join(item), link)}</li>" for item in items)
            html.append(f"<{list_tag}>{rendered}</{list_tag}>")
            items.clear()
        list_tag = ""

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close_paragraph()
            continue
        if items and raw[:1].isspace():
            items[-1].append(line)  # an indented line continues the list item
            continue
        heading, ordered, bullet = _HEADING.fullmatch(line), _ORDERED.fullmatch(line), _BULLET.fullmatch(line)
        if heading:
            close_paragraph()
            close_list()
            level = len(heading[1])
            slug = re.sub(r"[^a-z0-9]+", "-", heading[2].lower()).strip("-")
            html.append(
                f'<h{level} id="{escape(slug)}" class="{HEADING_CLASSES[level]}">{_inline(heading[2], link)}</h{level}>'
            )
        elif ordered or bullet:
            close_paragraph()
            tag = "ol" if ordered else "ul"
            if list_tag != tag:
                close_list()
                list_tag = tag
            items.append([(ordered or bullet)[1]])  # type: ignore[index]
        else:
            close_list()
            paragraph.append(line)
    close_paragraph()
    close_list()
    return mark_safe("\n".join(html))  # noqa: S308 -- every piece of text went through escape() in _inline


def _inline(text: str, link: Callable[[str], str | None]) -> str:
    # Code spans first: what is inside them is shown as it is.
    parts = text.split("`")
    out = []
    for index, part in enumerate(parts):
        if index % 2 and index < len(parts) - 1:
            out.append(f"<code>{escape(part)}</code>")
        else:
            out.append(_markup(escape(part if index % 2 == 0 else f"`{part}"), link))
    return "".join(out)


def _markup(escaped: str, link: Callable[[str], str | None]) -> str:
    """Images, links and bold in text that is already escaped (the targets are escaped too, for the attributes)."""

    def image(match: re.Match[str]) -> str:
        src = link(_unescape(match[2]))
        if src is None:
            return match[1]
        return (
            f'<img src="{escape(src)}" alt="{match[1]}" loading="lazy" '
            'class="d-block img-fluid border rounded shadow-sm my-3">'
        )

    def anchor(match: re.Match[str]) -> str:
        href = link(_unescape(match[2]))
        return f'<a href="{escape(href)}">{match[1]}</a>' if href is not None else match[1]

    escaped = _IMAGE.sub(image, escaped)
    escaped = _LINK.sub(anchor, escaped)
    return _BOLD.sub(r"<strong>\1</strong>", escaped)


def _unescape(value: str) -> str:
    """The target as written in the file (escape() made & into &amp;, and so on)."""
    for escaped, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'"), ("&amp;", "&")):
        value = value.replace(escaped, char)
    return value
