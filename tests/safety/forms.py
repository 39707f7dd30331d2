"""Read the forms a page really shows (fields, options, buttons), so the fuzzer
sends what a browser could send, and anything else."""

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, number, date, time, ...
    options: list = field(default_factory=list)
    multiple: bool = False
    value: str = ""
    maxlength: int | None = None


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)


class _Parser(HTMLParser):
    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form = None
        self.select = None
        self.option_value = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.page_url
            self.form = Form(
                action=action.split("#")[0], method=(a.get("method") or "get").lower()
            )
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag in ("input", "button") and name:
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind in ("checkbox", "radio", "submit"):
                existing = self.form.fields.get(name)
                if existing is None:
                    existing = self.form.fields[name] = Field(name, kind)
                existing.options.append(a.get("value", "on"))
                if kind == "checkbox" and len(existing.options) > 1:
                    existing.multiple = True
            else:
                maxlength = a.get("maxlength")
                self.form.fields[name] = Field(
                    name,
                    kind,
                    value=a.get("value", ""),
                    maxlength=int(maxlength)
                    if maxlength and maxlength.isdigit()
                    else None,
                )
        elif tag == "textarea" and name:
            maxlength = a.get("maxlength")
            self.form.fields[name] = Field(
                name, "textarea", maxlength=int(maxlength) if maxlength else None
            )
        elif tag == "select" and name:
            self.select = self.form.fields[name] = Field(
                name, "select", multiple="multiple" in a
            )
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def page_forms(html: str, page_url: str) -> list[Form]:
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms


_ERROR_BLOCKS = re.compile(
    r'<(?P<tag>span|div|ul|p)[^>]*class="[^"]*(?:invalid-feedback|alert-danger|'
    r'errorlist)[^"]*"[^>]*>(?P<body>.*?)</(?P=tag)>',
    re.S,
)
_TAGS = re.compile(r"<[^>]+>")


def error_messages(html: str) -> list[str]:
    """The error texts a page shows: field errors, form errors, error flashes."""
    out = []
    for match in _ERROR_BLOCKS.finditer(html):
        text = " ".join(unescape(_TAGS.sub(" ", match.group("body"))).split())
        if text:
            out.append(text)
    return out


CYRILLIC = re.compile(r"[А-Яа-яЁё]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def language_problem(message: str, language: str, typed: list[str]) -> str | None:
    """None if the message reads in ``language``; what the user typed is
    ignored (it may be echoed back, in any script)."""
    text = message
    for value in sorted((t for t in typed if t), key=len, reverse=True):
        text = text.replace(value, " ")
        text = text.replace(unescape(value), " ")
    if language == "ru" and not CYRILLIC.search(text) and LATIN_WORD.search(text):
        return f"English error for a Russian user: {message[:160]!r}"
    if language == "en" and CYRILLIC.search(text):
        return f"Russian error for an English user: {message[:160]!r}"
    return None
