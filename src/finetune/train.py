"""Training: the seed's TrainingArguments (transformers 5 names), DataCollatorForSeq2Seq, Trainer, resume, loss log."""
from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
from pathlib import Path

import torch

from . import fingerprint as fingerprints
from .config import Config
from .model import is_main_process, log

ADAPTER_DIR = "adapter"
LOG_FILE = "log_history.jsonl"
LOSS_PNG = "loss_curve.png"
TENSORBOARD_DIR = "tensorboard"


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


CHECKPOINTS_DIR = "checkpoints"
CHECKPOINT_FINGERPRINT = "fingerprint.json"  # in checkpoints/: what every checkpoint-N there was trained from
ADAPTER_FINGERPRINT = "fingerprint.json"     # in adapter/: written last, so its presence marks a complete adapter
ADAPTER_WEIGHTS = "adapter_model.safetensors"

# Training settings that do not change the trained weights (logging, evaluation, checkpointing, resuming).
# ``max_steps``/``num_train_epochs`` are left out too: they decide how far to train, and the step count is recorded
# separately, so that raising ``max_steps`` continues from the last checkpoint.
NOT_IN_TRAINING_FINGERPRINT = {"resume", "logging_steps", "eval_strategy", "eval_steps", "save_strategy",
                               "save_steps", "eval_on_start", "save_total_limit", "per_device_eval_batch_size",
                               "report_to", "max_steps", "num_train_epochs", "autocast_cuda", "autocast_dtype"}


def autocast_dtype(cfg: Config, cuda: bool | None = None, capability: tuple[int, int] | None = None):
    """The dtype of the ``torch.autocast("cuda")`` block around training, or None when there is none.

    "float16" is the seed literally: ``torch.autocast("cuda")`` without a dtype is float16, and no gradient
    scaler runs. "auto" (the default) is bfloat16 on compute capability 8.0+ (Ampere, Hopper, later): bfloat16
    has float32's exponent range, so small gradients do not underflow to zero without a scaler, and it matches
    the 4-bit layers' bfloat16 compute dtype. Older GPUs get float16.
    """
    t = cfg.train
    cuda = torch.cuda.is_available() if cuda is None else cuda
    if not (cuda and t.autocast_cuda):
        return None
    if t.autocast_dtype == "float16":
        return torch.float16
    if t.autocast_dtype == "bfloat16":
        return torch.bfloat16
    # torch.cuda.is_bf16_supported() also says True for emulated bf16 on older GPUs; the capability does not
    major, _ = capability if capability is not None else torch.cuda.get_device_capability()
    return torch.bfloat16 if major >= 8 else torch.float16


def autocast_context(cfg: Config):
    dtype = autocast_dtype(cfg)
    if dtype is None:
        return contextlib.nullcontext()
    if cfg.train.autocast_dtype == "float16":
        return torch.autocast("cuda")  # the seed's line, unchanged (float16 is autocast's CUDA default)
    return torch.autocast("cuda", dtype=dtype)


