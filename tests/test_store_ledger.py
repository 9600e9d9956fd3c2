"""Storage on both engines: schema, migrations, entities, observations, versioning."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from esgledger.errors import ConfigError, InputError, StorageError
from esgledger.model import Entity
from esgledger.store import Ledger
from esgledger.store.migrate import head_revision, target_metadata
from store_helpers import GROUP, JV, SUB, batch, obs


def test_open_migrates_to_head(ledger):
    assert ledger.revision() == head_revision()
    assert ledger.dialect in ("sqlite", "postgresql")
    assert ledger.entities() == []
    assert ledger.observations() == []
    assert ledger.verify_audit().events == 0


def test_migrations_match_the_metadata(ledger):
    """The packaged migrations create exactly the tables the metadata describes."""
    with ledger.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), target_metadata())
    assert diffs == []


def test_reopen_is_idempotent(any_db_url):
    with Ledger.open(any_db_url) as first:
        first.import_batch(batch(obs()), actor="alice")
    with Ledger.open(any_db_url) as again:
        assert again.migrate() is False
        assert len(again.observations()) == 1


def test_entities_round_trip(ledger):
    result = ledger.import_batch(batch(), actor="alice")
    assert (result.entities_added, result.entities_updated) == (3, 0)
    assert ledger.entities() == sorted([GROUP, SUB, JV], key=lambda e: e.code)
    again = ledger.import_batch(batch(), actor="alice")
    assert (again.entities_added, again.entities_updated, again.entities_unchanged) == (0, 0, 3)
    moved = Entity("JV", "Joint venture", "合资", "GRP", "jv", 41.5, "financial", "CN-JX")
    third = ledger.import_batch(batch(entities=[moved]), actor="alice")
    assert third.entities_updated == 1
    assert {e.code: e for e in ledger.entities()}["JV"] == moved
    last = ledger.audit_events()[-2]
    assert last.action == "entity.update"
    assert last.payload["old"]["parent"] == "SUB" and last.payload["new"]["parent"] == "GRP"
    assert last.payload["old"]["included_to"] == "2024-06-30"


def test_children_listed_before_parents_are_written_parents_first(ledger):
    result = ledger.import_batch(batch(entities=[JV, SUB, GROUP]), actor="alice")
    assert result.entities_added == 3


def test_observation_values_and_units_are_kept(ledger):
    # 1 万千瓦时 = 10 000 kWh = 10 MWh; raw text and unit are stored as submitted
    o = obs(raw="81.9687", unit="万千瓦时", value=819.687)
    ledger.import_batch(batch(o), actor="alice")
    (got,) = ledger.observations()
    assert (got.raw_value, got.raw_unit, got.value, got.unit) == (
        "81.9687",
        "万千瓦时",
        819.687,
        "MWh",
    )
    assert (got.version, got.status, got.source) == (1, "draft", "meter")
    assert got.id is not None


def test_unchanged_reimport_writes_nothing(ledger):
    b = batch(obs(), obs(period="2024-01", raw="80"))
    first = ledger.import_batch(b, actor="alice")
    assert first.observations_added == 2
    events = ledger.audit_events()
    again = ledger.import_batch(b, actor="bob")
    assert (again.observations_added, again.observations_updated, again.observations_unchanged) == (
        0,
        0,
        2,
    )
    assert ledger.audit_events() == events  # not even a summary event
    assert [u["username"] for u in ledger.users()] == ["alice"]  # bob wrote nothing


def test_changed_value_becomes_a_new_version(ledger):
    ledger.import_batch(batch(obs(raw="1000")), actor="alice")
    result = ledger.import_batch(batch(obs(raw="1,200", value=1200.0)), actor="bob")
    assert (result.observations_added, result.observations_updated) == (0, 1)
    (current,) = ledger.observations()
    assert (current.version, current.value, current.raw_value) == (2, 1200.0, "1,200")
    history = ledger.observations(history=True)
    assert [(h.version, h.value) for h in history] == [(1, 1000.0), (2, 1200.0)]
    change = ledger.audit_events(action="observation.update")
    assert len(change) == 1
    assert change[0].ref == "SUB/2024/energy.electricity.purchased"
    assert change[0].payload["old"]["raw_value"] == "1000"
    assert change[0].payload["new"]["raw_value"] == "1,200"
    assert change[0].actor == "bob"


@pytest.mark.parametrize("field", ["raw_unit", "source", "comment"])
def test_any_submitted_field_change_is_a_new_version(ledger, field):
    ledger.import_batch(batch(obs()), actor="alice")
    changes = {
        "raw_unit": {"unit": "kWh", "raw": "1000000", "value": 1000.0},
        "source": {"source": "invoice"},
        "comment": {"comment": "estimated"},
    }[field]
    result = ledger.import_batch(batch(obs(**changes)), actor="alice")
    assert result.observations_updated == 1


def test_filters(ledger):
    ledger.import_batch(
        batch(
            obs(period="2024"),
            obs(period="2024-03", raw="7"),
            obs(period="2023", raw="9"),
            obs(entity="JV", period="2024", indicator="water.fresh", unit="m3", canonical="m3"),
        ),
        actor="alice",
    )
    assert len(ledger.observations(entity="SUB")) == 3
    assert [o.period for o in ledger.observations(period="2024")] == ["2024", "2024"]
    assert sorted(o.period for o in ledger.observations(year=2024)) == ["2024", "2024", "2024-03"]
    assert [o.entity for o in ledger.observations(indicator="water.fresh")] == ["JV"]
    assert ledger.observations(status="approved") == []


def test_unknown_entity_rejected_and_nothing_written(ledger):
    with pytest.raises(InputError, match="unknown entity 'NOPE'"):
        ledger.import_batch(batch(obs(), obs(entity="NOPE")), actor="alice")
    assert ledger.entities() == [] and ledger.observations() == []
    assert ledger.audit_events() == []


def test_duplicate_key_in_one_batch_rejected(ledger):
    with pytest.raises(InputError, match="appears twice"):
        ledger.import_batch(batch(obs(), obs(raw="2")), actor="alice")
    assert ledger.observations() == []


def test_parent_cycle_through_the_ledger_rejected(ledger):
    ledger.import_batch(batch(), actor="alice")
    loop = Entity("GRP", "Group", "集团", "JV", "group", None, "operational", "CN-NM")
    with pytest.raises(InputError, match="parent cycle"):
        ledger.import_batch(batch(entities=[loop]), actor="alice")
    assert {e.code: e for e in ledger.entities()}["GRP"].parent is None


def test_database_constraint_failure_is_friendly_and_rolled_back(ledger):
    bad = Entity("BAD", "Bad", "坏", None, "x", 150.0, "operational", "CN-NM")
    with pytest.raises(StorageError, match="nothing was written"):
        ledger.import_batch(batch(obs(), entities=[GROUP, SUB, bad]), actor="alice")
    assert ledger.entities() == [] and ledger.audit_events() == []


def test_bad_actor_rejected(ledger):
    with pytest.raises(InputError, match="bad user name"):
        ledger.import_batch(batch(obs()), actor="")


def test_bad_url_is_a_config_error():
    with pytest.raises(ConfigError, match="bad database URL"):
        Ledger.open("not a url")
    with pytest.raises(ConfigError, match="unsupported database 'mysql'"):
        Ledger.open("mysql://u@localhost/db")


def test_server_down_is_a_storage_error():
    # nothing listens on port 1: the connection is refused at once
    with pytest.raises(StorageError, match="cannot connect to the database") as info:
        Ledger.open("postgresql+psycopg://postgres:secret@127.0.0.1:1/test")
    assert "secret" not in str(info.value)


def test_missing_folder_is_a_storage_error(tmp_path):
    with pytest.raises(StorageError, match="does not exist"):
        Ledger.open(f"sqlite:///{tmp_path}/no/such/dir/x.db")


def test_url_from_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("ESGLEDGER_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    with Ledger.open() as led:
        assert led.url.endswith("env.db")
    assert (tmp_path / "env.db").exists()


def test_sqlite_pragmas(sqlite_url):
    with Ledger.open(sqlite_url) as led, led.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_non_finite_value_rejected(ledger):
    with pytest.raises(InputError, match="non-finite value nan"):
        ledger.import_batch(batch(obs(raw="NaN", value=float("nan"))), actor="alice")
    assert ledger.observations() == []


def test_not_a_database_file_is_a_storage_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a SQLite database, just some text" * 100)
    with pytest.raises(StorageError, match="cannot connect to the database"):
        Ledger.open(f"sqlite:///{path}")


def test_database_from_a_newer_esgledger_is_refused(any_db_url):
    from sqlalchemy import text

    with Ledger.open(any_db_url) as led, led.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(StorageError, match="cannot migrate the database") as info:
        Ledger.open(any_db_url)
    assert "newer esgledger" in str(info.value)


def test_postgres_scheme_is_read_as_postgresql_and_sqlite_errors_hint_at_the_file(tmp_path):
    # libpq's "postgres://" spelling gets psycopg 3 like "postgresql://"; nothing listens on 1
    with pytest.raises(StorageError, match="cannot connect") as info:
        Ledger.open("postgres://postgres@127.0.0.1:1/test")
    assert "server is running" in str(info.value.hint or "")
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("plain text, long enough to not be an empty database file\n" * 20)
    with pytest.raises(StorageError, match="file is not a database") as info:
        Ledger.open(f"sqlite:///{not_a_db}")
    assert "SQLite file" in str(info.value.hint or "")
