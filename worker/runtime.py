"""The per-process pipeline context of a worker process, built on first use after fork."""

from __future__ import annotations

import threading

from worker.pipeline import PipelineContext
from worker.settings import get_settings


class _Holder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ctx: PipelineContext | None = None


_holder = _Holder()


def get_context() -> PipelineContext:
    """This process's :class:`PipelineContext` (engine + HTTP session), created lazily."""
    with _holder.lock:
        if _holder.ctx is None:
            _holder.ctx = PipelineContext(get_settings())
        return _holder.ctx


def close_context(*, after_fork: bool = False) -> None:
    """Drop this process's context. After a fork the inherited connections belong to the
    parent: they are forgotten, not closed (``engine.dispose(close=False)``)."""
    with _holder.lock:
        ctx, _holder.ctx = _holder.ctx, None
    if ctx is None:
        return
    if after_fork:
        ctx.engine.dispose(close=False)
    else:
        ctx.close()
