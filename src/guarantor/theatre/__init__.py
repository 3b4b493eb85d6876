"""The theatre: fixed, sourced facts about geography, places, platforms and actors."""

from guarantor.theatre.loader import (
    DEFAULT_THEATRE,
    Feature,
    Theatre,
    load_theatre,
    shipped_theatres,
    theatre_path,
)

__all__ = [
    "DEFAULT_THEATRE",
    "Feature",
    "Theatre",
    "load_theatre",
    "shipped_theatres",
    "theatre_path",
]
