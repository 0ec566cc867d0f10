"""The request's own nouns, fields, features and negations reach the plan (planning/entities.py).

Labels (data/*.jsonl) were written by hand before tuning; they include the entities a stated feature
cannot work without (booking, message, score), named as acceptance.complete_entities names them.
Thresholds sit a margin below what was measured (see bench/bench_entities.py).
"""

from __future__ import annotations

import re

import pytest

from grokorc_assets.models import STACK_LAYERS
from grokorc_assets.planning.entities import extract_request, load_languages, singular
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.planning.lexicon import load_lexicons
from grokorc_assets.planning.request_views import request_kind, request_title
from grokorc_tests.planning_tests.entity_eval import FILES, Counts, load, score

NAME = re.compile(r"^[^\W\d][\w]*$")
ALL_TECH = {t for names in STACK_LAYERS.values() for t in names}


@pytest.fixture(scope="module")
def scores() -> dict[str, tuple[Counts, Counts]]:
    out = {name: score(load(name)) for name in FILES}
    for name, (e, f) in out.items():
        print(f"{name}: entities R={e.recall:.3f} P={e.precision:.3f}; features R={f.recall:.3f} P={f.precision:.3f}")
    return out


def test_label_files_are_big_enough() -> None:
    own = load("entity_requests.jsonl")
    assert len(own) >= 40 and len({r["id"] for r in own}) == len(own)
    assert len(load("stack_dev_entities.jsonl")) == 44


@pytest.mark.parametrize("name", FILES)
def test_entity_recall_and_precision(scores, name: str) -> None:
    entities, _ = scores[name]
    assert entities.recall >= 0.88, entities.misses
    assert entities.precision >= 0.78, entities.extras


@pytest.mark.parametrize("name", FILES)
def test_feature_recall_and_precision(scores, name: str) -> None:
    _, features = scores[name]
    assert features.recall >= 0.95, features.misses
    assert features.precision >= 0.85, features.extras


def test_bookshop_keeps_its_own_noun() -> None:
    plan = infer_plan("Online bookshop with categories, search, cart, checkout and order history")
    assert plan.entities[:3] == ["book", "category", "order"]
    assert {"search", "checkout"} <= set(plan.features) and "cart" not in plan.entities
    assert plan.acceptance and all(c.feature in {"crud", *plan.features} for c in plan.acceptance)


def test_vet_clinic_and_recipes() -> None:
    vet = infer_plan("Vet clinic with pets, owners, vets and appointments")
    assert set(vet.entities) == {"pet", "owner", "vet", "appointment"} and "booking" in vet.features
    recipes = infer_plan("Recipe sharing site where users post recipes with ingredients")
    assert recipes.entities == ["recipe", "ingredient"]  # users are people, stored only with accounts


def test_named_fields_are_typed() -> None:
    plan = infer_plan("Books with title, author, price and stock, sold in a small online store with a cart.")
    fields = {f.name: f.type for f in plan.fields["book"]}
    assert fields["title"] == "str" and fields["price"] == "float" and fields["stock"] == "int"
    assert "title" not in plan.entities and "checkout" in plan.features


@pytest.mark.parametrize(("message", "entity", "fields"), [
    # Found by trying a build: the date after "last watered" was dropped, and every SLO passed.
    ("Plant care log: plants with name, species and last watered date; search plants by name", "plant",
     {"name": "str", "species": "str", "last_watered_date": "datetime"}),
    ("Task tracker: tasks with title and last updated date", "task",
     {"title": "str", "last_updated_date": "datetime"}),
    ("Contacts app: contacts with first name, last name and email", "contact",
     {"first_name": "str", "last_name": "str", "email": "email"}),
    ("Cars with plate, model and next service date", "car",
     {"plate": "str", "model": "str", "next_service_date": "datetime"}),
])
def test_a_modifier_before_a_field_is_part_of_its_name(message: str, entity: str, fields: dict[str, str]) -> None:
    plan = infer_plan(message)
    assert {f.name: f.type for f in plan.fields[entity]} == fields
    assert plan.archetype == "crud" and plan.entities == [entity]


def test_things_named_like_an_app_keep_the_fields_listed_for_them() -> None:
    # Found by trying a build: the tools lost their brand (and alone were planned as a command-line program).
    plan = infer_plan("Tool library: tools with name and brand; members with name and email; members borrow tools")
    assert [(f.name, f.type) for f in plan.fields["tool"]] == [("name", "str"), ("brand", "str")]
    assert infer_plan("Tool library: tools with name and brand").entities == ["tool"]


def test_an_activity_naming_the_app_is_no_record() -> None:
    # Found by trying a build: "Lending library" made a "Lendings" page beside the books and loans.
    assert infer_plan("Lending library: members borrow tools; tools with name and brand").entities == [
        "member", "tool", "loan"]
    assert "booking" in infer_plan("Booking site for a hotel: rooms and guests").entities


def test_what_a_thing_has_is_a_field_unless_it_is_a_feature() -> None:
    plan = infer_plan("Vet app: vets have a specialty and a licence number; pets with name and species")
    assert [f.name for f in plan.fields["vet"]] == ["specialty", "licence_number"]
    gallery = infer_plan("Cooking blog with recipes, comments, tags and search; each recipe has a photo gallery")
    assert "media_gallery" in gallery.features and "photo_gallery" not in {f.name for f in gallery.fields["recipe"]}


def test_a_phone_number_is_text_and_a_table_number_a_number() -> None:
    # Found by trying a build: the volunteers' phone number was a numeric input that refused "+1 555 0100".
    plan = infer_plan("Food bank: volunteers sign up for shifts with date and capacity; volunteers have a phone number")
    # ... and a volunteer the bookings name is picked by a name, not by a phone number.
    assert [(f.name, f.type) for f in plan.fields["volunteer"]] == [("name", "str"), ("phone_number", "str")]
    tables = infer_plan("Restaurant: tables with number and seats")
    assert {f.name: f.type for f in tables.fields["table"]}["number"] == "int"


def test_last_year_is_a_time_not_a_field() -> None:
    plan = infer_plan("Survey results: bar charts per question and a comparison with last year.")
    assert not any("last" in f.name for fields in plan.fields.values() for f in fields)


@pytest.mark.parametrize(
    ("message", "feature"),
    [
        ("A recipe site with comments. No user accounts.", "accounts"),
        ("Inventory app for a bakery without payments.", "checkout"),
        ("Team wiki for articles and categories. No login, please.", "accounts"),
    ],
)
def test_negated_features_are_excluded(message: str, feature: str) -> None:
    plan = infer_plan(message)
    assert feature not in plan.features and feature in plan.excluded
    assert not any(c.feature == feature for c in plan.acceptance)


@pytest.mark.parametrize(
    ("message", "tech"),
    [
        ("A bug tracker with issues and labels. We do not want React.", "react"),
        ("Task board with projects and tasks, FastAPI and Postgres, not Mongo.", "mongodb"),
        ("A blog with posts and tags, Flask instead of Django.", "django"),
    ],
)
def test_negated_technologies_stay_out_of_the_stack(message: str, tech: str) -> None:
    plan = infer_plan(message)
    assert tech in plan.excluded and tech not in plan.explicit
    assert all(tech not in layer for layer in plan.stack.model_dump().values())


