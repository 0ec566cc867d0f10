"""Catalogue validation, content hash, index rows and the embedders."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from pydantic import ValidationError

from grokorc_assets.models import ARCHETYPES
from grokorc_assets.planning.catalogue import index_rows, load_catalogue
from grokorc_assets.planning.embeddings import Embedder, HashingEmbedder, OpenAIEmbedder
from grokorc_assets.planning.lexicon import load_aliases, load_lexicons


def test_catalogue_covers_every_archetype() -> None:
    cat = load_catalogue()
    assert sorted(cat.archetypes) == sorted(ARCHETYPES)
    assert all(len(e.projects) >= 6 for e in cat.archetypes.values())


def test_catalogue_rejects_non_canonical_stack() -> None:
    from importlib import resources

    import yaml

    raw = resources.files("grokorc_assets.planning").joinpath("data/catalogue.yaml").read_text("utf-8")
    data = yaml.safe_load(raw)
    data["archetypes"]["cli"]["projects"][0]["stack"]["backend"] = ["cobol"]
    with pytest.raises(ValidationError, match="cobol"):
        load_catalogue(yaml.safe_dump(data))


def test_content_hash_changes_with_content_and_embedder() -> None:
    import yaml

    cat = load_catalogue()
    assert cat.content_hash("e") == load_catalogue().content_hash("e")
    assert cat.content_hash("e") != cat.content_hash("f")
    data = cat.model_dump(mode="json")
    data["archetypes"]["cli"]["projects"][0]["description"] += " Now faster."
    assert load_catalogue(yaml.safe_dump(data)).content_hash("e") != cat.content_hash("e")


def test_index_rows() -> None:
    cat = load_catalogue()
    rows = index_rows(cat, HashingEmbedder())
    assert len(rows) == len(cat.projects()) and len({r.id for r in rows}) == len(rows)
    assert all(len(r.embedding) == 384 for r in rows)
    assert abs(np.linalg.norm(rows[0].embedding) - 1.0) < 1e-5


def test_lexicons_load() -> None:
    assert "go" in load_aliases().technologies
    assert set(load_lexicons().archetypes) == set(ARCHETYPES)


def test_hashing_embedder_properties() -> None:
    emb = HashingEmbedder()
    assert isinstance(emb, Embedder) and emb.dim == 384
    m = emb.embed(
        ["table booking for a restaurant", "restaurant table bookings", "terminal password generator", ""]
    )
    assert m.dtype == np.float32 and m.shape == (4, 384)
    assert np.allclose(np.linalg.norm(m[:3], axis=1), 1.0, atol=1e-5)
    assert not m[3].any()  # empty text: zero vector, not NaN
    assert m[0] @ m[1] > 0.5 > m[0] @ m[2]
    assert np.array_equal(
        m,
        emb.embed(
            ["table booking for a restaurant", "restaurant table bookings", "terminal password generator", ""]
        ),
    )


def test_openai_embedder_sorts_by_index_and_normalises() -> None:
    emb = OpenAIEmbedder(model="m", base_url="http://127.0.0.1:9/v1", api_key="k", batch_size=2)
    sent: list[list[str]] = []

    def create(model: str, input: list[str]) -> SimpleNamespace:  # noqa: A002 - the SDK's name
        sent.append(input)
        data = [SimpleNamespace(index=i, embedding=[3.0 * (i + 1), 4.0]) for i in range(len(input))]
        return SimpleNamespace(data=list(reversed(data)))

    emb._client = SimpleNamespace(embeddings=SimpleNamespace(create=create))
    out = emb.embed(["a", "b", "c"])
    assert sent == [["a", "b"], ["c"]]
    assert out.shape == (3, 2) and out.dtype == np.float32 and emb.dim == 2
    assert np.allclose(out[0], [0.6, 0.8]) and np.allclose(out[2], [0.6, 0.8])
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
