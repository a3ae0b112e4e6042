"""storage.repository on both backends (``db_url`` runs each test on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import StatementError

from storage import repository as repo
from storage.db import transaction
from storage.models import (
    Article,
    ArticleEvent,
    EventKind,
    FetchAttemptBase,
    Outcome,
    Photo,
    PhotoBase,
    SourceBase,
)

ICT = timezone(timedelta(hours=7))


def article_values(n: int = 0, **extra: object) -> dict:
    values: dict = {
        "url": f"https://vnexpress.net/bai-{n}.html",
        "canonical_url": f"https://vnexpress.net/bai-{n}.html",
        "site": "vnexpress.net",
        "title": f"Bài {n}",
        "body": "Nội dung",
        "content_fingerprint": f"fp{n}",
    }
    values.update(extra)
    return values


def insert(engine, n: int = 0, **extra: object) -> Article:
    with transaction(engine) as s:
        article, created = repo.insert_article_if_absent(
            s, values=article_values(n, **extra), url_key=f"k{n}"
        )
        assert created
    return article


def test_migration_creates_the_tables(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"source", "article", "photo", "fetch_attempt", "article_event", "alembic_version"} <= tables


def test_insert_same_key_returns_existing_row(engine):
    with transaction(engine) as s:
        first, created1 = repo.insert_article_if_absent(s, values=article_values(1), url_key="same")
    with transaction(engine) as s:
        second, created2 = repo.insert_article_if_absent(
            s, values=article_values(2, title="other"), url_key="same"
        )
    assert (created1, created2) == (True, False)
    assert second.id == first.id
    assert second.title == "Bài 1"  # the existing row, untouched
    with transaction(engine) as s:
        assert repo.count_articles(s) == 1
        assert repo.get_article_by_key(s, url_key="same").id == first.id
        assert repo.get_article(s, article_id=first.id).url_key == "same"


def test_same_key_in_one_transaction(engine):
    with transaction(engine) as s:
        a, c1 = repo.insert_article_if_absent(s, values=article_values(1), url_key="k")
        b, c2 = repo.insert_article_if_absent(s, values=article_values(1), url_key="k")
        assert (c1, c2) == (True, False)
        assert a is b


def test_concurrent_insert_same_key_one_row(engine):
    n_threads = 8
    barrier = threading.Barrier(n_threads)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            with transaction(engine) as s:
                article, created = repo.insert_article_if_absent(
                    s, values=article_values(i), url_key="contended"
                )
                # read-modify-write of the same row: concurrent updaters wait, no update is lost
                repo.update_article(s, article=article, values={"revision": article.revision + 1})
                repo.add_event(
                    s, article_id=article.id, kind=EventKind.created if created else EventKind.updated
                )
            with lock:
                results.append((article.id, created))
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(results) == n_threads
    assert len({article_id for article_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with transaction(engine) as s:
        assert repo.count_articles(s) == 1
        article = repo.get_article_by_key(s, url_key="contended")
        assert article.revision == 1 + n_threads  # every update applied, none lost
        assert len(repo.events_since(s)) == n_threads


def test_update_article_reports_changes(engine):
    article = insert(engine)
    with transaction(engine) as s:
        article = repo.get_article(s, article_id=article.id)
        assert not repo.update_article(s, article=article, values={"title": "Bài 0"})
        same_instant = article.created_at.astimezone(ICT)
        assert not repo.update_article(s, article=article, values={"fetched_at": datetime.now(UTC)})
        assert not repo.update_article(s, article=article, values={"revision": 2})
        assert article.revision == 2
        assert repo.update_article(s, article=article, values={"title": "Bài mới", "tags": ["a"]})
        assert repo.update_article(s, article=article, values={"published": same_instant})
        assert not repo.update_article(s, article=article, values={"published": same_instant.astimezone(UTC)})
    with transaction(engine) as s:
        again = repo.get_article(s, article_id=article.id)
        assert (again.title, again.tags, again.revision) == ("Bài mới", ["a"], 2)
        with pytest.raises(ValueError, match="managed"):
            repo.update_article(s, article=again, values={"url_key": "x"})
        with pytest.raises(ValueError, match="managed"):
            repo.insert_article_if_absent(s, values=article_values(revision=3), url_key="r")
        with pytest.raises(ValueError, match="unknown"):
            repo.update_article(s, article=again, values={"nope": 1})


def test_find_by_fingerprint_oldest_first(engine):
    base = datetime(2024, 1, 1, tzinfo=UTC)
    with transaction(engine) as s:
        # ages disagree with insertion (id) order: k2 is the oldest, then k3, then k1
        for n, age_days in ((1, 0), (2, 2), (3, 1)):
            article, _ = repo.insert_article_if_absent(
                s, values=article_values(n, content_fingerprint="same"), url_key=f"k{n}"
            )
            article.created_at = base - timedelta(days=age_days)
            s.add(article)
        s.flush()
    with transaction(engine) as s:
        first = repo.find_by_fingerprint(s, fingerprint="same")
        assert first.url_key == "k2"
        other = repo.find_by_fingerprint(s, fingerprint="same", exclude_id=first.id)
        assert other.url_key == "k3"
        assert repo.find_by_fingerprint(s, fingerprint="none") is None


def test_photos_ordered_by_position(engine):
    article = insert(engine)
    given = [
        PhotoBase(position=2, src="c.jpg", caption="ba"),
        PhotoBase(position=0, src="a.jpg", caption="một"),
        PhotoBase(position=1, src="b.jpg"),
    ]
    with transaction(engine) as s:
        repo.replace_photos(s, article_id=article.id, photos=given)
    with transaction(engine) as s:
        photos = repo.photos_for(s, article_id=article.id)
        assert [(p.position, p.src) for p in photos] == [(0, "a.jpg"), (1, "b.jpg"), (2, "c.jpg")]
        assert repo.photo_counts(s, article_ids=[article.id, 999_999]) == {
            article.id: (3, 2),
            999_999: (0, 0),
        }
        # replacing again (same positions) does not trip the (article_id, position) unique constraint
        repo.replace_photos(s, article_id=article.id, photos=[PhotoBase(position=5, src="z.jpg", caption="")])
    with transaction(engine) as s:
        photos = repo.photos_for(s, article_id=article.id)
        assert [(p.position, p.src) for p in photos] == [(0, "z.jpg")]
        assert repo.photo_counts(s, article_ids=[article.id]) == {article.id: (1, 0)}
        assert repo.photo_counts(s, article_ids=[]) == {}


def test_timezone_aware_round_trip(engine):
    published = datetime(2024, 5, 1, 8, 30, 15, 123456, tzinfo=ICT)
    article = insert(engine, published=published, tz_offset_minutes=420)
    with transaction(engine) as s:
        s.expunge_all()
        again = repo.get_article(s, article_id=article.id)
        assert again.published == published  # the same instant
        assert again.published.utcoffset() is not None
        assert again.published.astimezone(UTC) == datetime(2024, 5, 1, 1, 30, 15, 123456, tzinfo=UTC)
        assert again.created_at.tzinfo is not None


def test_naive_datetime_refused(engine):
    with pytest.raises((ValueError, StatementError), match="naive"):
        with transaction(engine) as s:
            repo.insert_article_if_absent(
                s, values=article_values(published=datetime(2024, 5, 1, 8, 30)), url_key="n"
            )
    with transaction(engine) as s:
        assert repo.count_articles(s) == 0


def test_repository_never_commits(engine):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback):
        with transaction(engine) as s:
            article, _ = repo.insert_article_if_absent(s, values=article_values(), url_key="gone")
            repo.replace_photos(s, article_id=article.id, photos=[PhotoBase(position=0, src="a.jpg")])
            repo.add_event(s, article_id=article.id, kind=EventKind.created)
            repo.update_article(s, article=article, values={"title": "x"})
            repo.record_fetch_attempt(s, attempt=FetchAttemptBase(url="https://a", outcome=Outcome.stored))
            repo.upsert_source(s, source=SourceBase(name="vnexpress", site="https://vnexpress.net"))
            raise Rollback
    with transaction(engine) as s:
        assert repo.count_articles(s) == 0
        assert repo.events_since(s) == []
        assert repo.fetch_attempts_for(s, url="https://a") == []
        assert repo.list_sources(s) == []
        assert s.exec(text("SELECT count(*) FROM photo")).one()[0] == 0


def test_event_ids_strictly_increase(engine):
    article = insert(engine)
    ids = []
    for kind in [EventKind.created, EventKind.updated, EventKind.duplicate] * 3:
        with transaction(engine) as s:
            ids.append(repo.add_event(s, article_id=article.id, kind=kind).id)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    with transaction(engine) as s:
        events = repo.events_since(s, after_id=0, limit=100)
        assert [e.id for e in events] == ids
        assert [e.id for e in repo.events_since(s, after_id=ids[3], limit=2)] == ids[4:6]
        assert events[0].kind == "created"
        with pytest.raises(ValueError):
            repo.add_event(s, article_id=article.id, kind="bogus")  # type: ignore[arg-type]
    # deleting the newest events does not let their ids be reused (the consumers' cursor)
    with transaction(engine) as s:
        s.exec(text("DELETE FROM article_event WHERE id >= :i").bindparams(i=ids[-2]))
    with transaction(engine) as s:
        assert repo.add_event(s, article_id=article.id, kind=EventKind.updated).id > ids[-1]


def test_json_lists_keep_vietnamese_text(engine):
    tags = ["Thời sự", "Hà Nội", "Đà Nẵng", "người dân", "bão số 3", "Nguyễn Thị Ánh"]
    tags = [unicodedata.normalize("NFC", t) for t in tags]
    related = [{"url": "https://vnexpress.net/x", "title": "Lũ quét ở Lào Cai"}]
    article = insert(engine, tags=tags, authors=["Phạm Dự"], category=["Thời sự"], related=related)
    with transaction(engine) as s:
        s.expunge_all()
        again = repo.get_article(s, article_id=article.id)
        assert again.tags == tags
        assert all(unicodedata.is_normalized("NFC", t) for t in again.tags)
        assert again.authors == ["Phạm Dự"]
        assert again.related == related
        assert again.category == ["Thời sự"]
        # stored as readable UTF-8, not \u escapes
        raw = s.exec(text("SELECT tags FROM article WHERE id = :i").bindparams(i=article.id)).one()[0]
        if isinstance(raw, str):  # SQLite: the JSON text itself
            assert "Hà Nội" in raw
        else:  # PostgreSQL: jsonb, decoded by the driver
            assert raw == tags


def test_list_and_count_articles(engine):
    for n in range(5):
        insert(engine, n, site="a.vn" if n % 2 else "b.vn")
    with transaction(engine) as s:
        assert repo.count_articles(s) == 5
        assert repo.count_articles(s, site="a.vn") == 2
        newest = repo.list_articles(s, limit=2)
        assert [a.url_key for a in newest] == ["k4", "k3"]
        assert [a.url_key for a in repo.list_articles(s, limit=2, offset=2)] == ["k2", "k1"]
        assert [a.url_key for a in repo.list_articles(s, site="b.vn")] == ["k4", "k2", "k0"]


def test_fetch_attempts(engine):
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    with transaction(engine) as s:
        for i, (url, task) in enumerate([("https://a", "t1"), ("https://b", "t1"), ("https://a", "t2")]):
            row = repo.record_fetch_attempt(
                s,
                attempt=FetchAttemptBase(
                    url=url, task_id=task, outcome=Outcome.stored, started_at=t0 + timedelta(seconds=i)
                ),
            )
            assert row.id is not None
    with transaction(engine) as s:
        assert [a.task_id for a in repo.fetch_attempts_for(s, url="https://a")] == ["t1", "t2"]
        assert [a.url for a in repo.fetch_attempts_for(s, task_id="t1")] == ["https://a", "https://b"]
        assert len(repo.fetch_attempts_for(s, url="https://a", task_id="t2")) == 1
        assert repo.fetch_attempts_for(s, url="https://a")[0].started_at == t0


def test_upsert_source(engine):
    src = SourceBase(name="vnexpress", site="https://vnexpress.net", feeds=["https://vnexpress.net/rss"])
    with transaction(engine) as s:
        created = repo.upsert_source(s, source=src)
        assert created.id is not None
    stamp = created.updated_at
    with transaction(engine) as s:
        same = repo.upsert_source(s, source=src)
        assert same.id == created.id and same.updated_at == stamp
    with transaction(engine) as s:
        changed = repo.upsert_source(
            s, source=src.model_copy(update={"interval_seconds": 60, "sections": ["Thời sự"]})
        )
        assert changed.id == created.id and changed.updated_at > stamp
    with transaction(engine) as s:
        repo.upsert_source(s, source=SourceBase(name="tuoitre", site="https://tuoitre.vn"))
        assert [x.name for x in repo.list_sources(s)] == ["tuoitre", "vnexpress"]
        got = repo.get_source(s, name="vnexpress")
        assert (got.interval_seconds, got.sections) == (60, ["Thời sự"])
        assert repo.get_source(s, name="nope") is None


def test_foreign_keys_enforced_and_cascade(engine):
    article = insert(engine)
    with transaction(engine) as s:
        repo.replace_photos(s, article_id=article.id, photos=[PhotoBase(position=0, src="a.jpg")])
        repo.add_event(s, article_id=article.id, kind=EventKind.created)
    with transaction(engine) as s:
        s.delete(s.get(Article, article.id))
    with transaction(engine) as s:
        assert s.exec(text("SELECT count(*) FROM photo")).one()[0] == 0
        assert s.get(ArticleEvent, 1) is None
    with pytest.raises(Exception, match="(?i)foreign key"):
        with transaction(engine) as s:
            s.add(Photo(article_id=123456, position=0, src="x"))
