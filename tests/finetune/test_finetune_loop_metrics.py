"""Generation-based metrics inside the training loop (train.generation_eval_size), best-model selection and early
stopping on them, and LoRA still learning after an in-loop generation under 4-bit on CPU. Fast tier: the tiny
random-weight Llama of conftest.py."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import torch

from finetune import cli
from finetune.config import ConfigError

METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum", "bleu")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def lora_weights(model) -> dict[str, torch.Tensor]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if "lora_" in n}


def saved_weights(path: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(str(path / "adapter_model.safetensors"))


def independent_scores(rows: list[dict]) -> dict[str, float]:
    """rouge-score (best reference per row by F, as its score_multi does) and sacrebleu: not textmetrics."""
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    sacrebleu = pytest.importorskip("sacrebleu")

    def lines(text):  # one sentence per line for rougeLsum
        return "\n".join(s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s)

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    lsum = rouge_scorer.RougeScorer(["rougeLsum"], use_stemmer=False)
    sums = dict.fromkeys(METRICS[:4], 0.0)
    for row in rows:
        multi = scorer.score_multi(row["references"], row["prediction"])
        for name in ("rouge1", "rouge2", "rougeL"):
            sums[name] += multi[name].fmeasure
        sums["rougeLsum"] += lsum.score_multi([lines(r) for r in row["references"]],
                                              lines(row["prediction"]))["rougeLsum"].fmeasure
    result = {name: 100 * total / len(rows) for name, total in sums.items()}
    n_refs = max(len(row["references"]) for row in rows)
    streams = [[row["references"][k] if k < len(row["references"]) else None for row in rows]
               for k in range(n_refs)]
    result["bleu"] = sacrebleu.BLEU().corpus_score([row["prediction"] for row in rows], streams).score
    return result


def test_metrics_logged_at_each_evaluation_equal_independent_scores(make_config, monkeypatch, capsys):
    """The tiny random model writes noise (every score 0), so each generated text gets reference words appended
    (a different amount per evaluation): real generation, non-trivial scores, recomputed with rouge-score and
    sacrebleu from the texts the run recorded."""
    import finetune.predict as predict_module

    cfg = make_config("none", train={"generation_eval_size": 3, "eval_on_start": True})
    pipeline = cli.Pipeline(cfg)
    test = pipeline.splits.test.head(3)
    refs = {pipeline.builder.prediction_prompt(text, cfg.predict.max_prompt_tokens): list(r)
            for text, r in zip(test["input"], test["references"])}
    real, calls = predict_module.generate, []

    def generate_with_reference_words(model, tokenizer, prompts, *args, **kwargs):
        calls.append(len(prompts))
        outputs = real(model, tokenizer, prompts, *args, **kwargs)
        k = 3 + 4 * len(calls)
        return [{**o, "text": f"{o['text']} {' '.join(refs[p][0].split()[:k])}. {' '.join(refs[p][1].split()[:k])}"}
                for o, p in zip(outputs, prompts)]

    monkeypatch.setattr(predict_module, "generate", generate_with_reference_words)
    trainer = pipeline.train()
    assert calls == [3, 3, 3]  # one batch of the 3 rows per evaluation
    out = Path(cfg.output_dir)
    evals = [h for h in trainer.state.log_history if "eval_loss" in h]
    assert [h["step"] for h in evals] == [0, 2, 4]
    generated = read_jsonl(out / "loop_generations.jsonl")
    assert [g["step"] for g in generated] == [0, 2, 4]
    assert all(h["eval_rouge2"] > 0 and h["eval_bleu"] > 0 for h in evals)
    assert len({h["eval_rougeL"] for h in evals}) == 3
    for entry, logged in zip(generated, evals):
        rows = entry["rows"]
        assert [r["id"] for r in rows] == list(test["id"])
        assert [r["references"] for r in rows] == [list(refs) for refs in test["references"]]
        expected = independent_scores(rows)
        for name in METRICS:
            assert logged[f"eval_{name}"] == pytest.approx(expected[name], abs=1e-9), (entry["step"], name)
        assert logged["eval_gen_rows"] == 3
        assert logged["eval_gen_tokens"] == sum(r["new_tokens"] for r in rows)
        assert logged["eval_gen_seconds"] > logged["eval_gen_score_seconds"] >= 0
        assert logged["eval_gen_score_share"] == pytest.approx(logged["eval_gen_score_seconds"]
                                                                / logged["eval_gen_seconds"])
    # the JSONL log holds the same entries, and each training log has the optimizer-step time
    assert [h for h in read_jsonl(out / "log_history.jsonl") if "eval_loss" in h] == evals
    assert all(h["step_seconds"] > 0 for h in trainer.state.log_history if "loss" in h)
    # the printed in-loop table has one row per evaluation, with the logged ROUGE-L
    printed = capsys.readouterr().out
    table_rows = [line for line in printed.splitlines() if line.startswith("| ") and line.count("|") == 12
                  and line.split("|")[1].strip().isdigit()]
    assert [int(line.split("|")[1]) for line in table_rows] == [0, 2, 4]
    assert [line.split("|")[5].strip() for line in table_rows] == [f"{h['eval_rougeL']:.2f}" for h in evals]
    assert "a training step took" in printed


def test_loss_curve_has_a_metrics_panel(make_config):
    from finetune.train import loss_figure

    cfg = make_config("none", train={"generation_eval_size": 2, "max_steps": 2})
    cli.Pipeline(cfg).train()
    out = Path(cfg.output_dir)
    assert (out / "loss_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    history = read_jsonl(out / "log_history.jsonl")
    fig = loss_figure(history)
    assert len(fig.axes) == 2
    lines = {line.get_label(): line for line in fig.axes[1].get_lines()}
    assert set(lines) == {"ROUGE-1", "ROUGE-2", "ROUGE-L", "ROUGE-Lsum", "BLEU"}
    evals = [h for h in history if "eval_rougeL" in h]
    assert list(lines["ROUGE-L"].get_xdata()) == [h["step"] for h in evals]
    assert list(lines["ROUGE-L"].get_ydata()) == [h["eval_rougeL"] for h in evals]
    without = [h for h in history if not any(k.startswith("eval_gen") or k == "eval_rougeL" for k in h)]
    assert len(loss_figure(without).axes) == 1  # no in-loop metrics: the old single panel


def test_generation_runs_in_eval_mode_and_restores_train_mode(make_config, monkeypatch):
    import finetune.predict as predict_module
    from finetune.loop_metrics import GenerationEvaluator, eval_rows

    cfg = make_config("none")
    pipeline = cli.Pipeline(cfg)
    model = pipeline.base_model()
    modes, real = [], predict_module.generate

    def spy(m, *args, **kwargs):
        modes.append(m.training)
        return real(m, *args, **kwargs)

    monkeypatch.setattr(predict_module, "generate", spy)
    evaluator = GenerationEvaluator(eval_rows(pipeline.splits, 2), pipeline.tokenizer, pipeline.builder, cfg.predict)
    model.train()
    evaluator(model, 0)
    assert modes == [False] and model.training
    model.eval()
    evaluator(model, 0)
    assert modes == [False, False] and not model.training


def test_best_rouge_checkpoint_is_loaded_at_end_and_reused(make_config, monkeypatch, capsys):
    """metric_for_best_model=rougeL: the scores are scripted (the tiny random model scores ~0 everywhere) so that
    the middle evaluation is the best; the adapter must be checkpoint-4's, not the last one's."""
    import finetune.loop_metrics as loop_metrics

    scripted = iter([10.0, 30.0, 20.0])
    real_score = loop_metrics.score
    monkeypatch.setattr(loop_metrics, "score", lambda rows: {**real_score(rows), "rougeL": next(scripted)})
    cfg = make_config("none", train={"generation_eval_size": 2, "max_steps": 6, "metric_for_best_model": "rougeL",
                                     "load_best_model_at_end": True})
    trainer = cli.Pipeline(cfg).train()
    out = Path(cfg.output_dir)
    evals = {h["step"]: h["eval_rougeL"] for h in trainer.state.log_history if "eval_rougeL" in h}
    assert evals == {2: 10.0, 4: 30.0, 6: 20.0}
    assert trainer.state.best_global_step == 4
    adapter = saved_weights(out / "adapter")
    best = saved_weights(out / "checkpoints" / "checkpoint-4")
    last = saved_weights(out / "checkpoints" / "checkpoint-6")
    assert adapter.keys() == best.keys()
    assert all(torch.equal(adapter[k], best[k]) for k in adapter)
    assert any(not torch.equal(adapter[k], last[k]) for k in adapter)
    digest = (out / "adapter" / "adapter_model.safetensors").read_bytes()
    capsys.readouterr()

    # a rerun reuses the adapter; without the adapter, it loads the best checkpoint again and trains nothing
    assert cli.Pipeline(cfg).train() is None
    assert "reused (training skipped)" in capsys.readouterr().out
    shutil.rmtree(out / "adapter")
    trainer = cli.Pipeline(cfg).train()
    assert "loading checkpoint-4 (the best), training nothing" in capsys.readouterr().out
    assert trainer.state.global_step == 6
    assert (out / "adapter" / "adapter_model.safetensors").read_bytes() == digest
    assert sorted(p.name for p in (out / "checkpoints").glob("checkpoint-*")) == [
        "checkpoint-2", "checkpoint-4", "checkpoint-6"]


def test_early_stopping_stops_when_rouge_does_not_improve(make_config, capsys):
    """learning_rate=0: the weights never change, so the generated texts and rougeL are the same at every
    evaluation; patience 1 stops at the second evaluation (step 4 of 8)."""
    cfg = make_config("none", train={"generation_eval_size": 2, "max_steps": 8, "learning_rate": 0.0,
                                     "metric_for_best_model": "rougeL", "early_stopping_patience": 1})
    trainer = cli.Pipeline(cfg).train()
    out = Path(cfg.output_dir)
    assert trainer.state.global_step == 4
    values = [h["eval_rougeL"] for h in trainer.state.log_history if "eval_rougeL" in h]
    assert len(values) == 2 and values[0] == values[1]
    assert max(h["step"] for h in trainer.state.log_history if "loss" in h) == 4
    record = json.loads((out / "adapter" / "fingerprint.json").read_text())
    assert record["components"]["steps"] == {"global_step": 4, "planned": 8, "stopped_early": True}
    capsys.readouterr()
    # the stop is an end: a rerun reuses the adapter; without it, the checkpoint where training stopped is loaded
    assert cli.Pipeline(cfg).train() is None
    shutil.rmtree(out / "adapter")
    trainer = cli.Pipeline(cfg).train()
    assert "training stopped early there" in capsys.readouterr().out
    assert trainer.state.global_step == 4
    assert not (out / "checkpoints" / "checkpoint-5").exists()


def test_early_stopping_does_not_stop_while_the_loss_improves(make_config):
    """Control for the test above: the same settings with a learning rate train to the end (eval_loss falls)."""
    cfg = make_config("none", train={"max_steps": 6, "metric_for_best_model": "eval_loss",
                                     "early_stopping_patience": 1, "learning_rate": 5e-3})
    trainer = cli.Pipeline(cfg).train()
    losses = [h["eval_loss"] for h in trainer.state.log_history if "eval_loss" in h]
    assert trainer.state.global_step == 6 and losses == sorted(losses, reverse=True)


@pytest.mark.parametrize("train, message", [
    ({"load_best_model_at_end": True, "save_strategy": "no"}, r"train\.save_strategy=no must equal "
                                                               r"train\.eval_strategy=steps"),
    ({"load_best_model_at_end": True, "save_steps": 3}, r"train\.save_steps \(3\) to be a multiple of "
                                                        r"train\.eval_steps \(2\)"),
    ({"load_best_model_at_end": True, "eval_strategy": "no"}, r"train\.eval_strategy=no"),
    ({"early_stopping_patience": 2, "save_steps": 4}, r"train\.save_steps \(4\) must equal train\.eval_steps"),
    ({"metric_for_best_model": "rougeL", "load_best_model_at_end": True}, r"train\.generation_eval_size=0"),
    ({"metric_for_best_model": "eval_rouge3"}, r"'train\.metric_for_best_model' must be loss or one of"),
    ({"generation_eval_size": -1}, r"train\.generation_eval_size must be 0"),
    ({"early_stopping_patience": -1}, r"train\.early_stopping_patience must be"),
])
def test_config_errors_name_the_setting(make_config, train, message):
    with pytest.raises(ConfigError, match=message):
        make_config("none", train=train)


def test_valid_selection_settings_reach_training_arguments(make_config):
    from finetune.train import training_arguments

    args = training_arguments(make_config("none", train={"generation_eval_size": 2, "metric_for_best_model": "bleu",
                                                          "load_best_model_at_end": True, "save_steps": 4}))
    assert (args.metric_for_best_model, args.greater_is_better, args.load_best_model_at_end) == (
        "eval_bleu", True, True)
    args = training_arguments(make_config("none", train={"load_best_model_at_end": True}))
    assert (args.metric_for_best_model, args.greater_is_better) == ("eval_loss", False)
    plain = training_arguments(make_config("none", train={"generation_eval_size": 2}))
    assert (plain.metric_for_best_model, plain.load_best_model_at_end) == (None, False)
    # no evaluation: nothing to generate at, not an error (e.g. train.eval_strategy=no over a file that generates)
    make_config("none", train={"generation_eval_size": 2, "eval_strategy": "no", "eval_on_start": False})


def test_training_fingerprint_follows_selection_only(make_config):
    def fingerprint(**train):
        return cli.Pipeline(make_config("none", train=train)).training_fingerprint()

    plain = fingerprint()
    assert "selection" not in plain["components"]["training"]
    # generating in the loop, or naming a metric, does not change the weights: same fingerprint
    assert fingerprint(generation_eval_size=2)["hash"] == plain["hash"]
    assert fingerprint(generation_eval_size=2, metric_for_best_model="rougeL")["hash"] == plain["hash"]
    best_loss = fingerprint(load_best_model_at_end=True)
    assert best_loss["hash"] != plain["hash"]
    assert best_loss["components"]["training"]["selection"]["metric"] == "loss"
    best_rouge = fingerprint(generation_eval_size=2, metric_for_best_model="rougeL", load_best_model_at_end=True)
    assert best_rouge["hash"] not in (plain["hash"], best_loss["hash"])
    assert fingerprint(generation_eval_size=3, metric_for_best_model="rougeL",
                       load_best_model_at_end=True)["hash"] != best_rouge["hash"]
    assert fingerprint(early_stopping_patience=1)["hash"] not in (plain["hash"], best_loss["hash"])


def test_predict_settings_enter_the_fingerprint_only_for_a_generated_metric(make_config):
    def fingerprint(max_new_tokens, **train):
        return cli.Pipeline(make_config("none", train=train, predict={"max_new_tokens": max_new_tokens,
                                                                      "progress": False})).training_fingerprint()

    rouge = {"generation_eval_size": 2, "metric_for_best_model": "rougeL", "load_best_model_at_end": True}
    assert fingerprint(6, **rouge)["hash"] != fingerprint(7, **rouge)["hash"]
    loss = {"generation_eval_size": 2, "load_best_model_at_end": True}
    assert fingerprint(6, **loss)["hash"] == fingerprint(7, **loss)["hash"]


def _simulate_avx512bf16(monkeypatch):
    import bitsandbytes.nn.modules as bnb_modules

    monkeypatch.setattr(bnb_modules, "has_avx512bf16", lambda: True)


def _train_4bit_without_load_workaround(make_config, monkeypatch):
    """4-bit base loaded straight with from_pretrained (not finetune.model.load_base_model, which already turns
    bitsandbytes' CPU repacking off) on a simulated AVX512-BF16 CPU; in-loop generation at steps 0, 2, 4 and no
    checkpoints (a save would unpack the weights and hide the bug). Returns the grad norms and the LoRA weights
    at each evaluation."""
    from transformers import AutoModelForCausalLM, TrainerCallback

    from finetune.data import tokenize_rows
    from finetune.model import add_lora, bnb_config
    from finetune.loop_metrics import eval_rows
    from finetune.train import train

    _simulate_avx512bf16(monkeypatch)
    cfg = make_config("4bit", train={"generation_eval_size": 2, "eval_on_start": True, "save_strategy": "no",
                                     "max_steps": 4, "eval_steps": 2})
    pipeline = cli.Pipeline(cfg)
    base = AutoModelForCausalLM.from_pretrained(pipeline.model_path, dtype=torch.float32, device_map={"": "cpu"},
                                                quantization_config=bnb_config(cfg.model))
    model = add_lora(base, cfg.model, seed=0)
    train_ds, _ = tokenize_rows(pipeline.splits.train, pipeline.builder, "train")
    eval_ds, _ = tokenize_rows(pipeline.splits.eval, pipeline.builder, "validation")
    snapshots = {}

    class Snapshot(TrainerCallback):
        def on_evaluate(self, args, state, control, **kwargs):
            snapshots[state.global_step] = lora_weights(model)

    trainer = train(cfg, model, pipeline.tokenizer, train_ds, eval_ds, callbacks=[Snapshot()],
                    generation_rows=eval_rows(pipeline.splits, 2), builder=pipeline.builder)
    grad_norms = [h["grad_norm"] for h in trainer.state.log_history if "grad_norm" in h]
    assert [h["step"] for h in trainer.state.log_history if "eval_rougeL" in h] == [0, 2, 4]
    return grad_norms, snapshots


def test_lora_still_learns_after_in_loop_generation_in_4bit(make_config, monkeypatch):
    grad_norms, snapshots = _train_4bit_without_load_workaround(make_config, monkeypatch)
    assert len(grad_norms) == 4 and all(g > 0 for g in grad_norms)
    for before, after in ((0, 2), (2, 4)):  # the weights move between each evaluation and the next
        for kind in ("lora_A", "lora_B"):
            assert any(not torch.equal(snapshots[before][n], snapshots[after][n])
                       for n in snapshots[before] if kind in n), (kind, before, after)


def test_without_the_guard_in_loop_evaluation_kills_the_gradients(make_config, monkeypatch):
    """Control for the test above: with the training loop's repacking guard made a no-op, the same run learns
    nothing after the first evaluation, so the test above would catch a missing guard."""
    import finetune.loop_metrics as loop_metrics

    monkeypatch.setattr(loop_metrics, "disable_repacking", lambda model: None)
    grad_norms, snapshots = _train_4bit_without_load_workaround(make_config, monkeypatch)
    assert grad_norms == [0.0] * 4
    assert all(torch.equal(snapshots[0][n], snapshots[4][n]) for n in snapshots[0])


def test_in_loop_generation_leaves_the_trained_weights_unchanged(make_config, tmp_path):
    """Why generation_eval_size alone stays out of the training fingerprint: with LoRA dropout (random) and
    sampling predict settings (generate() reseeds torch's RNG), training with in-loop generation gives the same
    adapter as training without it."""
    def adapter(name, **train):
        cfg = make_config("none", output_dir=tmp_path / name, model={"lora_dropout": 0.2},
                          predict={"do_sample": True, "seed": 7}, train={"max_steps": 4, **train})
        cli.Pipeline(cfg).train()
        return saved_weights(Path(cfg.output_dir) / "adapter")

    plain = adapter("plain", eval_on_start=True)
    generating = adapter("generating", generation_eval_size=2, eval_on_start=True)
    assert plain.keys() == generating.keys()
    assert all(torch.equal(plain[k], generating[k]) for k in plain)


def test_the_evaluation_schedule_does_not_change_the_trained_weights(make_config, tmp_path):
    """Each evaluation's DataLoader draws a seed from torch's RNG; evaluations run on a forked RNG, so with LoRA
    dropout the adapter is the same whether and how often validation runs (the schedule is not fingerprinted)."""
    def adapter(name, **train):
        cfg = make_config("none", output_dir=tmp_path / name, model={"lora_dropout": 0.2},
                          train={"max_steps": 4, "save_steps": 4, **train})
        cli.Pipeline(cfg).train()
        return saved_weights(Path(cfg.output_dir) / "adapter")

    every_two = adapter("every-two", eval_on_start=True, eval_steps=2)
    none = adapter("none", eval_on_start=False, eval_strategy="no")
    assert every_two.keys() == none.keys()
    assert all(torch.equal(every_two[k], none[k]) for k in every_two)
