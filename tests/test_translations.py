"""Everything a user reads goes through gettext, and the Dutch catalogue is complete and compiled.

- Every template (pages, PDF, e-mail) holds its text inside {% translate %} or {% blocktranslate %}: a word outside
  them would stay English on a Dutch page. Brand names are allowed (ALLOWED_WORDS).
- Every message the code and the templates mark (what `makemessages` extracts) has a Dutch translation in
  locale/nl/LC_MESSAGES/django.po that is neither empty nor fuzzy.
- django.mo is compiled from that django.po: not older, and holding the same messages.

The catalogue checks need GNU gettext (msgfmt, msgcmp, xgettext): skipped on a laptop without it, failed under CI.
"""

import gettext
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.base import DebugLexer, TokenType
from django.test import override_settings

from tests.services import service_unavailable

TEMPLATES_DIR = settings.BASE_DIR / "templates"
CATALOGUE = settings.BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")

# Words that are the same in every language: names, file formats, the Delete key, and the "x" that stands for a
# hidden count (as in the tables of CBS).
ALLOWED_WORDS = frozenset({"Opstap", "CSV", "Excel", "Delete", "x"})
# Attributes a person reads or hears.
READ_ATTRIBUTES = frozenset(
    {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription", "aria-valuetext", "label"}
)
# Template output and tags stand in the text as this character: not a letter, so `{{ name }}` is no text.
_OUTPUT = "\ue000"
_WORD = re.compile(r"\w+")
# The parts of a web address written out in a text (an e-mail's link): "https://" and "?next=" are no words.
_ADDRESS_PART = re.compile(r"\w+://|[?&][\w-]+=[^\s&]*")
# A literal a filter shows when the value is empty: {{ value|default:"none" }} is text as well.
_SHOWN_LITERAL = re.compile(r"""\|(?:default|default_if_none|yesno):(?P<quote>["'])(?P<text>[^"']*)(?P=quote)""")
_OPENING_TAGS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
_OPENING_TAGS["verbatim"] = "endverbatim"

# The code and templates makemessages reads, as the catalogue is made from them: the apps without their tests and
# migrations, the settings, and the templates.
SOURCE_DIRS = ("core", "pilots", "candidates", "employers", "reports", "start", "config", "templates")
_NOT_SOURCE = shutil.ignore_patterns("tests", "migrations", "__pycache__", "*.pyc")


def template_files() -> list[Path]:
    return sorted(path for path in TEMPLATES_DIR.rglob("*") if path.suffix in {".html", ".txt"})


def is_text(value: str) -> bool:
    """Whether a piece of a template is words someone reads, other than the allowed names."""
    words = _WORD.findall(_ADDRESS_PART.sub(" ", value))
    return any(word not in ALLOWED_WORDS and any(c.isalpha() for c in word) for word in words)


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw_depth = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._raw_depth += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and is_text(value.replace(_OUTPUT, " ")):
                self.found.append((self.getpos()[0], f'{name}="{value.replace(_OUTPUT, "…")}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._raw_depth:
            self._raw_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw_depth and is_text(data.replace(_OUTPUT, " ")):
            self.found.append((self.getpos()[0], " ".join(data.replace(_OUTPUT, "…").split())))


def untranslated_texts(source: str) -> list[tuple[int, str]]:
    """The text of a template outside the translation tags, by line: in the markup, in attributes a person reads,
    and in literals that filters show. Text inside {% blocktranslate %}, comments and {% verbatim %} is skipped."""
    skeleton: list[str] = []
    closing = ""
    for token in DebugLexer(source).tokenize():
        raw = source[token.position[0] : token.position[1]]
        if closing:
            skeleton.append("\n" * raw.count("\n"))
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = ""
            continue
        if token.token_type == TokenType.TEXT:
            skeleton.append(raw)
            continue
        if token.token_type == TokenType.BLOCK:
            closing = _OPENING_TAGS.get(token.contents.split()[0], "")
        # The literal stands where it would be shown: as text it counts, in a class attribute it does not.
        shown = " ".join(match["text"] for match in _SHOWN_LITERAL.finditer(token.contents))
        skeleton.append(_OUTPUT + shown + "\n" * raw.count("\n"))
    finder = _TextFinder()
    finder.feed("".join(skeleton))
    finder.close()
    return finder.found


def test_every_template_text_is_inside_a_translation_tag():
    untranslated = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}: {text}"
        for path in template_files()
        for line, text in untranslated_texts(path.read_text(encoding="utf-8"))
    ]

    assert not untranslated, "Text outside {% translate %} / {% blocktranslate %}:\n" + "\n".join(untranslated)


@pytest.mark.parametrize(
    ("template", "text"),
    [
        ("<p>Save the list</p>", "Save the list"),
        ('<button aria-label="Close">{% translate "x" %}</button>', 'aria-label="Close"'),
        ('<img alt="Logo of {{ name }}">', 'alt="Logo of …"'),
        ('<p>{{ value|default:"nothing yet" }}</p>', "nothing yet"),
        ("{% if a %}\n  Hello {{ name }}\n{% endif %}", "Hello …"),
        ("Dear {{ name }},\n\nyour report is ready.", "your report is ready."),
    ],
)
def test_the_check_finds_text_outside_the_translation_tags(template, text):
    assert text in " | ".join(found for _line, found in untranslated_texts(template))


@pytest.mark.parametrize(
    "template",
    [
        '<p>{% translate "Save the list" %}</p>',
        "<p>{% blocktranslate trimmed with name=n %}\n  Hello {{ name }}\n{% endblocktranslate %}</p>",
        '<a href="{% url "home" %}" class="btn btn-primary" title="{{ label }}">Opstap</a>',
        "<p>{{ count }} · {{ total }}% – &nbsp;&middot; (…)</p>",
        "{% comment %}Why this is here{% endcomment %}{# a note #}",
        "{{ protocol }}://{{ domain }}{% url 'home' %}?next={{ next|urlencode }}&lang=en",
        "<script>var text = 'none';</script><style>.a::after { content: 'x'; }</style>",
        '{{ value|default:"–" }} {{ day|date:"DATE_FORMAT" }} <div class="alert-{{ tags|default:\'info\' }}">',
    ],
)
def test_the_check_passes_translated_text_names_and_marks(template):
    assert untranslated_texts(template) == []


# --- The catalogue -------------------------------------------------------------------------------------------


def _require_gettext() -> None:
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt", "msgcmp") if shutil.which(tool) is None]
    if missing:
        service_unavailable(f"needs GNU gettext ({', '.join(missing)}): apt-get install gettext")


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture
def extracted_messages(tmp_path, monkeypatch) -> Path:
    """The catalogue template (.pot) that makemessages makes of the code and templates now, made in a copy, so that
    nothing is written into the working tree."""
    _require_gettext()
    for name in SOURCE_DIRS:
        shutil.copytree(settings.BASE_DIR / name, tmp_path / name, ignore=_NOT_SOURCE)
    shutil.copytree(settings.BASE_DIR / "locale", tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["nl"], domain="django", keep_pot=True, no_location=True, verbosity=0)
    return tmp_path / "locale" / "django.pot"


_UNDEFINED = re.compile(r"django\.pot:(\d+): this message is used but not defined")


def _missing_messages(pot: Path, report: str) -> list[str]:
    """The messages msgcmp reports as not translated, as the .pot writes them (msgcmp names only a line of each)."""
    lines = pot.read_text(encoding="utf-8").splitlines()
    missing = []
    for number in map(int, _UNDEFINED.findall(report)):
        start = number - 1
        while start > 0 and lines[start - 1].strip():  # back to the blank line before the entry
            start -= 1
        entry = [line for line in lines[start:number] if not line.startswith(("#", "msgstr"))]
        missing.append(" ".join(entry))
    return missing


def test_every_message_has_a_dutch_translation(extracted_messages):
    # msgcmp counts an empty or fuzzy translation as missing.
    result = _run("msgcmp", str(CATALOGUE), str(extracted_messages))

    missing = _missing_messages(extracted_messages, result.stderr)
    assert result.returncode == 0, (
        f"{CATALOGUE.relative_to(settings.BASE_DIR)} lacks {len(missing)} translations (run makemessages, "
        "translate, compilemessages):\n" + "\n".join(missing or [result.stderr])
    )


def _messages_of(compiled: Path) -> dict:
    with compiled.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)
    return dict(catalogue._catalog)  # type: ignore[attr-defined]


def test_the_compiled_catalogue_is_made_from_the_current_source(tmp_path):
    _require_gettext()
    assert COMPILED.exists(), "locale/nl/LC_MESSAGES/django.mo is missing: run make messages"
    # A second's leeway for file systems that keep whole seconds.
    assert COMPILED.stat().st_mtime >= CATALOGUE.stat().st_mtime - 1, "django.mo is older than django.po"
    fresh = tmp_path / "django.mo"
    result = _run("msgfmt", "--check-format", "-o", str(fresh), str(CATALOGUE))
    assert result.returncode == 0, result.stderr

    assert _messages_of(COMPILED) == _messages_of(fresh), (
        "django.mo does not hold what django.po says: run make messages"
    )
