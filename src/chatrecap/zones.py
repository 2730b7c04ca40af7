"""Time zones as users name them: ``--tz``, an upload's zone, the blog's ``time_zone``."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chatrecap.errors import OptionError

EXAMPLES = "America/New_York, Europe/Paris or UTC"


def named_zone(name: str | None, given_as: str = "") -> ZoneInfo | None:
    """The zone an IANA name stands for; None for no name. Anything else ("Mars/Olympus",
    "America", a path) is one clear error saying where it was given (``given_as``)."""
    name = (name or "").strip()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # a folder of zones, a path, too long...
        where = f" for {given_as}" if given_as else ""
        raise OptionError(f"Unknown time zone {name!r}{where}; "
                          f"use an IANA name such as {EXAMPLES}.") from None
