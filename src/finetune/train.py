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
from .config import LOOP_METRICS, Config, best_metric, selection_on
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
        **selection_arguments(cfg),
    )


def selection_arguments(cfg: Config) -> dict:
    """metric_for_best_model / greater_is_better / load_best_model_at_end for TrainingArguments (none of them
    unless set: a metric_for_best_model alone makes the Trainer keep the best checkpoint besides the newest)."""
    t = cfg.train
    if not (selection_on(t) or t.metric_for_best_model):
        return {}
    return {"metric_for_best_model": f"eval_{best_metric(t)}", "greater_is_better": greater_is_better(t),
            "load_best_model_at_end": t.load_best_model_at_end}


def greater_is_better(t) -> bool:
    """train.greater_is_better, or derived from the metric: False for the loss, True for ROUGE and BLEU."""
    return t.greater_is_better if t.greater_is_better is not None else best_metric(t) != "loss"


def selection_settings(cfg: Config) -> dict | None:
    """What decides which weights become the adapter when an evaluation metric does (best-model loading or early
    stopping): part of the training fingerprint then, None otherwise. The caller adds the validation rows.

    Without selection, evaluation settings (generation_eval_size included) do not change the weights and stay out
    of the fingerprint, as before. With it they do: which checkpoint is best, or where training stops, depends on
    the metric, the evaluation and checkpoint steps and the validation rows, and for a generated-text metric on
    the number of rows generated and the decoding settings.
    """
    from .predict import generation_settings

    t = cfg.train
    if not selection_on(t):
        return None
    metric = best_metric(t)
    settings = {
        "metric": metric, "greater_is_better": greater_is_better(t), "load_best_model_at_end": t.load_best_model_at_end,
        "early_stopping": ({"patience": t.early_stopping_patience, "threshold": t.early_stopping_threshold}
                           if t.early_stopping_patience else None),
        "eval_strategy": t.eval_strategy, "eval_steps": t.eval_steps, "save_strategy": t.save_strategy,
        "save_steps": t.save_steps, "eval_on_start": t.eval_on_start,
        "per_device_eval_batch_size": t.per_device_eval_batch_size,
    }
    if metric in LOOP_METRICS:
        settings["generation"] = {"rows": t.generation_eval_size, "decoding": generation_settings(cfg.predict)}
    return settings


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
                               "report_to", "max_steps", "num_train_epochs", "autocast_cuda", "autocast_dtype",
                               # best-model selection and early stopping enter as one "selection" component, and
                               # only when they are on (selection_settings); in-loop generation alone changes nothing
                               "generation_eval_size", "metric_for_best_model", "greater_is_better",
                               "load_best_model_at_end", "early_stopping_patience", "early_stopping_threshold"}


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
    if usable and cfg.train.early_stopping_patience and stopped_early(usable[-1][1]):
        notes.append(f"{usable[-1][1].name}: training stopped early there (train.early_stopping_patience="
                     f"{cfg.train.early_stopping_patience}), nothing is left to train")
        return usable[-1][1], True, to_delete, notes
    if beyond:
        from .config import FinetuneError

        raise FinetuneError(
            f"{folder} holds {', '.join(beyond)}, beyond the {planned} steps planned now (train.max_steps / "
            f"train.num_train_epochs). Set train.max_steps to at least {checkpoint_step(Path(beyond[-1]))}, "
            "delete those checkpoints, or use another output_dir"
        )
    return (usable[-1][1] if usable else None), False, to_delete, notes


def _stateful(state: dict, name: str) -> dict:
    entry = (state.get("stateful_callbacks") or {}).get(name) or {}
    return (entry[-1] if entry else {}) if isinstance(entry, list) else entry


