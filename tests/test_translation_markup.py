"""Every text in a template and every page message in Python is marked for translation, so
`makemessages` finds it and the German catalogue can hold it. A new template (or message) with
a bare English sentence fails here, before anyone renders it."""

import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts", "locker", "preferences", "skylocker", "api", "audit", "sharing", "dav", "previews",
]
# Swagger UI's page is drf-spectacular's, in English (docs/translations.md says why).
UNTRANSLATED = {"api/templates/api/swagger_ui.html"}
SAME_IN_BOTH = {"Skylocker"}
LABELS = {"aria-label", "title", "alt", "placeholder", "data-label"}
TAGS = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"<(script|style|code)\b.*?</\1>", re.S),
    re.compile(r"{%.*?%}|{{.*?}}", re.S),
    re.compile(r"\?[\w=&;]+"),  # a link's query string in a mail
    re.compile(r"/[\w/-]+/"),  # and its path
]
# A tag whose name the template chooses (allauth's button: <a> or <button>): its first choice.
NAMED_BY_TEMPLATE = re.compile(r"(</?){%[^%]*%}(\w+)(?:(?:{%[^%]*%}\w*)*{%[^%]*%}(?=>))?")
WORD = re.compile(r"[^\W\d_]{2,}")


def templates() -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).glob("templates/**/*")):
            if path.is_file() and str(path.relative_to(ROOT)) not in UNTRANSLATED:
                found.append(path)
    return found


def bare(source: str) -> str:
    source = NAMED_BY_TEMPLATE.sub(r"\1\2", source)
    for pattern in TAGS:
        source = pattern.sub(" ", source)
    return source


class Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.texts += [value for name, value in attrs
                       if value and (name in LABELS or name.startswith("data-text-"))]

    def handle_data(self, data):
        self.texts.append(data)


def words(text: str) -> list[str]:
    return [word for word in WORD.findall(text) if word not in SAME_IN_BOTH and not word.isupper()]


def test_every_template_text_is_inside_a_translate_tag():
    unmarked = {}
    for path in templates():
        source = bare(path.read_text())
        if path.suffix == ".html":
            parser = Texts()
            parser.feed(source)
            texts = parser.texts
        else:
            texts = [source]
        found = [word for text in texts for word in words(text)]
        if found:
            unmarked[str(path.relative_to(ROOT))] = found
    assert not unmarked, f"Text outside {{% translate %}}: {unmarked}"
    assert len(templates()) > 40


def test_the_check_finds_an_unmarked_sentence():
    parser = Texts()
    parser.feed(bare('{% load i18n %}<p title="Plain words">{% translate "Fine" %} {{ x }}</p>'))
    assert [w for t in parser.texts for w in words(t)] == ["Plain", "words"]


def test_a_tag_named_by_the_template_is_markup_and_its_text_still_counts():
    parser = Texts()
    parser.feed(bare('<{% if a %}a href="{{ a }}" class="x{% if b %} y{% endif %}"{% else %}button'
                     '{% if c %} class="z"{% endif %}{% endif %}>Go home</{% if a %}a{% else %}'
                     'button{% endif %}>'))
    assert [w for t in parser.texts for w in words(t)] == ["Go", "home"]


# A message given as a bare literal; `" ".join(...)` of (translated) messages is fine.
MESSAGE_CALL = re.compile(r"messages\.\w+\(\s*(?:self\.)?request,\s*f?([\"'])(?!\s?\1\.join)", re.S)


def test_every_page_message_in_python_goes_through_gettext():
    bare_messages = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if MESSAGE_CALL.search(path.read_text()):
                bare_messages.append(str(path.relative_to(ROOT)))
    assert not bare_messages
