import sqlalchemy as sa

from grokorc_assets.storage import embedded
from grokorc_assets.storage.database import ensure_database, head_revision
from grokorc_assets.storage.requests import RequestStore


def test_embedded_server_has_pgvector_and_the_migrated_schema(engine):
    with engine.connect() as conn:
        version = conn.execute(sa.text("SELECT extversion FROM pg_extension WHERE extname='vector'")).scalar()
        migrated = conn.execute(sa.text("SELECT version_num FROM grokorc.alembic_version")).scalar()
        # HNSW exists from pgvector 0.5 on; a real cosine query proves the operator class works.
        distance = conn.execute(sa.text("SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector")).scalar()
    assert tuple(int(p) for p in version.split(".")[:2]) >= (0, 5)
    assert migrated == head_revision()
    assert distance == 1.0


def test_server_survives_a_restart_with_data_intact(settings, engine, project_id):
    store = RequestStore(engine)
    stored = store.submit(project_id, "Inventory tracker with barcode scanning")
    old_pid = embedded.status(settings.pgdata).pid

    assert embedded.stop(settings.pgdata) is True
    assert embedded.status(settings.pgdata).running is False
    engine_after = ensure_database(settings)  # restarts the server; migrations are a no-op

    assert embedded.status(settings.pgdata).pid != old_pid
    again = RequestStore(engine_after).get(project_id)
    assert again is not None and again.message == stored.message and again.revision == 1


def test_start_reuses_a_running_server(settings, engine):
    first = embedded.start(settings.pgdata)
    second = embedded.start(settings.pgdata)
    assert first.pid == second.pid and first.running
