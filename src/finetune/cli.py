"""``finetune run|train|predict|evaluate --config FILE [key=value ...]``: the pipeline's steps and their order."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub: models and data are local
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Idle OpenMP threads sleep instead of spinning. On the 2-core development machine, shared with other jobs,
# spinning made training steps ~5x and decoding steps up to ~15x slower (measured); idle machine: not measured.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import yaml  # noqa: E402

from .config import Config, ConfigError, load_config, to_dict  # noqa: E402
from .model import is_main_process, log  # noqa: E402

PREDICTIONS = {"base": "predictions-base.jsonl", "finetuned": "predictions-finetuned.jsonl"}


def prediction_files(cfg: Config) -> dict[str, Path]:
    return {tag: Path(cfg.output_dir) / name for tag, name in PREDICTIONS.items()}


class Pipeline:
    """The steps of one run, sharing the loaded tokenizer, data and model."""

    def __init__(self, cfg: Config):
        from .data import load_splits
        from .model import load_tokenizer, resolve_model_path
        from .prompt import PromptBuilder

        self.cfg = cfg
        self.model_path = resolve_model_path(cfg.model)  # fails early, before anything is written
        self.out = Path(cfg.output_dir)
        if is_main_process() and (self.out / "checkpoints").is_dir():
            log(f"{self.out} holds an earlier run: finished steps and predictions are reused (delete it to start over)")
        self.out.mkdir(parents=True, exist_ok=True)
        if is_main_process():
            (self.out / "config.yaml").write_text(yaml.safe_dump(to_dict(cfg), sort_keys=False))
        self.tokenizer = load_tokenizer(cfg.model, self.model_path)
        self.splits = load_splits(cfg.data)
        self.builder = PromptBuilder(self.tokenizer, cfg.prompt, "input", "target")
        self.model = None

    def base_model(self):
        from .model import load_base_model

        if self.model is None:
            t = time.time()
            self.model = load_base_model(self.cfg.model, self.model_path)
            if is_main_process():
                log(f"loaded {self.model_path} ({self.cfg.model.quantization}) in {time.time() - t:.1f} s")
        return self.model

    def predict(self, tag: str):
        """Predict the test rows with the base model (tag "base") or with the adapter ("finetuned")."""
        import contextlib

        from .model import load_adapter
        from .predict import predict

        model = self.base_model()
        if tag == "finetuned" and not hasattr(model, "peft_config"):
            model = self.model = load_adapter(model, self.out / "adapter")
        base_of_peft = tag == "base" and hasattr(model, "peft_config")
        with model.disable_adapter() if base_of_peft else contextlib.nullcontext():
            return predict(model, self.tokenizer, self.builder, self.splits.test, prediction_files(self.cfg)[tag],
                           self.cfg.predict, desc=f"predict ({tag})")

    def train(self):
        from .data import tokenize_rows, write_report
        from .model import add_lora
        from .train import last_checkpoint, loss_table, train

        train_ds, train_report = tokenize_rows(self.splits.train, self.builder, "train")
        eval_ds, eval_report = tokenize_rows(self.splits.eval, self.builder, "validation")
        if is_main_process():
            write_report(self.out / "truncation.json", {"train": train_report, "validation": eval_report})
        model = add_lora(self.base_model(), self.cfg.model)
        if is_main_process():
            trainable, total = model.get_nb_trainable_parameters()
            log(f"LoRA: {trainable:,} trainable of {total:,} parameters")
        checkpoint = last_checkpoint(self.cfg)
        start = int(checkpoint.rsplit("-", 1)[-1]) if checkpoint else 0
        trainer = train(self.cfg, model, self.tokenizer, train_ds, eval_ds)
        self.model = trainer.model
        stale = prediction_files(self.cfg)["finetuned"]
        if trainer.state.global_step > start and stale.exists() and is_main_process():
            stale.unlink()  # predictions of an older adapter
        if is_main_process():
            rows = loss_table(trainer.state.log_history)
            print("\n| step | training loss | validation loss |\n| --- | --- | --- |")
            for step, loss, eval_loss in rows:
                fmt = lambda v: "" if v is None else f"{v:.4f}"  # noqa: E731
                print(f"| {step} | {fmt(loss)} | {fmt(eval_loss)} |")
            print()
        return trainer


def evaluate(cfg: Config) -> dict:
    from .evaluate import build_report, table, write_report

    report = build_report(prediction_files(cfg))
    json_path, md_path = write_report(report, cfg.output_dir)
    print("\n" + table(report) + "\n")
    log(f"report: {md_path} and {json_path}")
    return report


def run(cfg: Config) -> dict:
    """Base-model predictions, LoRA training, fine-tuned predictions, then the before/after report."""
    t0 = time.time()
    pipeline = Pipeline(cfg)
    steps = [("base model predictions", lambda: pipeline.predict("base")),
             ("training", pipeline.train),
             ("fine-tuned predictions", lambda: pipeline.predict("finetuned"))]
    for n, (name, step) in enumerate(steps, 1):
        log(f"step {n}/4: {name} ({time.time() - t0:.0f} s so far)")
        step()
    log(f"step 4/4: scores ({time.time() - t0:.0f} s so far)")
    report = evaluate(cfg)
    log(f"done in {time.time() - t0:.0f} s")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="finetune", description=__doc__)
    parser.add_argument("command", choices=["run", "train", "predict", "evaluate"],
                        help="run = predict with the base model, train, predict with the adapter, evaluate")
    parser.add_argument("--config", required=True, help="YAML settings file, e.g. configs/default.yaml")
    parser.add_argument("--base", action="store_true", help="predict: use the base model, not the adapter")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="override settings, e.g. train.max_steps=5")
    args = parser.parse_intermixed_args(argv)
    try:
        cfg = load_config(args.config, args.overrides)
    except ConfigError as exc:
        parser.error(str(exc))
    if args.command in ("run", "predict") and int(os.environ.get("WORLD_SIZE", "1")) > 1:
        parser.error(f"`finetune {args.command}` runs in one process; only `finetune train` runs under torchrun")
    try:
        if args.command == "run":
            run(cfg)
        elif args.command == "train":
            Pipeline(cfg).train()
        elif args.command == "predict":
            pipeline = Pipeline(cfg)
            adapter = Path(cfg.output_dir) / "adapter"
            pipeline.predict("base" if args.base or not adapter.is_dir() else "finetuned")
        else:
            evaluate(cfg)
    except FileNotFoundError as exc:  # a missing model folder, data file, adapter or prediction file
        print(f"finetune: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
