"""Deterministic dataset generator: a realistic personal photo library, from a seed number.

``DatasetParams`` holds every knob (documented in docs/simulator.md); ``PRESETS`` are the
calibrated sizes (``seed``: the seed's 26,562 assets; ``small`` and ``ci`` keep its proportions);
``generate(params)`` builds the ``Library``. Same parameters -> same library, byte for byte.

Shares are fractions of all assets, so every preset has the same composition. A feature with a
non-zero share gets at least one instance even in the smallest library.
"""

from __future__ import annotations

import base64
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs

from autotag.errors import ConfigError
from autotag.sim.library import AlbumRecord, AssetRecord, Library, User
from autotag.sim.timefmt import LogicalClock, iso_local, iso_utc

TEMP_ALBUM_SUFFIX = "-autotag-temp-unclassified"
RULE_ALBUMS = ("autotag_input_meme", "autotag_input_adult_meme", "autotag_input_pending_review")
MEME_TAGS = ("meme", "autotag_input_meme", "adult_meme", "autotag_input_adult_meme")
INPUT_TAGS = ("autotag_input_pending_review", "autotag_input_ignore", "autotag_input_broken")
OUTPUT_UNKNOWN = "autotag_output_unknown"
OUTPUT_CONFLICT = "autotag_output_conflict"
OUTPUT_DATE_MISMATCH = "autotag_output_album_date_mismatch"


@attrs.frozen(kw_only=True)
class DatasetParams:
    """The knobs of a generated library. Shares are fractions of ``assets``."""

    name: str = "custom"
    assets: int = 26_562
    seed: int = 20_260_115
    #: The library's "today": nothing is dated later.
    library_date: date = date(2026, 1, 15)
    first_year: int = 2009
    time_zone: str = "Europe/Madrid"

    # Where the files live (the rest are undated folders: scans, downloads, screenshots).
    event_share: float = 0.62
    camera_share: float = 0.14
    whatsapp_share: float = 0.17
    video_share: float = 0.07
    #: Mean number of files per event folder ``/photos/YYYY/YYYY-MM-DD Event``.
    event_size_mean: float = 11.0
    #: Share of event folders that have an album of the same name.
    event_album_share: float = 0.92
    #: Mean number of files of one day in the camera roll, in WhatsApp, and in screenshots and
    #: downloads: they set how many temp albums (one per day) earlier runs left behind.
    camera_burst_mean: float = 6.0
    whatsapp_burst_mean: float = 2.8
    other_burst_mean: float = 3.0

    # Dates.
    #: Assets with a dated file name whose Immich date is 2 days to 3 years later (fixable).
    date_mismatch_share: float = 0.0056

    # What the engine will find (each an asset role; roles do not overlap).
    #: New imports in no album and without tags: they get a temp album and the unknown tag.
    unclassified_new_share: float = 0.012
    #: Assets in the rule albums autotag_input_meme / _adult_meme / _pending_review.
    rule_album_share: float = 0.03
    #: Assets tagged meme / adult_meme / autotag_input_(adult_)meme, not yet in the meme album.
    meme_to_convert_share: float = 0.008
    #: Assets tagged autotag_input_pending_review / _ignore / _broken (classified by tag).
    input_tag_share: float = 0.02
    #: Assets matching two rules (two event albums, or event album + input tag), not yet tagged.
    conflict_new_share: float = 0.0501
    #: Assets in conflict that already carry autotag_output_conflict.
    conflict_tagged_share: float = 0.005
    #: Classified assets that still carry autotag_output_conflict (stale).
    stale_conflict_share: float = 0.008
    #: Assets in temp albums from earlier runs that still carry autotag_output_unknown (stale).
    stale_unknown_share: float = 0.035
    #: Assets in an event album dated more than 180 days away from them.
    album_date_mismatch_share: float = 0.035
    #: Assets carrying autotag_output_album_date_mismatch without a mismatch (stale).
    stale_date_mismatch_share: float = 0.002
    #: Event photos with descriptive hierarchical tags (people/..., places/...).
    descriptive_tag_share: float = 0.25
    favourite_share: float = 0.03

    # Albums beyond event, rule and temp albums.
    #: Large non-rule albums ("Family", ...), each holding ``large_album_share`` of the assets.
    large_albums: int = 3
    large_album_share: float = 0.09
    #: Small non-rule albums ("Dog", "Garden", ...) per 1,000 assets.
    misc_albums_per_1000: float = 3.0
    empty_temp_albums_per_1000: float = 0.5
    #: Temp albums whose members span more than 30 days (the engine deletes them).
    unhealthy_temp_albums_per_1000: float = 0.3

    # Immich duplicate groups (per 1,000 assets) and how their members' tags relate.
    duplicate_pairs_per_1000: float = 13.37
    duplicate_triples_per_1000: float = 0.75
    #: Groups where one member has one classification tag and the others none (autofix).
    duplicate_autofix_share: float = 0.05
    #: Groups whose members carry different classification tags (conflict).
    duplicate_conflict_share: float = 0.09

    def scaled(self, assets: int) -> DatasetParams:
        """The same composition for another library size."""
        return attrs.evolve(self, assets=assets)

    def count(self, share: float) -> int:
        """``share`` of the assets, at least 1 when the share is not zero."""
        if share <= 0:
            return 0
        return max(1, round(share * self.assets))

    def per_thousand(self, rate: float) -> int:
        return self.count(rate / 1000.0)