@pytest.mark.parametrize(("message", "wanted", "unwanted"), [
    ("A todo app. React is not allowed; use Vue.", "vue", "react"),
    ("MongoDB is banned here, so the notes app stores its data in Postgres.", "postgres", "mongodb"),
    ("A shop built with anything but Django: FastAPI is fine.", "fastapi", "django"),
    # The negation ends where the request says what it wants instead.
    ("I'd prefer to avoid Angular and use React.", "react", "angular"),
    ("Tienda online sin Angular y usar Vue.", "vue", "angular"),
    ("Ein Blog, React ist nicht erlaubt, lieber Svelte.", "svelte", "react"),
])
def test_a_negation_covers_what_it_names_and_no_more(message: str, wanted: str, unwanted: str) -> None:
    plan = infer_plan(message)
    assert wanted in plan.explicit and unwanted in plan.excluded and unwanted not in plan.explicit
    assert all(unwanted not in layer for layer in plan.stack.model_dump().values())


def test_flask_instead_of_django_keeps_flask() -> None:
    plan = infer_plan("A blog with posts and tags, Flask instead of Django.")
    assert plan.stack.backend == ["flask"]


@pytest.mark.parametrize(
    ("message", "entities", "features"),
    [
        ("Tienda online de libros con categorías, búsqueda, carrito y pago.", ["libro", "categoría"],
         {"search", "checkout"}),
        ("Online-Buchhandlung mit Büchern, Kategorien, Suche und Warenkorb.", ["buch", "kategorie"],
         {"search", "checkout"}),
        ("Une application de recettes avec ingrédients, commentaires et notes, sans connexion.",
         ["recette", "ingrédient"], {"comments", "ratings"}),
        ("Sistema para uma escola com alunos, professores e turmas, com exportação CSV.",
         ["aluno", "professor", "turma"], {"csv_export"}),
    ],
)
def test_non_english_requests_keep_their_nouns(message: str, entities: list[str], features: set[str]) -> None:
    request = extract_request(message)
    assert request.language != "en"
    assert set(entities) <= set(request.entities)
    assert features <= set(request.features)


def test_french_negation_excludes_accounts() -> None:
    request = extract_request("Une application de recettes avec ingrédients, sans connexion.")
    assert "accounts" in request.excluded and "accounts" not in request.features


@pytest.mark.parametrize(
    "message",
    [
        "Shop with '; DROP TABLE users; -- and <script>alert(1)</script> records",
        "Manage select, class, constructor and __proto__ items, with <b>bold</b> fields",
        "Track \"quotes\", `backticks`, {braces} and [brackets]; also ../../etc/passwd entries",
        "Inventory of 123abc, ñandúes, Ärzte and 日本語 items",
        "<img src=x onerror=alert(1)> with title, price and stock",
    ],
)
def test_hostile_names_are_safe_identifiers(message: str) -> None:
    plan = infer_plan(message)
    names = [*plan.entities, *(f.name for fs in plan.fields.values() for f in fs)]
    assert all(NAME.match(n) and "<" not in n and ">" not in n for n in names), names
    assert all(NAME.match(n) for n in plan.fields)


def test_thirty_features_give_a_clear_plan() -> None:
    message = (
        "A marketplace with products, search, sorting, filters, pagination, cart, checkout, Stripe, "
        "bookings, login, comments, reviews, upvotes, chat, charts, CSV export, leaderboard, contact form, "
        "notifications, live updates, tags, dark mode, maps, file uploads, translations, multiplayer, "
        "photo gallery, followers, a recommendation model and a snake game."
    )
    plan = infer_plan(message)
    assert len(plan.features) >= 28
    unmet = {u.what for u in plan.unmet}
    assert {"maps", "translations", "multiplayer"} <= unmet and "file uploads" not in unmet  # attachments are built
    assert plan.acceptance and len(plan.entities) <= 12


def test_chat_with_no_messages_is_a_clear_contradiction() -> None:
    """A self-contradicting request: chat is excluded (nothing is built against the negation) and the
    plan says why the project cannot be delivered, as an unmet item that fails the acceptance check."""
    plan = infer_plan("a chat with no messages")
    assert "chat" in plan.excluded and "chat" not in plan.features
    assert not any(c.feature == "chat" for c in plan.acceptance)
    assert [u.what for u in plan.unmet] == ["chat rooms"] and "rules out" in plan.unmet[0].reason


@pytest.mark.parametrize("message", ["", "   ", "!!!", "no", "not not not", "a", "-", "with with with , , and"])
def test_degenerate_requests_do_not_crash(message: str) -> None:
    request = extract_request(message)
    assert all(NAME.match(e) for e in request.entities)


def test_extraction_is_deterministic() -> None:
    message = "Hotel booking site with rooms, guests and reservations; guests can filter rooms by price."
    assert extract_request(message) == extract_request(message)


def test_a_domain_verb_after_its_cue_word_is_a_verb_in_every_language() -> None:
    """"para vender libros": the verb's object is the stored thing, not the verb (found by trying a
    Spanish animal-shelter request, whose resource came out as 'publicars')."""
    assert extract_request("Una tienda para vender libros y discos.").entities == ["libro", "disco"]
    assert extract_request("Una web donde publicar perros y gatos en adopción.").entities[:2] == ["perro", "gato"]
    assert extract_request("Um site para vender livros e discos.").entities == ["livro", "disco"]
    assert "réservation" in extract_request("Une page pour gérer les réservations de salles.").entities


def test_the_title_ends_at_the_requests_own_verb() -> None:
    title = request_title("Un refugio de animales quiere una web donde publicar perros.", load_lexicons())
    assert title == "Refugio de animales"


@pytest.mark.parametrize(("message", "title"), [
    ("An app for managing pet adoptions with shelters", "Pet adoptions"),
    ("An app to track my expenses and income", "Expenses and income"),
    ("A web app for a yoga studio", "Yoga studio"),
    ("Una aplicación para gestionar adopciones de mascotas, con refugios", "Adopciones de mascotas"),
    ("Une application pour gérer les réservations d'un hôtel", "Réservations d'un hôtel"),
    ("Eine App um Termine zu verwalten", "Termine"),
    ("Uma aplicação para gerir reuniões e salas de uma empresa", "Reuniões e salas de uma empresa"),
    # An opening that names the thing keeps it.
    ("Online bookshop with search and checkout", "Online bookshop"),
    ("A dashboard with revenue by region", "Dashboard"),
    ("Build me a web app.", "Web app"),
])
def test_an_app_named_only_app_is_named_for_what_it_is_for(message: str, title: str) -> None:
    assert request_title(message, load_lexicons()) == title


@pytest.mark.parametrize(("message", "kind"), [
    ("Sentiment analysis of hotel guest reviews with scores per aspect", "Sentiment analysis "),
    ("Direct messaging for a gaming guild: threads and read receipts", "Direct messaging"),
    ("An app for managing pet adoptions with shelters", "Pet adoptions"),
    # Cut at the request's own words ("para", "für"), then read in English.
    ("Una app de mensajería para los vecinos de la urbanización, con grupos.", "messaging app"),
    ("Vereinsverwaltung für unseren Ruderverein: Mitglieder und Beiträge.", "club management"),
])
def test_the_kind_of_a_request_is_its_name_up_to_of(message: str, kind: str) -> None:
    assert request_kind(message, load_lexicons()).split() == kind.split()


