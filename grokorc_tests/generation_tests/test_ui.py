"""UI inference: component trees, bindings to served endpoints, rendered pages, not-applicable plans."""

from __future__ import annotations

from grokorc_assets.generation import infer_ui
from grokorc_assets.generation.models import UiNode
from grokorc_tests.generation_tests.plans import dashboard


def walk(nodes: list[UiNode]):
    for node in nodes:
        yield node
        yield from walk(node.children)


def test_dashboard_tree_has_every_component_type(generated):
    gen = generated("dashboard")
    ui = gen.ui
    assert ui.applicable and [p.slug for p in ui.pages] == ["overview", "orders"]
    types = {node.type for page in ui.pages for node in walk(page.components)}
    assert types == {"navigation", "data_table", "form", "kpi_card", "chart", "loading_state", "empty_state",
                     "error_state"}
    assert ui.components_generated == sum(1 for page in ui.pages for _ in walk(page.components))
    overview = {n.type for n in walk(ui.pages[0].components)}
    assert {"kpi_card", "chart", "data_table"} <= overview
    orders = ui.pages[1].components
    assert [n.type for n in orders] == ["navigation", "data_table", "form"]
    assert orders[1].props["resource"] == "orders" and orders[1].props["exportable"]
    assert orders[1].props["filterable"]


def test_every_binding_is_a_backend_endpoint(generated):
    for name in ("dashboard", "ecommerce", "awkward_crud", "hostile", "no_entities"):
        gen = generated(name)
        served = {(e.method, e.path, e.operation) for e in gen.backend.endpoints}
        bound = 0
        for page in gen.ui.pages:
            for node in walk(page.components):
                if node.type in ("data_table", "form", "kpi_card", "chart"):
                    assert node.binding is not None
                if node.binding:
                    bound += 1
                    assert (node.binding.method, node.binding.path, node.binding.operation) in served
                for action in node.props.get("actions", []):
                    assert (action["method"], action["path"], action["operation"]) in served
        assert bound >= len(gen.ui.pages)


def test_forms_label_every_field(generated):
    gen = generated("ecommerce")
    forms = [n for p in gen.ui.pages for n in walk(p.components) if n.type == "form"]
    assert forms
    for form in forms:
        assert form.binding.method == "POST"
        for field in form.props["fields"]:
            assert field["label"] and field["id"].startswith(form.props["id"])


def test_rendered_pages_use_the_frontend_shell(generated):
    gen = generated("dashboard")
    for page in gen.ui.pages:
        html = (gen.workspace / "agents/ui" / page.path).read_text()
        assert '<link rel="stylesheet" href="../styles.css">' in html
        assert '<script src="../api.js" defer></script>' in html
        assert (gen.project / "frontend/styles.css").exists()
    assert sorted(f.path for f in gen.ui.files) == [
        "frontend/pages/orders.html", "frontend/pages/overview.html"]


def test_not_applicable_without_ui_writes_nothing(generated):
    for name in ("api", "cli"):
        gen = generated(name)
        assert gen.ui.applicable is False
        assert "has no user interface" in gen.ui.reason
        assert gen.ui.pages == [] and gen.ui.files == [] and gen.ui.components_generated == 0
        assert not (gen.workspace / "agents/ui").exists()


def test_without_backend_result_binds_to_the_plan_endpoints(tmp_path, generated):
    alone = infer_ui(dashboard(), tmp_path)
    assert alone.model_dump(exclude={"root"}) == generated("dashboard").ui.model_dump(exclude={"root"})


def test_binding_missing_from_backend_drops_the_component(tmp_path, generated):
    backend = generated("dashboard").backend
    no_create = backend.model_copy(update={"endpoints": [e for e in backend.endpoints
                                                         if not e.operation.endswith(".create")]})
    ui = infer_ui(dashboard(), tmp_path, no_create)
    assert not any(n.type == "form" for p in ui.pages for n in walk(p.components))
