"""Classification: which rules an asset matches, and the status that follows.

The evaluation reads the asset through callables on purpose: the baseline engine asks the asset
for its tag and album names once per rule evaluation (about 35 times per asset, as the real tool
does), and the memoised strategy answers those calls from a per-asset cache.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence

import attrs

from autotag.engine.config import Rule


class ClassificationStatus(enum.Enum):
    CLASSIFIED = "classified"
    UNCLASSIFIED = "unclassified"
    CONFLICT = "conflict"


@attrs.frozen
class RuleMatch:
    """What made one rule match: the tags, the albums, whether the asset is linked."""

    rule: Rule
    tags: tuple[str, ...]
    albums: tuple[str, ...]
    linked: bool


@attrs.frozen
class Classification:
    status: ClassificationStatus
    matches: tuple[RuleMatch, ...]

    @property
    def matched_tags(self) -> frozenset[str]:
        """The asset's tags that some rule matched (its "classification tags")."""
        return frozenset(tag for match in self.matches for tag in match.tags)


def match_rule(
    rule: Rule, tag_names: Sequence[str], album_names: Sequence[str], asset_id: str
) -> RuleMatch | None:
    """Match one rule: any tag, any album pattern or the asset link is enough."""
    tags = tuple(name for name in tag_names if name in rule.tag_names)
    albums = tuple(
        name
        for name in album_names
        if any(pattern.match(name) for pattern in rule.album_name_patterns)
    )
    linked = asset_id.lower() in rule.asset_links
    if tags or albums or linked:
        return RuleMatch(rule, tags, albums, linked)
    return None


def classify(
    rules: Sequence[Rule],
    get_tag_names: Callable[[], list[str]],
    get_album_names: Callable[[], list[str]],
    asset_id: str,
) -> Classification:
    """Evaluate every rule; 0 matches -> UNCLASSIFIED, 1 -> CLASSIFIED, more -> CONFLICT.

    A single rule that matched more than one album is a CONFLICT as well (the asset sits in two
    event albums, say).
    """
    matches = []
    for rule in rules:
        match = match_rule(rule, get_tag_names(), get_album_names(), asset_id)
        if match is not None:
            matches.append(match)
    if not matches:
        status = ClassificationStatus.UNCLASSIFIED
    elif len(matches) == 1 and len(matches[0].albums) <= 1:
        status = ClassificationStatus.CLASSIFIED
    else:
        status = ClassificationStatus.CONFLICT
    return Classification(status, tuple(matches))