def stopped_early(checkpoint: Path) -> bool:
    """Whether the Trainer's EarlyStoppingCallback ended training at this checkpoint (recorded in its
    trainer_state.json: the stop flag, and the patience counter at the patience)."""
    state = fingerprints.read_json(Path(checkpoint) / "trainer_state.json") or {}
    control, early = _stateful(state, "TrainerControl"), _stateful(state, "EarlyStoppingCallback")
    if not (control.get("args") or {}).get("should_training_stop") or not early:
        return False
    patience = (early.get("args") or {}).get("early_stopping_patience")
    counter = (early.get("attributes") or {}).get("early_stopping_patience_counter", 0)
    return patience is not None and counter >= patience


def _steps(global_step: int, planned: int) -> dict:
    steps = {"global_step": global_step, "planned": planned}
    if global_step < planned:  # only early stopping ends a run before the planned step
        steps["stopped_early"] = True
    return steps


def adapter_fingerprint(training: dict, global_step: int, planned: int, adapter_dir: Path) -> dict:
    record = fingerprints.make("adapter", {"training": training, "steps": _steps(global_step, planned)})
    record["adapter_sha256"] = fingerprints.file_sha256(adapter_dir / ADAPTER_WEIGHTS)
    return record


def adapter_is_current(adapter_dir: Path, training: dict, planned: int) -> dict | None:
    """The adapter's fingerprint when it was trained with these settings to the planned step and its weights file
    is the one recorded; else None."""
    recorded = fingerprints.read_json(adapter_dir / ADAPTER_FINGERPRINT)
    weights = adapter_dir / ADAPTER_WEIGHTS
    if recorded is None or not weights.is_file():
        return None
    steps = (recorded.get("components") or {}).get("steps") or {}
    reached = steps.get("global_step") if steps.get("stopped_early") else planned  # an early stop is an end too
    if not isinstance(reached, int):
        return None
    expected = fingerprints.make("adapter", {"training": training, "steps": _steps(reached, planned)})
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


def train(cfg: Config, model, tokenizer, train_dataset, eval_dataset, callbacks=None, fingerprint: dict | None = None,
          generation_rows: list[dict] | None = None, builder=None):
    """Train the LoRA adapter of ``model`` (a PeftModel); saves it to ``<output_dir>/adapter``.

    Resumes from the newest complete checkpoint in ``<output_dir>/checkpoints`` when ``train.resume`` is on and
    the checkpoints were trained with the same settings (``fingerprint``, see :mod:`finetune.fingerprint`);
    half-written checkpoints are skipped and deleted. When that checkpoint already reached the planned number of
    steps, its weights are loaded and nothing is trained (the Trainer itself would do one step more). Writes the
    adapter, its fingerprint, the log history as JSONL and a loss-curve PNG. Returns the Trainer.

    With ``train.generation_eval_size`` > 0, every evaluation also generates ``generation_rows`` (dicts with id,
    input, references; prompts from ``builder``) and scores them (:mod:`finetune.loop_metrics`). With
    ``load_best_model_at_end`` the adapter is the best checkpoint's, also when a rerun finds training finished;
    with ``early_stopping_patience`` a checkpoint where training stopped early counts as finished.
    """
    from transformers import EarlyStoppingCallback, TrainerState

    from .loop_metrics import GENERATIONS_FILE, GenerationEvaluator, disable_repacking, step_timer, trainer_class

    args = training_arguments(cfg)
    validation = args.eval_strategy != "no" or cfg.train.eval_on_start
    if validation and (eval_dataset is None or len(eval_dataset) == 0):
        from .config import FinetuneError

        raise FinetuneError("train.eval_strategy needs validation rows (data.eval_size is 0 or the test split is "
                            "empty): set data.eval_size >= 1, or train.eval_strategy=no")
    t = cfg.train
    out = Path(cfg.output_dir)
    evaluator = timer = early = None
    if t.generation_eval_size and validation:
        if not generation_rows or builder is None:
            from .config import FinetuneError

            raise FinetuneError("train.generation_eval_size > 0 needs the rows to generate and a PromptBuilder "
                                "(train(..., generation_rows=..., builder=...))")
        evaluator = GenerationEvaluator(generation_rows, tokenizer, builder, cfg.predict, out / GENERATIONS_FILE)
        timer = step_timer()
    disable_repacking(model)  # before any no-grad forward: evaluation, generation
    callbacks = list(callbacks or [])
    if timer is not None:
        callbacks.append(timer)
    if t.early_stopping_patience:
        early = EarlyStoppingCallback(t.early_stopping_patience, t.early_stopping_threshold)
        callbacks.append(early)
    if t.report_to == "tensorboard" and is_main_process():
        callbacks.append(_tensorboard_callback(cfg))
    trainer = trainer_class()(
        model=model,
        processing_class=tokenizer,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset if validation else None,
        args=args,
        data_collator=data_collator(tokenizer),
        callbacks=callbacks,
        generation_evaluator=evaluator,
        timer=timer,
    )
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
        state = TrainerState.load_from_json(str(Path(checkpoint) / "trainer_state.json"))
        weights = Path(checkpoint)
        if t.load_best_model_at_end and state.best_model_checkpoint and state.best_global_step:
            weights = folder / f"checkpoint-{state.best_global_step}"  # as the Trainer's own load at the end
            if not checkpoint_is_complete(weights):
                from .config import FinetuneError

                raise FinetuneError(f"{checkpoint} names {weights.name} as the best checkpoint "
                                    f"(train.load_best_model_at_end), but it is missing or incomplete: delete "
                                    f"{folder} to train again")
        which = "it" if weights == Path(checkpoint) else f"{weights.name} (the best)"
        reached = (f"already reached the planned {planned} steps" if state.global_step >= planned else
                   f"is where training stopped early ({state.global_step} of {planned} planned steps)")
        log(f"{checkpoint} {reached}: loading {which}, training nothing")
        _load_checkpoint_weights(trainer.model, weights)
        trainer.state = state
    else:
        if checkpoint and is_main_process():
            log(f"resuming from {checkpoint}")
        if early is not None and checkpoint:  # continue the patience count where the checkpoint left it
            recorded = fingerprints.read_json(Path(checkpoint) / "trainer_state.json") or {}
            attributes = _stateful(recorded, "EarlyStoppingCallback").get("attributes") or {}
            early.early_stopping_patience_counter = attributes.get("early_stopping_patience_counter", 0)
        if evaluator is not None:
            evaluator.start(checkpoint_step(Path(checkpoint)) if checkpoint else None)
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


