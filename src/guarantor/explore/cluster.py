"""A Dask cluster of separate OS processes, ``dask scheduler`` and ``dask worker``, as users run it.

On several machines an analyst starts a scheduler on one host, workers on the others, points
every worker at a store on a filesystem they share, and runs ``guarantor sweep --scheduler
tcp://HOST:PORT --store SHARED/DIR``. :class:`ProcessCluster` starts the same processes on this
machine with the same commands (``python -m dask scheduler``, ``python -m dask worker``), so
the tests and ``benchmarks/bench_explore.py --scale`` exercise the path a real cluster takes:
separate processes that find each other over TCP, a worker that dies without warning
(SIGKILL), a new one joining.

Workers run without a nanny (``--no-nanny``): a killed worker stays dead, as when a machine
goes away, and a replacement joins only when started. They get our workers' settings through
the environment (:func:`~guarantor.explore.dask_executor.worker_environment`).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from guarantor.explore.dask_executor import worker_environment

START_TIMEOUT_S = 120.0
"""How long to wait for the scheduler's address or a worker's registration."""


def peak_rss_bytes(pid: int | str = "self") -> int:
    """A process's peak resident memory in bytes (``VmHWM``; this process by default).

    ``VmHWM`` is the high-water mark of the process's own address space. ``ru_maxrss`` is not
    used: on Linux it also counts the parent's memory at the fork that started the process (a
    child started from a 700 MB process reports at least 700 MB), so it overstates children.

    Raises:
        OSError: the process has gone, or the system has no ``/proc`` (then ``ru_maxrss`` is the
            fallback for this process only).
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except FileNotFoundError:
        if pid != "self":
            raise
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise OSError(f"no VmHWM for process {pid}")


def _running_tasks(dask_worker: Any) -> int:
    return int(dask_worker.state.executing_count + len(dask_worker.state.long_running))


class ProcessCluster:
    """A ``dask scheduler`` process and ``dask worker`` processes on this machine, over TCP.

    Use as a context manager: every process it started is stopped on exit (terminated, then
    killed if it does not stop), whatever happened inside.
    """

    def __init__(self, folder: Path, workers: int = 2, *, host: str = "127.0.0.1") -> None:
        """Start a scheduler and ``workers`` workers; logs and the scheduler file in ``folder``.

        Raises:
            TimeoutError: the scheduler or a worker did not come up within
                :data:`START_TIMEOUT_S`.
        """
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.scheduler_file = self.folder / "scheduler.json"
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self._client: Any = None
        self._logs: list[Any] = []
        self._started = 0
        self.scheduler = self._spawn(
            "scheduler",
            [
                "scheduler",
                "--host",
                host,
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(self.scheduler_file),
            ],
        )
        try:
            self.address = self._wait_for_address()
            for _ in range(workers):
                self.start_worker()
            self.wait_for_workers(workers)
        except BaseException:
            self.close()
            raise

    def _spawn(self, name: str, arguments: list[str]) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("wb")
        self._logs.append(log)
        environment = {**os.environ, **worker_environment()}
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *arguments],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=self.folder,
        )

    def _wait_for_address(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.scheduler.poll() is not None:
                raise RuntimeError(f"dask scheduler exited; see {self.folder / 'scheduler.log'}")
            with contextlib.suppress(OSError, ValueError):
                return str(json.loads(self.scheduler_file.read_text())["address"])
            time.sleep(0.05)
        raise TimeoutError(f"no scheduler address in {START_TIMEOUT_S:.0f} s")

    @property
    def client(self) -> Any:
        """A client of this cluster (for waiting and inspecting; sweeps bring their own)."""
        if self._client is None:
            distributed: Any = importlib.import_module("distributed")
            self._client = distributed.Client(self.address, timeout=f"{START_TIMEOUT_S:.0f}s")
        return self._client

    def start_worker(self) -> str:
        """Start one more ``dask worker`` (one thread, no nanny); return its name."""
        name = f"worker-{self._started}"
        self._started += 1
        self.workers[name] = self._spawn(
            name,
            [
                "worker",
                self.address,
                "--name",
                name,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--memory-limit",
                "0",
                "--local-directory",
                str(self.folder / name),
            ],
        )
        return name

    def wait_for_workers(self, count: int) -> None:
        """Wait until ``count`` workers are registered with the scheduler."""
        self.client.wait_for_workers(count, timeout=START_TIMEOUT_S)

    def addresses(self) -> dict[str, str]:
        """The registered workers' addresses, by worker name."""
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        return {str(info["name"]): address for address, info in workers.items()}

    def running_tasks(self) -> int:
        """Tasks running on the workers now, counting those whose client has gone.

        A task cannot be stopped mid-call: when its client dies, the scheduler forgets it but the
        worker's thread runs it to the end (a sweep's task commits its chunks as it goes).
        """
        return sum(int(count) for count in self.client.run(_running_tasks).values())

    def kill_worker(self, name: str) -> None:
        """SIGKILL a worker (no goodbye to the scheduler: as when its machine dies)."""
        process = self.workers.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=START_TIMEOUT_S)

    def peak_memory(self) -> dict[str, int]:
        """Peak resident memory of the scheduler and of every live worker, in bytes."""
        names = {address: name for name, address in self.addresses().items()}
        workers = self.client.run(peak_rss_bytes)
        return {
            "scheduler": int(self.client.run_on_scheduler(peak_rss_bytes)),
            **{names.get(address, address): int(value) for address, value in workers.items()},
        }

    def close(self) -> None:
        """Stop every process started here: SIGTERM, then SIGKILL after 10 s."""
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close(timeout=10)
            self._client = None
        processes = [*self.workers.values(), self.scheduler]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.workers.clear()
        for log in self._logs:
            log.close()
        self._logs.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
