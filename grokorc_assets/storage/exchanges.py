"""LLM exchanges in Postgres: the record/replay store (``grokorc_assets.llm.ExchangeStore``)."""

from __future__ import annotations

import sqlalchemy as sa

from grokorc_assets.llm.record import StoredExchange
from grokorc_assets.models import Usage


class PostgresExchangeStore:
    def __init__(self, engine: sa.Engine):
        self._engine = engine

    def get(self, key: str) -> StoredExchange | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT * FROM grokorc.llm_exchanges WHERE prompt_hash = :k ORDER BY id DESC LIMIT 1"
                ),
                {"k": key},
            ).mappings().first()
        if row is None:
            return None
        return StoredExchange(
            prompt_hash=row["prompt_hash"], provider=row["provider"], model=row["model"],
            project_id=row["project_id"], revision=row["revision"], asset=row["asset"],
            response_text=row["response"], recorded_at=row["created_at"],
            usage=Usage(
                model=row["model"], input_tokens=row["input_tokens"], output_tokens=row["output_tokens"],
                cost_usd=row["cost_usd"], estimated=row["estimated"],
            ),
        )

    def put(self, exchange: StoredExchange) -> None:
        # Append-only: every recorded exchange stays; replay serves the newest for a prompt hash.
        with self._engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO grokorc.llm_exchanges (project_id, revision, asset, prompt_hash, model, "
                    "provider, response, input_tokens, output_tokens, cost_usd, estimated) VALUES "
                    "(:p, :r, :a, :h, :m, :pr, :resp, :it, :ot, :c, :est)"
                ),
                {
                    "p": exchange.project_id, "r": exchange.revision, "a": exchange.asset,
                    "h": exchange.prompt_hash, "m": exchange.model, "pr": exchange.provider,
                    "resp": exchange.response_text, "it": exchange.usage.input_tokens,
                    "ot": exchange.usage.output_tokens, "c": exchange.usage.cost_usd,
                    "est": exchange.usage.estimated,
                },
            )

    def count_for(self, project_id: str, revision: int) -> int:
        with self._engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT count(*) FROM grokorc.llm_exchanges WHERE project_id = :p AND revision = :r"),
                {"p": project_id, "r": revision},
            ).scalar_one()
