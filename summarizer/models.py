"""The one factory that turns Settings into a ready ChatModel for a run.

Embedded server or configured endpoint, then the response cache (unless disabled), then
metering on the outside so every call, cached or not, is counted.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

from summarizer.cache import CACHE_FILE, CachedChatModel, open_cache
from summarizer.embedded import EmbeddedServer
from summarizer.errors import EndpointRejected, UsageError
from summarizer.llm import (
    NO_KEY,
    ChatModel,
    Deadline,
    MeteredChatModel,
    OpenAIChatModel,
    UsageMeter,
)
from summarizer.settings import Settings

log = logging.getLogger("summarizer.models")

EMBEDDED_STARTUP_TIMEOUT = 120.0


@contextlib.contextmanager
def open_model(
    settings: Settings,
    *,
    prompt_version: str,
    meter: UsageMeter,
    deadline: Deadline | None = None,
) -> Iterator[ChatModel]:
    """Yield the run's ChatModel; the embedded server and the cache close on exit.

    ``deadline`` is the run's; without one it starts now from ``settings.deadline``.
    """
    if deadline is None:
        deadline = Deadline(settings.deadline)
    with contextlib.ExitStack() as stack:
        if settings.base_url is None:
            if settings.model:
                log.warning(
                    "model %r is ignored: without a base URL the embedded model runs",
                    settings.model,
                )
            deadline.check("starting the embedded model")
            left = deadline.remaining()
            startup = (
                EMBEDDED_STARTUP_TIMEOUT if left is None else min(EMBEDDED_STARTUP_TIMEOUT, left)
            )
            server = stack.enter_context(EmbeddedServer(startup_timeout=startup))
            # llama.cpp turns json_object (and a schema inside it) into a decoding grammar.
            base_url, api_key, name = server.base_url, NO_KEY, server.model_alias
            json_mode = json_schema = True
            # The server's capacity, not --concurrency, decides how many calls are in flight.
            slots: int | None = server.slots
            wait_idle: Callable[[float], bool] | None = server.wait_idle
        else:
            base_url, api_key = settings.base_url, settings.api_key or NO_KEY
            name, json_mode = settings.model or "", settings.json_mode
            json_schema = False  # OpenAI spells schemas differently; validation still applies
            # A remote endpoint gets at most --concurrency calls at once, however many
            # briefings share this session (batch and nightly brief stories side by side).
            slots, wait_idle = settings.concurrency, None
        client = OpenAIChatModel(
            base_url=base_url,
            model=name,
            api_key=api_key,
            endpoint=settings.endpoint_label,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            deadline=deadline,
            json_mode=json_mode,
            json_schema=json_schema,
            retry_backoff=settings.retry_backoff,
            retry_backoff_max=settings.retry_backoff_max,
            slots=slots,
            wait_idle=wait_idle,
        )
        stack.callback(client.close)
        if not name:
            client.name = _only_model(client)

        model: ChatModel = client
        if settings.use_cache:
            cache = open_cache(settings.cache_dir / CACHE_FILE)
            if cache is not None:
                stack.callback(cache.close)
                model = CachedChatModel(model, cache, prompt_version)
        log.debug("model %s at %s (cache %s)", model.name, model.endpoint, model is not client)
        yield MeteredChatModel(model, meter)


def _only_model(client: OpenAIChatModel) -> str:
    """With no model named, use the endpoint's model if it serves exactly one."""
    try:
        ids = client.list_models()
    except EndpointRejected as exc:
        raise UsageError(
            f"no model named for {client.endpoint}, and it does not list its models ({exc}): "
            "pass --model or set SUMMARIZER_MODEL"
        ) from exc
    if len(ids) == 1:
        return ids[0]
    listed = f"it lists {', '.join(ids[:5])}{'…' if len(ids) > 5 else ''}" if ids else "none"
    raise UsageError(
        f"no model named for {client.endpoint} ({listed}): pass --model or set SUMMARIZER_MODEL"
    )
