from __future__ import annotations

from pathlib import Path

import pytest

from guarantor.errors import DataError
from guarantor.geo import area_km2, contains, length_km
from guarantor.packages import magnitude
from guarantor.theatre import Theatre, load_theatre, shipped_theatres

BAD_THEATRE = Path(__file__).parent / "data" / "bad" / "theatre" / "theatre.yaml"


def test_the_default_theatre_ships_offline() -> None:
    assert shipped_theatres() == ["ukraine-2025"]


def test_ukraine_area_is_within_two_percent_of_the_published_figure(theatre: Theatre) -> None:
    published = theatre.fact("ukraine_area_km2")
    assert published.value == 603_550
    assert area_km2(theatre.ukraine) == pytest.approx(published.value, rel=0.02)


def test_contact_line_length_lies_in_the_sourced_band(theatre: Theatre) -> None:
    low, high = theatre.fact("contact_line_length_km").range
    assert (low, high) == (1000, 1300)
    assert low <= length_km(theatre.contact_line) <= high


def test_occupied_share_is_about_a_fifth(theatre: Theatre) -> None:
    share = area_km2(theatre.occupied) / area_km2(theatre.ukraine)
    low, high = theatre.fact("occupied_share").range
    assert low - 0.01 <= share <= high + 0.01


def test_every_place_lies_in_its_country(theatre: Theatre) -> None:
    countries = {feature.id: feature.geometry for feature in theatre.features_of("country")}
    misplaced = []
    for place in theatre.iter_places():
        if place.country not in countries:
            continue
        inside = contains(countries[place.country], place.longitude, place.latitude)
        # ports sit on the coast, where a 1:50m-1:110m coastline may cut them off by a few km
        near = place.country == "UKR" and contains(
            countries["UKR"].buffer(0.1), place.longitude, place.latitude
        )
        if not (inside or near):
            misplaced.append(place.id)
    assert misplaced == []


def test_air_bases_are_in_poland_romania_slovakia_and_hungary(theatre: Theatre) -> None:
    assert {base.country for base in theatre.data.places.air_bases} == {"POL", "ROU", "SVK", "HUN"}
    assert theatre.air_base("EPRZ").name == "Rzeszów-Jasionka"


def test_kharkiv_and_zaporizhzhia_are_free_and_sevastopol_is_occupied(theatre: Theatre) -> None:
    occupied = theatre.occupied
    kharkiv = theatre.place("kharkiv")
    assert not contains(occupied, kharkiv.longitude, kharkiv.latitude)
    zap = theatre.place("zaporizhzhia")
    assert not contains(occupied, zap.longitude, zap.latitude)
    sev = theatre.place("sevastopol")
    assert contains(occupied, sev.longitude, sev.latitude)


def test_city_populations_are_sourced_and_kyiv_is_largest(theatre: Theatre) -> None:
    populations = {city.id: magnitude(city.population) for city in theatre.cities}
    assert max(populations, key=populations.__getitem__) == "kyiv"
    assert populations["kyiv"] == 3_000_604


def test_citations_name_outlet_date_and_url(theatre: Theatre) -> None:
    citation = theatre.provenance(theatre.fact("contact_line_length_km"))
    assert "Censor.net" in citation and "2025-09-26" in citation and "https://" in citation
    flagged = theatre.provenance(theatre.aircraft("typhoon").mission_capable_rate)  # type: ignore[arg-type]
    assert flagged.startswith("assumption:") and "0.55-0.75" in flagged


def test_unknown_ids_are_data_errors(theatre: Theatre) -> None:
    with pytest.raises(DataError) as caught:
        theatre.air_base("EPXX")
    assert "unknown air base" in str(caught.value)


def test_a_broken_theatre_reports_every_problem_at_once() -> None:
    with pytest.raises(DataError) as caught:
        load_theatre(BAD_THEATRE)
    found = {(p.line, p.field) for p in caught.value.problems}
    messages = " | ".join(p.message for p in caught.value.problems)
    assert (6, "sources.no-url.url") in found
    assert (9, "actors.1.members.1") in found  # FRA is not an actor here
    assert any(field == "places.cities.0.lat" for _, field in found)  # 95 degrees
    assert any(field == "places.cities.1.id" for _, field in found)  # duplicate kyiv
    assert any(field == "places.cities.1.country" for _, field in found)  # ATL
    assert any(field.endswith("population.source") for _, field in found)  # unknown source
    assert any(field.startswith("places.air_bases.0.icao") for _, field in found)
    assert "swept" in messages  # an assumption without its range
    assert all(p.file == str(BAD_THEATRE) for p in caught.value.problems)