@pytest.mark.parametrize(("message", "expected"), [
    ("A recipe app: each recipe with name, ingredients and preparation time, and users with name",
     {"recipe": ["name", "ingredients", "preparation_time"], "user": ["name"]}),
    ("A library app: books with title, author and year, and members with name and email",
     {"book": ["title", "author", "year"], "member": ["name", "email"]}),
    ("Una aplicación de recetas: cada receta con nombre, ingredientes y tiempo de preparación, y usuarios con nombre",
     {"receta": ["nombre", "ingredientes", "tiempo_de_preparación"]}),
    ("Une application de bibliothèque: des livres avec titre, auteur et année, et des membres avec nom et email",
     {"livre": ["titre", "auteur", "année"], "membre": ["nom", "email"]}),
    ("Eine App für Rezepte mit Name, Zutaten und Zubereitungszeit",
     {"rezept": ["name", "zutaten", "zubereitungszeit"]}),
    ("Uma app de receitas: cada receita com nome, ingredientes e tempo de preparo",
     {"receita": ["nome", "ingredientes", "tempo_de_preparo"]}),
])
def test_each_list_of_fields_belongs_to_the_thing_before_it(message: str, expected: dict[str, list[str]]) -> None:
    """A second "X with fields" ends the first list: its X is a thing (or a person), never a field,
    and its fields are nobody's entities."""
    request = extract_request(message)
    named = {e: [f.name for f in fs] for e, fs in request.fields.items()}
    for entity, fields in expected.items():
        assert named.get(entity) == fields, named
    field_names = {f for fs in expected.values() for f in fs}
    assert not field_names & set(request.entities), request.entities


def test_a_list_of_singular_names_with_one_field_word_is_a_list_of_fields() -> None:
    # Fields are named in the singular, the things a project holds in the plural.
    request = extract_request("A small web app for our choir: songs with title, composer and difficulty, "
                              "rehearsals with date and location, and singers with name and voice part.")
    assert request.entities == ["song", "rehearsal", "singer"]
    assert {e: [f.name for f in fs] for e, fs in request.fields.items()} == {
        "song": ["title", "composer", "difficulty"], "rehearsal": ["date", "location"],
        "singer": ["name", "voice_part"]}
    assert extract_request("A library with books, members and loans").fields == {}


@pytest.mark.parametrize("message, entity, fields, next_entity", [
    ("Members with name and plot number, plants with species and planting date, and harvest logs.",
     "plant", ["species", "planting_date"], "harvest"),
    ("Bücher mit Titel und Autor, und Mitglieder.", "buch", ["titel", "autor"], "mitglied"),
])
def test_a_comma_after_a_field_list_closed_by_and_ends_it(message: str, entity: str, fields: list[str],
                                                          next_entity: str) -> None:
    # A list has one final "and": "species and planting date, and seed packets" lists the plants'
    # fields, then one more thing the project holds.
    request = extract_request(message)
    assert [f.name for f in request.fields[entity]] == fields
    assert next_entity in request.entities
    # An Oxford comma inside one list keeps the list whole.
    oxford = extract_request("Books with title, author, and year.")
    assert [f.name for f in oxford.fields["book"]] == ["title", "author", "year"]


def test_by_a_field_the_request_listed_names_no_entity() -> None:
    # "filter of concerts by venue" filters by the concerts' own venue field: no venue records.
    request = extract_request("Concerts with artist, venue, date and price, and a filter of concerts by venue.")
    assert request.entities == ["concert"] and request.anchors == {"filters": "concert"}
    assert "region" in extract_request("Orders with amount and date; revenue by region.").entities


def test_a_mixed_list_gives_its_field_words_to_the_owner_and_keeps_its_things() -> None:
    # Ingredients and steps are things a recipe site holds; a cooking time is a field of the recipe.
    request = extract_request("Users post recipes with ingredients, steps and cooking time.")
    assert [f.name for f in request.fields["recipe"]] == ["cooking_time"]
    assert {"ingredient", "step"} <= set(request.entities) and "cooking" not in request.entities


def _field_names(plan_or_request, entity: str) -> list[str]:
    return [f.name for f in plan_or_request.fields.get(entity, [])]


def test_things_a_record_holds_refer_to_it() -> None:
    # "recipes with ingredients and steps": each ingredient and step belongs to a recipe, and the UI
    # offers the recipes to pick from; a field word stays the recipe's own field.
    request = extract_request("Users post recipes with ingredients, steps and cooking time.")
    assert _field_names(request, "ingredient") == ["recipe_id"] and _field_names(request, "step") == ["recipe_id"]
    assert _field_names(request, "recipe") == ["cooking_time"]
    tasks = extract_request("Project tracker with projects containing tasks with title, due date and status")
    assert _field_names(tasks, "task") == ["title", "due_date", "status", "project_id"]
    # A colon lists what the app holds, not what one thing holds.
    shop = extract_request("Bookshop: books, authors and publishers")
    assert not any(f.name.endswith("_id") for fields in shop.fields.values() for f in fields)


def test_what_an_entity_posts_refers_to_its_author() -> None:
    jobs = extract_request("A job board where companies post jobs with title, salary and location")
    assert _field_names(jobs, "job") == ["title", "salary", "location", "company_id"]
    assert _field_names(jobs, "company") == []
    # People without accounts are no entities: nothing to refer to.
    assert not _field_names(extract_request("Users post recipes with cooking time"), "recipe")[1:]
    # Never both ways round: the author is not made to refer to its works.
    both = extract_request("Authors with books. Authors write books.")
    assert _field_names(both, "book") == ["author_id"] and not _field_names(both, "author")


def test_a_favourites_list_holds_records_of_the_main_entity() -> None:
    movies = infer_plan("A movie catalogue with movies (title, year, genre) and a favorites page")
    assert _field_names(movies, "favorite") == ["note", "movie_id"]
    # A bookmark manager is about its bookmarks: they are the main entity, with their own fields.
    bookmarks = infer_plan("Bookmark manager where users save bookmarks with url and title")
    assert _field_names(bookmarks, "bookmark") == ["url", "title"]


def test_values_listed_after_a_field_are_its_only_values() -> None:
    request = extract_request("Support desk where customers open tickets with subject, priority (low, medium, high) "
                              "and status (open / in progress / closed)")
    assert request.entities == ["customer", "ticket"]  # no "medium" or "high" records
    fields = {f.name: f for f in request.fields["ticket"]}
    assert list(fields) == ["subject", "priority", "status", "customer_id"]  # customers open them
    assert fields["priority"].choices == ["low", "medium", "high"] and fields["priority"].type == "str"
    assert fields["status"].choices == ["open", "in progress", "closed"]
    assert fields["subject"].choices is None
    # A parenthesis that is no list of short values is not read as one.
    plan = infer_plan("Books with title and author (the person who wrote the book, with a short biography)")
    assert not any(f.choices for fields in plan.fields.values() for f in fields)
    # Each listed field is a promise the delivered API keeps: one criterion per field.
    tasks = infer_plan("Task tracker: tasks with title, due date and status (open, in progress, done)")
    listed = [c for c in tasks.acceptance if c.feature == "listed_values"]
    assert [(c.entity, c.verify) for c in listed] == [("task", "api")]
    assert "open, in progress, done" in listed[0].text