PRESETS: dict[str, DatasetParams] = {
    "seed": DatasetParams(name="seed", assets=26_562),
    "small": DatasetParams(name="small", assets=2_656),
    "ci": DatasetParams(name="ci", assets=400),
}


def preset(name: str, *, assets: int | None = None, seed: int | None = None) -> DatasetParams:
    """A preset by name, optionally resized (same proportions) or reseeded."""
    try:
        params = PRESETS[name]
    except KeyError:
        known = ", ".join(PRESETS)
        raise ConfigError(f"unknown dataset {name!r} (known: {known})") from None
    if assets is not None:
        if assets < 10:
            raise ConfigError(f"a dataset needs at least 10 assets, not {assets}")
        params = params.scaled(assets)
    if seed is not None:
        params = attrs.evolve(params, seed=seed)
    return params


def generate(params: DatasetParams) -> Library:
    """Build the library described by ``params`` (deterministic)."""
    return _Generator(params).run()


# --------------------------------------------------------------------------------------------
# Vocabulary

EVENT_NAMES = (
    "Summer trip",
    "Beach day",
    "Birthday party",
    "Christmas dinner",
    "New Year's Eve",
    "Hiking in the Picos",
    "Wedding of Laura and Pablo",
    "Visit to Grandma",
    "School festival",
    "Camping",
    "Road trip to Porto",
    "Paris weekend",
    "Ski trip",
    "Carnival",
    "First day of school",
    "Garden party",
    "Concert",
    "Football final",
    "Museum visit",
    "Easter in the village",
    "Lisbon",
    "Barbecue",
    "Graduation",
    "Kayaking",
    "Zoo",
    "Snow day",
    "Cousins visit",
    "Christening",
    "Fiestas",
    "Autumn walk",
)
MISC_ALBUM_NAMES = (
    "Dog",
    "Garden",
    "Recipes",
    "Cars",
    "Sunsets",
    "Food",
    "Architecture",
    "Birds",
    "Flowers",
    "House works",
    "Documents",
    "Wallpapers",
)
LARGE_ALBUM_NAMES = ("Family", "Favourites", "Phone backup", "Kids", "Best of")
DESCRIPTIVE_TAGS = (
    "people/Ana",
    "people/Luis",
    "people/Carmen",
    "people/Javier",
    "people/Lucía",
    "people/Grandma",
    "places/Spain/Madrid",
    "places/Spain/Asturias",
    "places/Spain/Cádiz",
    "places/France/Paris",
    "places/Portugal/Porto",
    "places/Portugal/Lisbon",
    "things/Food",
    "things/Pets/Dog",
    "things/Pets/Cat",
    "things/Cars",
    "events/Birthday",
    "events/Christmas",
    "nature/Mountains",
    "nature/Sea",
)
CAMERAS = (  # style, make, model, width, height
    ("android", "samsung", "SM-G991B", 4000, 3000),
    ("pixel", "Google", "Pixel 7", 4080, 3072),
    ("iphone", "Apple", "iPhone 12", 4032, 3024),
    ("dslr", "NIKON CORPORATION", "NIKON D5300", 6000, 4000),
)
SCAN_FOLDERS = ("Grandparents", "Old albums", "Slides 1980s", "School photos")
UTC = UTC


