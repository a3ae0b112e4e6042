"""The source registry: validation messages, the shipped file, the `newsingest sources` commands."""

from __future__ import annotations

import json

import pytest

from scheduler.beat import build_schedule, jitter_seconds
from scheduler.sources import (
    SHIPPED,
    RegistryError,
    load_registry,
    parse_duration,
    parse_registry,
    sync_registry,
)
from storage import repository as repo
from storage.db import transaction
from tests.support.services import newsingest, service_env

BAD = """
[[source]]
name = "Bad Name"
site = "ftp://example.org"
interval = "10 minutes"

[[source]]
name = "okay"
site = "https://a.example"
feeds = ["https://a.example/rss", 3]
max_urls = 0
colour = "blue"

[[source]]
name = "okay"
site = "https://b.example"
sections = ["https://b.example/x"]
article_pattern = "(["
"""


def test_shipped_registry_is_valid_and_covers_the_profiled_sites():
    reg = load_registry(SHIPPED)
    names = set(reg.names)
    assert {"vnexpress", "tuoitre", "thanhnien", "dantri", "vietnamnet", "nld", "baochinhphu", "vietnamplus",
            "nhandan", "baotintuc", "cafef", "baodautu"} <= names
    assert len(names - {"vnexpress", "tuoitre"}) >= 12  # and international ones
    vne = reg.get("vnexpress")
    assert vne.feeds[0] == "https://vnexpress.net/rss/tin-moi-nhat.rss" and vne.interval_seconds == 600


def test_errors_name_the_source_and_the_field():
    with pytest.raises(RegistryError) as info:
        parse_registry(BAD, path="bad.toml")
    errors = info.value.errors
    expected = [
        ("source #1 'Bad Name'", "'name'"),
        ("source #1 'Bad Name'", "'site'"),
        ("source #1 'Bad Name'", "'interval'"),
        ("source #1 'Bad Name'", "'feeds'"),  # no feeds, sitemaps or sections
        ("source #2 'okay'", "'feeds[1]'"),
        ("source #2 'okay'", "'max_urls'"),
        ("source #2 'okay'", "'colour'"),
        ("source #3 'okay'", "'name'"),  # duplicate
        ("source #3 'okay'", "'article_pattern'"),
    ]
    for source, fld in expected:
        assert any(e.startswith(f"bad.toml: {source}: field {fld}") for e in errors), (source, fld, errors)
    assert len(errors) == len(expected)


def test_durations():
    assert [parse_duration(v) for v in ("90s", "10m", "1h", "1d", "45", 30, "1.5m")] == [
        90, 600, 3600, 86400, 45, 30, 90]
    with pytest.raises(ValueError):
        parse_duration("ten minutes")


def test_sync_keeps_overrides_and_builds_one_entry_per_active_source(engine):
    reg = load_registry(SHIPPED)
    with transaction(engine) as s:
        rows = sync_registry(s, registry=reg)
        assert len(rows) == len(reg.sources)
        repo.set_source_override(s, name="bbc", enabled=False)
    with transaction(engine) as s:
        sync_registry(s, registry=reg)  # the registry says enabled; the override wins
        rows = repo.list_sources(s)
        schedule = build_schedule(rows, names=set(reg.names))
    assert "discover:bbc" not in schedule
    assert len(schedule) == len(reg.sources) - 1
    entry = schedule["discover:vnexpress"]
    vne = next(r for r in rows if r.name == "vnexpress")
    assert entry["task"] == "newsingest.discover_source" and entry["args"] == (vne.id,)
    period = entry["schedule"].run_every.total_seconds()
    assert 600 <= period <= 660 and period == 600 + jitter_seconds("vnexpress", 600)
    assert entry["options"]["queue"] == "discover" and entry["options"]["expires"] < period


def test_cli_validate_prints_every_error_and_fails(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD, encoding="utf-8")
    env = service_env(f"sqlite:///{tmp_path / 'x.sqlite'}", "memory://", NEWSINGEST_SOURCES=str(SHIPPED))
    proc = newsingest("sources", "validate", str(bad), env=env)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 9, proc.stderr
    assert any("source #2 'okay': field 'feeds[1]'" in line for line in lines)
    ok = newsingest("sources", "validate", env=env)
    assert ok.returncode == 0 and "17 sources" in ok.stdout


def test_cli_list_show_enable_disable(tmp_path):
    # these commands read the registry only (no crawling): the shipped one
    env = service_env(f"sqlite:///{tmp_path / 'x.sqlite'}", "memory://", NEWSINGEST_SOURCES=str(SHIPPED))
    listed = json.loads(newsingest("sources", "list", "--json", env=env, check=True).stdout)
    assert {s["name"] for s in listed} >= {"vnexpress", "bbc"} and all(s["active"] for s in listed)
    newsingest("sources", "disable", "bbc", env=env, check=True)
    shown = json.loads(newsingest("sources", "show", "bbc", "--json", env=env, check=True).stdout)
    assert shown["active"] is False and shown["enabled_override"] is False
    newsingest("sources", "enable", "bbc", env=env, check=True)
    shown = json.loads(newsingest("sources", "show", "bbc", "--json", env=env, check=True).stdout)
    assert shown["active"] is True
    missing = newsingest("sources", "show", "nope", env=env)
    assert missing.returncode == 4 and "no source 'nope'" in missing.stderr
