"""Generation-based metrics inside the training loop: at every evaluation, a few validation rows are generated
with the prediction settings and scored with textmetrics (ROUGE-1/2/L/Lsum F x100, corpus BLEU), next to the
validation loss.

The metrics enter the Trainer's own metrics dict (``eval_rougeL``, ``eval_bleu``, ...), so they are in the log
history, ``log_history.jsonl``, the loss-curve PNG's second panel, and ``metric_for_best_model`` /
``EarlyStoppingCallback`` can use them. Each evaluation also records ``eval_gen_seconds`` (generation + scoring),
``eval_gen_score_seconds`` and ``eval_gen_score_share`` (the scoring part), ``eval_gen_rows`` and
``eval_gen_tokens`` (new tokens generated); each training log gets ``step_seconds``, the mean time of the
optimizer steps since the previous log, so that the in-loop cost can be read against the step time.
"""
from __future__ import annotations

import contextlib
import json
import math
import time
from pathlib import Path

import torch

from .config import LOOP_METRICS, PredictConfig
from .model import is_main_process

GENERATIONS_FILE = "loop_generations.jsonl"  # in output_dir: the texts each evaluation generated and scored


def score(rows: list[dict]) -> dict:
    """Mean ROUGE-1/2/L/Lsum F-measure (x100, each prediction against its best reference) and corpus BLEU
    against all references: the same functions and conventions as ``finetune evaluate`` (rows: ``prediction``,
    ``references``)."""
    from textmetrics import bleu

    from .evaluate import rouge_per_row

    if not rows:
        raise ValueError("no generated rows to score")
    result = {}
    for name, scores in rouge_per_row(rows, ("rouge1", "rouge2", "rougeL", "rougeLsum")).items():
        result[name] = 100 * math.fsum(s.fmeasure for s in scores) / len(scores)
    result["bleu"] = bleu([row["references"] for row in rows], [row["prediction"] for row in rows]).score
    return result


def disable_repacking(model) -> None:
    """bitsandbytes' CPU bug (docs/finetune.md, "Metrics inside the training loop"): a no-grad eval-mode forward
    of a ``Linear4bit`` on an AVX512-BF16 CPU repacks its weight into an inference layout without an autograd
    kernel, and every later LoRA gradient is 0. :func:`finetune.model.load_base_model` already turns that off;
    this makes sure of it for any model that reaches the training loop (idempotent, no effect on a GPU)."""
    try:
        from .model import disable_cpu_repacking

        disable_cpu_repacking(model)
    except ImportError:  # no bitsandbytes: no 4-bit layers either
        pass


class GenerationEvaluator:
    """Generates the fixed rows with ``finetune.predict.generate`` and scores them.

    ``rows``: dicts with ``id``, ``input`` and ``references``. The prompts are built once, as prediction builds
    them (``PromptBuilder.prediction_prompt`` with ``predict.max_prompt_tokens``), and generated in batches of
    ``predict.batch_size`` with the prediction settings and seeds (seed + first row of the batch). Generation
    runs in eval mode, with any CUDA autocast of the training loop switched off (prediction runs without one),
    on a forked RNG (sampling reseeds it; the training's random stream is left as it was), and the model's
    train/eval mode is restored afterwards.
    """

    def __init__(self, rows: list[dict], tokenizer, builder, predict_cfg: PredictConfig,
                 out_path: str | Path | None = None):
        self.rows = list(rows)
        self.tokenizer, self.cfg = tokenizer, predict_cfg
        self.prompts = [builder.prediction_prompt(r["input"], predict_cfg.max_prompt_tokens) for r in self.rows]
        self.out_path = Path(out_path) if out_path else None

    def start(self, resume_step: int | None) -> None:
        """Drop the generations file's evaluations after ``resume_step`` (all of them when training from step 0),
        so that a resumed run does not list an evaluation twice."""
        if self.out_path is None or not is_main_process():
            return
        kept = []
        if resume_step is not None and self.out_path.is_file():
            for line in self.out_path.read_text().splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    break  # a line cut off by a kill: drop it and what follows
                if entry.get("step", math.inf) <= resume_step:
                    kept.append(line + "\n")
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        self.out_path.write_text("".join(kept))

    def generate(self, model) -> list[dict]:
        from .predict import generate

        outputs = []
        for start in range(0, len(self.prompts), self.cfg.batch_size):
            outputs += generate(model, self.tokenizer, self.prompts[start:start + self.cfg.batch_size], self.cfg,
                                seed=self.cfg.seed + start)
        return outputs

    def __call__(self, model, step: int) -> dict:
        """Metrics of one evaluation, without the ``eval_`` prefix."""
        t0 = time.perf_counter()
        was_training = model.training
        disable_repacking(model)
        model.eval()
        no_autocast = (torch.autocast("cuda", enabled=False) if torch.cuda.is_available()
                       else contextlib.nullcontext())
        # sampling settings reseed torch's RNG in generate(): keep the training's RNG stream (dropout, and the data
        # order of later epochs) as it would be without in-loop generation
        devices = [torch.cuda.current_device()] if torch.cuda.is_available() else []
        try:
            with no_autocast, torch.random.fork_rng(devices=devices):
                outputs = self.generate(model)
        finally:
            model.train(was_training)
        t1 = time.perf_counter()
        rows = [{"id": r["id"], "prediction": o["text"], "references": list(r["references"]),
                 "new_tokens": o["new_tokens"], "finish": o["finish"]} for r, o in zip(self.rows, outputs)]
        metrics = score(rows)
        t2 = time.perf_counter()
        total = t2 - t0
        metrics.update(gen_seconds=total, gen_score_seconds=t2 - t1,
                       gen_score_share=(t2 - t1) / total if total else 0.0,
                       gen_rows=len(rows), gen_tokens=sum(r["new_tokens"] for r in rows))
        if self.out_path is not None and is_main_process():
            with self.out_path.open("a") as f:
                f.write(json.dumps({"step": step, "rows": rows}, ensure_ascii=False) + "\n")
        return _same_on_every_process(metrics)


