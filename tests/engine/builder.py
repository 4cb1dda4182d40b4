"""Hand-built libraries for engine tests, served in-process by the real simulator app."""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import attrs

from autotag.engine.config import load_config
from autotag.engine.presets import get_preset
from autotag.engine.runner import Engine, RunOptions, RunResult
from autotag.immich.client import ImmichClient
from autotag.immich.retry import RetryPolicy
from autotag.sim.app import Simulator
from autotag.sim.config import SimConfig
from autotag.sim.control_client import SimControl
from autotag.sim.inprocess import BASE_URL, SyncASGITransport
from autotag.sim.library import AssetRecord, Library, User
from autotag.sim.timefmt import LogicalClock, iso_local, iso_utc

UPLOAD = datetime(2025, 1, 1, tzinfo=UTC)


class LibraryBuilder:
    def __init__(self) -> None:
        user = User(
            id="11111111-1111-4111-8111-111111111111",
            email="me@example.org",
            name="Me",
            created_at=iso_utc(UPLOAD),
        )
        self.library = Library(user=user, clock=LogicalClock(UPLOAD), id_seed=7)
        self._albums: dict[str, object] = {}

    def asset(
        self,
        name: str,
        *,
        folder: str = "/photos/misc",
        taken: datetime = datetime(2019, 7, 14, 10, 15, tzinfo=UTC),
        tags: Iterable[str] = (),
        albums: Iterable[str] = (),
        duplicate: str | None = None,
    ) -> str:
        library = self.library
        asset_id = library.new_id()
        digest = hashlib.sha1(asset_id.encode()).digest()
        record = AssetRecord(
            id=asset_id,
            seq=0,
            original_path=f"{folder}/{name}",
            original_file_name=name,
            mime_type="image/jpeg",
            type="IMAGE",
            checksum=base64.b64encode(digest).decode(),
            device_asset_id=name,
            file_created_at=iso_utc(taken),
            file_modified_at=iso_utc(taken),
            local_date_time=iso_local(taken.replace(tzinfo=None)),
            date_time_original=iso_utc(taken),
            time_zone="UTC",
            created_at=iso_utc(UPLOAD),
            updated_at=iso_utc(UPLOAD),
            width=4000,
            height=3000,
            file_size=1000,
            make=None,
            model=None,
            duration="0:00:00.00000",
            duplicate_id=duplicate,
        )
        for value in tags:
            record.tag_ids.add(library.ensure_tag(value, iso_utc(UPLOAD)).id)
        library.add_asset(record)
        for album in albums:
            library.put_in_album(self.album(album), asset_id)
        return asset_id

    def album(self, name: str):
        if name not in self._albums:
            self._albums[name] = self.library.new_album(name, iso_utc(UPLOAD))
        return self._albums[name]

    def tag(self, value: str) -> None:
        self.library.ensure_tag(value, iso_utc(UPLOAD))

    def build(self) -> Library:
        self.library.finish_loading()
        return self.library


@attrs.define
class Served:
    simulator: Simulator
    client: ImmichClient
    control: SimControl

    @property
    def library(self) -> Library:
        return self.simulator.library

    def tag_names(self, asset_id: str) -> set[str]:
        library = self.library
        return {library.tags[t].name for t in library.assets[asset_id].tag_ids}

    def album_names(self, asset_id: str) -> set[str]:
        library = self.library
        return {library.albums[a].name for a in library.asset_albums[asset_id]}

    def run(self, run_dir: Path, preset: str = "lazy", **options) -> RunResult:
        engine = Engine(
            self.client,
            load_config(options.pop("config", None)),
            get_preset(preset),
            RunOptions(run_dir=run_dir, **options),
        )
        return engine.run()


@contextlib.contextmanager
def serve(
    library: Library | None = None,
    *,
    retry: RetryPolicy | None = None,
    client_limit: int | None = None,
    **settings,
) -> Iterator[Served]:
    """The real simulator app over an in-process transport (no latency unless asked)."""
    config = SimConfig(**{"time_scale": 0.0, **settings})
    simulator = Simulator(config, library)
    transport = SyncASGITransport(simulator.app)
    client = ImmichClient(
        f"{BASE_URL}/api",
        config.api_key,
        transport=transport,
        retry=retry,
        max_in_flight=client_limit,
    )
    control = SimControl(BASE_URL, config.api_key, transport=transport)
    try:
        yield Served(simulator, client, control)
    finally:
        client.close()
        control.close()
        transport.close()