@attrs.define(slots=True)
class _Folder:
    day: date
    title: str
    asset_ids: list[str]
    album: AlbumRecord | None = None


class _Generator:
    def __init__(self, params: DatasetParams) -> None:
        if params.assets < 10:
            raise ConfigError(f"a dataset needs at least 10 assets, not {params.assets}")
        self.p = params
        self.rng = random.Random(params.seed)
        self.zone = ZoneInfo(params.time_zone)
        self.now = datetime.combine(params.library_date, datetime.min.time(), UTC)
        start = iso_utc(self.now - timedelta(days=3))
        self.epoch = start
        self.library = Library(
            user=User(
                id=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
                email="admin@example.org",
                name="Alex Example",
                created_at=start,
            ),
            clock=LogicalClock(self.now),
            id_seed=params.seed + 1,
        )
        self.name_dates: dict[str, date] = {}
        self.folders: list[_Folder] = []
        self.camera: list[str] = []
        self.whatsapp: list[str] = []
        self.undated: list[str] = []
        self.scans: list[str] = []
        self.recent: list[str] = []
        #: Assets whose Immich date trails their file name's date (date correction's work).
        self.mismatched: set[str] = set()
        self.counter = 0
        self.paths: set[str] = set()
        self.event_titles: dict[date, set[str]] = {}
        self.years = list(range(params.first_year, params.library_date.year + 1))
        self.year_weights = [
            (1.0 + 0.15 * index)
            * (min(date(year, 12, 31), params.library_date) - date(year, 1, 1)).days
            for index, year in enumerate(self.years)
        ]

    # ---- helpers ----

    def _uuid(self) -> str:
        return self.library.new_id()

    def _year(self) -> int:
        """A year, later ones more likely (more photos per day), weighted by the days it has
        before the library date."""
        return self.rng.choices(self.years, self.year_weights)[0]

    def _day(self, year: int | None = None) -> date:
        year = year if year is not None else self._year()
        last = self.p.library_date - timedelta(days=1)
        first = date(year, 1, 1)
        end = min(date(year, 12, 31), last)
        if end < first:
            first, end = date(last.year, 1, 1), last
        return first + timedelta(days=self.rng.randrange((end - first).days + 1))

    def _time(self, day: date, earliest: int = 8, latest: int = 22) -> datetime:
        seconds = self.rng.randrange(earliest * 3600, latest * 3600)
        return datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds)

    def _utc(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.zone).astimezone(UTC)

    def _add(
        self,
        path: str,
        *,
        kind: str,
        local: datetime,
        exif: bool,
        camera: tuple[str, str, str, int, int] | None,
        name_date: date | None,
        mtime_local: datetime | None = None,
        size: tuple[int, int] = (1600, 1200),
    ) -> str:
        """Create one asset. ``local`` is the capture wall clock; without EXIF, Immich dates the
        asset by the file's mtime (``mtime_local``, default the capture time)."""
        rng = self.rng
        asset_id = self._uuid()
        path = self._unique(path)
        file_name = path.rsplit("/", 1)[1]
        immich_local = local if exif or mtime_local is None else mtime_local
        created = self._utc(immich_local)
        upload = min(
            created + timedelta(hours=rng.randrange(1, 480)), self.now - timedelta(minutes=5)
        )
        upload = max(upload, created + timedelta(seconds=1))
        width, height = (camera[3], camera[4]) if camera else size
        video = kind == "VIDEO"
        extension = file_name.rsplit(".", 1)[-1].lower()
        file_size = (
            rng.randrange(20_000_000, 90_000_000) if video else rng.randrange(150_000, 6_000_000)
        )
        modified = created if exif else created + timedelta(seconds=rng.randrange(1, 600))
        duration = "0:00:00.00000"
        if video:
            duration = f"0:00:{rng.randrange(3, 59):02d}.{rng.randrange(1000):03d}000"
        record = AssetRecord(
            id=asset_id,
            seq=0,
            original_path=path,
            original_file_name=file_name,
            mime_type=_MIME.get(extension, "image/jpeg"),
            type=kind,
            checksum=base64.b64encode(rng.getrandbits(160).to_bytes(20, "big")).decode(),
            device_asset_id=f"{file_name}-{file_size}",
            file_created_at=iso_utc(created),
            file_modified_at=iso_utc(modified),
            local_date_time=iso_local(immich_local),
            date_time_original=iso_utc(created) if exif else None,
            time_zone=self.p.time_zone if exif else None,
            created_at=iso_utc(upload),
            updated_at=iso_utc(upload + timedelta(seconds=rng.randrange(5, 300))),
            width=1920 if video else width,
            height=1080 if video else height,
            file_size=file_size,
            make=camera[1] if camera and exif else None,
            model=camera[2] if camera and exif else None,
            duration=duration,
            is_favorite=rng.random() < self.p.favourite_share,
        )
        self.library.add_asset(record)
        if name_date is not None:
            self.name_dates[asset_id] = name_date
        return asset_id

    def _unique(self, path: str) -> str:
        """The path, or ``stem_1.ext``, ``stem_2.ext``... if a file already has it (as phones
        name two photos taken in the same second)."""
        if path in self.paths:
            stem, _, extension = path.rpartition(".")
            number = 1
            while f"{stem}_{number}.{extension}" in self.paths:
                number += 1
            path = f"{stem}_{number}.{extension}"
        self.paths.add(path)
        return path

    def _camera_name(self, style: str, local: datetime, video: bool) -> tuple[str, bool]:
        """(file name, whether the name carries the date)."""
        self.counter += 1
        stamp = f"{local:%Y%m%d}_{local:%H%M%S}"
        if style == "android":
            return (f"VID_{stamp}.mp4" if video else f"IMG_{stamp}.jpg"), True
        if style == "pixel":
            millis = self.rng.randrange(1000)
            return (f"PXL_{stamp}{millis:03d}.{'mp4' if video else 'jpg'}"), True
        number = 1000 + self.counter % 9000
        if style == "iphone":
            return (f"IMG_{number:04d}.{'MOV' if video else 'JPG'}"), False
        return f"DSC_{number:04d}.JPG", False

    # ---- files ----

    def run(self) -> Library:
        p = self.p
        n_event = round(p.event_share * p.assets)
        n_camera = round(p.camera_share * p.assets)
        n_whatsapp = round(p.whatsapp_share * p.assets)
        n_recent = min(p.count(p.unclassified_new_share), n_camera + n_whatsapp)
        n_undated = p.assets - n_event - n_camera - n_whatsapp
        if n_undated < 0:
            raise ConfigError("event, camera and WhatsApp shares add up to more than 1")
        self._events(n_event)
        recent_camera = n_recent // 2
        self._camera_roll(n_camera - recent_camera, recent=False)
        self._camera_roll(recent_camera, recent=True)
        self._whatsapp(n_whatsapp - (n_recent - recent_camera), recent=False)
        self._whatsapp(n_recent - recent_camera, recent=True)
        self._undated(n_undated)
        self._date_mismatches()
        self.library.finish_loading()
        self._albums_and_roles()
        return self.library

    def _events(self, total: int) -> None:
        rng = self.rng
        left = total
        while left > 0:
            size = min(left, max(1, round(rng.expovariate(1.0 / self.p.event_size_mean))))
            left -= size
            day = self._day()
            title = self._event_title(day)
            folder = _Folder(day=day, title=title, asset_ids=[])
            camera = rng.choice(CAMERAS)
            moment = self._time(day, 9, 18)
            directory = f"/photos/{day.year}/{day:%Y-%m-%d} {title}"
            for _ in range(size):
                folder.asset_ids.append(self._camera_file(directory, camera, moment))
                moment += timedelta(seconds=rng.randrange(20, 2400))
            self.folders.append(folder)

    def _camera_file(
        self, folder: str, camera: tuple[str, str, str, int, int], moment: datetime
    ) -> str:
        """A photo or video a camera took at ``moment``, stored in ``folder``."""
        video = self.rng.random() < self.p.video_share
        name, dated = self._camera_name(camera[0], moment, video)
        return self._add(
            f"{folder}/{name}",
            kind="VIDEO" if video else "IMAGE",
            local=moment,
            exif=True,
            camera=camera,
            name_date=moment.date() if dated else None,
        )

    def _event_title(self, day: date) -> str:
        """A title no other event of that day has (album names must be unique)."""
        taken = self.event_titles.setdefault(day, set())
        title = self.rng.choice(EVENT_NAMES)
        number = 2
        while title in taken:
            title = self.rng.choice(EVENT_NAMES)
            if title in taken and len(taken) >= len(EVENT_NAMES) // 2:
                title = f"{title} {number}"
                number += 1
        taken.add(title)
        return title

    def _recent_day(self) -> date:
        return self.p.library_date - timedelta(days=self.rng.randrange(1, 120))

    def _burst_days(self, total: int, mean: float, pick_day: Callable[[], date]) -> Iterator[date]:
        """One day per asset; assets come in bursts (about ``mean`` of them) on the same day."""
        left = total
        while left > 0:
            burst = min(left, max(1, round(self.rng.expovariate(1.0 / mean))))
            left -= burst
            day = pick_day()
            for _ in range(burst):
                yield day

    def _camera_roll(self, total: int, *, recent: bool) -> None:
        rng = self.rng
        target = self.recent if recent else self.camera
        pick = self._recent_day if recent else self._day
        previous: date | None = None
        camera = CAMERAS[0]
        moment = datetime.min
        for day in self._burst_days(total, self.p.camera_burst_mean, pick):
            if day != previous:
                camera = rng.choice(CAMERAS[:3])
                moment = self._time(day, 8, 20)
                previous = day
            folder = "/photos/Camera" if recent else f"/photos/{day.year}/{day:%Y-%m}"
            target.append(self._camera_file(folder, camera, moment))
            moment += timedelta(seconds=rng.randrange(10, 900))
            if moment.date() != day:
                moment = self._time(day, 8, 20)

    def _whatsapp(self, total: int, *, recent: bool) -> None:
        rng = self.rng
        target = self.recent if recent else self.whatsapp
        per_day: dict[date, int] = {}
        pick = self._recent_day if recent else lambda: self._day(max(self._year(), 2012))
        for day in self._burst_days(total, self.p.whatsapp_burst_mean, pick):
            index = per_day[day] = per_day.get(day, 0) + 1
            received = self._time(day, 7, 23)
            video = rng.random() < self.p.video_share
            extension = "mp4" if video else "jpg"
            if rng.random() < 0.1:
                kind_word = "Video" if video else "Image"
                stamp = f"{day:%Y-%m-%d} at {received:%H.%M.%S}"
                path = f"/photos/WhatsApp/WhatsApp {kind_word} {stamp}.{extension}"
            else:
                folder = "WhatsApp Video" if video else "WhatsApp Images"
                prefix = "VID" if video else "IMG"
                path = f"/photos/WhatsApp/{folder}/{prefix}-{day:%Y%m%d}-WA{index:04d}.{extension}"
            target.append(
                self._add(
                    path,
                    kind="VIDEO" if video else "IMAGE",
                    local=received,
                    exif=False,
                    camera=None,
                    name_date=day,
                    size=(1600, 1200) if rng.random() < 0.7 else (1080, 1920),
                )
            )

    def _undated(self, total: int) -> None:
        """Undated folders: scans (dated by the scanning day), screenshots, downloads."""
        rng = self.rng
        n_scans = total // 2
        n_screens = total // 4
        folder = SCAN_FOLDERS[0]
        previous: date | None = None
        for number, session in enumerate(self._burst_days(n_scans, 20.0, self._day), start=1):
            if session != previous:
                folder, previous = rng.choice(SCAN_FOLDERS), session
            taken = self._time(date(rng.randrange(1975, 2000), rng.randrange(1, 13), 1))
            self.scans.append(
                self._add(
                    f"/photos/Scans/{folder}/scan_{number:04d}.jpg",
                    kind="IMAGE",
                    local=taken,
                    exif=False,
                    camera=None,
                    name_date=None,
                    mtime_local=self._time(session),
                    size=(2480, 3508),
                )
            )
        recent_years = lambda: self._day(max(self._year(), 2014))  # noqa: E731
        for day in self._burst_days(n_screens, self.p.other_burst_mean, recent_years):
            moment = self._time(day)
            self.undated.append(
                self._add(
                    f"/photos/Screenshots/Screenshot_{moment:%Y%m%d-%H%M%S}.png",
                    kind="IMAGE",
                    local=moment,
                    exif=False,
                    camera=None,
                    name_date=moment.date(),
                    size=(1080, 2400),
                )
            )
        n_other = total - n_scans - n_screens
        for number, day in enumerate(self._burst_days(n_other, self.p.other_burst_mean, self._day)):
            folder = rng.choice(("Downloads", "Misc", "From old laptop"))
            self.undated.append(
                self._add(
                    f"/photos/{folder}/image ({number + 1}).jpg",
                    kind="IMAGE",
                    local=self._time(day),
                    exif=False,
                    camera=None,
                    name_date=None,
                )
            )

    def _date_mismatches(self) -> None:
        """Some dated file names lost their EXIF date and carry a later file date."""
        recent = set(self.recent)
        candidates = [asset_id for asset_id in self.name_dates if asset_id not in recent]
        chosen = self.rng.sample(
            candidates, min(len(candidates), self.p.count(self.p.date_mismatch_share))
        )
        latest = self.now - timedelta(days=1)
        self.mismatched.update(chosen)
        for asset_id in chosen:
            asset = self.library.assets[asset_id]
            name_day = self.name_dates[asset_id]
            shift = timedelta(
                days=self.rng.randrange(2, 3 * 365), seconds=self.rng.randrange(86_400)
            )
            local = min(self._time(name_day) + shift, latest.replace(tzinfo=None))
            if local.date() <= name_day + timedelta(days=1):
                local = self._time(name_day) + timedelta(days=2)
            created = self._utc(local)
            asset.date_time_original = None
            asset.time_zone = None
            asset.make = asset.model = None
            asset.file_created_at = iso_utc(created)
            asset.file_modified_at = iso_utc(created)
            asset.local_date_time = iso_local(local)
            upload = max(
                created + timedelta(hours=1),
                datetime.fromisoformat(asset.created_at[:-1] + "+00:00"),
            )
            asset.created_at = iso_utc(upload)
            asset.updated_at = iso_utc(upload + timedelta(seconds=30))

    # ---- albums, tags, duplicates ----

    def _tag(self, asset_id: str, value: str) -> None:
        tag = self.library.ensure_tag(value, self.epoch)
        self.library.assets[asset_id].tag_ids.add(tag.id)
        self.library.tag_members[tag.id].add(asset_id)

    def _album(self, name: str, members: Sequence[str]) -> AlbumRecord:
        library = self.library
        latest = max((library.assets[m].created_at for m in members), default=self.epoch)
        album = library.new_album(name, latest)
        for asset_id in members:
            library.put_in_album(album, asset_id)
        return album

    def _take(self, pool: list[str], count: int) -> list[str]:
        """Remove and return ``count`` random ids from ``pool`` (fewer if it is short)."""
        count = min(count, len(pool))
        picked = self.rng.sample(range(len(pool)), count)
        chosen = [pool[index] for index in picked]
        for index in sorted(picked, reverse=True):
            pool[index] = pool[-1]
            pool.pop()
        return chosen

    def _best_day(self, asset_id: str) -> date:
        named = self.name_dates.get(asset_id)
        if named is not None:
            return named
        return date.fromisoformat(self.library.assets[asset_id].local_date_time[:10])

    def _albums_and_roles(self) -> None:
        p = self.p
        rng = self.rng
        for tag in (OUTPUT_UNKNOWN, OUTPUT_CONFLICT, OUTPUT_DATE_MISMATCH, *MEME_TAGS, *INPUT_TAGS):
            self.library.ensure_tag(tag, self.epoch)
        leftover: list[str] = []
        for folder in self.folders:
            if rng.random() < p.event_album_share:
                folder.album = self._album(
                    f"{folder.day:%Y-%m-%d} {folder.title}", folder.asset_ids
                )
            else:
                leftover.extend(folder.asset_ids)
        event_albums = [folder.album for folder in self.folders if folder.album is not None]
        plain = [m for album in event_albums for m in album.members]

        whatsapp = list(self.whatsapp)
        rule_members = self._take(whatsapp, p.count(p.rule_album_share))
        cut1, cut2 = round(len(rule_members) * 0.6), round(len(rule_members) * 0.85)
        for name, members in zip(
            RULE_ALBUMS,
            (rule_members[:cut1], rule_members[cut1:cut2], rule_members[cut2:]),
            strict=True,
        ):
            self._album(name, members)

        memes = self._take(whatsapp, p.count(p.meme_to_convert_share))
        for asset_id in memes:
            self._tag(asset_id, rng.choices(MEME_TAGS, (0.45, 0.25, 0.2, 0.1))[0])

        camera_and_undated = self.camera + self.undated
        for asset_id in self._take(camera_and_undated, p.count(p.input_tag_share)):
            self._tag(asset_id, rng.choices(INPUT_TAGS, (0.5, 0.3, 0.2))[0])

        scans = list(self.scans)
        mismatched = self._take(scans, p.count(p.album_date_mismatch_share))
        for asset_id in mismatched:
            self.library.put_in_album(self._far_album(event_albums, asset_id), asset_id)

        # An earlier run would have corrected a wrong date before choosing a temp album, so the
        # assets whose dates are still wrong are in none: they arrived since the last run.
        temp_pool = [
            a for a in leftover + whatsapp + camera_and_undated + scans if a not in self.mismatched
        ]
        temp_albums = self._temp_albums(temp_pool)
        temp_members = [m for album in temp_albums for m in album.members]

        self._conflicts(event_albums, plain)
        stale = self._take(plain, p.count(p.stale_conflict_share))
        for asset_id in stale:
            self._tag(asset_id, OUTPUT_CONFLICT)
        for asset_id in self._take(temp_members, p.count(p.stale_unknown_share)):
            self._tag(asset_id, OUTPUT_UNKNOWN)
        for asset_id in self._take(plain, p.count(p.stale_date_mismatch_share)):
            self._tag(asset_id, OUTPUT_DATE_MISMATCH)

        self._duplicates(memes, temp_members, plain)

        for index in range(p.large_albums):
            members = rng.sample(plain, min(len(plain), p.count(p.large_album_share)))
            name = LARGE_ALBUM_NAMES[index % len(LARGE_ALBUM_NAMES)]
            self._album(name if index < len(LARGE_ALBUM_NAMES) else f"{name} {index}", members)
        for index in range(p.per_thousand(p.misc_albums_per_1000)):
            name = MISC_ALBUM_NAMES[index % len(MISC_ALBUM_NAMES)]
            if index >= len(MISC_ALBUM_NAMES):
                name = f"{name} {index // len(MISC_ALBUM_NAMES) + 1}"
            self._album(name, rng.sample(plain, min(len(plain), rng.randrange(3, 30))))
        described = rng.sample(plain, min(len(plain), p.count(p.descriptive_tag_share)))
        for asset_id in described:
            for value in rng.sample(DESCRIPTIVE_TAGS, rng.choice((1, 1, 2))):
                self._tag(asset_id, value)

    def _far_album(self, albums: list[AlbumRecord], asset_id: str) -> AlbumRecord:
        """An event album dated more than 200 days away from the asset."""
        day = self._best_day(asset_id)
        for _ in range(100):
            album = self.rng.choice(albums)
            if abs((date.fromisoformat(album.name[:10]) - day).days) > 200:
                return album
        return albums[0]

    def _temp_albums(self, pool: list[str]) -> list[AlbumRecord]:
        """Temp albums from earlier runs: one per best date, holding that day's assets."""
        p = self.p
        by_day: dict[date, list[str]] = {}
        for asset_id in pool:
            by_day.setdefault(self._best_day(asset_id), []).append(asset_id)
        albums = [
            self._album(f"{day:%Y-%m-%d}{TEMP_ALBUM_SUFFIX}", members)
            for day, members in sorted(by_day.items())
        ]
        movable = [album for album in albums if len(album.members) >= 2]
        for album in self.rng.sample(
            albums, min(len(albums), p.per_thousand(p.unhealthy_temp_albums_per_1000))
        ):
            day = date.fromisoformat(album.name[:10])
            for source in self.rng.sample(movable, min(len(movable), 20)):
                if (
                    source is not album
                    and len(source.members) >= 2
                    and abs((date.fromisoformat(source.name[:10]) - day).days) > 45
                ):
                    moved = next(iter(source.members))
                    self.library.remove_from_album(source.id, [moved])
                    self.library.put_in_album(album, moved)
                    break
        used = set(by_day)
        for _ in range(p.per_thousand(p.empty_temp_albums_per_1000)):
            day = self._day()
            while day in used:
                day += timedelta(days=1)
            used.add(day)
            albums.append(self._album(f"{day:%Y-%m-%d}{TEMP_ALBUM_SUFFIX}", []))
        return albums

    def _conflicts(self, event_albums: list[AlbumRecord], plain: list[str]) -> None:
        p = self.p
        by_day = sorted(event_albums, key=lambda album: album.name)
        position = {album.id: index for index, album in enumerate(by_day)}
        chosen = self._take(plain, p.count(p.conflict_new_share) + p.count(p.conflict_tagged_share))
        for number, asset_id in enumerate(chosen):
            if number % 2 == 0 and len(by_day) > 1:
                own = next(iter(self.library.asset_albums[asset_id]))
                index = position[own]
                other = by_day[index + 1] if index + 1 < len(by_day) else by_day[index - 1]
                self.library.put_in_album(other, asset_id)
            else:
                self._tag(asset_id, "autotag_input_pending_review")
            if number >= p.count(p.conflict_new_share):
                self._tag(asset_id, OUTPUT_CONFLICT)

    def _duplicates(self, memes: list[str], temp_members: list[str], plain: list[str]) -> None:
        """Immich duplicate groups: burst shots in event folders, and memes received twice."""
        p = self.p
        library = self.library
        pairs = p.per_thousand(p.duplicate_pairs_per_1000)
        triples = p.per_thousand(p.duplicate_triples_per_1000)
        sizes = [2] * pairs + [3] * triples
        self.rng.shuffle(sizes)
        conflicts = (
            round(len(sizes) * p.duplicate_conflict_share) if p.duplicate_conflict_share else 0
        )
        autofix = round(len(sizes) * p.duplicate_autofix_share) if p.duplicate_autofix_share else 0
        memes = list(memes)
        untagged_temp = [m for m in temp_members if not library.assets[m].tag_ids]
        plain_set = set(plain)
        for index, size in enumerate(sizes):
            group: list[str] = []
            if index < conflicts and len(memes) >= size:
                group = self._take(memes, size)
                for number, asset_id in enumerate(group):
                    tags = library.assets[asset_id].tag_ids
                    for tag_id in list(tags):
                        library.detach_tag(tag_id, [asset_id])
                    self._tag(asset_id, MEME_TAGS[number % 2 * 2])
            elif index < conflicts + autofix and memes and len(untagged_temp) >= size - 1:
                group = self._take(memes, 1) + self._take(untagged_temp, size - 1)
            else:
                group = self._burst(size, plain_set)
            if len(group) == size:
                duplicate_id = library.new_id()
                for asset_id in group:
                    library.assets[asset_id].duplicate_id = duplicate_id

    def _burst(self, size: int, plain: set[str]) -> list[str]:
        """``size`` consecutive, still untouched photos of one event folder."""
        for _ in range(200):
            folder = self.rng.choice(self.folders)
            if folder.album is None or len(folder.asset_ids) < size:
                continue
            start = self.rng.randrange(len(folder.asset_ids) - size + 1)
            group = folder.asset_ids[start : start + size]
            if all(m in plain and self.library.assets[m].duplicate_id is None for m in group):
                for asset_id in group:
                    plain.discard(asset_id)
                return group
        return []


_MIME = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
}
