"""A profile's ``functions`` / ``edges`` tables as CSV or Parquet, or both as one JSON document.

Values are written exactly: CSV floats use Python's shortest round-trip repr, JSON floats too
(``perfkit.diff.compare`` conventions: NaN and <NA> become empty / null), Parquet keeps the dtypes.
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from perfkit.common.jsonable import json_records
from perfkit.common.version import __version__
from perfkit.errors import PerfkitError

if TYPE_CHECKING:
    from perfkit.model.profile import Profile

SCHEMA = "perfkit.profile/1"
TABLES = ("functions", "edges")
GENERATOR = f"perfkit {__version__}"  # the Parquet footer's key-value metadata "generator"
PARQUET_HINT = "pip install 'autotag-perfkit[parquet]' (or pip install pyarrow)"


def table(profile: Profile, name: str) -> pd.DataFrame:
    """``functions`` (index ``id``) or ``edges`` (index ``edge``: the row number)."""
    if name == "functions":
        return profile.functions
    if name == "edges":
        return profile.edges.rename_axis("edge")
    raise PerfkitError(f"no table {name!r}; choose from {TABLES}")


def write_csv(profile: Profile, name: str, stream: IO[bytes]) -> None:
    text = table(profile, name).to_csv(index=True, lineterminator="\n")
    stream.write(text.encode("utf-8"))


def write_parquet(profile: Profile, name: str, stream: IO[bytes]) -> None:
    try:
        import pyarrow  # noqa: F401 - only to give a clear message when it is missing
    except ImportError:
        raise PerfkitError(f"Parquet export needs pyarrow: {PARQUET_HINT}") from None
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pa.Table.from_pandas(table(profile, name), preserve_index=True)
    metadata = {**(frame.schema.metadata or {}), b"generator": GENERATOR.encode()}
    pq.write_table(frame.replace_schema_metadata(metadata), stream)


def profile_document(profile: Profile) -> dict[str, Any]:
    """Both tables and the profile's totals and metadata, JSON-ready (schema perfkit.profile/1)."""
    return {
        "schema": SCHEMA,
        "path": str(profile.path),
        "decoder": profile.decoder,
        "sampled": profile.sampled,
        "totals": profile.totals,
        "metadata": profile.metadata,
        "warnings": profile.warnings,
        "functions": json_records(profile.functions.reset_index()),
        "edges": json_records(table(profile, "edges").reset_index()),
    }


def write_json(profile: Profile, stream: IO[bytes]) -> None:
    text = json.dumps(profile_document(profile), indent=1, allow_nan=False)
    stream.write(text.encode("utf-8") + b"\n")
