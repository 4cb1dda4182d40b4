"""Album names proposed by dated folders in an asset's path.

``/photos/2019/2019-07-14 Summer trip/IMG_1234.jpg`` proposes the album ``2019-07-14 Summer trip``.
A path with two dated folders is ambiguous; a folder that is only a date proposes nothing.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

import attrs

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Folders after the dated one that still belong to the album name ("2019-07-14 Trip/Day 1").
MAX_FOLLOWING_FOLDERS = 3
MIN_NAME_LENGTH = 10


class FolderOutcome(enum.Enum):
    NONE = "none"
    ALBUM = "album"
    AMBIGUOUS = "ambiguous"


@attrs.frozen
class FolderDetection:
    outcome: FolderOutcome
    album_name: str | None = None


_NOTHING = FolderDetection(FolderOutcome.NONE)


def detect_album(path: str, excluded: Sequence[re.Pattern[str]] = ()) -> FolderDetection:
    """Propose an album from the folders of ``path`` (the file name itself is ignored)."""
    folders = [part for part in path.replace("\\", "/").split("/")[:-1] if part]
    if any(pattern.search("/".join(folders)) for pattern in excluded):
        return _NOTHING
    dated = [i for i, folder in enumerate(folders) if _DATED.match(folder)]
    if not dated:
        return _NOTHING
    if len(dated) > 1:
        return FolderDetection(FolderOutcome.AMBIGUOUS)
    start = dated[0]
    parts = folders[start : start + 1 + MAX_FOLLOWING_FOLDERS]
    if _DATE_ONLY.match(parts[-1]):
        return _NOTHING
    name = "/".join(parts)
    if len(name) < MIN_NAME_LENGTH:
        return _NOTHING
    return FolderDetection(FolderOutcome.ALBUM, name)
