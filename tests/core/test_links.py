import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.links import reverse_pk

NAMES = [
    "events:event-detail",
    "events:event-checkin",
    "members:vetting-dossier",
    "trainings:programme-detail",
    "trainings:resource-detail",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 42, 9081726354, 10**12])
def test_same_as_reverse(name, pk):
    assert reverse_pk(name, pk) == reverse(name, args=[pk])


def test_follows_the_script_prefix():
    try:
        set_script_prefix("/mosty/")
        assert reverse_pk("events:event-detail", 3) == "/mosty/events/3/"
    finally:
        set_script_prefix("/")
    assert reverse_pk("events:event-detail", 3) == "/events/3/"


def test_refuses_what_is_not_one_integer():
    for bad in ("3", "3/../../admin", True, -1, 2.5, None):
        with pytest.raises(ValueError):
            reverse_pk("events:event-detail", bad)
    with pytest.raises(ValueError, match="one integer key"):  # a slug URL
        reverse_pk("clubs:club-detail", 3)
    with pytest.raises(NoReverseMatch):  # takes no argument at all
        reverse_pk("core:privacy", 3)
