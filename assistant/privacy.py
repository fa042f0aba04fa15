"""Nothing leaves the machine: every library's telemetry, analytics and update checks off.

Imported first by `assistant/__init__.py`, so it runs in every process that uses the package
(library, CLI, page, evaluation, benchmarks) before any of those libraries is imported: most of
them read these switches once, at import or when their native runtime starts. Environment
variables only, so importing it costs nothing.

What each switch stops (the ones marked "forced" are set whatever the environment says, since
the README promises no telemetry; the offline switches are defaults an operator may lift to let
a model download):

- onnxruntime: `ORT_DISABLE_TELEMETRY` (forced). Its native 1DS telemetry thread otherwise
  resolves `mobile.events.data.microsoft.com` during ingestion (seen under strace).
- chromadb: `ANONYMIZED_TELEMETRY` (forced) turns off its posthog product telemetry.
- gradio: `GRADIO_ANALYTICS_ENABLED` (forced) turns off analytics and the version check;
  `GRADIO_RUN_HISTORY` (forced) its record of every call, which could be pushed to a Hugging
  Face bucket.
- huggingface_hub, transformers, sentence-transformers: `HF_HUB_DISABLE_TELEMETRY`,
  `HF_HUB_DISABLE_UPDATE_CHECK` and `DO_NOT_TRACK` (forced); `HF_HUB_OFFLINE` and
  `TRANSFORMERS_OFFLINE` (default 1): no model hub calls.
- `DO_NOT_TRACK=1` is also the cross-tool convention (https://donottrack.sh) other libraries
  honour.
"""

from __future__ import annotations

import os

FORCED = {
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "GRADIO_RUN_HISTORY": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "DO_NOT_TRACK": "1",
}
DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


def keep_everything_local(environ: dict | None = None) -> None:
    """Set the switches in `environ` (default: this process's environment, which child
    processes inherit)."""
    environ = os.environ if environ is None else environ
    environ.update(FORCED)
    for name, value in DEFAULTS.items():
        environ.setdefault(name, value)


keep_everything_local()
