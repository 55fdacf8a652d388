"""Training: the seed's TrainingArguments (transformers 5 names), DataCollatorForSeq2Seq, Trainer, resume, loss log."""
from __future__ import annotations

import contextlib
import json
from pathlib import Path

import torch

from .config import Config
from .model import is_main_process, log

ADAPTER_DIR = "adapter"
LOG_FILE = "log_history.jsonl"
LOSS_PNG = "loss_curve.png"


def training_arguments(cfg: Config):
    """The seed's arguments; ``evaluation_strategy`` is ``eval_strategy`` in transformers 5."""
    from transformers import TrainingArguments

    t = cfg.train
    return TrainingArguments(
        output_dir=str(Path(cfg.output_dir) / "checkpoints"),
        per_device_train_batch_size=t.per_device_train_batch_size,
        per_device_eval_batch_size=t.per_device_eval_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation_steps,
        learning_rate=t.learning_rate,
        num_train_epochs=t.num_train_epochs,
        max_steps=t.max_steps,
        logging_steps=t.logging_steps,
        optim=t.optim,
        eval_strategy=t.eval_strategy,
        save_strategy=t.save_strategy,
        eval_steps=t.eval_steps,
        save_steps=t.save_steps,
        eval_on_start=t.eval_on_start,
        save_total_limit=t.save_total_limit,
        lr_scheduler_type=t.lr_scheduler_type,
        warmup_steps=t.warmup_steps,
        seed=t.seed,
        bf16=t.bf16,
        fp16=t.fp16,
        use_cpu=not torch.cuda.is_available(),
        report_to="none",
        ddp_find_unused_parameters=False,
        disable_tqdm=not is_main_process(),
    )


def data_collator(tokenizer):
    """Pads input_ids with the pad id and labels with -100, by position: a real EOS label survives pad == eos."""
    from transformers import DataCollatorForSeq2Seq

    return DataCollatorForSeq2Seq(tokenizer, padding=True, return_tensors="pt")


def last_checkpoint(cfg: Config) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    folder = Path(cfg.output_dir) / "checkpoints"
    return get_last_checkpoint(str(folder)) if folder.is_dir() else None


def train(cfg: Config, model, tokenizer, train_dataset, eval_dataset, callbacks=None):
    """Train the LoRA adapter of ``model`` (a PeftModel); saves it to ``<output_dir>/adapter``.

    Resumes from the last checkpoint in ``<output_dir>/checkpoints`` when ``train.resume`` is on. Writes the log
    history as JSONL and a loss-curve PNG. Returns the Trainer.
    """
    from transformers import Trainer

    args = training_arguments(cfg)
    if args.eval_strategy != "no" and (eval_dataset is None or len(eval_dataset) == 0):
        raise ValueError("train.eval_strategy needs validation rows (data.eval_size is 0 or the test split is empty)")
    trainer = Trainer(
        model=model,
        processing_class=tokenizer,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        args=args,
        data_collator=data_collator(tokenizer),
        callbacks=callbacks,
    )
    resume = last_checkpoint(cfg) if cfg.train.resume else None
    if resume and is_main_process():
        log(f"resuming from {resume}")
    autocast = (
        torch.autocast("cuda") if torch.cuda.is_available() and cfg.train.autocast_cuda else contextlib.nullcontext()
    )
    with autocast:
        trainer.train(resume_from_checkpoint=resume)
    if trainer.is_world_process_zero():
        out = Path(cfg.output_dir)
        trainer.model.save_pretrained(out / ADAPTER_DIR)
        tokenizer.save_pretrained(out / ADAPTER_DIR)
        write_log_history(trainer.state.log_history, out / LOG_FILE)
        plot_loss(trainer.state.log_history, out / LOSS_PNG)
        log(f"adapter saved to {out / ADAPTER_DIR}; log in {out / LOG_FILE}, loss curve in {out / LOSS_PNG}")
    return trainer


def write_log_history(history: list[dict], path: Path) -> None:
    with open(path, "w") as f:
        for entry in history:
            f.write(json.dumps(entry) + "\n")


def loss_table(history: list[dict]) -> list[tuple[int, float | None, float | None]]:
    """(step, training loss, validation loss) rows like the seed's table."""
    rows: dict[int, list] = {}
    for entry in history:
        step = entry.get("step")
        if "loss" in entry:
            rows.setdefault(step, [None, None])[0] = entry["loss"]
        if "eval_loss" in entry:
            rows.setdefault(step, [None, None])[1] = entry["eval_loss"]
    return [(step, *rows[step]) for step in sorted(rows)]


def plot_loss(history: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = loss_table(history)
    fig, ax = plt.subplots(figsize=(6, 4))
    for column, label, marker in ((1, "training loss", "o-"), (2, "validation loss", "s-")):
        points = [(row[0], row[column]) for row in table if row[column] is not None]
        if points:
            ax.plot(*zip(*points), marker, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("LoRA fine-tuning")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
