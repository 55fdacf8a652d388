"""QLoRA fine-tuning of Llama-architecture models on dialogue summarization, scored with textmetrics.

Modules: ``config`` (settings), ``data`` (files and the seed's split), ``prompt`` (template and tokenization),
``model`` (4-bit/LoRA loading), ``train``, ``predict``, ``evaluate`` and ``cli`` (``finetune run|train|predict|
evaluate``). Heavy libraries (torch, transformers, peft) are imported by those modules, not here.
"""
from __future__ import annotations

__all__ = ["Config", "ConfigError", "load_config"]


def __getattr__(name: str):
    # lazy: the console script (finetune._entry) must import without PyYAML to name the missing extra
    if name in __all__:
        from . import config

        return getattr(config, name)
    raise AttributeError(f"module 'finetune' has no attribute {name!r}")
