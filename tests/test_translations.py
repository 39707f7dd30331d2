"""Every user-visible string is in the Russian catalogue, translated, not fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def _entries(path):
    """msgid -> (msgstr values, is_fuzzy) parsed from a .po file."""
    entries, current, fuzzy, field = {}, None, False, None
    buf = {"msgid": "", "msgstr": []}

    def flush():
        if current is not None and buf["msgid"]:
            entries[buf["msgid"]] = (buf["msgstr"], fuzzy)

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,"):
            flush()
            current, buf, field = None, {"msgid": "", "msgstr": []}, None
            fuzzy = "fuzzy" in line
        elif line.startswith("msgid "):
            if current is not None and field != "comment":
                flush()
                fuzzy = fuzzy if field is None else False
            current, field = True, "msgid"
            buf = {"msgid": eval(line[6:]), "msgstr": []}  # noqa: S307 - .po literal
        elif line.startswith("msgid_plural "):
            field = "plural"
        elif line.startswith("msgstr"):
            field = "msgstr"
            buf["msgstr"].append(eval(line.split(" ", 1)[1]))  # noqa: S307
        elif line.startswith('"') and field == "msgid":
            buf["msgid"] += eval(line)  # noqa: S307
        elif line.startswith('"') and field == "msgstr":
            buf["msgstr"][-1] += eval(line)  # noqa: S307
        elif not line.strip():
            flush()
            current, fuzzy, field = None, False, None
            buf = {"msgid": "", "msgstr": []}
    return entries


def test_russian_catalogue_compiles_without_fuzzy_or_untranslated():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, (
        result.stderr
    )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext missing")
def test_every_source_string_is_in_the_russian_catalogue(tmp_path):
    # Run makemessages on a copy of the sources and compare with the catalogue.
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", "var", ".git", "tests", "__pycache__", "*.mo"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "ru",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = _entries(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po")
    missing = sorted(
        msgid
        for msgid, (msgstr, fuzzy) in fresh.items()
        if fuzzy or not msgstr or not all(msgstr)
    )
    assert missing == [], "untranslated strings:\n" + "\n".join(missing)


def test_a_word_with_two_russian_forms_gets_each():
    # "Approved" of an application (заявка, feminine) and of a club proposal
    # (предложение, neuter): one English word, two Russian ones.
    from django.utils import translation

    from clubs.models import ClubProposal
    from members.models import Application

    with translation.override("ru"):
        assert str(Application.Status.APPROVED.label) == "Одобрена"
        assert str(ClubProposal.Status.APPROVED.label) == "Одобрено"
