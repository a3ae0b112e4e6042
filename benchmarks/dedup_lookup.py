"""Near-duplicate lookup cost as the archive grows: per-lookup time with 10k and with 200k stored
fingerprints in PostgreSQL (article rows + LSH bands, the same tables and query the pipeline uses).

    python benchmarks/dedup_lookup.py [--pg-admin-url URL] [--sizes 10000,200000] [--lookups 400]

A scratch database is created and dropped. Stored signatures: 200 MinHash signatures of synthetic
bodies (random word sequences over a 30,000-word vocabulary) spread through the archive, the rest
random signatures (the MinHash values of unrelated articles are independent uniform draws); half
the lookups are near-copies of the stored bodies (found), half are new bodies (not found).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage import migrate
from storage import repository as repo
from storage.db import make_engine, transaction
from worker import dedup

VOCAB = [f"w{i}" for i in range(30_000)]


def body(rng: random.Random, n: int = 250) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def near_copy(text: str, rng: random.Random) -> str:
    words = text.split()
    for i in rng.sample(range(len(words)), len(words) // 40):
        words[i] = rng.choice(VOCAB)
    return "Theo TTXVN " + " ".join(words) + " Xem thêm tin liên quan"


def fill(admin_url: str, dbname: str, target: int, have: int, rng: random.Random, kept: list[str]) -> None:
    """COPY article rows and their band keys until the archive holds ``target`` articles."""
    nprng = np.random.default_rng(have + 1)
    dsn = admin_url.rsplit("/", 1)[0] + "/" + dbname
    with psycopg.connect(dsn.replace("postgresql+psycopg", "postgresql")) as conn, conn.cursor() as cur:
        with cur.copy("COPY article (id, url, canonical_url, category, body, body_html, authors, tags, related, "
                      "url_key, content_fingerprint, fetched_at, created_at, modified_at, revision, minhash) "
                      "FROM STDIN") as cp_articles:
            bands_rows = []
            for i in range(have + 1, target + 1):
                if len(kept) < 200 and i % 50 == 1:
                    text = body(rng)  # a real body: near-copies of it are looked up later
                    kept.append(text)
                    sig = dedup.near_signature(text)
                    fp = dedup.content_fingerprint(text)
                else:
                    # An unrelated article's MinHash values are independent uniform draws.
                    sig = nprng.integers(0, 2**32, size=dedup.NUM_PERM, dtype="<u4").tobytes()
                    fp = hashlib.sha256(sig).hexdigest()
                url = f"https://example.vn/{i}.html"
                cp_articles.write_row((i, url, url, "[]", "", "", "[]", "[]", "[]",
                                       hashlib.sha256(url.encode()).hexdigest(),
                                       fp, "2026-01-01T00:00:00+00:00",
                                       "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00", 1, sig))
                bands_rows.extend((i, b, k) for b, k in enumerate(dedup.band_keys(sig)))
        with cur.copy("COPY article_band (article_id, band, key) FROM STDIN") as cp_bands:
            for row in bands_rows:
                cp_bands.write_row(row)
        cur.execute("SELECT setval(pg_get_serial_sequence('article', 'id'), %s)", (target,))
        conn.commit()
    # what autovacuum does after a bulk load: statistics and the visibility map (index-only scans)
    with psycopg.connect(dsn.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE article")
        conn.execute("VACUUM ANALYZE article_band")


def measure(url: str, probes: list[tuple[bytes, str]]) -> tuple[float, float, int]:
    engine = make_engine(url)
    times = []
    found = 0
    try:
        for sig, fp in probes[:20]:  # warm the connection and the plan cache
            with transaction(engine) as s:
                repo.dedup_candidates(s, fingerprint=fp, keys=dedup.band_keys(sig))
        for sig, fp in probes:
            t = time.perf_counter()
            with transaction(engine) as s:
                # the pipeline's lookup: the exact fingerprint and the band-sharing candidates
                cands = repo.dedup_candidates(s, fingerprint=fp, keys=dedup.band_keys(sig))
                hit = any(dedup.is_duplicate(fp, c.content_fingerprint, sig, c.minhash) for c in cands)
            times.append(time.perf_counter() - t)
            found += hit
    finally:
        engine.dispose()
    return statistics.median(times) * 1000, statistics.mean(times) * 1000, found


def buffers_per_lookup(url: str, probes: list[tuple[bytes, str]]) -> float:
    """Mean PostgreSQL buffers (8 KB pages, shared hits + reads) the pipeline's lookup statement
    touches per lookup, from EXPLAIN (ANALYZE, BUFFERS): how much of the index a lookup walks,
    a figure other processes on the machine cannot disturb."""
    sql = str(repo._DEDUP_CANDIDATES_PG.compile(compile_kwargs={"literal_binds": False}))
    sql = sql.replace(":fp", "%(fp)s").replace(":keys", "%(keys)s").replace(":exclude", "%(exclude)s")
    total = 0
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        for sig, fp in probes:
            plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql,
                                {"fp": fp, "keys": list(dedup.band_keys(sig)), "exclude": None}).fetchone()[0]
            top = plan[0]["Plan"]
            total += top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return total / max(1, len(probes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sizes", default="10000,200000")
    parser.add_argument("--lookups", type=int, default=400)
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    dbname = f"newsingest_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.pg_admin_url.replace("postgresql+psycopg", "postgresql"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{dbname}"')
    url = args.pg_admin_url.rsplit("/", 1)[0] + "/" + dbname
    rng = random.Random(7)
    kept: list[str] = []
    results = []
    try:
        migrate.upgrade(url)
        have = 0
        for size in sizes:
            t = time.perf_counter()
            fill(args.pg_admin_url, dbname, size, have, rng, kept)
            have = size
            probe_rng = random.Random(11)
            probes = []
            for i in range(args.lookups):
                text = near_copy(probe_rng.choice(kept), probe_rng) if i % 2 == 0 else body(probe_rng)
                sig = dedup.near_signature(text)
                probes.append((sig, dedup.content_fingerprint(text)))
            median, mean, found = measure(url, probes)
            pages = buffers_per_lookup(url, probes)
            results.append((size, median, mean, found, pages))
            print(f"{size:>8} stored fingerprints ({size * dedup.BANDS:,} band rows, filled in "
                  f"{time.perf_counter() - t:.0f} s): lookup median {median:.2f} ms, mean {mean:.2f} ms, "
                  f"{pages:.1f} buffers touched, {found}/{len(probes)} found (expected {len(probes) // 2})")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()
    if len(results) >= 2:
        growth = results[-1][1] / results[0][1]
        print(f"per-lookup time growth {results[0][0]:,} -> {results[-1][0]:,}: {growth:.2f}x (target <= 1.5x); "
              f"buffers touched per lookup {results[0][4]:.1f} -> {results[-1][4]:.1f} "
              f"({results[-1][4] / max(1e-9, results[0][4]):.2f}x)")


if __name__ == "__main__":
    main()
