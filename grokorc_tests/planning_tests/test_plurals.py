"""Plurals in the request's language: the URL segments, pages and criteria of a non-English request
name its things as that language does ("adopciones", "Mitglieder"), and English is unchanged."""

from __future__ import annotations

import pytest

from grokorc_assets.generation.site import site_pages
from grokorc_assets.generation.spec import project_spec
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.planning.plurals import plural


@pytest.mark.parametrize(("word", "language", "expected"), [
    ("book", "en", "books"), ("category", "en", "categories"), ("news", "en", "news"),
    ("sales_order", "en", "sales_orders"), ("box", "en", "boxes"),
    ("adopción", "es", "adopciones"), ("adopcion", "es", "adopciones"), ("solicitud", "es", "solicitudes"),
    ("mascota", "es", "mascotas"), ("lápiz", "es", "lápices"), ("mes", "es", "meses"), ("lunes", "es", "lunes"),
    ("país", "es", "países"), ("hotel", "es", "hoteles"),
    ("mitglied", "de", "mitglieder"), ("kurs", "de", "kurse"), ("kunde", "de", "kunden"),
    ("bestellung", "de", "bestellungen"), ("nutzer", "de", "nutzer"), ("buch", "de", "bücher"),
    ("auto", "de", "autos"),
    ("chambre", "fr", "chambres"), ("animal", "fr", "animaux"), ("cours", "fr", "cours"),
    ("bateau", "fr", "bateaux"), ("prix", "fr", "prix"),
    ("livro", "pt", "livros"), ("reunião", "pt", "reuniões"), ("hotel", "pt", "hoteis"),
    ("item", "xx", "items"),  # a language without rules: English
    # English irregulars and uncountables come from data (entities.yaml `en`): "Staff", not "Staffs"
    ("staff", "en", "staff"), ("person", "en", "people"), ("shelf", "en", "shelves"), ("hero", "en", "heroes"),
    ("child", "en", "children"), ("jewellery", "en", "jewellery"),
])
def test_plural_follows_the_language(word: str, language: str, expected: str) -> None:
    assert plural(word, language) == expected


@pytest.mark.parametrize(("message", "language", "entity", "segment"), [
    ("Una aplicación para gestionar adopciones de mascotas, con refugios y solicitudes de adopción",
     "es", "adopción", "adopciones"),
    ("Eine Web-App zur Verwaltung von Mitgliedern und Kursen eines Sportvereins", "de", "mitglied", "mitglieder"),
    ("Uma aplicação para gerir reuniões e salas de uma empresa", "pt", "reunião", "reunioes"),
])
def test_a_non_english_plan_names_its_collections_in_its_language(
    message: str, language: str, entity: str, segment: str,
) -> None:
    plan = infer_plan(message)
    assert plan.language == language and entity in plan.entities, (plan.language, plan.entities)
    spec = project_spec(plan)
    resource = next(r for r in spec.resources if r.entity == entity)
    assert resource.plural == segment
    # The criteria name the same URL the backend serves, and the entity's page is its resource's.
    assert any(f"/api/{resource.plural} " in f"{c.text} " for c in plan.acceptance if c.entity == entity)
    pages = {p.resource: p.slug for p in site_pages(spec) if p.kind == "resource"}
    assert resource.name in pages, pages


def test_an_english_plan_is_unchanged() -> None:
    plan = infer_plan("An online bookshop with search and checkout")
    assert plan.language == "en"
    assert [r.plural for r in project_spec(plan).resources][:1] == ["books"]
