"""Running the simulators: on 127.0.0.1 ports, in the caller's event loop (tests) or in a
thread of their own (`itvision simulators`, and `itvision serve` with
`ITVISION_PAYMENT_SIMULATORS=true`, where they match the payment settings: credentials,
webhook secret, the API's webhook URL)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from itvision.engines.payment.settings import SIMULATOR_HOST, PaymentSettings
from itvision.simulators.orange_money import OrangeMoneySimulator
from itvision.simulators.wave import WaveSimulator


class _Server(uvicorn.Server):
    """uvicorn's server, leaving the signal handlers to the process that hosts it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Running:
    server: uvicorn.Server
    task: asyncio.Task[None]
    url: str

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


def bound_socket(port: int = 0, host: str = SIMULATOR_HOST) -> socket.socket:
    """A listening socket (port 0: a free one), so the port is known before serving."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


async def serve(app: FastAPI, sock: socket.socket) -> Running:
    """Serve `app` on `sock` in the running event loop, until `stop()`."""
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    host, port = sock.getsockname()[:2]
    return Running(server, task, f"http://{host}:{port}")


@dataclass
class Simulators:
    wave: WaveSimulator
    orange_money: OrangeMoneySimulator
    wave_url: str
    orange_money_url: str


def for_settings(settings: PaymentSettings, *, auto_approve: bool = False) -> Simulators:
    """Simulators that accept what the adapters of `settings` send, on the settings' simulator
    ports, delivering webhooks to the API at `settings.public_url`."""
    wave_url = f"http://{SIMULATOR_HOST}:{settings.simulator_wave_port}"
    orange_url = f"http://{SIMULATOR_HOST}:{settings.simulator_orange_money_port}"

    def secret(value: object) -> str:
        return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)

    wave = WaveSimulator(
        api_key=secret(settings.wave_api_key),
        webhook_url=f"{settings.public_url.rstrip('/')}/api/payments/webhooks/wave",
        webhook_secrets=[secret(settings.wave_webhook_secret)],
        strategy=settings.wave_webhook_strategy,
        public_url=wave_url,
        auto_approve=auto_approve,
    )
    orange = OrangeMoneySimulator(
        client_id=settings.orange_money_client_id or "",
        client_secret=secret(settings.orange_money_client_secret),
        merchant_key=secret(settings.orange_money_merchant_key),
        country=settings.orange_money_country,
        currency=settings.orange_money_currency,
        public_url=orange_url,
        auto_approve=auto_approve,
    )
    return Simulators(wave, orange, wave_url, orange_url)


class SimulatorThread:
    """Both simulators served from a thread with its own event loop, on their ports."""

    def __init__(self, simulators: Simulators, wave_port: int, orange_money_port: int) -> None:
        self.simulators = simulators
        self._sockets = [bound_socket(wave_port), bound_socket(orange_money_port)]
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="simulators", daemon=True)

    def start(self) -> SimulatorThread:
        self._thread.start()
        self._started.wait(10)
        if self._error is not None:
            raise self._error
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            apps = (self.simulators.wave.app, self.simulators.orange_money.app)
            running = [
                await serve(app, sock) for app, sock in zip(apps, self._sockets, strict=True)
            ]
        except BaseException as exc:
            self._error = exc
            self._started.set()
            return
        self._started.set()
        await self._stop.wait()
        for server in running:
            await server.stop()
        await self.simulators.wave.close()
        await self.simulators.orange_money.close()

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)


def start_for_demo(settings: PaymentSettings) -> SimulatorThread | None:
    """The simulators `serve` runs when `ITVISION_PAYMENT_SIMULATORS` is on; None otherwise."""
    if not settings.simulators:
        return None
    simulators = for_settings(settings, auto_approve=settings.simulators_approve_at_once)
    return SimulatorThread(
        simulators, settings.simulator_wave_port, settings.simulator_orange_money_port
    ).start()
