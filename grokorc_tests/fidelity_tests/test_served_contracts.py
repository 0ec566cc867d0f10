"""Request fidelity, tried as a user would: build each archetype's request offline, serve the delivered
project (sandboxed, on loopback) and check every acceptance criterion from outside — the API contracts
over real HTTP and WebSockets, the UI rows in Chromium. A CLI project is run as a program.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright

from grokorc_assets.generation import generate_backend, generate_devops, generate_frontend, infer_ui, merge_agents
from grokorc_assets.generation.spec import project_spec
from grokorc_assets.planning.acceptance import feature_table
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.serve import served_project
from grokorc_assets.visual.browser import BrowserSession
from grokorc_assets.visual.browser_models import load_settings
from grokorc_assets.visual.probes import browser_criteria, run_probes
from grokorc_tests.fidelity_tests.contracts import CHECKERS, Served, check_criterion
from grokorc_tests.fidelity_tests.requests import BOOKINGS, REQUESTS, SHOPS
from grokorc_tests.generation_tests.conftest import CHROMIUM_ARGS
from grokorc_tests.generation_tests.plans import CHOIR, GARDEN


def deliver(request: str, workspace: Path):
    """The offline agents' output merged into one project, as the pipeline's conflicts stage does."""
    plan = infer_plan(request)
    backend = generate_backend(plan, workspace)
    generate_frontend(plan, workspace)
    generate_devops(plan, workspace)
    infer_ui(plan, workspace, backend)
    return plan, merge_agents(workspace)


def test_the_requests_exercise_every_generated_feature():
    # Features the requests name, and those a request's fields bring ("condition (new, used, broken)").
    planned = {f for request in REQUESTS.values() for plan in [infer_plan(request)]
               for f in [*plan.features, *(c.feature for c in plan.acceptance)]}
    generated = {key for key, f in feature_table().items() if f.generated}
    assert generated <= planned, sorted(generated - planned)
    assert generated - {"game", "dark_mode"} <= set(CHECKERS)  # the UI-only features are probed in Chromium


@pytest.mark.parametrize("archetype", [a for a in REQUESTS if a != "cli"])
def test_every_criterion_holds_on_the_served_project(archetype, tmp_path):
    plan, project = deliver(REQUESTS[archetype], tmp_path)
    assert plan.archetype == archetype and plan.unmet == []
    spec = project_spec(plan)
    with served_project(project) as app:
        served = Served(app.url, spec)
        for criterion in [c for c in plan.acceptance if c.verify == "api"]:
            check_criterion(served, criterion)
        probes = browser_criteria([c.model_dump() for c in plan.acceptance])
        if probes:
            with BrowserSession(load_settings()) as session:
                outcomes = run_probes(session, f"{app.url}/", probes)
            assert all(o.passed for o in outcomes), [o.model_dump() for o in outcomes]
        main_page = served.http.get("/")
        assert main_page.status_code == (200 if plan.has_ui else 404)


@pytest.mark.parametrize("request_text", list(SHOPS))
def test_a_shop_checks_out_by_the_fields_its_request_names(request_text, tmp_path):
    priced, price, stock = SHOPS[request_text]
    plan, project = deliver(request_text, tmp_path)
    assert plan.unmet == [] and "checkout" in plan.features
    assert (plan.roles["priced"], plan.roles["price_field"], plan.roles["stock_field"]) == (priced, price, stock)
    assert "price" not in [f.name for f in plan.fields[priced]]  # no English field beside the request's own
    spec = project_spec(plan)
    checkout = [c for c in plan.acceptance if c.feature == "checkout"]
    assert len(checkout) == 2 and all(stock in c.text for c in checkout) and price in checkout[0].text
    with served_project(project) as app:
        served = Served(app.url, spec)
        for criterion in [c for c in plan.acceptance if c.verify == "api"]:
            check_criterion(served, criterion)


@pytest.mark.parametrize("request_text", list(BOOKINGS))
def test_a_booking_checks_overlaps_on_the_dates_its_request_names(request_text, tmp_path):
    booking, start, end = BOOKINGS[request_text]
    plan, project = deliver(request_text, tmp_path)
    assert plan.unmet == [] and "booking" in plan.features
    assert (plan.roles["booking"], plan.roles["start_field"], plan.roles["end_field"]) == (booking, start, end)
    names = [f.name for f in plan.fields[booking]]
    assert "start" not in names and "end" not in names  # no English field beside the request's own
    spec = project_spec(plan)
    with served_project(project) as app:
        served = Served(app.url, spec)
        for criterion in [c for c in plan.acceptance if c.verify == "api"]:
            check_criterion(served, criterion)


def test_the_cli_project_keeps_its_criteria_as_a_program(tmp_path):
    plan, project = deliver(REQUESTS["cli"], tmp_path / "ws")
    assert plan.archetype == "cli" and {c.verify for c in plan.acceptance} == {"cli"}
    spec = project_spec(plan)
    plural = spec.resources[0].plural
    data = tmp_path / "data.json"

    def run(*argv):
        done = subprocess.run([sys.executable, "-m", "app", "--data", str(data), plural, *argv],
                              cwd=project / "backend", capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    text = next(f.name for f in spec.resources[0].fields if f.type == "str" and f.required)
    flag = "--" + text.replace("_", "-")
    for word in ("pear", "apple", "zucchini"):
        run("add", flag, word)
    assert [r[text] for r in run("list", "--search", "APP")] == ["apple"]
    assert [r[text] for r in run("list", "--sort", text)] == ["apple", "pear", "zucchini"]
    assert [r[text] for r in run("list", f"--sort=-{text}")] == ["zucchini", "pear", "apple"]


def test_a_file_uploaded_in_chromium_downloads_byte_for_byte(tmp_path):
    """The job board a user asks for: choose "Files" on a candidate, upload a CV, download it again."""
    plan, project = deliver("A job board where candidates apply with a CV upload; candidates have name and email",
                            tmp_path / "ws")
    assert plan.unmet == [] and "file_upload" in plan.features
    spec = project_spec(plan)
    main = next(r for r in spec.resources if r.name == plan.roles["main"])
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.4 " + bytes(range(256)))
    with served_project(project) as app, sync_playwright() as playwright:
        record = Served(app.url, spec).create(main)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(accept_downloads=True).new_page()
        page.goto(f"{app.url}/pages/{main.plural}.html")
        page.locator('[data-component=data_table] [data-action="attachments"]').first.click()
        panel = page.locator(f'[data-feature="attachments"][data-resource="{main.plural}"]')
        panel.locator("input[type=file]").set_input_files(str(cv))
        panel.get_by_role("button", name="Upload").click()
        panel.locator("[data-state=success]").wait_for(state="visible")
        link = panel.get_by_role("link", name="cv.pdf")
        with page.expect_download() as download:
            link.click()
        assert Path(download.value.path()).read_bytes() == cv.read_bytes()
        listed = httpx.get(f"{app.url}/api/{main.plural}/{record['id']}/attachments", timeout=10).json()
        assert [(a["filename"], a["size"]) for a in listed] == [("cv.pdf", len(cv.read_bytes()))]
        browser.close()


@pytest.mark.parametrize("request_text", [
    REQUESTS["content"],
    # a one-page site: its gallery lives on the page of its main records, linked from the menu
    "Personal portfolio website for a photographer with a gallery of projects and a contact form",
])
def test_a_photo_uploaded_in_chromium_shows_as_a_thumbnail(request_text, tmp_path):
    """A photo gallery: the picker offers images, and the uploaded photo is drawn in the list."""
    from PIL import Image

    plan, project = deliver(request_text, tmp_path / "ws")
    spec = project_spec(plan)
    main = next(r for r in spec.resources if r.name == plan.roles["main"])
    photo = tmp_path / "dish.png"
    Image.new("RGB", (40, 30), (200, 60, 20)).save(photo)
    with served_project(project) as app, sync_playwright() as playwright:
        Served(app.url, spec).create(main)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{app.url}/")
        page.get_by_role("navigation").get_by_role("link", name=main.plural, exact=False).first.click()
        page.locator('[data-component=data_table] [data-action="attachments"]').first.click()
        panel = page.locator(f'[data-feature="attachments"][data-resource="{main.plural}"]')
        picker = panel.locator("input[type=file]")
        assert "image/png" in picker.get_attribute("accept")
        picker.set_input_files(str(photo))
        panel.get_by_role("button", name="Upload").click()
        thumbnail = panel.locator("[data-attachment-list] img")
        thumbnail.wait_for(state="visible")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
        assert thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [40, 30]
        browser.close()


@pytest.mark.parametrize("request_text, role, entity, page, control", [
    (CHOIR, "sort", "rehearsal", "rehearsals", 'value="date"'),
    (GARDEN, "comments", "harvest", "harvests", 'data-feature="comments"'),
])
def test_features_work_on_the_entity_the_request_named_them_with(request_text, role, entity, page, control,
                                                                  tmp_path):
    # Choir: rehearsals sorted by date, songs searched. Garden: comments on harvest logs, plants rated.
    plan, project = deliver(request_text, tmp_path)
    assert plan.roles[role] == entity
    spec = project_spec(plan)
    with served_project(project) as app:
        served = Served(app.url, spec)
        for criterion in [c for c in plan.acceptance if c.verify == "api"]:
            check_criterion(served, criterion)
        html = served.http.get(f"/pages/{page}.html").text
        assert f'data-feature="{role}"' in html and control in html
