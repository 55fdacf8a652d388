"""Fixtures for the finetune tests: a tiny random Llama, a tokenizer, DialogSum rows, and the slow-tier switch.

Fast tier (every ``make test``): a random-weight Llama with dimensions that are multiples of 32 and the real
Llama-2 tokenizer from ``../shared/data/llama2-tokenizer`` when that folder exists, else a BPE trained here.
Slow tier (``@pytest.mark.slow``, the real SmolLM2-135M): skipped unless pytest runs with ``-m slow`` (or any
``-m`` expression naming ``slow``) or the environment sets ``FINETUNE_SLOW=1``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the finetune CLI does: no spinning threads on 2 cores

from finetune_helpers import LLAMA2_TOKENIZER, SAMPLE, llama2_tokenizer, trained_tokenizer

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    wanted = "slow" in (config.getoption("-m") or "") or os.environ.get("FINETUNE_SLOW") == "1"
    if wanted:
        return
    skip = pytest.mark.skip(reason="slow tier: run with `pytest -m slow` or FINETUNE_SLOW=1")
    for item in items:
        if "slow" in item.keywords and HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def tokenizer_kind() -> str:
    return "llama2" if LLAMA2_TOKENIZER.is_dir() else "trained"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tokenizer_kind) -> Path:
    """A random-weight LlamaForCausalLM (hidden 64, intermediate 128, 2 layers, 4 heads) with the tokenizer."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tok = llama2_tokenizer() if tokenizer_kind == "llama2" else trained_tokenizer()
    config = LlamaConfig(
        vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    path = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tokenizer(tiny_model_dir):
    from finetune.config import ModelConfig
    from finetune.model import load_tokenizer

    return load_tokenizer(ModelConfig(path=str(tiny_model_dir)))


@pytest.fixture
def make_config(tmp_path, tiny_model_dir):
    """Settings for a few-step run of the tiny model on sample rows; keyword sections override them."""
    from finetune.config import from_dict

    def make(quantization="4bit", output_dir=None, **sections):
        base = {
            "output_dir": str(output_dir or tmp_path / "run"),
            "data": {"train_file": str(SAMPLE / "train.jsonl"), "test_file": str(SAMPLE / "test.jsonl"),
                     "test_target_columns": ["summary1", "summary2", "summary3"], "id_column": "fname",
                     "train_size": 16, "test_size": 4, "eval_size": 4},
            "prompt": {"max_length": 64, "truncate_input": True, "train_on_prompt": False},
            "model": {"path": str(tiny_model_dir), "quantization": quantization, "compute_dtype": "float32",
                      "gradient_checkpointing": False, "lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0},
            "train": {"per_device_train_batch_size": 2, "gradient_accumulation_steps": 1, "learning_rate": 1e-2,
                      "max_steps": 4, "logging_steps": 1, "eval_steps": 2, "save_steps": 2,
                      "per_device_eval_batch_size": 4},
            "predict": {"batch_size": 4, "max_new_tokens": 6, "max_prompt_tokens": 48, "progress": False},
        }
        for section, values in sections.items():
            if isinstance(values, dict):
                base.setdefault(section, {}).update(values)
            else:
                base[section] = values
        return from_dict(base)

    return make