def _same_on_every_process(metrics: dict) -> dict:
    """Under torchrun every process generates the same rows; rank 0's numbers are used everywhere, so that the
    best-model and early-stopping decisions agree between processes."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        box = [metrics]
        dist.broadcast_object_list(box, src=0)
        return box[0]
    return metrics


def eval_rows(splits, n: int) -> list[dict]:
    """The first ``n`` validation rows (the validation rows are the first test rows, data.eval_size of them) with
    all of their references."""
    n = min(n, len(splits.eval))
    test = splits.test.head(n)
    return [{"id": str(i), "input": text, "references": list(refs)}
            for i, text, refs in zip(test["id"], test["input"], test["references"])]


def step_timer():
    """A TrainerCallback timing each optimizer step from ``on_step_begin`` to ``on_step_end`` (forward, backward,
    optimizer; not evaluation or checkpointing)."""
    from transformers import TrainerCallback

    class StepTimer(TrainerCallback):
        def __init__(self):
            self.durations: list[float] = []
            self._start = None

        def on_step_begin(self, args, state, control, **kwargs):
            self._start = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            if self._start is not None:
                self.durations.append(time.perf_counter() - self._start)
                self._start = None

        def take(self) -> float | None:
            """Mean duration of the steps since the last call."""
            if not self.durations:
                return None
            mean = math.fsum(self.durations) / len(self.durations)
            self.durations.clear()
            return mean

    return StepTimer()


def trainer_class():
    """``Trainer`` with the generation metrics added to each evaluation's metrics (before they are logged and
    compared for the best model / early stopping) and ``step_seconds`` added to each training log."""
    from transformers import Trainer

    class LoopMetricsTrainer(Trainer):
        def __init__(self, *args, generation_evaluator: GenerationEvaluator | None = None, timer=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.generation_evaluator, self.timer = generation_evaluator, timer

        def evaluate(self, *args, **kwargs):
            # An evaluation draws from torch's RNG (each DataLoader iterator takes a seed). Forked, so that the
            # evaluation schedule (eval_on_start, eval_steps) does not shift the training stream (LoRA dropout,
            # data order): the adapter depends on the training settings only, as its fingerprint says.
            import torch

            devices = [torch.cuda.current_device()] if torch.cuda.is_available() else []
            with torch.random.fork_rng(devices=devices):
                return super().evaluate(*args, **kwargs)

        def evaluation_loop(self, dataloader, description, prediction_loss_only=None, ignore_keys=None,
                            metric_key_prefix="eval"):
            was_training = self.model.training
            output = super().evaluation_loop(dataloader, description, prediction_loss_only=prediction_loss_only,
                                             ignore_keys=ignore_keys, metric_key_prefix=metric_key_prefix)
            if self.generation_evaluator is not None:
                metrics = self.generation_evaluator(self.model, self.state.global_step)
                output.metrics.update({f"{metric_key_prefix}_{k}": v for k, v in metrics.items()})
            self.model.train(was_training)
            return output

        def log(self, logs, start_time=None):
            if self.timer is not None and "loss" in logs:
                seconds = self.timer.take()
                if seconds is not None:
                    logs = {**logs, "step_seconds": seconds}
            return super().log(logs, start_time)

    return LoopMetricsTrainer


# --- the in-loop table ------------------------------------------------------------------------------------------
def loop_rows(history: list[dict]) -> list[dict]:
    """The evaluations of a log history that have generation metrics, in step order."""
    return sorted((e for e in history if "eval_rougeL" in e), key=lambda e: e.get("step", 0))


def mean_step_seconds(history: list[dict]) -> float | None:
    """Mean optimizer-step time over the training logs (weighted by the steps each log covers)."""
    last, total, steps = 0, 0.0, 0
    for entry in sorted((e for e in history if "step_seconds" in e), key=lambda e: e["step"]):
        covered = max(entry["step"] - last, 1)
        total += entry["step_seconds"] * covered
        steps += covered
        last = entry["step"]
    return total / steps if steps else None


def loop_table(history: list[dict]) -> str:
    """Markdown table of the in-loop metrics (empty string without any) and a line on their cost."""
    rows = loop_rows(history)
    if not rows:
        return ""
    header = ["step", "eval loss", "ROUGE-1", "ROUGE-2", "ROUGE-L", "ROUGE-Lsum", "BLEU", "rows", "new tokens",
              "seconds", "scoring"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for e in rows:
        loss = f"{e['eval_loss']:.4f}" if "eval_loss" in e else ""
        cells = [str(e.get("step", "")), loss] + [f"{e[f'eval_{m}']:.2f}" for m in LOOP_METRICS]
        cells += [str(e.get("eval_gen_rows", "")), str(e.get("eval_gen_tokens", "")),
                  f"{e.get('eval_gen_seconds', math.nan):.2f}",
                  f"{100 * e.get('eval_gen_score_share', math.nan):.1f} %"]
        lines.append("| " + " | ".join(cells) + " |")
    seconds = [e["eval_gen_seconds"] for e in rows if "eval_gen_seconds" in e]
    if seconds:
        mean = math.fsum(seconds) / len(seconds)
        line = f"In-loop generation + scoring: {mean:.2f} s per evaluation on average"
        step = mean_step_seconds(history)
        if step:
            line += f"; a training step took {step:.2f} s on average, so each evaluation cost {mean / step:.2f} steps"
        lines += ["", line + "."]
    return "\n".join(lines)