@pytest.mark.parametrize(("message", "entity", "field", "values"), [
    ("Kanban board with columns To do, Doing, Done; cards with title, assignee and due date", "card", "column",
     ["To do", "Doing", "Done"]),
    ("A Kanban board with columns To do, Doing and Done, cards with title", "card", "column",
     ["To do", "Doing", "Done"]),
    ("Recruiting pipeline: candidates move through stages Applied, Interview, Offer, Hired", "candidate", "stage",
     ["Applied", "Interview", "Offer", "Hired"]),
])
def test_values_a_board_lists_are_a_field_of_its_records(message: str, entity: str, field: str,
                                                          values: list[str]) -> None:
    plan = infer_plan(message)
    listed = {f.name: f.choices for f in plan.fields[entity]}
    assert listed[field] == values, plan.fields
    assert any(c.feature == "listed_values" and c.entity == entity for c in plan.acceptance)
    assert not {v.lower() for v in values} & set(plan.entities)  # the values are no records


@pytest.mark.parametrize(("message", "entity", "field", "values"), [
    ("Kanban board for a print shop's jobs", "job", "column", ["To do", "Doing", "Done"]),
    ("Tablero Kanban para las tareas del equipo", "tarea", "columna", ["Por hacer", "En curso", "Hecho"]),
    ("Kanban-Board für die Aufträge unserer Druckerei", "auftrag", "spalte", ["Zu erledigen", "In Arbeit", "Erledigt"]),
])
def test_a_kanban_board_named_bare_gets_the_usual_columns_and_holds_what_it_is_for(
        message: str, entity: str, field: str, values: list[str]) -> None:
    plan = infer_plan(message)
    assert plan.entities == [entity]
    assert {f.name: f.choices for f in plan.fields[entity]}[field] == values


def test_what_a_project_is_for_is_a_record_only_for_one_that_holds_things() -> None:
    assert extract_request("A tracker for my running workouts").entities == ["workout"]
    assert extract_request("A forum for students").entities == []  # the audience, not records
    # Only when nothing else names a record: "a tracker for my team with tasks" holds tasks.
    assert extract_request("A tracker for our volunteers with shifts and hours").entities[0] != "volunteer"


@pytest.mark.parametrize(("message", "record", "target"), [
    ("Job board where recruiters post jobs; candidates save favourite jobs", "favourite", "job"),
    ("Users can bookmark recipes", "bookmark", "recipe"),
    ("Movie app where users keep a list of favorite movies", "favorite", "movie"),
    ("App de recetas donde los usuarios guardan sus recetas favoritas", "favorito", "receta"),
])
def test_saving_favourites_keeps_a_list_of_them(message: str, record: str, target: str) -> None:
    plan = infer_plan(message)
    assert [f.name for f in plan.fields[record]] == ["note", f"{target}_id"], plan.fields


def test_favourite_said_of_things_is_no_saved_list() -> None:
    assert "favourite" not in extract_request("Recipe site with my favourite recipes from grandma").entities
    shop = infer_plan("Shop with products and a wishlist")
    assert [f.name for f in shop.fields["wishlist"]] == ["note", "product_id"]


def test_a_list_after_a_colon_goes_on_after_semicolons() -> None:
    request = extract_request("Inventory app for a small warehouse: products with SKU, quantity and location; "
                              "suppliers; low stock alerts; export to CSV")
    assert request.entities == ["product", "supplier"]  # "low stock alerts" is a feature, not "low" records
    assert _field_names(request, "product") == ["sku", "quantity", "location"]
    clinic = extract_request("Clinic app: patients with name and birth date; doctors with specialty; appointments")
    assert {"patient", "doctor", "appointment"} <= set(clinic.entities)
    # Without a colon, a semicolon still ends the clause.
    assert extract_request("Library app; members can borrow books; overdue reminders").entities == [
        "member", "book", "loan"]


def test_a_feature_said_of_them_works_on_what_was_named_before() -> None:
    # "rate them and save favourites": the recipes are rated, not the favourites.
    request = extract_request("Users post recipes, rate them and save favourites.")
    assert "ratings" in request.features and "ratings" not in request.anchors
    assert extract_request("Users post recipes, rate recipes and save favourites.").anchors == {"ratings": "recipe"}


@pytest.mark.parametrize("message, record, refs", [
    ("A library where members borrow books.", "loan", ["book_id", "member_id"]),
    ("Students can enroll in courses; courses have a title and a teacher.", "enrollment", ["course_id", "student_id"]),
    ("Companies post jobs; candidates apply to jobs.", "application", ["job_id", "candidate_id"]),
    ("A library with books and loans, where members borrow books.", "loan", ["book_id", "member_id"]),
])
def test_a_verb_that_links_two_things_creates_its_record(message: str, record: str, refs: list[str]) -> None:
    # "members borrow books": the project holds loans, each of a book to a member.
    request = extract_request(message)
    assert record in request.entities
    assert [f.name for f in request.fields[record] if f.name.endswith("_id")] == refs


def test_a_verb_without_a_thing_it_acts_on_creates_nothing() -> None:
    assert "application" not in extract_request("Candidates search jobs and apply with their CV.").entities
    assert "loan" not in extract_request("Members must not borrow books twice.").entities  # negated


def test_a_field_that_starts_with_a_common_verb_stays_one_field() -> None:
    # "start time": "start" is no noun elsewhere, but here it begins a field; the list goes on to location,
    # which is data, not a request for a map (a build of this request was blocked on an unmet "maps").
    request = extract_request("Shifts with date, start time and location. Filter shifts by location.")
    assert [f.name for f in request.fields["shift"]] == ["date", "start_time", "location"]
    assert "maps" not in request.features and "filters" in request.features  # by the location field


def test_a_field_named_like_a_feature_asks_for_no_feature() -> None:
    # A rehearsal's location is data; a map is asked for only when the request says so.
    assert "maps" not in extract_request("Rehearsals with date and location, sorted by date").features
    assert "maps" in extract_request("Events with name, date and location, and a map of the venues").features
    assert "maps" in extract_request("Show the rehearsals on a map").features


@pytest.mark.parametrize("message, feature, entity", [
    ("Un club de lecture : livres avec titre et auteur, réunions avec date et lieu. Réunions triées par date.",
     "sort", "réunion"),
    ("Un club: libros con título y autor, y reuniones con fecha. Reuniones ordenadas por fecha.", "sort", "reunión"),
    ("Um clube: livros com título e autor. Livros filtrados por autor.", "filters", "livro"),
    ("Ein Verein: Bücher mit Titel und Autor. Bücher nach Autor gefiltert.", "filters", "buch"),
])
def test_a_list_feature_said_as_a_participle_is_found_with_its_entity(message: str, feature: str,
                                                                       entity: str) -> None:
    # "sorted by", "filtered by" in each language, feminine and plural forms included.
    request = extract_request(message)
    assert feature in request.features and request.anchors[feature] == entity


@pytest.mark.parametrize(("message", "booked"), [
    ("A dentist appointment booking page where patients pick a dentist and a time slot.", "dentist"),
    ("Volunteers sign up for shifts at the food bank; coordinators create shifts with date and location.", "shift"),
    ("Una web donde los socios reservan una pista de tenis por horas.", "pista"),
])
def test_a_booking_books_what_follows_its_verb_not_who_books(message: str, booked: str) -> None:
    plan = infer_plan(message)
    assert plan.roles["thing"] == booked and f"{booked}_id" in {f.name for f in plan.fields[plan.roles["booking"]]}