def planned_steps(cfg: Config, n_rows: int, world_size: int | None = None) -> int:
    """Optimizer steps a run plans, computed as ``Trainer.set_initial_training_values`` does."""
    t = cfg.train
    if t.max_steps > 0:
        return t.max_steps
    world = world_size or int(os.environ.get("WORLD_SIZE", "1"))
    batches = math.ceil(n_rows / (t.per_device_train_batch_size * world))
    ga = t.gradient_accumulation_steps
    per_epoch = max(batches // ga + int(batches % ga > 0), 1)
    return math.ceil(t.num_train_epochs * per_epoch)


def checkpoint_step(path: Path) -> int | None:
    match = re.fullmatch(r"checkpoint-(\d+)", path.name)
    return int(match.group(1)) if match and path.is_dir() else None


def checkpoint_is_complete(path: Path) -> bool:
    """A checkpoint is complete when its trainer_state.json (the Trainer writes it last) is whole and names the
    checkpoint's step, and the weights, optimizer and scheduler files are there."""
    state = fingerprints.read_json(path / "trainer_state.json")
    if state is None or state.get("global_step") != checkpoint_step(path):
        return False
    weights = any((path / n).is_file() for n in (ADAPTER_WEIGHTS, "adapter_model.bin", "model.safetensors"))
    return weights and (path / "optimizer.pt").is_file() and (path / "scheduler.pt").is_file()


def scan_checkpoints(folder: Path) -> tuple[list[tuple[int, Path]], list[Path]]:
    """(complete checkpoints sorted by step, incomplete checkpoint folders)."""
    complete, incomplete = [], []
    if folder.is_dir():
        for path in folder.iterdir():
            step = checkpoint_step(path)
            if step is None:
                continue
            (complete.append((step, path)) if checkpoint_is_complete(path) else incomplete.append(path))
    return sorted(complete), sorted(incomplete)


def last_checkpoint(cfg: Config) -> str | None:
    """The newest complete checkpoint (half-written ones are skipped)."""
    complete, _ = scan_checkpoints(Path(cfg.output_dir) / CHECKPOINTS_DIR)
    return str(complete[-1][1]) if complete else None


def plan_resume(cfg: Config, planned: int, fingerprint: dict | None):
    """Decide where training starts; touches nothing. Returns (checkpoint or None, finished, to_delete, notes)."""
    folder = Path(cfg.output_dir) / CHECKPOINTS_DIR
    complete, incomplete = scan_checkpoints(folder)
    notes, to_delete = [], list(incomplete)
    for path in incomplete:
        notes.append(f"skipping {path.name}: half-written (no complete trainer_state.json), probably cut off by a "
                     "kill while saving; it is deleted")
    if not complete:
        return None, False, to_delete, notes
    if not cfg.train.resume:
        notes.append(f"train.resume=false: training from step 0; deleting {len(complete)} earlier checkpoint(s)")
        return None, False, to_delete + [p for _, p in complete], notes
    if fingerprint is not None:
        recorded = fingerprints.read_json(folder / CHECKPOINT_FINGERPRINT)
        if not fingerprints.matches(recorded, fingerprint):
            changed = "; ".join(fingerprints.changes(recorded, fingerprint))
            notes.append(f"the checkpoints in {folder} were trained with other settings ({changed}): training "
                         f"from step 0 and deleting {len(complete)} old checkpoint(s)")
            return None, False, to_delete + [p for _, p in complete], notes
    usable = [(step, path) for step, path in complete if step <= planned]
    beyond = [path.name for step, path in complete if step > planned]
    if usable and usable[-1][0] == planned:
        return usable[-1][1], True, to_delete, notes
    if beyond:
        from .config import FinetuneError

        raise FinetuneError(
            f"{folder} holds {', '.join(beyond)}, beyond the {planned} steps planned now (train.max_steps / "
            f"train.num_train_epochs). Set train.max_steps to at least {checkpoint_step(Path(beyond[-1]))}, "
            "delete those checkpoints, or use another output_dir"
        )
    return (usable[-1][1] if usable else None), False, to_delete, notes


def adapter_fingerprint(training: dict, global_step: int, planned: int, adapter_dir: Path) -> dict:
    record = fingerprints.make("adapter", {"training": training, "steps": {"global_step": global_step,
                                                                          "planned": planned}})
    record["adapter_sha256"] = fingerprints.file_sha256(adapter_dir / ADAPTER_WEIGHTS)
    return record


def adapter_is_current(adapter_dir: Path, training: dict, planned: int) -> dict | None:
    """The adapter's fingerprint when it was trained with these settings to the planned step and its weights file
    is the one recorded; else None."""
    recorded = fingerprints.read_json(adapter_dir / ADAPTER_FINGERPRINT)
    weights = adapter_dir / ADAPTER_WEIGHTS
    if recorded is None or not weights.is_file():
        return None
    expected = fingerprints.make("adapter", {"training": training, "steps": {"global_step": planned,
                                                                            "planned": planned}})
    if recorded.get("hash") != expected["hash"]:
        return None
    if recorded.get("adapter_sha256") != fingerprints.file_sha256(weights):
        return None
    return recorded


def adapter_sha256(adapter_dir: Path) -> str | None:
    """The recorded hash of a complete adapter (checked against its file), or None."""
    recorded = fingerprints.read_json(adapter_dir / ADAPTER_FINGERPRINT)
    weights = adapter_dir / ADAPTER_WEIGHTS
    if recorded is None or not weights.is_file():
        return None
    digest = fingerprints.file_sha256(weights)
    return digest if recorded.get("adapter_sha256") == digest else None


def _load_checkpoint_weights(model, checkpoint: Path) -> None:
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    path = checkpoint / ADAPTER_WEIGHTS
    if path.is_file():
        set_peft_model_state_dict(model, load_file(str(path), device=str(next(model.parameters()).device)))
    else:
        set_peft_model_state_dict(model, torch.load(checkpoint / "adapter_model.bin", weights_only=True))


def _tensorboard_callback(cfg: Config):
    from .config import FinetuneError

    try:
        from torch.utils.tensorboard import SummaryWriter
        from transformers.integrations import TensorBoardCallback
    except ImportError:
        raise FinetuneError("train.report_to=tensorboard needs the tensorboard package: pip install tensorboard "
                            "(or install the finetune extra)") from None
    return TensorBoardCallback(SummaryWriter(log_dir=str(Path(cfg.output_dir) / TENSORBOARD_DIR)))


def train(cfg: Config, model, tokenizer, train_dataset, eval_dataset, callbacks=None, fingerprint: dict | None = None):
    """Train the LoRA adapter of ``model`` (a PeftModel); saves it to ``<output_dir>/adapter``.

    Resumes from the newest complete checkpoint in ``<output_dir>/checkpoints`` when ``train.resume`` is on and
    the checkpoints were trained with the same settings (``fingerprint``, see :mod:`finetune.fingerprint`);
    half-written checkpoints are skipped and deleted. When that checkpoint already reached the planned number of
    steps, its weights are loaded and nothing is trained (the Trainer itself would do one step more). Writes the
    adapter, its fingerprint, the log history as JSONL and a loss-curve PNG. Returns the Trainer.
    """
    from transformers import Trainer, TrainerState

    args = training_arguments(cfg)
    validation = args.eval_strategy != "no" or cfg.train.eval_on_start
    if validation and (eval_dataset is None or len(eval_dataset) == 0):
        from .config import FinetuneError

        raise FinetuneError("train.eval_strategy needs validation rows (data.eval_size is 0 or the test split is "
                            "empty): set data.eval_size >= 1, or train.eval_strategy=no")
    callbacks = list(callbacks or [])
    if cfg.train.report_to == "tensorboard" and is_main_process():
        callbacks.append(_tensorboard_callback(cfg))
    trainer = Trainer(
        model=model,
        processing_class=tokenizer,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset if validation else None,
        args=args,
        data_collator=data_collator(tokenizer),
        callbacks=callbacks,
    )
    out = Path(cfg.output_dir)
    folder = out / CHECKPOINTS_DIR
    planned = planned_steps(cfg, len(train_dataset))
    checkpoint, finished, to_delete, notes = plan_resume(cfg, planned, fingerprint)
    trainer.accelerator.wait_for_everyone()  # every process decided from the same files
    if trainer.is_world_process_zero():
        for note in notes:
            log(note)
        for path in to_delete:
            shutil.rmtree(path, ignore_errors=True)
        if fingerprint is not None:
            folder.mkdir(parents=True, exist_ok=True)
            fingerprints.write_json_atomic(folder / CHECKPOINT_FINGERPRINT, fingerprint)
    trainer.accelerator.wait_for_everyone()
    if finished:
        log(f"{checkpoint} already reached the planned {planned} steps: loading it, training nothing")
        _load_checkpoint_weights(trainer.model, Path(checkpoint))
        trainer.state = TrainerState.load_from_json(str(Path(checkpoint) / "trainer_state.json"))
    else:
        if checkpoint and is_main_process():
            log(f"resuming from {checkpoint}")
        with autocast_context(cfg):
            trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    if trainer.is_world_process_zero():
        adapter_dir = out / ADAPTER_DIR
        (adapter_dir / ADAPTER_FINGERPRINT).unlink(missing_ok=True)  # the adapter is incomplete until rewritten
        trainer.model.save_pretrained(adapter_dir)
        tokenizer.save_pretrained(adapter_dir)
        if fingerprint is not None:
            record = adapter_fingerprint(fingerprint["components"], trainer.state.global_step, planned, adapter_dir)
            fingerprints.write_json_atomic(adapter_dir / ADAPTER_FINGERPRINT, record)
        write_log_history(trainer.state.log_history, out / LOG_FILE)
        plot_loss(trainer.state.log_history, out / LOSS_PNG)
        log(f"adapter saved to {adapter_dir}; log in {out / LOG_FILE}, loss curve in {out / LOSS_PNG}")
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
