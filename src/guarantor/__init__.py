"""guarantor: a lab for designing and stress-testing security guarantees for Ukraine."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("guarantor")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
