"""Explicit technology extraction: aliases, short names in context, and English-word false hits."""

from __future__ import annotations

import subprocess
import sys

import pytest

from grokorc_assets.planning.entities import unbuilt_technologies
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.planning.technologies import extract_technologies


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("A URL shortener written in Go.", ["go"]),
        ("a Go backend for the inventory", ["go"]),
        ("Go and Postgres for the ledger service", ["go", "postgres"]),
        ("a small cli in go", ["go"]),
        ("a tool in Go for nightly backups", ["go"]),
        ("Golang microservice", ["go"]),
        ("Node with Express and Mongo", ["node", "express", "mongodb"]),
        ("Express.js on k8s", ["express", "kubernetes"]),
        ("a node backend", ["node"]),
        ("Rails and Postgres", ["rails", "postgres"]),
        ("Ruby on Rails app with MySQL", ["rails", "mysql"]),
        ("Spring Boot service", ["spring"]),
        ("Use React for the UI", ["react"]),
        ("Next.js frontend, PostgreSQL database, docker compose", ["nextjs", "postgres", "docker-compose"]),
        ("Plain HTML and CSS, no framework.", ["vanilla"]),
        ("vanilla JS only", ["vanilla"]),
        ("an Angular frontend", ["angular"]),
        ("Svelte + Go + SQLite", ["svelte", "go", "sqlite"]),
        ("Use Flask and psql", ["flask", "postgres"]),
        ("A CLI tool in Python", ["python"]),
        # Next to a technology the plan does not name ("Tailwind", "Socket.io"), or after its layer.
        ("Event page. React + Tailwind.", ["react"]),
        ("Fire brigade chat. Node + Socket.io + Redis.", ["node", "redis"]),
        ("Boutique en ligne : je veux du Svelte avec un backend Express.", ["svelte", "express"]),
        ("To-do list com etiquetas, em HTML puro sem framework", ["vanilla"]),
    ],
)
def test_named_technologies_found(message: str, expected: list[str]) -> None:
    assert extract_technologies(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "Users go to the page and pick a seat.",
        "We need it ready to go by Friday.",
        "The further you go the more points you get.",
        "Go to settings to change your password.",
        "Each node in the graph has edges; nodes can be dragged around.",
        "Add guard rails and hand rails to the stair designer.",
        "A booking site for tulip tours in spring.",
        "Spring sale landing page with discounts",
        "Users can react to posts with emoji.",
        "React to incidents quickly with an on-call rota.",
        "Express delivery tracking for parcels",
        "Next page shows the results",
        "vanilla ice cream shop",
        "Angular momentum simulator for a physics class",
        "A node graph editor with Tailwind styling.",
    ],
)
def test_english_words_are_not_technologies(message: str) -> None:
    assert extract_technologies(message) == []


def test_false_hits_do_not_reach_the_plan() -> None:
    plan = infer_plan("A game where users go to the next level and react to enemies; nodes on a graph map.")
    assert plan.explicit == []
    assert "go" not in plan.stack.backend and "node" not in plan.stack.backend


def test_explicit_choice_fills_its_layer_and_keeps_ecosystem() -> None:
    plan = infer_plan("Online shop for vinyl records with a cart and checkout, Express backend.")
    assert plan.stack.backend == ["express"]
    plan = infer_plan("Recipe blog with comments and MongoDB.")
    assert plan.stack.database == ["mongodb"]
    assert not set(plan.stack.backend) & {"django", "rails", "spring"}


def test_explicit_in_order_of_mention_and_in_stack() -> None:
    plan = infer_plan("Team chat with Redis pub/sub, a Svelte frontend and a Go server.")
    assert plan.explicit == ["redis", "svelte", "go"]
    assert plan.stack.database == ["redis"] and plan.stack.frontend == ["svelte"]
    assert plan.stack.backend == ["go"]


@pytest.mark.parametrize(
    ("message", "named"),
    [
        ("Eine Webanwendung für eine Bibliothek, gerne mit Spring im Backend und PostgreSQL.", ["spring", "postgres"]),
        ("Ein Online-Shop für Fahrräder, gerne Rails und React.", ["rails", "react"]),
        ("Ein Kommandozeilenwerkzeug in Go, das Dateien nach Datum umbenennt.", ["go"]),
        # German capitalises every noun: that is not headline style, and nouns are not technologies.
        ("Eine App für den Verein, die schnell auf Änderungen reagiert und Termine zeigt.", []),
    ],
)
def test_german_capitals_are_names_not_headline_style(message: str, named: list[str]) -> None:
    assert extract_technologies(message) == named


@pytest.mark.parametrize(
    ("message", "named", "excluded"),
    [
        ("Timetable endpoints for teachers and rooms. Express, not Django.", ["express"], ["django"]),
        ("A script that prints the slowest endpoints of an access log. Go.", ["go"], []),
        ("Un service qui reçoit des webhooks de paiement. FastAPI, pas Django.", ["fastapi"], ["django"]),
        ("Controle de empréstimo de ferramentas da obra. Rails com MySQL.", ["rails", "mysql"], []),
    ],
)
def test_a_sentence_of_technologies_alone_names_the_stack(message: str, named: list[str], excluded: list[str]) -> None:
    plan = infer_plan(message)
    assert plan.explicit == named and plan.excluded == excluded


@pytest.mark.parametrize("message", ["A snake game. Ready, set, go!", "Make buttons react to clicks. Go for it."])
def test_a_sentence_with_other_words_names_no_technology(message: str) -> None:
    assert infer_plan(message).explicit == []


@pytest.mark.parametrize("message", [
    "Un outil en ligne de commande pour renommer en masse des photos selon leur date de prise de vue.",
    "Une application avec une vue d'ensemble des ventes et une vue mensuelle.",
    "Un site de voyage avec un point de vue sur chaque ville.",
])
def test_french_vue_is_a_view_not_vue_js(message: str) -> None:
    assert "vue" not in extract_technologies(message)


@pytest.mark.parametrize("message", ["A todo app in Vue with a FastAPI backend.", "Frontend: vue, backend: flask.",
                                     "Une boutique avec Vue et Django."])
def test_vue_is_still_named_as_a_framework(message: str) -> None:
    assert "vue" in extract_technologies(message)


@pytest.mark.parametrize(("message", "named"), [
    ("CLI tool that watches a folder and resizes images, in Rust", ["Rust"]),
    ("A Kotlin and Java backend for a shop", ["Kotlin", "Java"]),
    ("Una API en Rust sin Java", ["Rust"]),  # a negated language is not asked for
    ("A web shop, not in Java or PHP; use Django", []),
    ("A JavaScript game", []),  # JavaScript is written
])
def test_languages_the_generator_does_not_write_are_said(message: str, named: list[str]) -> None:
    assert unbuilt_technologies(message) == named


@pytest.mark.slow
def test_grokorc_plan_says_a_named_language_is_not_built(cli_env, tmp_path):
    """A user who asks for Rust reads that the project is built in Python or JavaScript instead."""
    proc = subprocess.run([sys.executable, "-m", "grokorc_assets.cli", "plan", "A CLI that renames photos, in Rust"],
                          env={**cli_env, "COLUMNS": "300"}, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "not built" in proc.stdout and "Rust: named, but the generator writes Python and JavaScript" in proc.stdout
