"""The web app: theatre map, package editor, assessment, comparison, sweeps and ROE explorer."""

from guarantor.web.app import create_app

__all__ = ["create_app"]
