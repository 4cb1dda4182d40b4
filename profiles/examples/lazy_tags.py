"""A small real program for perfkit's demo: an asset tagger talking to a slow server.

A server thread answers requests over a local socket pair after a short delay, as a remote API
would.  The client lists assets page by page, then reads each asset's tags:

- ``--mode eager`` fetches every asset's details right after listing it (one request each);
- ``--mode lazy`` fetches details only for the assets whose tags are actually needed.

Profile both to get the committed example pair (run from the repository root)::

    python -m cProfile -o profiles/examples/eager.stats profiles/examples/lazy_tags.py --mode eager
    python -m cProfile -o profiles/examples/lazy.stats profiles/examples/lazy_tags.py --mode lazy
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time

ASSETS = 120
PAGE_SIZE = 40
LATENCY = 0.002  # seconds per request on the "server"


def serve(connection: socket.socket) -> None:
    """Answer one JSON request per line until the client closes the connection."""
    with connection, connection.makefile("rwb") as stream:
        for line in stream:
            request = json.loads(line)
            time.sleep(LATENCY)
            if request["op"] == "search_assets":
                start = request["page"] * PAGE_SIZE
                body = [{"id": i} for i in range(start, min(start + PAGE_SIZE, ASSETS))]
            else:
                asset = request["id"]
                body = {"id": asset, "tags": [f"tag{asset % 7}", f"year{2000 + asset % 20}"]}
            stream.write(json.dumps(body).encode() + b"\n")
            stream.flush()


class Client:
    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = b""

    def _call(self, **request: object) -> object:
        self.connection.sendall(json.dumps(request).encode() + b"\n")
        while b"\n" not in self.buffer:
            self.buffer += self.connection.recv(65536)
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def search_assets(self, page: int) -> list[dict]:
        return self._call(op="search_assets", page=page)

    def get_asset_info(self, asset: int) -> dict:
        return self._call(op="get_asset_info", id=asset)


class AssetWrapper:
    """An asset from the listing; its full details are loaded on first access to ``tags``."""

    def __init__(self, partial: dict, client: Client, full: dict | None = None) -> None:
        self.partial = partial
        self.client = client
        self.full = full

    @property
    def tags(self) -> list[str]:
        if self.full is None:
            self.full = self.client.get_asset_info(self.partial["id"])
        return self.full["tags"]


def list_assets(client: Client, eager: bool):
    page = 0
    while True:
        assets = client.search_assets(page)
        if not assets:
            return
        for asset in assets:
            full = client.get_asset_info(asset["id"]) if eager else None
            yield AssetWrapper(asset, client, full)
        page += 1


def needs_tags(asset: AssetWrapper) -> bool:
    return asset.partial["id"] % 3 == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("eager", "lazy"), default="lazy")
    args = parser.parse_args()
    client_end, server_end = socket.socketpair()
    server = threading.Thread(target=serve, args=(server_end,), daemon=True)
    server.start()
    counts: dict[str, int] = {}
    with client_end:
        client = Client(client_end)
        for asset in list_assets(client, eager=args.mode == "eager"):
            if needs_tags(asset):
                for tag in asset.tags:
                    counts[tag] = counts.get(tag, 0) + 1
    server.join()
    print(f"{args.mode}: {sum(counts.values())} tags on {ASSETS} assets")


if __name__ == "__main__":
    main()
