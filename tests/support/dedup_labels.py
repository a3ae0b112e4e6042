"""The labelled near-duplicate set, built from real article bodies (tests/fixtures/dedup) with a
fixed seed. Positive pairs (must merge): syndicated copies wrapped in another site's boilerplate
and headline, lightly edited versions, truncated copies. Negative pairs (must not merge): other
articles of the same publisher, follow-up stories that reuse the first story's lead, and different
short stories wrapped in the same long boilerplate."""

from __future__ import annotations

import gzip
import itertools
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

BODIES = Path(__file__).resolve().parents[1] / "fixtures" / "dedup" / "bodies.jsonl.gz"

PREFIXES = [
    "(Chinhphu.vn) -", "TTXVN -", "(Dân trí) -", "HÀ NỘI (Reuters) -", "BERLIN (dpa) -",
    "Theo phóng viên thường trú,", "EXCLUSIVE:", "(AP) —",
]
SUFFIXES = [
    "Theo TTXVN", "Nguồn: Báo Chính phủ", "Copyright 2024 The Associated Press. All rights reserved.",
    "Mời quý độc giả theo dõi các chương trình đã phát sóng của Đài Truyền hình Việt Nam trên TV Online!",
    "Sign up for our newsletter to get the latest stories delivered to your inbox every morning.",
    "Dieser Artikel erschien zuerst in der gedruckten Ausgabe. Jetzt abonnieren und weiterlesen.",
]
WRAPPER = (
    "Đăng ký nhận bản tin mỗi sáng để không bỏ lỡ tin tức quan trọng. Bạn đọc có thể gửi tin bài, "
    "hình ảnh về đường dây nóng của tòa soạn. Bài viết được thực hiện với sự hỗ trợ của nhóm biên "
    "tập thời sự. Mọi hình thức sao chép phải ghi rõ nguồn và được sự đồng ý bằng văn bản. "
    "Subscribe to our daily newsletter for the top stories, analysis and opinion from around the world. "
    "Follow us on social media and share your tips with our newsroom at any time of the day. "
    "Advertisement. Continue reading below. Related coverage and more stories from our correspondents."
)


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    same: bool
    kind: str


def load_bodies() -> list[dict]:
    with gzip.open(BODIES, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _words(text: str) -> list[str]:
    return text.split()


def syndicate(body: str, others: list[dict], rng: random.Random) -> str:
    related = "Xem thêm: " + "; ".join((o["title"] or "") for o in rng.sample(others, 3))
    return "\n".join([rng.choice(PREFIXES) + " " + body, related, rng.choice(SUFFIXES)])


def light_edit(body: str, rng: random.Random) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", body)
    if len(sentences) > 8:
        del sentences[rng.randrange(len(sentences))]
    words = " ".join(sentences).split(" ")
    pool = ["the", "và", "một", "new", "đã", "said", "neue", "của", "also", "này"]
    for i in rng.sample(range(len(words)), max(1, len(words) // 40)):  # 2.5 % of the words
        words[i] = rng.choice(pool)
    text = " ".join(words)
    return re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10) if rng.random() < 0.3 else m.group(), text)


def truncate(body: str) -> str:
    words = _words(body)
    return " ".join(words[: int(len(words) * 0.85)])


def build_pairs(seed: int = 20261126) -> list[Pair]:
    rng = random.Random(seed)
    bodies = load_bodies()
    pairs: list[Pair] = []
    for i, doc in enumerate(bodies):
        others = bodies[:i] + bodies[i + 1:]
        body = doc["body"]
        pairs.append(Pair(body, syndicate(body, others, rng), True, "syndicated copy"))
        pairs.append(Pair(body, light_edit(body, rng), True, "lightly edited"))
        pairs.append(Pair(syndicate(body, others, rng), truncate(light_edit(body, rng)), True,
                          "edited, truncated copy elsewhere"))
    by_publisher: dict[str, list[dict]] = {}
    for doc in bodies:
        by_publisher.setdefault(doc["publisher"] or doc["id"], []).append(doc)
    for docs in by_publisher.values():
        for x, y in itertools.combinations(docs, 2):
            pairs.append(Pair(x["body"], y["body"], False, "same publisher, other article"))
    for x, y in zip(bodies, bodies[1:] + bodies[:1], strict=True):
        lead = " ".join(_words(x["body"])[: max(30, len(_words(x["body"])) // 5)])
        pairs.append(Pair(x["body"], lead + "\n" + y["body"], False, "follow-up reusing the lead"))
        short_x = " ".join(_words(x["body"])[:120])
        short_y = " ".join(_words(y["body"])[:120])
        pairs.append(Pair(f"{short_x}\n{WRAPPER}", f"{short_y}\n{WRAPPER}", False,
                          "different stories, same boilerplate"))
    return pairs
