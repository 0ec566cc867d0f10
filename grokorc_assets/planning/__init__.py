"""Offline stack inference: the domain core of the ``plan`` asset (no Dagster imports here)."""

from grokorc_assets.models import IndexRow
from grokorc_assets.planning.catalogue import Catalogue, index_rows, load_catalogue
from grokorc_assets.planning.embeddings import Embedder, HashingEmbedder, OpenAIEmbedder, default_embedder
from grokorc_assets.planning.inference import infer_plan
from grokorc_assets.planning.neighbours import ExactKnn, Knn
from grokorc_assets.planning.technologies import extract_technologies

__all__ = [
    "Catalogue", "Embedder", "ExactKnn", "HashingEmbedder", "IndexRow", "Knn", "OpenAIEmbedder",
    "default_embedder", "extract_technologies", "index_rows", "infer_plan", "load_catalogue",
]
