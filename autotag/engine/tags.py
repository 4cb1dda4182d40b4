"""The tag dictionary: tag names to Immich tags, loaded on first need, created when missing."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import UTC, datetime

from autotag.engine.report import ChangeKind, ModificationReport
from autotag.immich.client import ImmichClient
from autotag.immich.dto import Tag
from autotag.immich.errors import BadRequestError, NetworkError, ServerError

PENDING = "pending:"


class TagCollection:
    """Name -> Tag, filled by one getAllTags on the first lookup.

    Names are the tag's ``name`` (the leaf of a hierarchical value), which is what the rules and
    the output tags use.
    """

    def __init__(self, client: ImmichClient, report: ModificationReport) -> None:
        self._client = client
        self._report = report
        self._by_name: dict[str, Tag] | None = None
        self._all: list[Tag] = []

    def _load(self) -> dict[str, Tag]:
        if self._by_name is None:
            self._by_name = {}
            self._all = self._client.get_all_tags()
            for tag in self._all:
                # Top-level tags win over nested tags with the same leaf name.
                known = self._by_name.get(tag.name)
                if known is None or tag.value.count("/") < known.value.count("/"):
                    self._by_name[tag.name] = tag
        return self._by_name

    def load(self) -> None:
        self._load()

    def forget(self, name: str) -> None:
        """The tag vanished from the server (404): the next use creates it again."""
        if self._by_name is not None:
            self._by_name.pop(name, None)

    def all(self) -> list[Tag]:
        """Every tag of the server as last listed (nested tags with a repeated name included)."""
        self._load()
        return list(self._all)

    def find(self, name: str) -> Tag | None:
        return self._load().get(name)

    def get_or_create(self, name: str) -> Tag:
        """The tag called ``name``, created with createTag when it does not exist yet."""
        known = self.find(name)
        if known is not None:
            return known
        with self._report.intent(ChangeKind.CREATE_TAG, name, []) as intent:
            try:
                tag = self._client.create_tag(name)
            except (BadRequestError, NetworkError, ServerError) as error:
                # Created meanwhile (by someone else, or by us with the answer lost): reload.
                self._by_name = None
                known = self.find(name)
                if known is not None:
                    if not isinstance(error, BadRequestError):
                        intent.confirm_target()
                    return known
                tag = self._client.create_tag(name)
            self._load()[name] = tag
            intent.confirm_target()
        return tag

    def placeholder(self, name: str) -> Tag:
        """A stand-in for a tag a batched write will create (upsertTags at the flush)."""
        now = datetime.now(UTC)
        tag = Tag(id=PENDING + name, name=name, value=name, created_at=now, updated_at=now)
        self._load()[name] = tag
        return tag

    def resolve_placeholders(self) -> None:
        """Create every tag still standing in as a placeholder, with one upsertTags call."""
        by_name = self._load()
        self._upsert([name for name, tag in by_name.items() if tag.id.startswith(PENDING)])

    def ensure(self, names: Iterable[str]) -> dict[str, Tag]:
        """Every named tag, creating the missing ones with one upsertTags call."""
        names = list(names)
        by_name = self._load()
        self._upsert([name for name in names if name not in by_name])
        return {name: by_name[name] for name in names}

    def _upsert(self, names: list[str]) -> None:
        if not names:
            return
        by_name = self._load()
        wanted = sorted(set(names))
        with contextlib.ExitStack() as stack:
            intents = {
                name: stack.enter_context(self._report.intent(ChangeKind.CREATE_TAG, name, []))
                for name in wanted
            }
            for tag in self._client.upsert_tags(wanted):
                if tag.name in intents:
                    by_name[tag.name] = tag
                    intents[tag.name].confirm_target()
