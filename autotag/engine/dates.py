"""Dates an asset's file name or path reveal, and the decision to correct Immich's date.

Phones and messengers name files after the moment they were taken (``IMG_20190714_101500.jpg``,
``IMG-20190714-WA0003.jpg``, ``WhatsApp Image 2019-07-14 at 10.15.00.jpeg``); when Immich holds a
later date (a re-save, a copy, a messenger stripping EXIF), the name is the better witness.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo

import attrs


class DateSource(enum.Enum):
    IMMICH = "immich"
    FILENAME = "filename"
    WHATSAPP_FILENAME = "whatsapp_filename"
    WHATSAPP_PATH = "whatsapp_path"


@attrs.frozen
class DateCandidate:
    source: DateSource
    when: datetime  # always time-zone aware
    has_time: bool


# IMG-20190714-WA0003.jpg, VID-20190714-WA0012.mp4 (date only).
_WHATSAPP_NAME = re.compile(r"(?:IMG|VID|AUD|PTT|STK)-(\d{4})(\d{2})(\d{2})-WA\d+", re.IGNORECASE)
# "WhatsApp Image 2019-07-14 at 10.15.00.jpeg" (date and time).
_WHATSAPP_PATH = re.compile(
    r"WhatsApp (?:Image|Video) (\d{4})-(\d{2})-(\d{2}) at (\d{1,2})\.(\d{2})\.(\d{2})",
    re.IGNORECASE,
)
# IMG_20190714_101500.jpg, PXL_20190714_101500123.jpg, 20190714-101500.jpg
_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})[_-](\d{2})(\d{2})(\d{2})")
# 2019-07-14_10-15-00.jpg, Screenshot 2019-07-14-10-15-00.png
_DASHED = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})[_ -](\d{2})[-.](\d{2})[-.](\d{2})")

# Names before this year are far more often counters than dates.
_MIN_YEAR = 1990


def _make(parts: Iterable[str], tz: tzinfo) -> datetime | None:
    numbers = [int(p) for p in parts]
    if numbers[0] < _MIN_YEAR:
        return None
    try:
        return datetime(*numbers, tzinfo=tz)  # type: ignore[misc]
    except ValueError:
        return None


def candidates_from_name(file_name: str, path: str, tz: tzinfo) -> list[DateCandidate]:
    """Every date the file name (and a WhatsApp-style path) states, interpreted in ``tz``."""
    found: list[DateCandidate] = []
    if (match := _WHATSAPP_NAME.search(file_name)) and (when := _make(match.groups(), tz)):
        found.append(DateCandidate(DateSource.WHATSAPP_FILENAME, when, has_time=False))
    if (match := _WHATSAPP_PATH.search(path)) and (when := _make(match.groups(), tz)):
        found.append(DateCandidate(DateSource.WHATSAPP_PATH, when, has_time=True))
    for pattern in (_COMPACT, _DASHED):
        if match := pattern.search(file_name):
            if when := _make(match.groups(), tz):
                found.append(DateCandidate(DateSource.FILENAME, when, has_time=True))
            break
    return found


def parse_timestamp(text: str) -> datetime:
    """Parse Immich's ISO 8601 timestamps (``Z`` or an offset); naive ones are taken as UTC."""
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


# The Immich date may trail the name's date by this much before we call it wrong.
DATE_ONLY_TOLERANCE = timedelta(days=1.1)
TIMED_TOLERANCE = timedelta(hours=20)


@attrs.frozen
class DateDecision:
    """What date correction concluded for one asset."""

    immich_date: datetime
    best: DateCandidate | None
    fix_to: datetime | None

    @property
    def needs_fix(self) -> bool:
        return self.fix_to is not None


def decide(immich_date: datetime, candidates: Iterable[DateCandidate]) -> DateDecision:
    """Pick the earliest name-derived candidate; fix Immich's date when it is clearly later.

    A date-only candidate (WhatsApp file names) stands for a whole day, so Immich must trail it by
    more than 1.1 days; a candidate with a time of day must be earlier by more than 20 hours —
    generous enough for a wrong time-zone guess, strict enough to catch copies and re-saves.
    """
    pool = [c for c in candidates if c.source is not DateSource.IMMICH]
    best = min(pool, key=lambda c: c.when, default=None)
    if best is None:
        return DateDecision(immich_date, None, None)
    tolerance = TIMED_TOLERANCE if best.has_time else DATE_ONLY_TOLERANCE
    if immich_date - best.when > tolerance:
        return DateDecision(immich_date, best, best.when)
    return DateDecision(immich_date, best, None)


_ALBUM_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def album_date(album_name: str, tz: tzinfo) -> datetime | None:
    """The date a dated album name starts with (``2019``, ``2019-07``, ``2019-07-14 ...``)."""
    match = _ALBUM_DATE.match(album_name)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return datetime(int(year), int(month or 1), int(day or 1), tzinfo=tz)
    except ValueError:
        return None
