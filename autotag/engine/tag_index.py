"""Asset -> tags for the tags the engine decides on, read through tag searches.

Search hits carry no tags, so the baseline reads every asset's tags with one getAssetInfo per
asset. The engine only ever looks at a few tags (the rules' tags, the conversions' sources, its
own output tags and their per-group variants); paging through ``searchAssets`` filtered by each
of those tags gives the same answer with requests that scale with tags, not assets.

Immich's tag filter also returns assets tagged with a tag's children, so a relevant tag that has
children cannot be read this way: ``build`` then returns None and the caller reads tags per asset.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from autotag.immich.client import ImmichClient
from autotag.immich.dto import Tag
from autotag.immich.unset import UNSET

SEARCH_PAGE_SIZE = 1000


class TagIndex:
    def __init__(self, tags_by_asset: dict[str, list[Tag]], tracked: set[str]) -> None:
        self._by_asset: defaultdict[str, list[Tag]] = defaultdict(list, tags_by_asset)
        self.tracked = tracked

    def tags_of(self, asset_id: str) -> list[Tag]:
        """A copy of the asset's tracked tags (an empty list when it has none)."""
        return list(self._by_asset.get(asset_id, ()))

    def apply(self, asset_id: str, tag: Tag, *, added: bool) -> None:
        tags = self._by_asset[asset_id]
        present = any(t.name == tag.name for t in tags)
        if added and not present:
            tags.append(tag)
        elif not added and present:
            tags[:] = [t for t in tags if t.name != tag.name]
        if not tags:
            del self._by_asset[asset_id]

    @property
    def assets(self) -> int:
        return len(self._by_asset)


def relevant_tags(all_tags: Iterable[Tag], names: set[str], prefixes: tuple[str, ...]) -> list[Tag]:
    """Tags whose name the engine looks at: exact names, or names starting with a prefix."""
    return [t for t in all_tags if t.name in names or t.name.startswith(prefixes)]


def build(
    client: ImmichClient,
    all_tags: list[Tag],
    names: set[str],
    prefixes: tuple[str, ...],
    run: Callable[[Callable[[Tag], list[str]], list[Tag]], list[list[str]]],
) -> TagIndex | None:
    """Search every relevant tag (``run`` maps the searches, maybe concurrently)."""
    wanted = relevant_tags(all_tags, names, prefixes)
    parents = {t.parent_id for t in all_tags if t.parent_id is not UNSET and t.parent_id}
    if any(t.id in parents for t in wanted):
        return None

    def members(tag: Tag) -> list[str]:
        return [
            hit.id for hit in client.iter_search_results(tag_ids=[tag.id], size=SEARCH_PAGE_SIZE)
        ]

    by_asset: dict[str, list[Tag]] = defaultdict(list)
    for tag, asset_ids in zip(wanted, run(members, wanted), strict=True):
        for asset_id in asset_ids:
            by_asset[asset_id].append(tag)
    return TagIndex(dict(by_asset), {t.name for t in wanted})
