"""Pipeline throughput with real worker processes on Redis and PostgreSQL.

    python benchmarks/pipeline.py [--articles 10000] [--workers 2] [--metrics-port 9811]

A local site on 127.0.0.1 serves N distinct article pages made from real saved pages (the page
templates of tests/fixtures) whose headline and body paragraphs are replaced by a seeded draw of
real paragraphs from tests/fixtures/dedup (so no two pages are near-duplicates). `newsingest worker`
with 2 processes ingests them; the script prints articles/s, time per stage (from the workers'
Prometheus histograms), the extraction-only rate of the same pages in this process, the ratio, and
the workers' RSS after 1k, 5k and 10k articles. `newsingest status --json` is sampled during the
run (queue draining, counts). A scratch PostgreSQL database and Redis db 9 are used.
"""

from __future__ import annotations

import argparse
import gzip
import html as htmllib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage import migrate  # noqa: E402
from worker.extract import extract_article  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def load_templates() -> list[tuple[str, str, list[str]]]:
    """(original URL, HTML, body paragraphs as they occur in the HTML) of each fixture page."""
    templates = []
    for expected in sorted(FIXTURES.glob("*/*.expected.json")):
        page = expected.with_name(expected.name.replace(".expected.json", ".html.gz"))
        if not page.exists():
            continue
        url = json.loads(expected.read_text(encoding="utf-8")).get("url")
        text = gzip.decompress(page.read_bytes()).decode("utf-8")
        art = extract_article(text, url)
        paras = [p for p in art.body.splitlines() if len(p) > 15 and p in text]
        paras += [c for c in (ph.caption for ph in art.photos) if c and len(c) > 15 and c in text]
        if art.lead and art.lead in text:
            paras.append(art.lead)
        covered = sum(len(p) for p in paras if p in art.body) / max(1, len(art.body))
        # only templates whose body text can be replaced almost entirely (else variants of one
        # template would share enough text to be near-duplicates)
        if art.is_article and len(paras) >= 3 and covered >= 0.9:
            templates.append((url, text, paras))
    return templates


def load_paragraphs() -> list[str]:
    with gzip.open(FIXTURES / "dedup" / "bodies.jsonl.gz", "rt", encoding="utf-8") as fh:
        bodies = [json.loads(line) for line in fh]
    return [p for b in bodies for p in b["body"].split("\n") if len(p) > 80]


def make_page(i: int, templates: list, paragraphs: list[str]) -> str:
    """Template ``i mod T`` with every body paragraph, caption and the lead replaced (all
    occurrences, so JSON-LD copies change too) by real paragraphs drawn at random."""
    rng = random.Random(i)
    _url, text, paras = templates[i % len(templates)]
    out = text
    for p in paras:
        out = out.replace(p, htmllib.escape(rng.choice(paragraphs), quote=False))
    return out


class Site:
    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                body = outer.pages.get(self.path)
                status = 200 if body is not None else 404
                body = body if body is not None else b"not found"
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


