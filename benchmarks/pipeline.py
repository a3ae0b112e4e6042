"""Pipeline throughput with real worker processes on Redis and PostgreSQL.

    python benchmarks/pipeline.py [--articles 10000] [--workers 2] [--metrics-port 9811]

A local site on 127.0.0.1 serves N distinct article pages made from real saved pages (the page
templates of tests/fixtures) whose headline and body paragraphs are replaced by a seeded draw of
real paragraphs from tests/fixtures/dedup (so no two pages are near-duplicates). `newsingest worker`
with 2 processes ingests them; the script prints articles/s, time per stage (from the workers'
Prometheus histograms), the extraction-only rate of the same pages in this process, the ratio, and
the workers' RSS after 1k, 5k and 10k articles. `newsingest status --json` is sampled during the
run (queue draining, counts). A scratch PostgreSQL database and Redis db 9 are used. The CPU
seconds of every party (worker main process, pool, PostgreSQL backends, Redis, this process, the
status command) are read from /proc, so the bound they set holds even on a shared machine.

    python benchmarks/pipeline.py --store-only [--articles 500]

The store stage alone, in this process: `worker.pipeline.ingest` on the same kind of pages with the
fetch and the extraction stubbed out (the pages are extracted beforehand), against a scratch
PostgreSQL database and Redis db 9: SQL statements, transactions and Redis round trips per
article, wall and CPU ms per article (this process, and the PostgreSQL backend), for new articles
and for unchanged re-fetches of them.
"""

from __future__ import annotations

import argparse
import gzip
import html as htmllib
import json
import os
import random
import resource
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


def _proc_cpu(pid: int) -> tuple[float, float]:
    """(own CPU seconds, CPU seconds of waited-for children) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def _pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / tick, sum(values[:8]) / tick


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """CPU seconds spent by each party of the benchmark between :meth:`start` and :meth:`stop`.

    workers: the worker's main process and its pool children (dead children through the main
    process's cutime); postgres: the backends connected to the scratch database (sampled, so a
    backend that exits keeps its last sample); redis: every redis-server on the machine (shared
    with anyone else using it); this process: the local site (HTTP server) and the polling loop;
    machine: all cores, whoever used them.
    """

    def __init__(self, worker_pid: int, dbname: str) -> None:
        self.worker_pid = worker_pid
        self.dbname = dbname
        self.pg: dict[int, float] = {}
        self.pg_start: dict[int, float] = {}

    def _workers(self) -> tuple[float, float]:
        """(the worker's main process, its pool children alive or dead)."""
        own, children = _proc_cpu(self.worker_pid)
        try:
            kids = Path(f"/proc/{self.worker_pid}/task/{self.worker_pid}/children").read_text().split()
        except OSError:
            kids = []
        for kid in kids:
            try:
                children += sum(_proc_cpu(int(kid)))
            except OSError:
                continue
        return own, children

    def _redis(self) -> float:
        total = 0.0
        for pid in _pids_named("redis-server"):
            try:
                total += _proc_cpu(pid)[0]
            except OSError:
                continue
        return total

    def sample(self, conn: psycopg.Connection) -> None:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                                           "pg_backend_pid()", (self.dbname,)).fetchall()]
        for pid in pids:
            try:
                self.pg[pid] = _proc_cpu(pid)[0]
            except OSError:
                continue

    def start(self, conn: psycopg.Connection) -> None:
        self.sample(conn)
        self.pg_start = dict(self.pg)
        self.t = (self._workers(), self._redis(), time.process_time(), *_machine_busy(), _children_cpu())

    def stop(self, conn: psycopg.Connection) -> dict[str, float]:
        self.sample(conn)
        workers, redis_cpu, own, busy, total = self._workers(), self._redis(), time.process_time(), *_machine_busy()
        # `newsingest status` runs (waited for: the worker is not, until the end)
        return {
            "worker main": workers[0] - self.t[0][0],
            "worker pool": workers[1] - self.t[0][1],
            "postgres": sum(v - self.pg_start.get(pid, 0.0) for pid, v in self.pg.items()),
            "redis": redis_cpu - self.t[1],
            "site+bench": own - self.t[2],
            "status CLI": _children_cpu() - self.t[5],
            "machine busy": busy - self.t[3],
            "machine total": total - self.t[4],
        }


