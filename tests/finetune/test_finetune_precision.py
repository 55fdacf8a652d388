"""Precision: bf16 autocast by default on Ampere/Hopper with the seed's float16 as a switch, and one precision for
base-model predictions, training and fine-tuned predictions (in `run` and in a separate `predict`)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")
import torch

from finetune import cli
from finetune.config import from_dict, load_config
from finetune.train import autocast_dtype

from finetune_helpers import REPO

AMPERE, HOPPER, TURING, VOLTA = (8, 0), (9, 0), (7, 5), (7, 0)


@pytest.mark.parametrize("setting, capability, expected", [
    ("auto", AMPERE, torch.bfloat16),
    ("auto", HOPPER, torch.bfloat16),
    ("auto", TURING, torch.float16),
    ("auto", VOLTA, torch.float16),
    ("float16", HOPPER, torch.float16),  # the seed, literally
    ("bfloat16", AMPERE, torch.bfloat16),
])
def test_autocast_dtype_on_a_gpu(setting, capability, expected):
    cfg = from_dict({"train": {"autocast_dtype": setting}})
    assert autocast_dtype(cfg, cuda=True, capability=capability) == expected


def test_no_autocast_on_cpu_or_when_switched_off():
    assert autocast_dtype(from_dict({}), cuda=False, capability=HOPPER) is None
    assert autocast_dtype(from_dict({"train": {"autocast_cuda": False}}), cuda=True, capability=HOPPER) is None


def test_the_7b_recipe_defaults_to_bf16_autocast_and_keeps_the_seed_switch():
    cfg = load_config(REPO / "configs" / "llama2-7b-qlora.yaml")
    assert cfg.train.autocast_cuda and cfg.train.autocast_dtype == "auto"
    assert autocast_dtype(cfg, cuda=True, capability=HOPPER) == torch.bfloat16
    seed = load_config(REPO / "configs" / "llama2-7b-qlora.yaml", ["train.autocast_dtype=float16"])
    assert autocast_dtype(seed, cuda=True, capability=HOPPER) == torch.float16


def dtypes(model) -> dict[str, torch.dtype]:
    return {name: p.dtype for name, p in model.named_parameters()}


def logits(model, ids):
    model.eval()
    with torch.no_grad():
        return model(input_ids=ids).logits


def test_unquantized_parameters_are_float32_from_loading_on(make_config):
    import bitsandbytes as bnb

    cfg = make_config("4bit", model={"compute_dtype": "bfloat16"})
    model = cli.Pipeline(cfg).base_model()
    for name, module in model.named_modules():
        if isinstance(module, bnb.nn.Linear4bit):
            continue
        for pname, p in module.named_parameters(recurse=False):
            assert p.dtype == torch.float32, f"{name}.{pname} is {p.dtype}"


def test_finetuned_model_in_run_and_in_predict_is_the_same(make_config):
    cfg = make_config("4bit", model={"compute_dtype": "bfloat16"}, train={"max_steps": 2, "eval_strategy": "no"})
    first = cli.Pipeline(cfg)
    base_before = dtypes(first.base_model())
    in_run = first.train().model  # the model `run` predicts with after training
    ids = first.tokenizer("#Person1#: Where is the station?", return_tensors="pt")["input_ids"]
    second = cli.Pipeline(cfg)
    from finetune.model import load_adapter

    in_predict = load_adapter(second.base_model(), Path(cfg.output_dir) / "adapter")  # what `predict` loads
    assert dtypes(in_predict) == dtypes(in_run)
    assert torch.equal(logits(in_predict, ids), logits(in_run, ids))
    with in_run.disable_adapter():  # the base model `run` predicted with before training: unchanged precision
        base_names = {n.replace("base_model.model.", "", 1).replace(".base_layer", ""): d
                      for n, d in dtypes(in_run).items() if "lora_" not in n}
    assert base_names == base_before


def test_run_and_predict_write_the_same_finetuned_predictions(make_config, tmp_path):
    import yaml

    from finetune.config import to_dict

    cfg = make_config("4bit", model={"compute_dtype": "bfloat16"})
    cli.run(cfg)
    out = Path(cfg.output_dir)
    from_run = (out / "predictions-finetuned.jsonl").read_text()
    (out / "predictions-finetuned.jsonl").unlink()
    (out / "predictions-finetuned.fingerprint.json").unlink()
    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump(to_dict(cfg)))
    assert cli.main(["predict", "--config", str(path)]) == 0
    assert (out / "predictions-finetuned.jsonl").read_text() == from_run
    assert len(from_run.splitlines()) == 4 and all(json.loads(line)["prediction"] for line in from_run.splitlines())