def test_a_rental_the_request_describes_is_its_booking() -> None:
    plan = infer_plan("Web app for a bike rental shop: customers rent bikes by the hour, staff mark bikes returned.")
    assert "booking" not in plan.entities and plan.roles["booking"] == "rental" and plan.roles["thing"] == "bike"
    assert {"start", "end", "bike_id", "customer_id"} <= {f.name for f in plan.fields["rental"]}


@pytest.mark.parametrize(("message", "booking", "fields"), [
    ("Bike rental: bikes with size and colour; rentals with start and end date.", "rental", ["start_date", "end_date"]),
    ("Meeting rooms with name and capacity, and bookings with start and end time.", "booking",
     ["start_time", "end_time"]),
    ("Casas rurales con nombre; reservas con fecha de entrada y salida.", "reserva",
     ["fecha_de_entrada", "fecha_de_salida"]),
    ("Salles avec nom ; réservations avec date de début et de fin.", "réservation", ["date_de_début", "date_de_fin"]),
    ("Salas com nome; reservas com data de início e fim.", "reserva", ["data_de_início", "data_de_fim"]),
    ("Kayak rental by the day: kayaks with name and size; rentals with pickup and return date.", "rental",
     ["pickup_date", "return_date"]),
])
def test_start_and_end_listed_together_share_their_head_and_are_the_bookings_times(
        message: str, booking: str, fields: list[str]) -> None:
    """"start and end date" is a start date and an end date; the overlap check uses them, and the booking
    gets no "start" and "end" beside them."""
    assert {k: [f.name for f in v] for k, v in extract_request(message).fields.items()}[booking] == fields
    plan = infer_plan(message)
    assert (plan.roles["start_field"], plan.roles["end_field"]) == tuple(fields)
    assert not {"start", "end"} & {f.name for f in plan.fields[booking]}


@pytest.mark.parametrize(("message", "entities"), [
    # "help desk" is one noun naming the app (not a "desk" record); "open" and "close" are verbs here.
    ("A help desk where staff open tickets.", ["staff", "ticket"]),
    ("Service desk for our office: agents open tickets, assign and close them.", ["agent", "ticket"]),
    ("Staff open tickets and technicians close them.", ["ticket", "technician"]),
    # ... and adjectives elsewhere.
    ("Open tickets list for our team.", ["ticket"]),
    ("An open source tool to track expenses.", ["expense"]),
])
def test_a_help_desk_holds_tickets_not_desks(message: str, entities: list[str]) -> None:
    assert extract_request(message).entities == entities


@pytest.mark.parametrize(("message", "absent"), [
    ("A survey site where each respondent picks a preferred time slot.", "preferred"),
    ("Receipts are attached to each expense, which is charged to a grant.", "attached"),
    ("A site for local farmers who sell locally grown vegetables.", "locally"),
    ("Jogo da velha no terminal, para dois jogadores.", "doi"),
    ("Un jeu de cartes pour trois joueurs.", "trois"),
])
def test_participles_adverbs_and_numbers_are_no_entities(message: str, absent: str) -> None:
    assert absent not in extract_request(message).entities


@pytest.mark.parametrize(("message", "entities"), [
    ("Necesito una app para que los clientes de mi pizzería hagan pedidos a domicilio, elijan ingredientes extra "
     "y paguen online antes de que salga el repartidor.", ["pedido", "ingrediente"]),
    ("Quero um app para que os clientes da minha pizzaria façam pedidos, escolham ingredientes e paguem online.",
     ["pedido", "ingrediente"]),
    ("Um site onde vendemos bolos e doces.", ["bolo", "doce"]),
    # Nouns that end like those verbs stay nouns.
    ("Una galería con la imagen destacada de cada producto.", ["imagen"]),
    ("Tienda de flores con ramos de rosas y centros de mesa.", ["flor", "ramo", "centro"]),
])
def test_a_third_person_plural_verb_is_no_entity_and_names_its_object(message: str, entities: list[str]) -> None:
    assert extract_request(message).entities == entities


@pytest.mark.parametrize(("message", "priced"), [
    ("Tienda online: pedidos con dirección de envío, y vinos con bodega y año, con carrito y pago.", "vino"),
    ("Loja online: encomendas com morada, e queijos com origem e peso, com carrinho e pagamento.", "queijo"),
    ("Boutique en ligne : commandes avec adresse de livraison, et vins avec domaine et millésime, avec panier et "
     "paiement.", "vin"),
])
def test_a_shop_sells_its_goods_not_its_orders_in_every_language(message: str, priced: str) -> None:
    assert infer_plan(message).roles["priced"] == priced


def test_a_french_request_with_spanish_looking_words_is_french() -> None:
    """"un", "de", "en" are Spanish too; "on", "ses" and "dans" are not."""
    assert extract_request("Un générateur de CV : on remplit ses expériences, on exporte en PDF.").language == "fr"


@pytest.mark.parametrize("message", [
    "Réservations de salles : salles avec nom et capacité, et un formulaire de réservation.",
    "Una web con un formulario de contacto y reservas de mesas.",
])
def test_a_form_is_part_of_a_page_in_every_language(message: str) -> None:
    assert not {"formulaire", "formulario"} & set(extract_request(message).entities)


def test_a_wish_is_no_title() -> None:
    lex = load_lexicons()
    assert request_title("Necesito una app para mi pizzería, con pedidos.", lex) == "Pizzería"
    assert request_title("Ich brauche eine App für unsere Vereinsmitglieder.", lex) == "Vereinsmitglieder"


def test_a_german_compound_is_singular_by_its_last_word() -> None:
    de = load_languages()["de"]
    assert [singular(w, de) for w in ("messwerte", "röntgenbildern", "gutscheine", "preisen", "zeiten")] == [
        "messwert", "röntgenbild", "gutschein", "preis", "zeit"]
    assert singular("seite", de) == "seite"


@pytest.mark.parametrize(("message", "owner", "fields"), [
    ("A shop for bikes with prices, sizes and colours, with a cart.", "bike", ["price", "size", "colour"]),
    ("Produkte mit Namen, Preisen und Beschreibungen.", "produkt", ["name", "preis", "beschreibung"]),
])
def test_field_words_in_the_plural_are_the_owners_fields(message: str, owner: str, fields: list[str]) -> None:
    """Each bike has a price; "Preisen" is "Preis" (the suffix rules alone made "preise")."""
    request = extract_request(message)
    assert request.entities == [owner] and [f.name for f in request.fields[owner]] == fields


def test_a_flowerbed_is_still_a_thing() -> None:
    assert "flowerbed" in extract_request("A garden planner: flowerbeds with plants and watering days.").entities


def test_one_field_word_in_the_singular_is_no_entity() -> None:
    request = extract_request("Orders with date and total, and a customer name.")
    assert request.entities == ["order"]


@pytest.mark.parametrize(("message", "absent"), [
    ("A quiz game about world capitals with a timer and a high score table.", "table"),
    ("A volunteer scheduling site for a community garden.", "scheduling"),
])
def test_what_a_feature_or_an_activity_is_called_is_no_record(message: str, absent: str) -> None:
    assert absent not in infer_plan(message).entities


