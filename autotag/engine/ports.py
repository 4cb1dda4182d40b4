"""What the asset wrapper and the writer need of the engine context, as Protocols.

``EngineContext`` builds wrappers and the writer and satisfies both protocols; naming here only
the parts each one uses keeps the dependency one way: the context knows them, they do not know
the context.
"""

from __future__ import annotations

from typing import Protocol

from autotag.engine.albums import AlbumCollection
from autotag.engine.assets import AssetStore
from autotag.engine.presets import Strategy
from autotag.engine.report import ModificationReport
from autotag.engine.statistics import RunStatistics
from autotag.engine.tags import TagCollection
from autotag.immich.client import ImmichClient


class WrapperContext(Protocol):
    """Where an AssetResponseWrapper loads its full asset and finds its albums."""

    @property
    def assets(self) -> AssetStore: ...

    @property
    def albums(self) -> AlbumCollection: ...


class WriterContext(WrapperContext, Protocol):
    """What a Writer sends its writes through, journals them in and keeps up to date."""

    @property
    def client(self) -> ImmichClient: ...

    @property
    def report(self) -> ModificationReport: ...

    @property
    def stats(self) -> RunStatistics: ...

    @property
    def tags(self) -> TagCollection: ...

    @property
    def strategy(self) -> Strategy: ...
