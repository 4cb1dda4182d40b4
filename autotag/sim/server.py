"""Serving the simulator over real sockets with uvicorn.

- ``serve(config, on_ready=...)`` runs it in this process until Ctrl-C (``autotag sim``).
- ``start_simulator(config)`` / ``running_simulator(config)`` run it in a child process on a
  loopback port, wait until it answers, and stop it cleanly; profiling runs use this so the
  client's profile sees real sockets while the server's work stays out of it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

import attrs
import httpx
import uvicorn

from autotag.closing import Closing
from autotag.errors import AutotagError, ConfigError
from autotag.immich.client import ImmichClient
from autotag.sim.app import DroppedConnection, Simulator
from autotag.sim.config import SimConfig
from autotag.sim.control_client import SimControl


class SimulatorStartError(AutotagError):
    """The simulator process did not come up."""


class _HideDroppedConnections(logging.Filter):
    """Injected connection drops are intended; keep their tracebacks out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free port). ConfigError if it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio only disables Nagle's algorithm (TCP_NODELAY) on
    # accepted sockets whose proto says TCP; without it every answer waits ~40 ms for an ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = "; pass --port 0 for a free port" if port else ""
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}{hint}") from None
    sock.listen(2048)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    config: SimConfig,
    *,
    on_ready: Callable[[Simulator, str], None],
    stop_on_stdin_eof: bool = False,
) -> None:
    """Generate the library, listen, call ``on_ready(simulator, url)``, serve until stopped.

    Ctrl-C stops it gracefully (KeyboardInterrupt is re-raised afterwards, as uvicorn does).
    With ``stop_on_stdin_eof`` it also stops when its standard input closes (its parent died).
    """
    simulator = Simulator(config)
    sock = bind_socket(config.host, config.port)
    server = uvicorn.Server(
        uvicorn.Config(
            simulator.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=75,
            server_header=False,
        )
    )
    logging.getLogger("uvicorn.error").addFilter(_HideDroppedConnections())
    if stop_on_stdin_eof:
        threading.Thread(target=_stop_when_stdin_closes, args=(server,), daemon=True).start()
    on_ready(simulator, url_of(sock))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _stop_when_stdin_closes(server: uvicorn.Server) -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stdin.read()
    server.should_exit = True


@attrs.define
class RunningSimulator(Closing):
    """A simulator serving in a child process. Stop it with ``stop()`` or a ``with`` block."""

    base_url: str
    api_key: str = attrs.field(repr=False)
    config: SimConfig = attrs.field(repr=False)
    process: subprocess.Popen[bytes] = attrs.field(repr=False)
    _log: IO[bytes] = attrs.field(repr=False)
    _control: SimControl | None = attrs.field(default=None, repr=False)

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api"

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def control(self) -> SimControl:
        if self._control is None:
            self._control = SimControl(self.base_url, self.api_key)
        return self._control

    def client(self, **options: Any) -> ImmichClient:
        """An ImmichClient for this simulator (options as for ImmichClient)."""
        api_key = options.pop("api_key", self.api_key)
        return ImmichClient(self.api_url, api_key, **options)

    def stop(self, timeout: float = 10.0) -> int | None:
        """Ask the server to finish (close its stdin), then terminate or kill if it lingers."""
        if self._control is not None:
            self._control.close()
            self._control = None
        process = self.process
        if process.poll() is None:
            with contextlib.suppress(OSError):
                if process.stdin is not None:
                    process.stdin.close()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for stream in (process.stdout, process.stdin):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._log.close()
        return process.returncode

    def close(self) -> None:
        self.stop()


def start_simulator(
    config: SimConfig | None = None, *, startup_timeout: float = 120.0, **settings: Any
) -> RunningSimulator:
    """Start a simulator in a child process; return once it answers ``/api/server/ping``.

    Without a config: the ``small`` dataset on a free loopback port. ``settings`` override
    config fields (``time_scale=0``, ``dataset=preset("ci")``, ``port=...``).
    """
    base = config if config is not None else SimConfig(port=0)
    config = attrs.evolve(base, **settings) if settings else base
    log = tempfile.TemporaryFile()  # noqa: SIM115 (owned and closed by RunningSimulator)
    process = subprocess.Popen(
        [sys.executable, "-m", "autotag.sim.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(json.dumps(config.to_json()).encode() + b"\n")
        process.stdin.flush()
        deadline = time.monotonic() + startup_timeout
        announcement = _read_line(process.stdout, deadline)
        if announcement is None:
            raise SimulatorStartError(_failure("did not start", process, log, startup_timeout))
        message = json.loads(announcement)
        if "error" in message:
            raise SimulatorStartError(f"simulator: {message['error']}")
        running = RunningSimulator(message["url"], config.api_key, config, process, log)
        _wait_until_answering(running, deadline, log)
        return running
    except BaseException:
        _kill(process)
        log.close()
        raise


@contextlib.contextmanager
def running_simulator(
    config: SimConfig | None = None, *, startup_timeout: float = 120.0, **settings: Any
) -> Iterator[RunningSimulator]:
    """``with running_simulator(time_scale=0) as sim: sim.client()...`` — stopped on exit."""
    running = start_simulator(config, startup_timeout=startup_timeout, **settings)
    try:
        yield running
    finally:
        running.stop()


def _read_line(stream: IO[bytes], deadline: float) -> bytes | None:
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        return None
    return line or None


def _wait_until_answering(running: RunningSimulator, deadline: float, log: IO[bytes]) -> None:
    with httpx.Client(timeout=2.0) as http:
        while True:
            if running.process.poll() is not None:
                raise SimulatorStartError(_failure("exited", running.process, log, 0))
            try:
                if http.get(f"{running.api_url}/server/ping").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SimulatorStartError(_failure("does not answer", running.process, log, 0))
            time.sleep(0.05)


def _failure(what: str, process: subprocess.Popen[bytes], log: IO[bytes], timeout: float) -> str:
    if process.poll() is None and timeout:
        what = f"{what} within {timeout:g} s"
    log.seek(0)
    lines = [line for line in log.read().decode(errors="replace").splitlines() if line.strip()]
    tail = f" (last output: {lines[-1].strip()})" if lines else ""
    return f"the simulator process {what}{tail}"


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
