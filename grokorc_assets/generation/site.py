"""The generated site's shape: which pages exist beside the main page, what each shows, and the nav.

The frontend agent (index.html and the shared shell) and the ui stage (pages/*.html) run apart but
derive the same site from the same spec, so the navigation lists exactly the pages that get written.
Plan pages that only repeat the main page ("home", a game's "game") are dropped, and so are pages
that would show the same resource twice ("product" beside "products").
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from grokorc_assets.datafiles import load_yaml
from grokorc_assets.generation.models import ResourceSpec
from grokorc_assets.generation.spec import ProjectSpec, kebab, singular, snake
from grokorc_assets.generation.ui_text import text
from grokorc_assets.planning.acceptance import FILE_FEATURES

PageKind = Literal["overview", "resource", "cart"]


class SitePage(BaseModel):
    label: str  # display only
    slug: str  # safe file stem
    kind: PageKind
    resource: str | None = None  # ResourceSpec.name of a resource page


class NavLink(BaseModel):
    label: str
    href: str
    current: bool = False


def site_data() -> dict:
    return load_yaml("grokorc_assets.generation", "site.yaml")


def heading(r: ResourceSpec) -> str:
    """"Orders" for a plain entity; the request's own spelling when it was anything fancier."""
    if snake(r.label) == r.name:
        return r.plural.replace("_", " ").capitalize()
    return r.label


def _words(text: str) -> set[str]:
    return {w for w in snake(text).split("_") if w}


def is_home(spec: ProjectSpec, name: str) -> bool:
    """A page whose name only says "the main page" (for this archetype) duplicates index.html."""
    data = site_data()
    home = set(data["home_words"]) | set(data["home_words_by_archetype"].get(spec.archetype, []))
    words = _words(name)
    return bool(words) and words <= home


def resource_by_name(spec: ProjectSpec, name: str | None) -> ResourceSpec | None:
    return next((r for r in spec.resources if r.name == name), None)


def _match(spec: ProjectSpec, slug: str) -> str | None:
    words, whole = _words(slug), snake(slug)
    for r in spec.resources:
        if r.name in words or r.plural in words or whole in (r.name, r.plural):
            return r.name
    return None


def _kind(spec: ProjectSpec, slug: str) -> PageKind:
    data, words = site_data(), _words(slug)
    if words & set(data["overview_words"]):
        return "overview"
    if "checkout" in spec.feature_keys and words & set(data["cart_words"]):
        return "cart"
    return "resource"


def _hidden(spec: ProjectSpec) -> set[str | None]:
    """Resources the main page already serves: a chat's messages live in its rooms."""
    return {spec.roles.message} if spec.archetype == "chat" else set()


def _label(spec: ProjectSpec, label: str, kind: PageKind) -> str:
    """A page the plan names with grokorc's own English word for it ("overview", "cart": the planner adds
    them whatever the request's language) is named in the UI's language; the request's words stay."""
    if spec.language == "en" or kind == "resource" or snake(label) not in site_data()[f"{kind}_words"]:
        return label
    return text(f"page.{kind}", spec.language)


def _candidates(spec: ProjectSpec) -> list[SitePage]:
    out: list[SitePage] = []
    for label, slug in spec.pages:
        if is_home(spec, label) or is_home(spec, slug):
            continue
        kind = _kind(spec, slug)
        resource = _match(spec, slug) if kind == "resource" else None
        if resource in _hidden(spec) and resource is not None:
            continue
        out.append(SitePage(label=_label(spec, label, kind), slug=slug, kind=kind, resource=resource))
    return out


def _assign_unmatched(spec: ProjectSpec, pages: list[SitePage]) -> list[SitePage]:
    """Pages named for no resource ("list", "settings") take a resource no other page shows, or go."""
    taken = {p.resource for p in pages if p.resource}
    free = [r.name for r in spec.resources if r.name not in taken and r.name not in _hidden(spec)]
    out: list[SitePage] = []
    for page in pages:
        if page.kind == "resource" and page.resource is None:
            if not free:
                continue
            page = page.model_copy(update={"resource": free.pop(0)})
        out.append(page)
    return out


def _dedupe(pages: list[SitePage]) -> list[SitePage]:
    """One page per thing shown, per label and per word ("product" beside "products" is one page)."""
    seen: set[object] = set()
    out: list[SitePage] = []
    for page in pages:
        keys = {(page.kind, page.resource), page.label.casefold(), singular(snake(page.slug)) or page.slug}
        if keys & seen:
            continue
        seen |= keys
        out.append(page)
    return out


def _role_pages(spec: ProjectSpec, pages: list[SitePage]) -> list[SitePage]:
    """Resources a feature works on get a page even when the plan named none: a promised checkout
    needs the priced resource's list somewhere."""
    roles = spec.roles
    # The overview lists the main resource with its widgets already.
    shown = {p.resource for p in pages} | ({roles.main} if any(p.kind == "overview" for p in pages) else set())
    slugs = {p.slug for p in pages} | {"index"}
    out = list(pages)
    for name in dict.fromkeys([roles.main, roles.priced, roles.booking, roles.thing]):
        r = resource_by_name(spec, name)
        if r is None or r.name in shown or r.name in _hidden(spec):
            continue
        slug, n = kebab(r.plural) or r.name, 2
        while slug in slugs:
            slug, n = f"{kebab(r.plural)}-{n}", n + 1
        slugs.add(slug)
        shown.add(r.name)
        out.append(SitePage(label=heading(r), slug=slug, kind="resource", resource=r.name))
    return out


def site_pages(spec: ProjectSpec) -> list[SitePage]:
    """The pages beside index.html, each distinct; none for archetypes that are one page, except the
    main records' page where a one-page site's photos or files are uploaded and shown (a portfolio's
    gallery of projects)."""
    if not spec.has_ui:
        return []
    if spec.archetype in site_data()["single_page"]:
        return _role_pages(spec, []) if any(f in spec.feature_keys for f in FILE_FEATURES) else []
    pages = _dedupe(_assign_unmatched(spec, _candidates(spec)))
    return _role_pages(spec, pages)


def nav_links(spec: ProjectSpec, current: str | None, in_pages_dir: bool) -> list[NavLink]:
    """Primary navigation: home plus every site page once; hrefs are built from sanitised slugs only."""
    home = "../index.html" if in_pages_dir else "index.html"
    prefix = "" if in_pages_dir else "pages/"
    links = [NavLink(label=text("page.home", spec.language), href=home, current=current is None)]
    # Plan pages are lower-case plurals ("books"): a menu shows them as words start a sentence.
    links += [NavLink(label=page.label[:1].upper() + page.label[1:], href=f"{prefix}{page.slug}.html",
                      current=page.slug == current) for page in site_pages(spec)]
    return links


def shell_flags(spec: ProjectSpec) -> dict[str, bool]:
    """App-wide controls the shared shell shows on every page."""
    return {"theme_toggle": "dark_mode" in spec.feature_keys}