@pytest.mark.parametrize(("message", "entities", "fields"), [
    # The item after a field list's final "and" ends it: what follows is the next thing, not a field.
    ("An inventory app for a bakery: ingredients with quantity and unit, suppliers, low-stock alerts",
     {"ingredient", "supplier"}, {"ingredient": ["quantity", "unit"]}),
    ("Household expenses with amount, category and date, monthly totals as a chart, export to CSV",
     {"expense"}, {"expense": ["amount", "category", "date"]}),
    ("A tiny CRM: companies, contacts with email and phone, deals with value and stage, and a pipeline view",
     {"company", "contact", "deal"}, {"deal": ["value", "stage"]}),
])
def test_a_field_list_ends_after_its_last_item(message: str, entities: set[str], fields: dict[str, list[str]]) -> None:
    request = extract_request(message)
    assert entities <= set(request.entities) and not {"tiny", "value", "stage", "unit", "monthly_total"} & set(
        request.entities)
    assert {e: [f.name for f in request.fields[e]] for e in fields} == fields


def test_a_language_a_project_is_about_asks_for_no_translations_and_is_no_record() -> None:
    school = extract_request("Course sign-up for a language school: courses with level, start date and seats")
    assert "i18n" not in school.features
    bilingual = extract_request("A blog available in English and Spanish, with translations of every post")
    assert "i18n" in bilingual.features and not {"english", "spanish"} & set(bilingual.entities)


def test_the_things_a_request_opens_with_are_its_records() -> None:
    request = extract_request("Team standup notes: each member writes what they did yesterday and today; "
                              "the lead sees everyone's notes per day")
    assert request.entities[:1] == ["note"]


def test_games_talked_about_ask_for_no_game() -> None:
    chat = infer_plan("Chat rooms where our chess club members discuss games, with mentions and message history.")
    assert chat.archetype == "chat" and "game" not in chat.features
    assert "game" in infer_plan("A kids' learning site with articles and a small quiz game").features


@pytest.mark.parametrize(("message", "owner", "fields"), [
    ("Una app para el club de pádel: los socios reservan pistas por horas, con nombre y teléfono de cada socio",
     "socio", ["nombre", "teléfono"]),
    ("Une boutique de fromages avec nom, prix et origine de chaque fromage", "fromage", ["nom", "prix", "origine"]),
    ("A club app: members and boats, with name and phone of each member", "member", ["name", "phone"]),
])
def test_fields_of_each_thing_named_after_the_list_are_its_fields(message: str, owner: str, fields: list[str]) -> None:
    request = extract_request(message)
    assert [f.name for f in request.fields[owner]] == fields and not set(fields) & set(request.entities)


@pytest.mark.parametrize(("message", "booking", "thing"), [
    ("Una app para el club de pádel: los socios reservan pistas por horas", "reserva", "pista"),
    ("Réservation de salles de réunion pour notre bureau", "réservation", "salle"),
    ("Reserva de pistas de tenis para el club", "reserva", "pista"),
])
def test_a_booking_the_planner_adds_is_named_in_the_requests_language(message: str, booking: str, thing: str) -> None:
    plan = infer_plan(message)
    assert "booking" not in plan.entities and plan.roles["booking"] == booking and plan.roles["thing"] == thing


def test_the_records_a_feature_needs_are_named_in_the_requests_language() -> None:
    assert "nachricht" in infer_plan("Ein Chat für unseren Chor mit Räumen pro Stimme").entities
    assert "pontuação" in infer_plan("Um jogo da cobrinha com placar de recordes").entities


@pytest.mark.parametrize(("message", "thing", "booker"), [
    ("A tennis club where members book courts", "court", "member"),
    ("Restaurant where guests book tables for dinner", "table", "guest"),
    ("A dentist appointment booking page where patients pick a dentist and a time slot", "dentist", "patient"),
])
def test_a_booking_refers_to_what_is_booked_and_who_books(message: str, thing: str, booker: str) -> None:
    plan = infer_plan(message)
    assert (plan.roles["thing"], plan.roles["booker"]) == (thing, booker)
    assert {f"{thing}_id", f"{booker}_id"} <= {f.name for f in plan.fields[plan.roles["booking"]]}


def test_singular_names_after_things_in_the_plural_are_their_fields() -> None:
    request = extract_request("A wine cellar app: bottles with producer, vintage and region, tasting notes")
    assert [f.name for f in request.fields["bottle"]] == ["producer", "vintage", "region"]
    assert not {"producer", "vintage", "region"} & set(request.entities)
    # A proper name is no owner: "for Ana and Tomás with our story" lists a wedding page's sections.
    wedding = extract_request("Wedding website for Ana and Tomás with our story and the schedule of the day.")
    assert wedding.fields == {}


@pytest.mark.parametrize(("message", "main", "anchors_off"), [
    # what the marketplace sells ("for handmade jewellery") is what it is about, never its sellers or buyers
    ("An online marketplace for handmade jewellery where sellers list items and buyers pay by card", "jewellery", ()),
    ("A help desk where employees open tickets, agents reply, and tickets have priority and status", "ticket",
     ("comments",)),
])
def test_people_are_not_what_a_project_is_about(message: str, main: str, anchors_off: tuple[str, ...]) -> None:
    plan = infer_plan(message)
    assert plan.roles["main"] == main
    assert all(plan.roles.get(feature) is None for feature in anchors_off)


@pytest.mark.parametrize(("message", "entities"), [
    ("A Kanban board: columns To do, Doing, Done; cards have title, assignee and due date", ["card"]),
    ("Un tablero Kanban con columnas Pendiente, En curso y Hecho; tarjetas con título y responsable", ["tarjeta"]),
])
def test_the_names_a_column_list_gives_are_values_not_records(message: str, entities: list[str]) -> None:
    assert infer_plan(message).entities == entities


@pytest.mark.parametrize(("message", "owner", "fields"), [
    ("Une application pour gérer les adhérents de notre association : nom, email et cotisation", "adhérent",
     ["nom", "email", "cotisation"]),
    ("Members of our club: name, email and phone", "member", ["name", "email", "phone"]),
    ("A catalogue of plants: name, price and stock", "plant", ["name", "price", "stock"]),
])
def test_a_colon_lists_fields_when_most_are_field_words(message: str, owner: str, fields: list[str]) -> None:
    request = extract_request(message)
    assert request.entities == [owner] and [f.name for f in request.fields[owner]] == fields


def test_a_colon_list_of_things_stays_things() -> None:
    assert extract_request("Bookshop: books, authors and orders").entities == ["book", "author", "order"]


def test_a_booking_verb_in_the_present_asks_for_a_booking_in_every_language() -> None:
    plan = infer_plan("Une appli pour notre médiathèque : les adhérents réservent des livres")
    assert "booking" in plan.features and (plan.roles["thing"], plan.roles["booker"]) == ("livre", "adhérent")


# --- Found by planning new requests by hand (2026-12-02): each case failed before its fix. ---------

