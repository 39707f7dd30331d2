"""iCalendar files: UTC times, stable UIDs, SEQUENCE for updates, cancellations
marked. Never a venue address or an online link (privacy rule 2)."""

from icalendar import Calendar
from icalendar import Event as ICalEvent

from .models import Event

PRODID = "-//Mosty//Communication clubs//EN"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _vevent(event: Event, *, base_url: str, with_title: bool) -> ICalEvent:
    vevent = ICalEvent()
    vevent.add("uid", f"{event.uid}@mosty")
    vevent.add("dtstamp", event.updated_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title if with_title else "Meeting")
    vevent.add("url", f"{base_url}{event.get_absolute_url()}")
    vevent.add("description", f"{base_url}{event.get_absolute_url()}")
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return vevent


def render(events, *, name: str, base_url: str, with_title: bool = True) -> bytes:
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_vevent(event, base_url=base_url, with_title=with_title))
    return calendar.to_ical()
