"""Key rotation on a test-only table: SQLite always, PostgreSQL with OMNISTOCK_TEST_PG."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from privacy_helpers import BOTH_RING, NEW_ONLY, OLD_RING, PEOPLE, keys_env, people, person, seed
from sqlalchemy import Engine, func, select, update

from omnistock.privacy.cipher import DecryptionFailed, FieldCipher, is_sealed, key_id
from omnistock.privacy.keys import UnknownKeyId
from omnistock.privacy.rotation import BatchDone, pending, rotate
from omnistock.privacy.sealing import Sealer
from omnistock.store.engine import make_engine

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[2] / "src"
KILL_ROWS = {"sqlite": 100_000, "postgresql": 20_000}  # the figure; PG kept quicker


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_db_url)
    yield engine
    engine.dispose()


def all_rows(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(people).order_by(people.c.id))]


def assert_all_readable_with_new_key_only(engine: Engine, count: int) -> None:
    sealer = Sealer(NEW_ONLY, PEOPLE)
    rows = all_rows(engine)
    assert [r["id"] for r in rows] == list(range(count))  # none lost
    for row in rows:
        expected = {k: v for k, v in person(int(row["id"])).items() if k != "customer_hash"}  # type: ignore[arg-type]
        assert sealer.open("privacy_people", row["id"], row) == expected


def test_rotation_reseals_every_value_with_the_active_key(db: Engine) -> None:
    seed(db, 300, Sealer(OLD_RING, PEOPLE))
    batches: list[BatchDone] = []
    report = rotate(db, FieldCipher(BOTH_RING), PEOPLE, batch_size=64, on_batch=batches.append)
    assert report.complete
    assert report.resealed == 300
    assert [b.rows for b in batches] == [64, 64, 64, 64, 44]
    assert_all_readable_with_new_key_only(db, 300)
    assert rotate(db, FieldCipher(BOTH_RING), PEOPLE).batches == 0  # nothing left to do


def test_interrupted_rotation_resumes_from_what_is_still_stale(db: Engine) -> None:
    seed(db, 500, Sealer(OLD_RING, PEOPLE))

    def crash_after_two(done: BatchDone) -> None:
        if done.total >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotate(db, FieldCipher(BOTH_RING), PEOPLE, batch_size=100, on_batch=crash_after_two)
    assert pending(db, PEOPLE, "new") == {"privacy_people": 300}
    report = rotate(db, FieldCipher(BOTH_RING), PEOPLE, batch_size=100)
    assert report.resealed == 300
    assert report.complete
    assert_all_readable_with_new_key_only(db, 500)


def test_values_already_on_the_active_key_and_nulls_are_left_alone(db: Engine) -> None:
    seed(db, 10, Sealer(OLD_RING, PEOPLE))
    fresh = Sealer(BOTH_RING, PEOPLE).seal("privacy_people", 3, person(3))
    with db.begin() as conn:
        conn.execute(update(people).where(people.c.id == 3).values(**fresh))
        conn.execute(update(people).where(people.c.id == 4).values(tax=None))
    before = {r["id"]: r for r in all_rows(db)}
    assert rotate(db, FieldCipher(BOTH_RING), PEOPLE, batch_size=4).resealed == 9
    after = {r["id"]: r for r in all_rows(db)}
    assert after[3] == before[3]  # untouched
    assert after[4]["tax"] is None
    assert key_id(str(after[4]["name"])) == "new"


def test_two_rotations_at_once_converge_without_errors(db: Engine) -> None:
    seed(db, 2000, Sealer(OLD_RING, PEOPLE))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            rotate(db, FieldCipher(BOTH_RING), PEOPLE, batch_size=50)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert pending(db, PEOPLE, "new") == {"privacy_people": 0}
    assert_all_readable_with_new_key_only(db, 2000)


def test_an_undecryptable_value_stops_rotation_and_changes_nothing_in_its_batch(db: Engine) -> None:
    seed(db, 20, Sealer(OLD_RING, PEOPLE))
    with db.begin() as conn:
        token = conn.execute(select(people.c.name).where(people.c.id == 13)).scalar_one()
        conn.execute(update(people).where(people.c.id == 12).values(name=token))  # copied row
    with pytest.raises(DecryptionFailed, match="record 12") as caught:
        rotate(db, FieldCipher(BOTH_RING), PEOPLE, batch_size=5)
    assert caught.value.field == "privacy_people.name"
    rows = all_rows(db)
    assert [key_id(str(r["name"])) for r in rows] == ["new"] * 10 + ["old"] * 10  # 2 batches done
    assert all(is_sealed(str(r[c])) for r in rows for c in ("name", "address", "tax", "mail"))


def test_rotation_without_the_old_key_fails_clearly_and_writes_nothing(db: Engine) -> None:
    seed(db, 5, Sealer(OLD_RING, PEOPLE))
    before = all_rows(db)
    with pytest.raises(UnknownKeyId, match="'old'"):
        rotate(db, FieldCipher(NEW_ONLY), PEOPLE)
    assert all_rows(db) == before


@pytest.mark.timeout(240)
def test_rotation_killed_in_the_middle_then_resumed_loses_nothing(
    db: Engine, empty_db_url: str
) -> None:
    count = KILL_ROWS[db.dialect.name]
    seed(db, count, Sealer(OLD_RING, PEOPLE))
    env = {**os.environ, **keys_env("new,old"), "PYTHONPATH": str(SRC)}
    with subprocess.Popen(
        [sys.executable, str(HERE / "rotate_child.py"), empty_db_url, "1000"],
        cwd=HERE,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdin is not None
        assert child.stdout is not None
        for expected in (1000, 2000, 3000):
            assert child.stdout.readline() == f"batch {expected}\n"
            child.stdin.write("\n")
            child.stdin.flush()  # the child carries on with the next batch…
        child.send_signal(signal.SIGKILL)  # …and is killed in the middle of it
        assert child.wait() == -signal.SIGKILL
    left = pending(db, PEOPLE, "new")["privacy_people"]
    assert count - 4000 <= left <= count - 3000
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar_one() == count
    report = rotate(db, FieldCipher(BOTH_RING), PEOPLE, batch_size=1000)
    assert report.complete
    assert report.resealed == left
    assert_all_readable_with_new_key_only(db, count)