def loss_figure(history: list[dict]):
    """The loss curve; with in-loop generation metrics (train.generation_eval_size) a second panel shows them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .loop_metrics import loop_rows

    table = loss_table(history)
    metrics = loop_rows(history)
    if metrics:
        fig, (ax, ax2) = plt.subplots(2, 1, figsize=(6, 7), sharex=True)
    else:
        fig, ax = plt.subplots(figsize=(6, 4))
    for column, label, marker in ((1, "training loss", "o-"), (2, "validation loss", "s-")):
        points = [(row[0], row[column]) for row in table if row[column] is not None]
        if points:
            ax.plot(*zip(*points), marker, label=label)
    ax.set_ylabel("loss")
    ax.set_title("LoRA fine-tuning")
    ax.grid(alpha=0.3)
    ax.legend()
    if metrics:
        steps = [e["step"] for e in metrics]
        for name, label in (("rouge1", "ROUGE-1"), ("rouge2", "ROUGE-2"), ("rougeL", "ROUGE-L"),
                            ("rougeLsum", "ROUGE-Lsum"), ("bleu", "BLEU")):
            ax2.plot(steps, [e[f"eval_{name}"] for e in metrics], "o-", label=label)
        rows = metrics[-1].get("eval_gen_rows")
        ax2.set_ylabel("score x100")
        ax2.set_title(f"generated validation rows ({rows})" if rows else "generated validation rows")
        ax2.grid(alpha=0.3)
        ax2.legend(fontsize="small")
        ax2.set_xlabel("step")
    else:
        ax.set_xlabel("step")
    fig.tight_layout()
    return fig


def plot_loss(history: list[dict], path: Path) -> None:
    fig = loss_figure(history)  # selects the Agg backend before pyplot is imported
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=100)
    plt.close(fig)
