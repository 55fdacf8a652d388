"""QLoRA fine-tuning of Llama-architecture models on dialogue summarization, scored with textmetrics.

Modules: ``config`` (settings), ``data`` (files and the seed's split), ``prompt`` (template and tokenization),
``model`` (4-bit/LoRA loading), ``train``, ``predict``, ``evaluate`` and ``cli`` (``finetune run|train|predict|
evaluate``). Heavy libraries (torch, transformers, peft) are imported by those modules, not here.
"""
from .config import Config, ConfigError, load_config

__all__ = ["Config", "ConfigError", "load_config"]