@pytest.mark.parametrize(("message", "present", "absent"), [
    # a shop before "for"/"für"/"pour" sells what follows, past its adjectives
    ("Ein Online-Shop für handgemachte Kerzen mit Warenkorb und Bestellübersicht.", ["kerze"],
     ["bestellübersicht", "bestell"]),
    ("A shop for handmade candles.", ["candle"], []),
    # a phrasal verb's object ("sign up for shifts"); whom it is for is not ("list for our team")
    ("A volunteer app: volunteers sign up for shifts, coordinators see who's coming.", ["shift"], []),
    ("Open tickets list for our team.", ["ticket"], ["team"]),
    # Spanish verbs after a pronoun, "entre", and tools that neighbours exchange
    ("Una plataforma donde los vecinos intercambian herramientas: publican lo que prestan, otros lo piden y se "
     "valoran entre ellos.", ["vecino", "herramienta"], ["prestan", "piden", "entre"]),
    # French -ent verbs before an article; trips offered after a plural subject
    ("Une application de covoiturage : les conducteurs proposent des trajets, les passagers réservent une place "
     "et notent le conducteur.", ["trajet", "conducteur"], ["notent", "proposent"]),
    # what takes "them" is a verb; "spending" is money going out
    ("A personal finance tracker: log expenses and income, categorize them, and charts of spending over time.",
     ["expense", "income"], ["categorize", "spending"]),
    # a noun stressed before -imos is no verb; "cadastro de" keeps records of what follows
    ("Um sistema para a biblioteca da escola: cadastro de livros, empréstimos para alunos, devolução e multas.",
     ["livro", "empréstimo", "aluno"], ["cadastro"]),
    ("Eine Webseite für unseren Fußballverein mit Spielplan, Ergebnissen und einem Mitgliederbereich.",
     ["ergebnis"], ["ergebnisse", "mitgliederbereich"]),
    ("A Kanban board with columns, cards and drag and drop between columns.", ["card"], ["drag", "drop"]),
    ("I want customers to order cakes online for pickup, choose the flavour and size.", ["cake"],
     ["pickup", "flavour"]),
])
def test_new_requests_name_their_own_things(message: str, present: list[str], absent: list[str]) -> None:
    entities = extract_request(message).entities
    assert set(present) <= set(entities), entities
    assert not set(absent) & set(entities), entities


def test_a_members_area_and_french_ratings_are_features() -> None:
    assert "accounts" in extract_request("Ein Verein mit Spielern und einem Mitgliederbereich.").features
    assert "ratings" in extract_request("Les passagers réservent une place et notent le conducteur.").features
    assert "accounts" not in extract_request("Sistema: cadastro de livros e alunos.").features


def test_rental_dates_said_with_the_bike_belong_to_the_rental() -> None:
    plan = infer_plan("A bike rental shop: customers rent bikes with a pickup date and a return date.")
    assert [f.name for f in plan.fields[plan.roles["booking"]] if f.type == "datetime"] == ["pickup_date",
                                                                                           "return_date"]
    assert not any(f.type == "datetime" for f in plan.fields[plan.roles["thing"]])
    assert (plan.roles["start_field"], plan.roles["end_field"]) == ("pickup_date", "return_date")


def test_search_by_a_field_searches_the_main_records() -> None:
    plan = infer_plan("A recipe site where users post recipes with ingredients, and search by ingredient.")
    assert plan.roles.get("search") is None  # the main entity: recipes
    assert any(c.text.startswith("Searching recipes") for c in plan.acceptance)


@pytest.mark.parametrize(("message", "title"), [
    ("I run a small bakery. Customers order cakes online.", "Bakery"),
    ("An internal tool for our warehouse: track pallets and shipments.", "Warehouse"),
    ("Help me make a habit tracker where I tick off habits.", "Habit tracker"),
    ("Internal dashboard showing daily sales and refunds.", "Internal dashboard"),
])
def test_titles_name_the_project_not_the_asker(message: str, title: str) -> None:
    assert request_title(message, load_lexicons()) == title


def test_a_management_system_keeps_its_kind_while_named_for_its_purpose() -> None:
    message = "Sistema de gestão para oficina mecânica: clientes, veículos e ordens de serviço."
    assert request_title(message, load_lexicons()) == "Oficina mecânica"
    assert "management system" in request_kind(message, load_lexicons())


def test_criteria_take_an_before_a_vowel() -> None:
    plan = infer_plan("A dog grooming salon where customers book appointments.")
    texts = [c.text for c in plan.acceptance if c.feature == "booking"]
    assert texts and texts[0].startswith("An appointment that overlaps")


@pytest.mark.parametrize(("message", "archetype"), [
    ("A job board where companies post openings and candidates apply.", "crud"),
    ("Create a quiz app for my students: I write multiple-choice questions and they see their score.", "crud"),
])
def test_new_kinds_of_request(message: str, archetype: str) -> None:
    assert infer_plan(message).archetype == archetype


def test_a_web_platform_is_no_terminal_program() -> None:
    plan = infer_plan("Una plataforma donde los vecinos intercambian herramientas: publican lo que prestan.")
    assert plan.archetype != "cli" and plan.has_ui


@pytest.mark.parametrize(("message", "entities"), [
    ("Cooking blog with recipes, comments, tags and search", ["recipe"]),
    ("Travel blog with posts and photos", ["post", "photo"]),
    ("Un blog de voyage avec des articles et des photos.", ["article", "photo"]),
    ("Recipe site with ratings", ["recipe"]),  # alone, the word before the app's name is what it holds
])
def test_a_blogs_topic_is_no_record_when_it_names_its_own(message: str, entities: list[str]) -> None:
    assert extract_request(message).entities == entities


def test_a_gallery_asks_for_a_site_that_keeps_the_photos() -> None:
    # A landing page has no records to upload photos to: the planner picks a shape that can hold them.
    plan = infer_plan("Página de presentación para mi estudio de tatuajes con galería de trabajos y formulario "
                      "de contacto.")
    assert plan.archetype != "landing" and plan.unmet == [] and "media_gallery" in plan.features
    assert plan.title == "Estudio de tatuajes"
    assert any(c.feature == "media_gallery" and c.entity == "trabajo" for c in plan.acceptance)


@pytest.mark.parametrize(("message", "present", "absent"), [
    ("Visitors can browse adoptable dogs and cats with photos, age and breed.", ["dog", "cat"], []),
    ("Parking lot management: spots, vehicles entering and leaving with timestamps, hourly fees.",
     ["spot", "vehicle"], ["entering", "leaving", "hourly"]),
    ("Real-time collaborative whiteboard where users draw together and see each other's cursors.", [],
     ["draw"]),
    ("Quiero una tienda online de ropa de segunda mano: los usuarios suben prendas con fotos, talla y precio, "
     "otros las compran con carrito y se pueden dejar reseñas.", ["prenda"], ["compran", "dejar"]),
    ("Build a restaurant website with the menu, opening hours, a table reservation form.", ["table"], ["opening"]),
    ("Aplicativo de delivery para uma pizzaria: cardápio com pizzas e bebidas, carrinho e pedidos.",
     ["pizza", "bebida"], ["delivery", "cardápio"]),
])
def test_third_batch_of_new_requests(message: str, present: list[str], absent: list[str]) -> None:
    entities = extract_request(message).entities
    assert set(present) <= set(entities), entities
    assert not set(absent) & set(entities), entities


def test_what_a_booking_word_follows_is_booked_and_a_map_to_find_us_is_no_search() -> None:
    plan = infer_plan("Build a restaurant website with the menu, opening hours, a table reservation form and a "
                      "map to find us.")
    assert plan.roles["thing"] == "table" and "search" not in plan.features


def test_linked_records_are_not_what_a_project_is_about() -> None:
    # "students enroll in courses" creates enrollments with two references: the courses are the subject
    plan = infer_plan("Create an online course platform where instructors upload video lessons, students enroll in "
                      "courses and take quizzes.")
    assert plan.roles["main"] == "course"


