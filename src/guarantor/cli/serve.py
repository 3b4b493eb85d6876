"""``guarantor serve``: the web app on a loopback address."""

from __future__ import annotations

from pathlib import Path

import typer

from guarantor.cli._common import Command, TheatreOption, console, reporting


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
    ) -> None:
        """Serve the web app: theatre map, package editor, assessments, comparison, sweeps, ROE."""
        import uvicorn

        from guarantor.errors import DataError
        from guarantor.theatre import load_theatre
        from guarantor.web import create_app

        with reporting():
            load_theatre(theatre)  # bad theatre data is reported here, located, not at request
            if not stores.is_dir() and stores.exists():
                raise DataError.single(
                    "the stores folder is a file", file=str(stores), expected="a folder"
                )
            web = create_app(theatre=theatre, stores=stores)
            console.print(f"guarantor serving on http://{host}:{port}/ (Ctrl-C to stop)")
            uvicorn.run(web, host=host, port=port, log_level="warning")