def rss_mb(pid: int) -> float:
    """RSS of a process and its children (the worker's pool), in MB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def stage_sums(port: int) -> dict[str, float]:
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    sums: dict[str, float] = {}
    for line in body.splitlines():
        if line.startswith("newsingest_stage_seconds_sum{"):
            stage = line.split('stage="', 1)[1].split('"', 1)[0]
            sums[stage] = sums.get(stage, 0.0) + float(line.rsplit(" ", 1)[1])
    return sums


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--metrics-port", type=int, default=9811)
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    n = args.articles

    templates = load_templates()
    paragraphs = load_paragraphs()
    t = time.perf_counter()
    pages = {f"/a/{i}/{templates[i % len(templates)][0].split('//', 1)[1].split('/', 1)[0]}.html":
             make_page(i, templates, paragraphs).encode("utf-8") for i in range(n)}
    print(f"{n} distinct pages from {len(templates)} real templates, {len(paragraphs)} real paragraphs "
          f"({sum(map(len, pages.values())) / n / 1024:.0f} KB average), built in {time.perf_counter() - t:.0f} s")

    # extraction-only rate of the same pages, in this process
    sample = list(pages.items())[: min(n, 1000)]
    t = time.perf_counter()
    for path, body in sample:
        extract_article(body, "http://127.0.0.1" + path)
    extract_rate = len(sample) / (time.perf_counter() - t)
    print(f"extraction only (1 process): {extract_rate:.1f} pages/s on {len(sample)} of the pages")

    site = Site(pages)
    dbname = f"newsingest_pipe_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.pg_admin_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{dbname}"')
    db_url = "postgresql+psycopg://" + args.pg_admin_url.split("://", 1)[1].rsplit("/", 1)[0] + "/" + dbname
    broker = "redis://127.0.0.1:6379/9"
    redis.Redis.from_url(broker).flushdb()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSINGEST_")}
    env.update(NEWSINGEST_DATABASE_URL=db_url, NEWSINGEST_BROKER_URL=broker, NEWSINGEST_ALLOW_NETWORKS="127.0.0.0/8",
               NEWSINGEST_METRICS_PORT=str(args.metrics_port), NEWSINGEST_LOG_LEVEL="WARNING",
               # the local site is ours: no per-host delay, as many requests in flight as workers
               NEWSINGEST_POLITENESS_DELAY="0", NEWSINGEST_POLITENESS_CONCURRENCY=str(4 * args.workers))
    script = Path(sys.executable).with_name("newsingest")
    worker = None
    try:
        migrate.upgrade(db_url)
        from worker.celery_app import create_app
        from worker.settings import Settings

        producer = create_app(Settings(database_url=db_url, broker_url=broker))
        for path in pages:
            producer.send_task("newsingest.ingest_url", args=[site.url(path)], queue="ingest")
        print(f"queued {n} ingest_url tasks")
        log = open("/tmp/newsingest-bench-worker.log", "wb")
        worker = subprocess.Popen([str(script), "worker", "-c", str(args.workers), "-l", "WARNING"], env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        marks = [m for m in (1_000, 5_000, 10_000) if m <= n]
        t0 = None
        done = 0
        last_done, last_progress = 0, time.perf_counter()
        last_status = 0.0
        with psycopg.connect(args.pg_admin_url.rsplit("/", 1)[0] + "/" + dbname, autocommit=True) as conn:
            while done < n:
                time.sleep(0.5)
                done = conn.execute("SELECT count(*) FROM fetch_attempt WHERE final").fetchone()[0]
                if t0 is None and done > 0:
                    t0 = time.perf_counter()
                    first = done
                while marks and done >= marks[0]:
                    print(f"  {marks[0]:>6} articles: worker RSS {rss_mb(worker.pid):.0f} MB")
                    marks.pop(0)
                if time.perf_counter() - last_status > 30:
                    st = subprocess.run([str(script), "status", "--json"], env=env, capture_output=True, text=True)
                    data = json.loads(st.stdout)
                    print(f"  status: queue ingest={data['queues']['ingest']} articles={data['articles']} "
                          f"last hour ok={data['last_hour']['ok']} failed={data['last_hour']['failed']} "
                          f"workers={len(data['workers'] or [])}")
                    last_status = time.perf_counter()
                if worker.poll() is not None:
                    raise SystemExit("worker died: see /tmp/newsingest-bench-worker.log")
                if done != last_done:
                    last_done, last_progress = done, time.perf_counter()
                elif time.perf_counter() - last_progress > 90:
                    print(f"  no progress for 90 s: {n - done} tasks ended without a recorded attempt "
                          "(see /tmp/newsingest-bench-worker.log)")
                    n = done
                    break
            elapsed = time.perf_counter() - t0
            outcomes = dict(conn.execute("SELECT outcome, count(*) FROM fetch_attempt GROUP BY outcome").fetchall())
            rows = conn.execute("SELECT count(*) FROM article").fetchone()[0]
        rate = (n - first) / elapsed
        sums = stage_sums(args.metrics_port)
        print(f"\npipeline: {n} pages in {elapsed:.0f} s with {args.workers} worker processes: {rate:.1f} articles/s "
              f"({rows} article rows; outcomes {outcomes})")
        print("time per article by stage (ms): " + ", ".join(f"{k} {v / n * 1000:.1f}" for k, v in sorted(sums.items())))
        print(f"pipeline / extraction-only rate: {rate / extract_rate:.2f} (target >= 0.80)")
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
