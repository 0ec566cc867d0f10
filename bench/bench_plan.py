"""Benchmarks of the plan stage: `grokorc plan` latency in a warm process, and kNN over 100,000 vectors
with the pgvector HNSW index against exact search (index off), on the embedded Postgres.

Usage: .venv/bin/python bench/bench_plan.py [--vectors 100000] [--queries 200] [--runs 100] [--json]
Targets (issue 3): plan median < 50 ms; HNSW p95 < 10 ms with recall@10 >= 0.95 against exact search.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

DIM = 384
MESSAGES = [
    "Sales analytics dashboard with revenue by region, top products and CSV export.",
    "Online shop for handmade jewellery with a cart and Stripe checkout.",
    "A CLI in Go that renames photos by the date they were taken.",
    "Team chat with channels, threads and file uploads. React and Node with Express.",
    "Booking system for a dentist: appointments, reminders, patient records.",
]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def bench_plan_latency(engine, runs: int) -> dict:
    from grokorc_assets.llm import LLMSettings
    from grokorc_assets.planning.service import Planner

    planner = Planner(engine, LLMSettings(record_mode="live"))
    for message in MESSAGES:  # warm-up: catalogue, lexicons, connections
        planner.plan(message, "bench", 1)
    timings = []
    for i in range(runs):
        start = time.perf_counter()
        planner.plan(MESSAGES[i % len(MESSAGES)], "bench", 1)
        timings.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(timings), "p95_ms": percentile(timings, 95), "runs": runs}


def synthetic_vectors(n: int, seed: int = 7, *, basis_seed: int = 7) -> np.ndarray:
    """Embedding-like unit vectors: clusters in a 32-dimensional latent space, projected into 384
    dimensions. Sentence embeddings have a low intrinsic dimension; isotropic 384-d noise would make
    every neighbour almost equidistant and no approximate index (nor the question) meaningful."""
    latent_dim = 32
    basis = np.random.default_rng(basis_seed).normal(size=(latent_dim, DIM)).astype(np.float32)
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(basis_seed + 1).normal(size=(512, latent_dim)).astype(np.float32)
    latent = centres[rng.integers(0, len(centres), n)] + 0.5 * rng.normal(size=(n, latent_dim)).astype(np.float32)
    data = latent @ basis + 0.05 * rng.normal(size=(n, DIM)).astype(np.float32)
    return (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)


def load_vectors(engine, vectors: np.ndarray) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_vectors"))
        conn.execute(sa.text(f"CREATE TABLE bench_vectors (id integer PRIMARY KEY, embedding vector({DIM}))"))
    buffer = io.StringIO()
    for i, row in enumerate(vectors):
        buffer.write(f"{i}\t[{','.join(f'{x:.6f}' for x in row)}]\n")
    buffer.seek(0)
    raw = engine.raw_connection()
    try:
        raw.cursor().copy_expert("COPY bench_vectors (id, embedding) FROM STDIN", buffer)
        raw.commit()
    finally:
        raw.close()


def build_index(engine) -> float:
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text("SET maintenance_work_mem = '1GB'"))
        conn.execute(
            sa.text("CREATE INDEX bench_vectors_hnsw ON bench_vectors USING hnsw (embedding vector_cosine_ops)")
        )
    return time.perf_counter() - start


def query_all(engine, queries: np.ndarray, *, use_index: bool, k: int = 10) -> tuple[list[list[int]], list[float]]:
    results, timings = [], []
    with engine.connect() as conn:
        conn.execute(sa.text("SET hnsw.ef_search = 100"))
        conn.execute(sa.text(f"SET enable_indexscan = {'on' if use_index else 'off'}"))
        for q in queries:
            literal = "[" + ",".join(f"{x:.6f}" for x in q) + "]"
            start = time.perf_counter()
            rows = conn.execute(
                sa.text("SELECT id FROM bench_vectors ORDER BY embedding <=> CAST(:q AS vector) LIMIT :k"),
                {"q": literal, "k": k},
            ).all()
            timings.append((time.perf_counter() - start) * 1000)
            results.append([r.id for r in rows])
    return results, timings


def bench_knn(engine, n: int, n_queries: int) -> dict:
    vectors = synthetic_vectors(n)
    load_vectors(engine, vectors)
    queries = synthetic_vectors(n_queries, seed=99)
    exact, exact_ms = query_all(engine, queries, use_index=False)
    build_s = build_index(engine)
    approx, hnsw_ms = query_all(engine, queries, use_index=True)
    recall = statistics.mean(len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact, strict=True))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE bench_vectors"))
    return {"vectors": n, "queries": n_queries, "index_build_s": build_s,
            "hnsw_p95_ms": percentile(hnsw_ms, 95), "hnsw_median_ms": statistics.median(hnsw_ms),
            "exact_p95_ms": percentile(exact_ms, 95), "exact_median_ms": statistics.median(exact_ms),
            "recall_at_10": recall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="grokorc-bench-"))
    os.environ["GROKORC_HOME"] = str(home)
    os.environ.pop("GROKORC_DATABASE_URL", None)
    from grokorc_assets.settings import Settings
    from grokorc_assets.storage import embedded
    from grokorc_assets.storage.database import ensure_database

    settings = Settings.from_env()
    try:
        engine = ensure_database(settings)
        plan = bench_plan_latency(engine, args.runs)
        knn = bench_knn(engine, args.vectors, args.queries)
    finally:
        embedded.stop(settings.pgdata)
    rows = [
        {"figure": "plan latency, warm process (median)", "value": plan["median_ms"], "unit": "ms",
         "reference": 50.0, "ratio": plan["median_ms"] / 50.0, "target": "ratio <= 1"},
        {"figure": f"kNN p95 over {knn['vectors']:,} vectors, HNSW", "value": knn["hnsw_p95_ms"], "unit": "ms",
         "reference": 10.0, "ratio": knn["hnsw_p95_ms"] / 10.0, "target": "ratio <= 1"},
        {"figure": "kNN p95, exact (index off)", "value": knn["exact_p95_ms"], "unit": "ms",
         "reference": knn["hnsw_p95_ms"], "ratio": knn["exact_p95_ms"] / knn["hnsw_p95_ms"],
         "target": "ratio >= 1"},  # the index is faster than exact search
        {"figure": "kNN recall@10, HNSW vs exact", "value": knn["recall_at_10"], "unit": "",
         "reference": 0.95, "ratio": knn["recall_at_10"] / 0.95, "target": "ratio >= 1"},
        {"figure": "HNSW index build", "value": knn["index_build_s"], "unit": "s", "reference": None,
         "ratio": None, "target": ""},
    ]
    if args.json:
        print(json.dumps({"rows": rows, "plan": plan, "knn": knn}, indent=2))
        return
    for row in rows:
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.3f}"
        print(f"{row['figure']:<48} {row['value']:>10.3f} {row['unit']:<3} ref {row['reference']!s:>8}  {ratio}")


if __name__ == "__main__":
    main()
