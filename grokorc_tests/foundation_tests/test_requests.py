import pytest

from grokorc_assets.storage.requests import RequestStore
from grokorc_assets.validation import BadInputError


def test_resubmitting_an_id_makes_a_new_revision_and_keeps_the_old(engine, project_id):
    store = RequestStore(engine)
    first = store.submit(project_id, "A todo list")
    second = store.submit(project_id, "A todo list with due dates")
    assert (first.revision, second.revision) == (1, 2)
    assert store.get(project_id, 1).message == "A todo list"
    assert store.get(project_id).message == "A todo list with due dates"
    assert [r.revision for r in store.revisions(project_id)] == [1, 2]


def test_invalid_input_stores_nothing(engine, project_id):
    store = RequestStore(engine)
    with pytest.raises(BadInputError):
        store.submit(project_id, "   ")
    with pytest.raises(BadInputError):
        store.submit("Bad_ID", "fine message")
    assert store.revisions(project_id) == []


def test_sensor_feed_is_ordered_by_id(engine, project_id):
    store = RequestStore(engine)
    a = store.submit(project_id, "one")
    b = store.submit(project_id, "two")
    feed = [r for r in store.after(a.id - 1) if r.project_id == project_id]
    assert [r.id for r in feed] == [a.id, b.id]