def test_tickets_bought_at_checkout_are_no_exclusive_bookings() -> None:
    plan = infer_plan("Make an event ticketing site: organizers create events with date, venue and ticket price; "
                      "attendees buy tickets.")
    assert "checkout" in plan.features and "booking" not in plan.features


@pytest.mark.parametrize(("message", "archetype"), [
    ("A markdown note-taking app with folders, tags, full-text search and dark mode. Built with Svelte and a Go "
     "backend, no Docker.", "crud"),  # a named frontend framework: no terminal program
    ("Ein Vereinsportal für unseren Schachclub: Mitglieder, Turniere mit Paarungen und Ergebnissen, eine Rangliste "
     "und News.", "crud"),  # a chess club keeps records; it is no chess game
])
def test_a_named_frontend_or_a_games_club_changes_the_kind(message: str, archetype: str) -> None:
    assert infer_plan(message).archetype == archetype


def test_a_forecast_on_a_weather_dashboard_trains_no_model() -> None:
    plan = infer_plan("Weather dashboard showing temperature and rainfall charts for cities I pick, with a 7-day "
                      "forecast.")
    assert "ml_model" not in plan.features and plan.unmet == []


def test_a_cli_todo_lists_commands_not_records_and_jwt_is_no_record() -> None:
    assert extract_request("Node.js CLI to manage a todo list stored in a JSON file: add, list, complete, "
                           "remove.").entities == ["todo"]
    assert "jwt" not in extract_request("REST API for a library: books, authors and loans, with JWT auth.").entities


@pytest.mark.parametrize(("message", "archetype"), [
    ("Develop an online voting system for a student council election: candidates with bios, one vote per student, "
     "and live results after the poll closes.", "crud"),  # was a 0.57 game with a canvas
    ("Implement a customer support ticketing system where customers submit tickets with a category and priority, "
     "agents are assigned, and each ticket has a conversation thread.", "crud"),  # was a booking of tickets
    ("I need a platform to organize hackathons: teams register, submit projects with a repo link, judges score "
     "projects on criteria, and a leaderboard shows the winners.", "crud"),  # was a 0.83 game
])
def test_elections_support_desks_and_hackathons_keep_records(message: str, archetype: str) -> None:
    plan = infer_plan(message)
    assert plan.archetype == archetype and "game" not in plan.features and "booking" not in plan.features


def test_a_hotel_managed_is_the_place_and_its_rooms_are_booked() -> None:
    plan = infer_plan("Please implement a website for managing a small hotel. Guests should be able to view "
                      "available rooms with photos and prices, make reservations for specific dates.")
    assert plan.title == "Hotel" and "hotel" not in plan.entities and plan.roles["thing"] == "room"
    assert not {"specific", "available"} & set(plan.entities)


def test_the_languages_people_speak_ask_for_no_translations_and_it_computes_is_a_verb() -> None:
    plan = infer_plan("Create a website for a language exchange: users list the languages they speak and want to "
                      "learn, find partners, and message them.")
    assert "i18n" not in plan.features and plan.unmet == []
    assert "compute" not in extract_request("A recipe cost calculator: enter ingredients, and it computes the cost "
                                            "per serving.").entities


def test_unseen_requests_name_their_records() -> None:
    # Written after the fixes above and measured before any change for them (see docs/planner.md).
    assert "sala" in extract_request("Plataforma de reservas para salas de reuniones de un coworking.").entities
    assert infer_plan("Plataforma de reservas para salas de reuniones de un coworking.").roles["thing"] == "sala"
    french = extract_request("Un tableau de bord des ventes de notre librairie : chiffre d'affaires par mois, "
                             "meilleurs titres, export CSV.").entities
    assert not {"bord", "chiffre", "affaire", "meilleur"} & set(french)
    assert extract_request("Rede social para fotógrafos amadores: perfis e fotos.").entities[0] == "perfil"
    assert singular("perfiles", load_languages()["es"]) == "perfil"


def test_a_date_said_with_what_is_borrowed_belongs_to_the_loan() -> None:
    # Found by serving the build: the tools form asked for a due date, the loans form had none.
    plan = infer_plan("A tool library for our makerspace: members borrow tools with a due date.")
    assert "due_date" in [f.name for f in plan.fields["loan"]]
    assert "due_date" not in [f.name for f in plan.fields["tool"]]
    books = extract_request("A library: books with title, author and publication date; members borrow books.")
    assert "publication_date" in [f.name for f in books.fields["book"]]


def test_an_assigned_thing_refers_to_whom_it_is_assigned() -> None:
    cases = {
        "Helpdesk: customers open tickets with a subject; agents are assigned tickets and reply.":
            ("ticket", ["agent_id", "customer_id"]),
        "Team task manager: tasks with a title and due date are assigned to team members.": ("task", ["member_id"]),
        "A chores app where parents assign chores to their kids": ("chore", ["kid_id"]),
        "Gestor de tareas: las tareas se asignan a los empleados": ("tarea", ["empleado_id"]),
        # the assignee already a record: what follows "to" is still the assignee, not the thing
        "Support: agents answer tickets; tickets are assigned to agents.": ("ticket", ["agent_id"]),
    }
    for message, (thing, refs) in cases.items():
        request = extract_request(message)
        names = [f.name for f in request.fields[thing]]
        assert all(ref in names for ref in refs), (message, names)
        assert all(ref.removesuffix("_id") in request.entities for ref in refs), (message, request.entities)


def test_coordinated_verbs_share_their_object() -> None:
    # "borrow and return books": the loan is of a book, as with "borrow books"
    request = extract_request("Library: books with title and author; members borrow and return books.")
    assert {"book_id", "member_id"} <= {f.name for f in request.fields["loan"]}
    # an entity after the conjunction is another clause's subject, not the object
    request = extract_request("Job board where companies post, and candidates apply to jobs.")
    assert "company_id" not in {f.name for f in request.fields.get("candidate", [])}


def test_people_who_manage_records_own_them() -> None:
    request = extract_request("Real estate listings with price and address; agents manage their listings.")
    assert "agent_id" in {f.name for f in request.fields["listing"]}


def test_what_is_listed_after_a_records_verb_is_that_records() -> None:
    request = extract_request("Job board: companies post jobs with title, salary and location; candidates apply "
                              "to jobs with a cover letter.")
    assert "cover_letter" in {f.name for f in request.fields["application"]}
    assert "cover_letter" not in {f.name for f in request.fields["job"]}
    assert "letter" not in request.entities


def test_records_grouped_by_another_entity_refer_to_it() -> None:
    request = extract_request("Personal finance app to track income and expenses by category, with a monthly "
                              "budget per category.")
    for record in ("income", "expense"):
        assert "category_id" in {f.name for f in request.fields.get(record, [])}, record
    # a field, not an entity, after "by" groups nothing
    assert "title_id" not in str(extract_request("Books with title and author, sorted by title").fields)


def test_a_money_record_named_without_fields_gets_an_amount_and_a_date() -> None:
    plan = infer_plan("Personal finance app to track income and expenses")
    for record in ("income", "expense"):
        assert [(f.name, f.type) for f in plan.fields[record]][:3] == [
            ("name", "str"), ("amount", "float"), ("date", "datetime")]
    assert {f.name for f in infer_plan("App para registrar mis gastos").fields["gasto"]} >= {"importe", "fecha"}
    # the request's own fields win
    own = infer_plan("Expense tracker: expenses with title and cost")
    assert [f.name for f in own.fields["expense"]] == ["title", "cost"]