def stage_sums(port: int) -> dict[str, float]:
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    sums: dict[str, float] = {}
    for line in body.splitlines():
        if line.startswith("newsingest_stage_seconds_sum{"):
            stage = line.split('stage="', 1)[1].split('"', 1)[0]
            sums[stage] = sums.get(stage, 0.0) + float(line.rsplit(" ", 1)[1])
    return sums


def store_only(n: int, pg_admin_url: str) -> None:
    """Measure the store path of ``ingest`` in process (see the module docstring)."""
    from collections import Counter

    from requests.structures import CaseInsensitiveDict
    from sqlalchemy import event

    import worker.pipeline as pipeline
    from storage.db import make_engine
    from worker.fetch.client import FetchResult
    from worker.settings import Settings

    templates = load_templates()
    paragraphs = load_paragraphs()
    pages = {f"http://127.0.0.1:9/a/{i}.html": make_page(i, templates, paragraphs) for i in range(n + 1)}
    extracted = {url: extract_article(html, url) for url, html in pages.items()}
    photos = sum(len(a.photos) for a in extracted.values()) / len(extracted)
    print(f"{n} distinct pages, extracted beforehand ({photos:.1f} photos per article)")

    dbname = f"newsingest_store_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(pg_admin_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{dbname}"')
    db_url = "postgresql+psycopg://" + pg_admin_url.split("://", 1)[1].rsplit("/", 1)[0] + "/" + dbname
    broker = "redis://127.0.0.1:6379/9"
    redis.Redis.from_url(broker).flushdb()
    real_extract = pipeline.extract_article
    try:
        migrate.upgrade(db_url)
        engine = make_engine(db_url)
        ctx = pipeline.PipelineContext(Settings(database_url=db_url, broker_url=broker), engine=engine)
        statements: Counter[str] = Counter()
        transactions = [0]

        @event.listens_for(engine, "before_cursor_execute")
        def _statement(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            statements[" ".join(statement.split()[:2])] += 1

        @event.listens_for(engine, "commit")
        def _commit(conn) -> None:  # type: ignore[no-untyped-def]
            transactions[0] += 1

        redis_calls = [0]
        if ctx.announcer is not None:
            client = ctx.announcer.client
            for name in ("execute_command",):
                real = getattr(client, name)

                def counted(*args, _real=real, **kwargs):  # type: ignore[no-untyped-def]
                    redis_calls[0] += 1
                    return _real(*args, **kwargs)

                setattr(client, name, counted)
            real_pipeline = client.pipeline

            def pipeline_counted(*args, **kwargs):  # type: ignore[no-untyped-def]
                pipe = real_pipeline(*args, **kwargs)
                real_execute = pipe.execute

                def execute(*a, **k):  # type: ignore[no-untyped-def]
                    redis_calls[0] += 1
                    return real_execute(*a, **k)

                pipe.execute = execute
                return pipe

            client.pipeline = pipeline_counted

        def fetch(url: str, *, source_id: int | None = None, max_wait: float | None = None) -> FetchResult:
            body = pages[url].encode("utf-8")
            return FetchResult(url=url, final_url=url, status=200, headers=CaseInsensitiveDict(), content=body,
                               text=pages[url], encoding="utf-8", elapsed_ms=0)

        ctx.fetch = fetch  # type: ignore[method-assign]
        pipeline.extract_article = lambda html, url: extracted[url]  # type: ignore[assignment]
        urls = list(pages)
        pipeline.ingest(urls[0], ctx=ctx)  # warm-up: connection, statement caches

        def backend_cpu() -> float:
            pids = [r[0] for r in admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                                (dbname,)).fetchall()]
            total = 0.0
            for pid in pids:
                try:
                    total += _proc_cpu(pid)[0]
                except OSError:
                    continue
            return total

        for label in ("new articles", "unchanged re-fetches"):
            statements.clear()
            transactions[0] = redis_calls[0] = 0
            outcomes: Counter[str] = Counter()
            store = 0.0
            pg0, cpu0, t0 = backend_cpu(), time.process_time(), time.perf_counter()
            for url in urls[1:]:
                result = pipeline.ingest(url, ctx=ctx)
                outcomes[result.outcome.value] += 1
                store += result.timings.get("store", 0.0)
            wall, cpu, pg = time.perf_counter() - t0, time.process_time() - cpu0, backend_cpu() - pg0
            print(f"{label} {dict(outcomes)}: {sum(statements.values()) / n:.1f} SQL statements per article "
                  f"(+ BEGIN, COMMIT and the pool's ping in each of {transactions[0] / n:.1f} transactions), "
                  f"{redis_calls[0] / n:.1f} Redis round trips; {wall / n * 1000:.1f} ms wall, "
                  f"{cpu / n * 1000:.1f} ms CPU in this process, {pg / n * 1000:.1f} ms CPU in PostgreSQL per article; "
                  f"store stage {store / n * 1000:.1f} ms")
            print("    " + ", ".join(f"{k}: {v / n:.2f}" for k, v in statements.most_common()))
        ctx.close()
    finally:
        pipeline.extract_article = real_extract
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--store-only", action="store_true",
                        help="measure the store stage alone, in process (default 500 articles)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--metrics-port", type=int, default=9811)
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    if args.store_only:
        store_only(args.articles if "--articles" in sys.argv else 500, args.pg_admin_url)
        return
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
    t, cpu_t = time.perf_counter(), time.process_time()
    for path, body in sample:
        extract_article(body, "http://127.0.0.1" + path)
    extract_rate = len(sample) / (time.perf_counter() - t)
    extract_cpu = (time.process_time() - cpu_t) / len(sample)
    print(f"extraction only (1 process): {extract_rate:.1f} pages/s on {len(sample)} of the pages "
          f"({extract_cpu * 1000:.1f} ms CPU per page)")

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
                    meter = CpuMeter(worker.pid, dbname)
                    meter.start(conn)
                elif t0 is not None:
                    meter.sample(conn)
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
            cpu = meter.stop(conn)
            outcomes = dict(conn.execute("SELECT outcome, count(*) FROM fetch_attempt GROUP BY outcome").fetchall())
            rows = conn.execute("SELECT count(*) FROM article").fetchone()[0]
        rate = (n - first) / elapsed
        sums = stage_sums(args.metrics_port)
        print(f"\npipeline: {n} pages in {elapsed:.0f} s with {args.workers} worker processes: {rate:.1f} articles/s "
              f"({rows} article rows; outcomes {outcomes})")
        print("time per article by stage (ms): " + ", ".join(f"{k} {v / n * 1000:.1f}" for k, v in sorted(sums.items())))
        print(f"pipeline / extraction-only rate: {rate / extract_rate:.2f} (target >= 0.80)")
        done_n = n - first
        print("CPU ms per article (" + f"{done_n} articles after the first): "
              + ", ".join(f"{k} {v / done_n * 1000:.1f}" for k, v in cpu.items() if k != "machine total")
              + f"; machine {cpu['machine busy'] / cpu['machine total']:.0%} busy of "
              + f"{cpu['machine total'] / elapsed:.1f} cores")
        ours = sum(v for k, v in cpu.items() if not k.startswith("machine")) / done_n
        cores = cpu["machine total"] / elapsed
        print(f"CPU bound: {ours * 1000:.1f} ms CPU per article in all our processes vs {extract_cpu * 1000:.1f} ms "
              f"for extraction alone: on {cores:.0f} free cores at most {cores / ours:.1f} articles/s, "
              f"a ratio of at most {cores * extract_cpu / ours:.2f} (others used "
              f"{(cpu['machine busy'] - ours * done_n) / elapsed:.1f} cores during this run)")
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
