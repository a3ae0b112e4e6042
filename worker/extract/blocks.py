"""The body as ordered blocks: text blocks and photos, as the walk and the photo stages build it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import Tag

from worker.extract.article import Photo, RelatedLink


@dataclass(slots=True)
class Block:
    kind: str  # "p", "h", "li", "quote", "photo"
    text: str = ""
    el: Tag | None = None
    photo: Photo | None = None


@dataclass(slots=True)
class BodyResult:
    blocks: list[Block] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    byline: str | None = None
    attribution_line: str | None = None

    @property
    def text_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kind != "photo"]

    @property
    def body(self) -> str:
        return "\n".join(b.text for b in self.text_blocks)


def set_blocks(result: BodyResult, blocks: list[Block]) -> None:
    """Give ``result`` these blocks; each photo's position is the number of text blocks before it."""
    n = 0
    for b in blocks:
        if b.kind == "photo" and b.photo is not None:
            b.photo.position = n
        else:
            n += 1
    result.blocks = blocks
    result.photos = [b.photo for b in blocks if b.photo is not None]
