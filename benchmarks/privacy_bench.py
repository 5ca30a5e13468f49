"""Privacy figures: sealing/opening per value, and a 100,000-record key rotation killed and resumed.

Measured in one run on SQLite (a temporary file):

* ``seal`` / ``open`` — AES-256-GCM per personal value (with associated data), against a baseline
  of ``json.dumps`` of the same value (what storing it in clear would cost at most);
* ``rotation`` — 100,000 records × 3 sealed columns rotated from key ``old`` to ``new`` in batches
  of 1000 by a child process that is SIGKILLed after committing some batches, then resumed in this
  process; every record is then opened with the new key alone and compared (none lost).

    python -m benchmarks.privacy_bench [--records N] [--batch B] [--kill-after K] [--json]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, func, insert, select

from omnistock.privacy.cipher import FieldCipher, FieldRef
from omnistock.privacy.datamap import DataMap, FieldFormat, LegalBasis, PersonalField, PersonalTable
from omnistock.privacy.keys import Keyring, load_keyring
from omnistock.privacy.retention import Purpose
from omnistock.privacy.rotation import BatchDone, pending, rotate
from omnistock.privacy.sealing import Sealer
from omnistock.store.engine import make_engine

OLD, NEW, HASH = b"o" * 32, b"n" * 32, b"h" * 32
OLD_RING = Keyring(active="old", keys={"old": OLD}, hash_key=HASH)
BOTH_RING = Keyring(active="new", keys={"new": NEW, "old": OLD}, hash_key=HASH)
NEW_ONLY = Keyring(active="new", keys={"new": NEW}, hash_key=HASH)
TABLE = "bench_people"

metadata = MetaData()
people = Table(
    TABLE,
    metadata,
    Column("id", Integer, primary_key=True),
    *(Column(name, Text, info={"personal": "fulfilment"}) for name in ("name", "address", "mail")),
)
_FIELDS = tuple(
    PersonalField(
        column=name,
        purpose=Purpose.FULFILMENT,
        basis=LegalBasis.CONTRACT,
        format=FieldFormat.JSON if name == "address" else FieldFormat.TEXT,
        description=name,
    )
    for name in ("name", "address", "mail")
)
MAP = DataMap(tables=(PersonalTable(name=TABLE, id_column="id", description="b", fields=_FIELDS),))


def person(n: int) -> dict[str, Any]:
    return {
        "name": f"Osoba Testowa {n}",
        "address": {"street": f"ul. Polna {n}", "city": "Kraków", "post_code": "30-001"},
        "mail": f"osoba{n}@example.pl",
    }


def seed(engine: Engine, count: int) -> float:
    sealer, started = Sealer(OLD_RING, MAP), time.perf_counter()
    metadata.create_all(engine)
    for start in range(0, count, 10_000):
        ids = range(start, min(count, start + 10_000))
        rows = [{"id": n, **sealer.seal(TABLE, n, person(n))} for n in ids]
        with engine.begin() as conn:
            conn.execute(insert(people), rows)
    return time.perf_counter() - started


def per_value(count: int) -> dict[str, float]:
    cipher, value = FieldCipher(BOTH_RING), "ul. Chrząszczyżewoszycka 7/12, 30-001 Kraków"
    refs = [FieldRef(table="t", column="c", record_id=str(n)) for n in range(count)]
    started = time.perf_counter()
    tokens = [cipher.seal(value, ref) for ref in refs]
    seal_s = time.perf_counter() - started
    started = time.perf_counter()
    for token, ref in zip(tokens, refs, strict=True):
        cipher.open(token, ref)
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in refs:
        json.dumps(value)
    base_s = time.perf_counter() - started
    return {
        "seal_us": round(seal_s / count * 1e6, 2),
        "open_us": round(open_s / count * 1e6, 2),
        "baseline_json_us": round(base_s / count * 1e6, 2),
        "seal_vs_baseline": round(seal_s / base_s, 1),
    }


def child(url: str, batch: int) -> None:
    """Rotate at ``url``, printing ``batch <total>`` after each commit (killed by the parent)."""
    engine = make_engine(url)

    def committed(done: BatchDone) -> None:
        sys.stdout.write(f"batch {done.total}\n")
        sys.stdout.flush()

    rotate(engine, FieldCipher(load_keyring(os.environ)), MAP, batch_size=batch, on_batch=committed)


def kill_after(url: str, batch: int, batches: int) -> tuple[int, float]:
    """Start the child, SIGKILL it once it reported ``batches`` commits; (rows it did, seconds)."""
    env = {
        **os.environ,
        "OMNISTOCK_PRIVACY_KEYS": ",".join(
            f"{k}:{base64.b64encode(v).decode()}" for k, v in (("new", NEW), ("old", OLD))
        ),
        "OMNISTOCK_PRIVACY_HASH_KEY": base64.b64encode(HASH).decode(),
    }
    command = [
        sys.executable,
        "-m",
        "benchmarks.privacy_bench",
        "--child",
        url,
        "--batch",
        str(batch),
    ]
    started = time.perf_counter()
    root = Path(__file__).resolve().parents[1]
    with subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        done = 0
        for _ in range(batches):
            done = int(proc.stdout.readline().split()[1])
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return done, time.perf_counter() - started


def verify(engine: Engine, count: int) -> int:
    """Records opened with the new key alone and equal to what was stored (raises otherwise)."""
    sealer, seen = Sealer(NEW_ONLY, MAP), 0
    with engine.connect() as conn:
        for row in conn.execute(select(people).order_by(people.c.id)):
            values = dict(row._mapping)
            if sealer.open(TABLE, row.id, values) != person(row.id) or row.id != seen:
                raise AssertionError(f"record {row.id} differs")
            seen += 1
    if seen != count:
        raise AssertionError(f"{count - seen} records lost")
    return seen


def measure_rotation(records: int, batch: int, batches_before_kill: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        try:
            seed_s = seed(engine, records)
            reported, killed_s = kill_after(url, batch, batches_before_kill)
            left = pending(engine, MAP, "new")[TABLE]
            started = time.perf_counter()
            report = rotate(engine, FieldCipher(BOTH_RING), MAP, batch_size=batch)
            resume_s = time.perf_counter() - started
            verified = verify(engine, records)
            with engine.connect() as conn:
                total = conn.execute(select(func.count()).select_from(people)).scalar_one()
        finally:
            engine.dispose()
    return {
        "records": records,
        "batch": batch,
        "seed_seconds": round(seed_s, 2),
        "rows_reported_before_kill": reported,
        "rows_left_after_kill": left,
        "child_seconds_until_kill": round(killed_s, 2),
        "resume_seconds": round(resume_s, 2),
        "resumed_rows": report.resealed,
        "resumed_rows_per_second": round(report.resealed / resume_s),
        "complete": report.complete,
        "verified_with_new_key_only": verified,
        "rows_in_table": total,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="privacy_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--kill-after", type=int, default=20, help="batches before SIGKILL")
    parser.add_argument("--values", type=int, default=20_000, help="values for seal/open timing")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.batch)
        return 0
    figures = {
        **per_value(args.values),
        **measure_rotation(args.records, args.batch, args.kill_after),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    for name, value in figures.items():
        print(f"{name:<32}{value}")
    return 0 if figures["complete"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
