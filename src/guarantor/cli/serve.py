"""``guarantor serve``: the web app, on a loopback address unless told otherwise, loudly."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import typer

from guarantor.cli._common import Command, TheatreOption, console, error_console, reporting

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or name (only this machine can connect)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the command line."""

    @app.command("serve", cls=Command)
    def serve_command(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
        *,
        stores: Path = typer.Option(
            Path("stores"), "--stores", help="Folder whose sweep stores the sweeps page shows."
        ),
        theatre: str = TheatreOption,
        allow_remote: bool = typer.Option(
            False,
            "--allow-remote",
            help="Allow listening on a non-loopback address (anyone who can reach it can use "
            "the app; put it behind an authenticating proxy).",
        ),
        allow_host: list[str] = typer.Option(
            [],
            "--allow-host",
            help="Host name the app answers to (Host header), besides localhost; repeatable; "
            "'*' for any.",
        ),
        concurrent: int = typer.Option(
            2, "--concurrent", min=1, max=64, help="Assessments run at once."
        ),
        queued: int = typer.Option(
            4, "--queue", min=0, max=1000, help="Assessments waiting; more get 429."
        ),
        time_limit: float = typer.Option(
            300.0, "--time-limit", min=1.0, help="Seconds a request may wait and run (504)."
        ),
    ) -> None:
        """Serve the web app: theatre map, package editor, assessments, comparison, sweeps, ROE."""
        import uvicorn

        from guarantor.errors import DataError
        from guarantor.theatre import load_theatre
        from guarantor.web import create_app
        from guarantor.web.security import LOCAL_HOSTS
        from guarantor.web.service import Limits

        with reporting():
            if not is_loopback(host) and not allow_remote:
                raise DataError.single(
                    "refusing to listen on a non-loopback address: anyone who can reach it could "
                    "use the app",
                    field="--host",
                    expected="127.0.0.1, ::1 or localhost, or --allow-remote to accept the risk",
                    received=host,
                )
            load_theatre(theatre)  # bad theatre data is reported here, located, not at request
            if not stores.is_dir() and stores.exists():
                raise DataError.single(
                    "the stores folder is a file", file=str(stores), expected="a folder"
                )
            hosts = [*LOCAL_HOSTS, *allow_host]
            if not is_loopback(host):
                error_console.print(
                    f"[bold red]WARNING:[/] listening on {host}, a non-loopback address: anyone "
                    "who can reach this machine can run assessments and jobs. There is no login; "
                    "put the app behind an authenticating proxy. Host names answered: "
                    f"{', '.join(hosts)} (add more with --allow-host).",
                    highlight=False,
                )
            web = create_app(
                theatre=theatre,
                stores=stores,
                allowed_hosts=hosts,
                limits=Limits(concurrent=concurrent, queued=queued, time_limit_s=time_limit),
            )
            console.print(f"guarantor serving on http://{host}:{port}/ (Ctrl-C to stop)")
            uvicorn.run(web, host=host, port=port, log_level="warning")
