"""Offline stack inference: the domain core of the ``plan`` asset (no Dagster imports here)."""

from grokorc_assets.planning.catalogue import Catalogue, IndexRow, index_rows, load_catalogue
from grokorc_assets.planning.embeddings import Embedder, HashingEmbedder, OpenAIEmbedder, default_embedder
from grokorc_assets.planning.inference import ExactKnn, Knn, extract_technologies, infer_plan

__all__ = [
    "Catalogue", "Embedder", "ExactKnn", "HashingEmbedder", "IndexRow", "Knn", "OpenAIEmbedder",
    "default_embedder", "extract_technologies", "index_rows", "infer_plan", "load_catalogue",
]
