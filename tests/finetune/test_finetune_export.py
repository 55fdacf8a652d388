"""``finetune export``: merged weights equal to the adapter model's outputs, and a model card with the run's numbers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")

import yaml  # noqa: E402
from safetensors.torch import load_file  # noqa: E402

from finetune import cli  # noqa: E402
from finetune.config import to_dict  # noqa: E402


def write_yaml(cfg, path: Path) -> Path:
    path.write_text(yaml.safe_dump(to_dict(cfg)))
    return path


def logits(model, tokenizer) -> torch.Tensor:
    batch = tokenizer(["#Person1#: Where is the station?\n#Person2#: Next to the bank."], return_tensors="pt")
    with torch.inference_mode():
        return model(**batch).logits.float()


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, tiny_model_dir):
    """A finished plain-LoRA run of the tiny model (module scope: trained once for these tests)."""
    from finetune.config import from_dict

    from finetune_helpers import SAMPLE

    out = tmp_path_factory.mktemp("export") / "run"
    cfg = from_dict({
        "output_dir": str(out),
        "data": {"train_file": str(SAMPLE / "train.jsonl"), "test_file": str(SAMPLE / "test.jsonl"),
                 "test_target_columns": ["summary1", "summary2", "summary3"], "id_column": "fname",
                 "train_size": 16, "test_size": 4, "eval_size": 4},
        "prompt": {"max_length": 64, "truncate_input": True, "train_on_prompt": False},
        "model": {"path": str(tiny_model_dir), "quantization": "none", "gradient_checkpointing": False,
                  "lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0},
        "train": {"per_device_train_batch_size": 2, "gradient_accumulation_steps": 1, "learning_rate": 1e-2,
                  "max_steps": 4, "logging_steps": 1, "eval_steps": 2, "save_steps": 2,
                  "per_device_eval_batch_size": 4},
        "predict": {"batch_size": 4, "max_new_tokens": 6, "max_prompt_tokens": 48, "progress": False},
    })
    report = cli.run(cfg)
    return cfg, report


def test_merged_model_gives_the_adapter_models_logits(finished_run, tmp_path, tiny_model_dir):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    cfg, _ = finished_run
    config_file = write_yaml(cfg, tmp_path / "cfg.yaml")
    merged = tmp_path / "merged"
    assert cli.main(["export", "--config", str(config_file), "--merge", "--out", str(merged)]) == 0
    assert (merged / "model.safetensors").is_file() and (merged / "tokenizer.json").is_file()
    assert not (merged / "adapter_config.json").exists()  # a plain model, no adapter left
    tokenizer = AutoTokenizer.from_pretrained(merged)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    base_logits = logits(base, tokenizer)
    adapted = PeftModel.from_pretrained(base, Path(cfg.output_dir) / "adapter").eval()
    want = logits(adapted, tokenizer)
    got = logits(AutoModelForCausalLM.from_pretrained(merged).eval(), tokenizer)
    assert (want - base_logits).abs().max() > 1e-3  # the adapter changes the outputs, so merging is visible
    torch.testing.assert_close(got, want, atol=1e-4, rtol=1e-4)
    card = (merged / "README.md").read_text()
    assert f'from_pretrained("{merged}", dtype=torch.float32)' in card


def test_merge_in_bfloat16_saves_bfloat16_weights(finished_run, tmp_path):
    cfg, _ = finished_run
    config_file = write_yaml(cfg, tmp_path / "cfg.yaml")
    out = tmp_path / "bf16"
    assert cli.main(["export", "--config", str(config_file), "--merge", "--dtype", "bfloat16", "--out", str(out)]) == 0
    weights = load_file(str(out / "model.safetensors"))
    assert {t.dtype for t in weights.values()} == {torch.bfloat16}
    assert not any("lora" in name for name in weights)


def test_the_card_holds_the_runs_real_numbers(finished_run, tmp_path):
    cfg, report = finished_run
    out = Path(cfg.output_dir)
    card = (out / "adapter" / "README.md").read_text()  # written by `finetune run`, replacing peft's template
    assert "More Information Needed" not in card
    saved = json.loads((out / "report.json").read_text())
    for tag in ("base", "finetuned"):
        s = saved["scores"][tag]
        assert f"{s['rouge1']['fmeasure']:.2f} | {s['rouge2']['fmeasure']:.2f} | {s['rougeL']['fmeasure']:.2f}" in card
        assert f"{s['bleu']['score']:.2f}" in card
    assert f"{saved['gain']['rougeL']:+.2f}" in card
    model = json.loads((out / "predictions-base.fingerprint.json").read_text())["components"]["model"]
    assert model["path"] in card and model["files"] in card
    train_file = Path(cfg.data.train_file)
    assert f"`{cfg.data.train_file}` ({train_file.stat().st_size:,} bytes" in card
    adapter_record = json.loads((out / "adapter" / "fingerprint.json").read_text())
    assert adapter_record["adapter_sha256"] in card and "Trained 4 optimizer steps" in card
    assert '- `lora_r`: `4`' in card and '- `learning_rate`: `0.01`' in card
    assert "PeftModel.from_pretrained(base" in card
    # export without --merge rewrites nothing when nothing changed; the card stays byte-identical
    before = (out / "adapter" / "README.md").stat().st_mtime_ns
    assert cli.main(["export", "--config", str(write_yaml(cfg, tmp_path / "cfg.yaml"))]) == 0
    assert (out / "adapter" / "README.md").stat().st_mtime_ns == before


def test_export_without_an_adapter_is_a_clear_error(make_config, tmp_path, capsys):
    cfg = make_config("none", output_dir=tmp_path / "empty")
    assert cli.main(["export", "--config", str(write_yaml(cfg, tmp_path / "cfg.yaml")), "--merge"]) == 1
    err = capsys.readouterr().err
    assert "no complete LoRA adapter" in err and "Traceback" not in err
    with pytest.raises(SystemExit):
        cli.main(["evaluate", "--config", str(tmp_path / "cfg.yaml"), "--merge"])
