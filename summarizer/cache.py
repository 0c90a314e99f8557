"""SQLite cache of model responses, keyed by model, prompt version, parameters and messages.

Every finished call is stored at once, so an interrupted run keeps its work; an answer that then
fails validation is deleted again, so a re-run asks anew. A cache that cannot be opened or used
is logged and skipped; it never fails a run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from summarizer.errors import TruncatedOutput
from summarizer.llm import ChatModel, Completion, Message, WrappedChatModel

log = logging.getLogger("summarizer.cache")

CACHE_FILE = "responses.sqlite3"
KEY_VERSION = 1  # bump when the key's recipe or the stored value's shape changes


def cache_key(
    model: str, prompt_version: str, params: Mapping[str, Any], messages: Sequence[Message]
) -> str:
    """sha256 of canonical JSON; callers must not put keys or credentialed URLs in params."""
    canonical = json.dumps(
        {
            "v": KEY_VERSION,
            "model": model,
            "prompt_version": prompt_version,
            "params": dict(params),
            "messages": [[m.role, m.content] for m in messages],
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    """A key -> JSON value table in one SQLite file (WAL), shared by the run's threads.

    Raises sqlite3.Error if the file cannot be opened as a database; use open_cache to get
    None and a warning instead. After opening, errors disable the cache with one warning.
    After ``close()`` (e.g. Ctrl-C while a worker still finishes a call) it quietly does nothing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._broken = False
        self._closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            path, timeout=10.0, isolation_level=None, check_same_thread=False
        )
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS responses "
                "(key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)"
            )
            self._db.execute("SELECT count(*) FROM responses WHERE key = ''").fetchone()
        except sqlite3.Error:
            self._db.close()
            raise

    def get(self, key: str) -> str | None:
        try:
            with self._lock:
                if self._broken or self._closed:
                    return None
                row = self._db.execute(
                    "SELECT value FROM responses WHERE key = ?", (key,)
                ).fetchone()
        except sqlite3.Error as exc:
            self._disable(exc)
            return None
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO responses (key, value, created) VALUES (?, ?, ?)",
            (key, value, time.time()),
        )

    def delete(self, key: str) -> None:
        self._write("DELETE FROM responses WHERE key = ?", (key,))

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def _write(self, sql: str, args: tuple[object, ...]) -> None:
        try:
            with self._lock:
                if self._broken or self._closed:
                    return
                self._db.execute(sql, args)
        except sqlite3.Error as exc:
            self._disable(exc)

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _disable(self, exc: sqlite3.Error) -> None:
        if not self._broken:
            self._broken = True
            log.warning("response cache %s failed (%s); going on without it", self.path, exc)


def open_cache(path: Path) -> ResponseCache | None:
    """The cache at ``path``, or None with a warning if it is unusable (corrupt, unwritable)."""
    try:
        return ResponseCache(path)
    except (sqlite3.Error, OSError) as exc:
        log.warning("response cache %s is unusable (%s); running without it", path, exc)
        return None


class CachedChatModel(WrappedChatModel):
    """A ChatModel that answers repeated calls from a ResponseCache.

    A hit returns the stored Completion with ``cached=True``; a miss calls ``inner`` and stores
    the answer immediately. Failed calls store nothing; a truncated answer is stored and
    replayed as truncated; ``discard`` deletes an answer that failed validation.
    """

    def __init__(self, inner: ChatModel, cache: ResponseCache, prompt_version: str) -> None:
        super().__init__(inner)
        self.cache = cache
        self.prompt_version = prompt_version

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        json_mode: bool = False,
        schema: Mapping[str, Any] | None = None,
    ) -> Completion:
        params = {
            # The label, not the URL: the embedded server's port changes every run.
            "endpoint": self.inner.endpoint,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "json_mode": json_mode or schema is not None,
            "schema": None if schema is None else dict(schema),
        }
        key = cache_key(self.inner.name, self.prompt_version, params, messages)
        hit = _decode(self.cache.get(key))
        if hit is not None and hit.finish_reason == "length":
            raise _replayed_truncation(hit, self.inner.endpoint)
        if hit is not None:
            return replace(hit, cache_key=key)
        try:
            completion = self.inner.complete(
                messages,
                max_tokens=max_tokens,
                temperature=temperature,
                json_mode=json_mode,
                schema=schema,
            )
        except TruncatedOutput as exc:
            # A truncated answer is a finished call too: keep it, so a rerun does not pay for
            # it again; it is replayed as the same TruncatedOutput.
            self.cache.put(key, _encode(_truncated_completion(exc, self.inner.name)))
            raise
        self.cache.put(key, _encode(completion))
        return replace(completion, cache_key=key)

    def discard(self, completion: Completion) -> None:
        if completion.cache_key is not None:
            self.cache.delete(completion.cache_key)
        self.inner.discard(completion)


def _truncated_completion(exc: TruncatedOutput, model: str) -> Completion:
    return Completion(
        text=exc.partial,
        prompt_tokens=exc.prompt_tokens,
        completion_tokens=exc.completion_tokens,
        finish_reason="length",
        model=model,
    )


def _replayed_truncation(hit: Completion, endpoint: str) -> TruncatedOutput:
    return TruncatedOutput(
        f"{endpoint}: answer from {hit.model} was cut off (cached)",
        endpoint=endpoint,
        partial=hit.text,
        cached=True,
    )


def _encode(c: Completion) -> str:
    return json.dumps(
        {
            "text": c.text,
            "prompt_tokens": c.prompt_tokens,
            "completion_tokens": c.completion_tokens,
            "finish_reason": c.finish_reason,
            "model": c.model,
        },
        ensure_ascii=False,
    )


def _decode(value: str | None) -> Completion | None:
    if value is None:
        return None
    try:
        d = json.loads(value)
        return Completion(
            text=str(d["text"]),
            prompt_tokens=int(d["prompt_tokens"]),
            completion_tokens=int(d["completion_tokens"]),
            finish_reason=str(d["finish_reason"]),
            model=str(d["model"]),
            cached=True,
        )
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring an unreadable cache entry")
        return None
