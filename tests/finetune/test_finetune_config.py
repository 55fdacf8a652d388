"""Settings: the shipped YAML files, the seed recipe, overrides and errors."""
from __future__ import annotations

import dataclasses

import re

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")

from finetune.cli import main
from finetune.config import ConfigError, from_dict, load_config
from finetune.model import resolve_model_path

from finetune_helpers import REPO

CONFIGS = sorted((REPO / "configs").glob("*.yaml"))


def test_both_configs_exist_and_load():
    assert {p.name for p in CONFIGS} >= {"default.yaml", "llama2-7b-qlora.yaml"}
    for path in CONFIGS:
        load_config(path)


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_setting_has_a_comment(path):
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines, 1):
        if re.match(r"^\s*[A-Za-z_][A-Za-z0-9_]*:\s*\S", line):  # a `key: value` line (section headers have no value)
            above = lines[number - 2].strip() if number > 1 else ""
            assert " # " in line or above.startswith("#"), f"{path.name}:{number} has no comment: {line}"


def test_llama2_config_is_the_seed_recipe():
    cfg = load_config(REPO / "configs" / "llama2-7b-qlora.yaml")
    t = cfg.train
    assert (t.per_device_train_batch_size, t.gradient_accumulation_steps, t.learning_rate) == (1, 16, 4e-5)
    assert (t.logging_steps, t.optim, t.eval_strategy, t.save_strategy) == (50, "adamw_torch", "steps", "steps")
    assert (t.eval_steps, t.save_steps, t.autocast_cuda) == (50, 50, True)
    assert t.autocast_dtype == "auto" and t.report_to == "none"  # float16 = the seed literally (test_precision)
    p = cfg.prompt
    assert (p.max_length, p.add_eos_token, p.train_on_prompt, p.truncate_input) == (128, True, True, False)
    d = cfg.data
    assert (d.train_size, d.test_size, d.seed, d.test_file) == (4000, 1500, 42, None)
    m = cfg.model
    assert (m.quantization, m.compute_dtype) == ("4bit", "bfloat16")
    with pytest.raises(FileNotFoundError, match="not a local model folder"):
        resolve_model_path(m)  # needs a local Llama-2-7b-hf folder


def test_overrides_are_typed():
    cfg = load_config(REPO / "configs" / "default.yaml",
                      ["train.max_steps=3", "train.learning_rate=2e-4", "model.target_modules=[q_proj]",
                       "data.test_file=null", "prompt.train_on_prompt=true"])
    assert cfg.train.max_steps == 3 and cfg.train.learning_rate == 2e-4
    assert cfg.model.target_modules == ("q_proj",)
    assert cfg.data.test_file is None and cfg.prompt.train_on_prompt is True


@pytest.mark.parametrize("override, message", [
    ("train.learnin_rate=1e-4", r"unknown setting 'train.learnin_rate' \(did you mean 'learning_rate'\?\)"),
    ("trian.max_steps=3", r"unknown setting 'trian'"),
    ("train.max_steps=three", r"'train.max_steps' must be int"),
    ("train.max_steps=2.5", r"'train.max_steps' must be int"),
    ("prompt.add_eos_token=maybe", r"'prompt.add_eos_token' must be bool"),
    ("model.quantization=8bit", r"'model.quantization' must be one of 4bit, none"),
    ("train.max_steps", r"not of the form"),
    ("data.input_column=null", r"'data.input_column' may not be empty"),
])
def test_bad_overrides_name_the_setting(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(REPO / "configs" / "default.yaml", [override])


def test_unknown_key_in_a_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("train:\n  max_step: 3\n")
    with pytest.raises(ConfigError, match=r"unknown setting 'train.max_step' \(did you mean 'max_steps'\?\)"):
        load_config(path)
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "missing.yaml")


def test_config_is_frozen():
    cfg = from_dict({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.train.max_steps = 5


def test_cli_reports_config_errors(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--config", str(REPO / "configs" / "default.yaml"), "train.max_stepz=1"])
    assert exit_info.value.code == 2
    assert "unknown setting 'train.max_stepz'" in capsys.readouterr().err


def test_missing_model_folder_is_a_clear_error(tmp_path, capsys):
    cfg = from_dict({"model": {"path": str(tmp_path / "nowhere")}})
    with pytest.raises(FileNotFoundError, match="hub ids are never fetched"):
        resolve_model_path(cfg.model)
    out = tmp_path / "run"
    status = main(["run", "--config", str(REPO / "configs" / "llama2-7b-qlora.yaml"), f"output_dir={out}"])
    assert status == 1 and "is not a local model folder" in capsys.readouterr().err
    assert not out.exists()
