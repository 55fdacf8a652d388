"""Errors a user can act on, without tracebacks: bad YAML, missing or empty columns, empty data, eval_size=0,
target_modules, a 7B model without CUDA, and the GPU benchmark's CPU smoke test."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")
import pandas as pd
import yaml

from finetune import cli
from finetune.config import ConfigError, DataConfig, FinetuneError, to_dict
from finetune.data import DataError, load_splits

from finetune_helpers import REPO, SAMPLE

LLAMA2_7B = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096,
             "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32,
             "num_key_value_heads": 32, "vocab_size": 32000, "tie_word_embeddings": False}


def run_cli(args, capsys) -> tuple[int, str]:
    try:
        status = cli.main(args)
    except SystemExit as exc:  # argparse usage errors
        status = exc.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


def write_yaml(cfg, path: Path) -> Path:
    path.write_text(yaml.safe_dump(to_dict(cfg)))
    return path


@pytest.mark.parametrize("text, where, hint", [
    ("train:\n  max_steps: 3\n   logging_steps: 1\n", "line 3", "indentation"),
    ("prompt:\n  template: Summary: {input}\n", "line 2", "needs quotes"),
    ("train:\n\tmax_steps: 3\n", "line 2", "spaces, not tabs"),
])
def test_bad_yaml_names_the_line(tmp_path, capsys, text, where, hint):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    status, err = run_cli(["run", "--config", str(path)], capsys)
    assert status == 2
    assert f"{path} is not valid YAML at {where}" in err and hint in err


def test_missing_column_from_the_command_line(make_config, tmp_path, capsys):
    path = write_yaml(make_config("none"), tmp_path / "cfg.yaml")
    status, err = run_cli(["run", "--config", str(path), "data.target_columns=[summry]"], capsys)
    assert status == 1
    assert "column 'summry' (data.target_columns) not found (did you mean 'summary'?)" in err
    assert "['fname', 'dialogue', 'summary', 'topic']" in err


def rows(n=12):
    df = pd.read_json(SAMPLE / "train.jsonl", lines=True).head(n)
    return df


def test_empty_values_in_a_text_column_are_counted(tmp_path):
    df = rows()
    df.loc[[3, 7], "summary"] = ["", None]
    df.to_json(tmp_path / "rows.jsonl", orient="records", lines=True)
    cfg = DataConfig(train_file=str(tmp_path / "rows.jsonl"), train_size=8, test_size=4)
    with pytest.raises(DataError, match=r"column 'summary' \(data.target_columns\) is empty in 2 of 12 rows "
                                        r"\(first row numbers: \[3, 7\]\)"):
        load_splits(cfg)


def test_duplicate_ids_are_named(tmp_path):
    df = rows()
    df.loc[5, "fname"] = df.loc[2, "fname"]
    df.to_json(tmp_path / "rows.jsonl", orient="records", lines=True)
    cfg = DataConfig(train_file=str(tmp_path / "rows.jsonl"), train_size=2, test_size=10, id_column="fname")
    with pytest.raises(DataError, match=rf"not unique \(e.g. \['{df.loc[2, 'fname']}'\]\)"):
        load_splits(cfg)


@pytest.mark.parametrize("name, content, message", [
    ("empty.jsonl", "", "is empty (0 bytes)"),
    ("header.csv", "dialogue,summary\n", "has no rows"),
    ("broken.jsonl", '{"dialogue": "a", "summary": "b"}\n{"dialogue": \n', "cannot be read as JSON Lines"),
])
def test_empty_or_unreadable_data_files(tmp_path, name, content, message):
    (tmp_path / name).write_text(content)
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_splits(DataConfig(train_file=str(tmp_path / name), train_size=1, test_size=1))


def test_missing_data_file_names_the_setting(make_config, tmp_path, capsys):
    path = write_yaml(make_config("none"), tmp_path / "cfg.yaml")
    status, err = run_cli(["run", "--config", str(path), f"data.test_file={tmp_path / 'nope.jsonl'}"], capsys)
    assert status == 1 and "nope.jsonl (data.test_file;" in err


def test_eval_size_zero_says_what_to_change(make_config):
    with pytest.raises(ConfigError, match=r"data.eval_size=0 leaves no validation rows.*train.eval_strategy=no"):
        make_config("none", data={"eval_size": 0})
    with pytest.raises(ConfigError, match=r"train.eval_on_start=true"):
        make_config("none", data={"eval_size": 0}, train={"eval_strategy": "no", "eval_on_start": True})


def test_eval_size_zero_without_validation_trains(make_config):
    cfg = make_config("none", data={"eval_size": 0}, train={"eval_strategy": "no", "max_steps": 2})
    cli.Pipeline(cfg).train()
    out = Path(cfg.output_dir)
    history = [json.loads(line) for line in (out / "log_history.jsonl").read_text().splitlines()]
    assert [h["step"] for h in history if "loss" in h] == [1, 2]
    assert not any("eval_loss" in h for h in history)
    assert "validation" not in json.loads((out / "truncation.json").read_text())


@pytest.mark.parametrize("quantization", ["4bit", "none"])
def test_target_modules_all_linear(make_config, quantization):
    from finetune.model import add_lora

    cfg = make_config(quantization, model={"target_modules": "all-linear"}, train={"max_steps": 1,
                                                                                 "eval_strategy": "no"})
    assert cfg.model.target_modules == ("all-linear",)
    pipeline = cli.Pipeline(cfg)
    model = add_lora(pipeline.base_model(), cfg.model, seed=0)
    adapted = {name.split(".")[-1] for name, module in model.named_modules() if hasattr(module, "lora_A")}
    assert adapted == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
    # r=4 on each of 7 projections in 2 layers: A (in x 4) + B (4 x out); hidden 64, kv 32, intermediate 128
    sizes = {"q_proj": (64, 64), "k_proj": (64, 32), "v_proj": (64, 32), "o_proj": (64, 64),
             "gate_proj": (64, 128), "up_proj": (64, 128), "down_proj": (128, 64)}
    expected = 2 * sum(4 * (i + o) for i, o in sizes.values())
    assert model.get_nb_trainable_parameters()[0] == expected


def test_unknown_target_module_lists_the_linear_layers(make_config):
    from finetune.model import add_lora

    cfg = make_config("none", model={"target_modules": ["q_prj"]})
    with pytest.raises(FinetuneError, match=r"The model's linear layers are \['down_proj', 'gate_proj', 'k_proj', "
                                            r"'lm_head', 'o_proj', 'q_proj', 'up_proj', 'v_proj'\]"):
        add_lora(cli.Pipeline(cfg).base_model(), cfg.model)


def test_all_linear_stands_alone(make_config):
    with pytest.raises(ConfigError, match="all-linear stands alone"):
        make_config("none", model={"target_modules": ["all-linear", "q_proj"]})


def fake_7b(folder: Path) -> Path:
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(LLAMA2_7B))
    return folder


def test_parameter_estimate_matches_llama2_7b(tmp_path):
    from finetune.model import estimate_parameters

    # Llama-2-7B has 6,738,415,616 parameters; the estimate leaves out the 266,240 RMSNorm weights
    assert estimate_parameters(fake_7b(tmp_path / "7b")) == 6_738_415_616 - 266_240


def test_7b_model_without_cuda_is_refused_unless_forced(tmp_path, tiny_model_dir, capsys):
    from finetune.model import NeedsGPUError, check_device

    if __import__("torch").cuda.is_available():
        pytest.skip("this machine has CUDA")
    folder = fake_7b(tmp_path / "7b")
    out = tmp_path / "run"
    status, err = run_cli(["run", "--config", str(REPO / "configs" / "llama2-7b-qlora.yaml"),
                           f"model.path={folder}", f"output_dir={out}"], capsys)
    assert status == 1
    assert "6.7B-parameter model and this machine has no CUDA GPU" in err and "--allow-cpu" in err
    assert not out.exists()  # refused before anything was written
    with pytest.raises(NeedsGPUError):
        check_device(folder, cuda=False)
    check_device(folder, allow_cpu=True, cuda=False)  # forced
    check_device(folder, cuda=True)
    check_device(tiny_model_dir, cuda=False)  # small models run on CPU


def test_gpu_benchmark_cpu_smoke_test_does_not_divide_by_zero():
    """`--tiny --steps 3` with the default 3 warm-up steps used to time no step at all."""
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "qlora_gpu.py"), "--tiny", "--steps", "3",
                             "train.gradient_accumulation_steps=2"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "mean of 1 steps after 2 warm-up" in result.stdout
    assert "tokens per second:" in result.stdout


def test_benchmark_timing_keeps_at_least_one_step():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from qlora_gpu import timed_steps
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    assert timed_steps([5.0, 1.0, 2.0], 3) == ([2.0], 2)
    assert timed_steps([5.0, 1.0, 2.0, 4.0], 1) == ([1.0, 2.0, 4.0], 1)
    with pytest.raises(SystemExit):
        timed_steps([], 3)
