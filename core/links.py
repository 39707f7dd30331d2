"""Links to objects by primary key, for lists that show many of them.

``reverse()`` walks the URL resolver on every call (tens of microseconds);
a page of 50 rows with a link each pays that 50 times for the same pattern.
``reverse_pk`` reverses each URL name once per process and script prefix
with a sentinel in place of the key, and fills the key in afterwards.
tests/core/test_links.py holds it equal to ``reverse``.
"""

from django.urls import NoReverseMatch, get_script_prefix, reverse

# Digits that no URL prefix of ours contains; the pattern must take one int.
_SENTINEL = "9081726354"
_patterns: dict[tuple[str, str], tuple[str, str]] = {}


def reverse_pk(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a URL whose only argument is an
    ``<int:...>`` (checked once per name: a slug or string argument, which
    would take any text, is refused). Keys are whole numbers from 0 up."""
    if isinstance(pk, bool) or not isinstance(pk, int) or pk < 0:
        raise ValueError(f"not a primary key: {pk!r}")
    key = (name, get_script_prefix())
    parts = _patterns.get(key)
    if parts is None:
        url = reverse(name, args=[int(_SENTINEL)])
        before, sentinel, after = url.partition(_SENTINEL)
        if not sentinel or _SENTINEL in after or _takes_text(name):
            raise ValueError(f"{name} does not take exactly one integer key")
        parts = _patterns[key] = (before, after)
    return f"{parts[0]}{pk}{parts[1]}"


def _takes_text(name: str) -> bool:
    try:
        reverse(name, args=["x"])
    except NoReverseMatch:
        return False
    return True
