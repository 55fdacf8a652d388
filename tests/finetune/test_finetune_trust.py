"""Runs you can trust: a finished run is not trained again, every output carries a fingerprint and is reused only
when it matches, seeded runs are identical, half-written checkpoints are skipped, evaluate refuses broken
prediction files, and one run per output folder at a time."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")
import torch
import yaml
from safetensors.torch import load_file

from finetune import cli
from finetune.config import to_dict

from finetune_helpers import REPO, SAMPLE

FILES = ("predictions-base.jsonl", "predictions-finetuned.jsonl", "report.json", "adapter/adapter_model.safetensors")


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of each output."""
    return {name: ((out / name).read_bytes(), (out / name).stat().st_mtime_ns) for name in FILES}


def checkpoints(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "checkpoints").iterdir() if p.name.startswith("checkpoint-"))


def tensors(path: Path) -> dict[str, torch.Tensor]:
    return load_file(str(path))


def assert_same_tensors(a: dict, b: dict) -> None:
    assert a.keys() == b.keys() and a
    for name in a:
        assert torch.equal(a[name], b[name]), name


def write_yaml(cfg, path: Path) -> Path:
    path.write_text(yaml.safe_dump(to_dict(cfg)))
    return path


def no_training_or_generation(monkeypatch):
    """Make any training step or generation fail loudly."""
    import transformers

    import finetune.predict as predict_module

    def refuse(*args, **kwargs):
        raise AssertionError("a finished run must not train or generate again")

    monkeypatch.setattr(transformers.Trainer, "train", refuse)
    monkeypatch.setattr(predict_module, "generate", refuse)


def test_rerun_of_a_finished_run_trains_and_predicts_nothing(make_config, monkeypatch):
    cfg = make_config("4bit")
    first = cli.run(cfg)
    out = Path(cfg.output_dir)
    before, steps = snapshot(out), checkpoints(out)
    assert steps == ["checkpoint-2", "checkpoint-4"]
    no_training_or_generation(monkeypatch)
    second = cli.run(cfg)
    assert checkpoints(out) == steps  # no checkpoint-5: no step past max_steps
    assert snapshot(out) == before  # same bytes, not even rewritten
    assert second["scores"] == first["scores"]


def test_finished_checkpoint_is_loaded_not_trained_one_step_more(make_config, capsys):
    """Without the adapter (e.g. killed after the last checkpoint), the final checkpoint is loaded as it is."""
    cfg = make_config("4bit")
    cli.Pipeline(cfg).train()
    out = Path(cfg.output_dir)
    trained = tensors(out / "adapter" / "adapter_model.safetensors")
    import shutil

    shutil.rmtree(out / "adapter")
    trainer = cli.Pipeline(cfg).train()
    assert "already reached the planned 4 steps" in capsys.readouterr().out
    assert trainer.state.global_step == 4
    assert checkpoints(out) == ["checkpoint-2", "checkpoint-4"]
    assert_same_tensors(tensors(out / "adapter" / "adapter_model.safetensors"), trained)
    assert_same_tensors(tensors(out / "checkpoints" / "checkpoint-4" / "adapter_model.safetensors"), trained)
    history = [json.loads(line) for line in (out / "log_history.jsonl").read_text().splitlines()]
    assert [h["step"] for h in history if "loss" in h] == [1, 2, 3, 4]


def test_changed_generation_setting_redoes_the_predictions_and_nothing_else(make_config, capsys, monkeypatch):
    cfg = make_config("4bit")
    cli.run(cfg)
    out = Path(cfg.output_dir)
    adapter = (out / "adapter" / "adapter_model.safetensors").read_bytes()
    old_rows = [json.loads(line) for line in (out / "predictions-base.jsonl").read_text().splitlines()]
    assert all(r["new_tokens"] <= 6 for r in old_rows)
    capsys.readouterr()

    import transformers

    monkeypatch.setattr(transformers.Trainer, "train", lambda *a, **k: pytest.fail("training must be reused"))
    longer = make_config("4bit", predict={"max_new_tokens": 9})
    report = cli.run(longer)
    log = capsys.readouterr().out
    assert log.count("generation.max_new_tokens: 6 -> 9") == 2  # base and fine-tuned predictions
    assert (out / "adapter" / "adapter_model.safetensors").read_bytes() == adapter
    for tag in ("base", "finetuned"):
        rows = [json.loads(line) for line in (out / f"predictions-{tag}.jsonl").read_text().splitlines()]
        side = json.loads((out / f"predictions-{tag}.fingerprint.json").read_text())
        assert side["components"]["generation"]["max_new_tokens"] == 9
        # the random model never stops early, so the longer limit shows in every row
        assert any(r["new_tokens"] > 6 for r in rows)
        assert report["scores"][tag]["rows"] == 4


def test_evaluate_refuses_predictions_made_with_other_settings(make_config, tmp_path, capsys):
    cfg = make_config("none")
    cli.run(cfg)
    capsys.readouterr()
    # config.yaml now says 40 new tokens, the files were made with 6: the report would compare the wrong things
    path = write_yaml(make_config("none", predict={"max_new_tokens": 40}), tmp_path / "cfg.yaml")
    assert cli.main(["evaluate", "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert "predictions-base.jsonl is stale" in err and "generation.max_new_tokens: 6 -> 40" in err
    assert "Traceback" not in err


def test_retraining_with_another_setting_redoes_the_adapter_and_its_predictions_only(make_config, capsys):
    cfg = make_config("4bit")
    cli.run(cfg)
    out = Path(cfg.output_dir)
    base_before = snapshot(out)["predictions-base.jsonl"]
    old_adapter = (out / "adapter" / "adapter_model.safetensors").read_bytes()
    capsys.readouterr()
    cli.run(make_config("4bit", train={"learning_rate": 3e-2}))
    log = capsys.readouterr().out
    assert "training.learning_rate: 0.01 -> 0.03" in log
    assert snapshot(out)["predictions-base.jsonl"] == base_before  # the base model did not change
    new_adapter = out / "adapter" / "adapter_model.safetensors"
    assert new_adapter.read_bytes() != old_adapter
    side = json.loads((out / "predictions-finetuned.fingerprint.json").read_text())
    import hashlib

    assert side["components"]["adapter"] == hashlib.sha256(new_adapter.read_bytes()).hexdigest()
    report = json.loads((out / "report.json").read_text())
    assert report["fingerprint"]["components"]["predictions"]["finetuned"]["fingerprint"] == side["hash"]


def test_resume_false_retrains_and_the_seed_makes_the_same_adapter(make_config, capsys):
    cfg = make_config("4bit")
    cli.run(cfg)
    out = Path(cfg.output_dir)
    before = snapshot(out)
    capsys.readouterr()
    torch.manual_seed(12345)  # as if in another process: torch's initial seed differs
    cli.run(make_config("4bit", train={"resume": False}))
    log = capsys.readouterr().out
    assert "train.resume=false: training from step 0" in log
    after = snapshot(out)
    # retrained (the file was written again) to the same bytes, so the fine-tuned predictions stay valid
    assert after["adapter/adapter_model.safetensors"][1] != before["adapter/adapter_model.safetensors"][1]
    assert after["adapter/adapter_model.safetensors"][0] == before["adapter/adapter_model.safetensors"][0]
    assert after["predictions-finetuned.jsonl"] == before["predictions-finetuned.jsonl"]


def test_two_identical_runs_give_identical_adapters_and_reports(make_config, tmp_path):
    reports, adapters, predictions = [], [], []
    for n, seed in enumerate((1, 2)):
        torch.manual_seed(seed)  # a different initial RNG state per run, as separate processes have
        cfg = make_config("4bit", output_dir=tmp_path / f"run{n}", model={"lora_dropout": 0.1})
        reports.append(cli.run(cfg))
        out = Path(cfg.output_dir)
        adapters.append(tensors(out / "adapter" / "adapter_model.safetensors"))
        predictions.append((out / "predictions-finetuned.jsonl").read_text())
    assert_same_tensors(adapters[0], adapters[1])
    assert predictions[0] == predictions[1]
    assert reports[0]["scores"] == reports[1]["scores"]
    # the LoRA A matrices are random (B starts at zero): identical because the seed was applied before them
    assert any(t.abs().sum() > 0 for name, t in adapters[0].items() if "lora_A" in name)


@pytest.mark.parametrize("damage", ["state_missing", "state_cut_off"])
def test_half_written_checkpoint_is_skipped_for_the_last_complete_one(make_config, capsys, damage):
    cfg = make_config("4bit")
    cli.Pipeline(cfg).train()
    out = Path(cfg.output_dir)
    straight = tensors(out / "adapter" / "adapter_model.safetensors")
    # a kill while checkpoint-4 was being saved: its trainer_state.json (written last) is missing or cut off
    state = out / "checkpoints" / "checkpoint-4" / "trainer_state.json"
    if damage == "state_missing":
        state.unlink()
        (out / "checkpoints" / "checkpoint-4" / "optimizer.pt").write_bytes(b"PK\x03\x04 cut")
    else:
        state.write_text(state.read_text()[:100])
    import shutil

    shutil.rmtree(out / "adapter")
    capsys.readouterr()
    trainer = cli.Pipeline(cfg).train()
    log = capsys.readouterr().out
    assert "skipping checkpoint-4: half-written" in log
    assert "resuming from" in log and "checkpoint-2" in log
    assert trainer.state.global_step == 4
    assert json.loads(state.read_text())["global_step"] == 4  # saved again, complete
    assert_same_tensors(tensors(out / "adapter" / "adapter_model.safetensors"), straight)  # bit-exact resume


def test_evaluate_refuses_incomplete_duplicated_and_foreign_prediction_files(make_config, tmp_path, capsys):
    cfg = make_config("none")
    cli.run(cfg)
    out = Path(cfg.output_dir)
    path = write_yaml(cfg, tmp_path / "cfg.yaml")
    good = (out / "predictions-finetuned.jsonl").read_text().splitlines(keepends=True)
    test_ids = [json.loads(line)["fname"] for line in (SAMPLE / "test.jsonl").read_text().splitlines()[:4]]
    assert [json.loads(line)["id"] for line in good] == test_ids
    foreign = json.dumps({**json.loads(good[0]), "id": "train_1"}) + "\n"
    cases = {
        "incomplete": (good[:3], f"is incomplete: 1 of 4 test rows have no prediction (first: ['{test_ids[3]}'])"),
        "duplicated": (good + good[1:2], f"has 1 test id(s) more than once (e.g. ['{test_ids[1]}'])"),
        "foreign": (good[:3] + [foreign], "not in the test set (e.g. ['train_1'])"),
    }
    for name, (lines, message) in cases.items():
        (out / "predictions-finetuned.jsonl").write_text("".join(lines))
        capsys.readouterr()
        assert cli.main(["evaluate", "--config", str(path)]) == 1, name
        err = capsys.readouterr().err
        assert message in err, (name, err)
        assert "Traceback" not in err
    (out / "predictions-finetuned.jsonl").write_text("".join(reversed(good)))  # complete, in another order
    assert cli.main(["evaluate", "--config", str(path)]) == 0


HOLD = """
import sys
from finetune.lock import OutputLock
OutputLock(sys.argv[1], command="finetune run (test holder)").acquire()
print("locked", flush=True)
sys.stdin.read()
"""


def test_one_run_per_output_folder(make_config, tmp_path, capsys):
    cfg = make_config("none")
    out = Path(cfg.output_dir)
    path = write_yaml(cfg, tmp_path / "cfg.yaml")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              env=env, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert cli.main(["run", "--config", str(path)]) == 1
        err = capsys.readouterr().err
        assert f"is in use by pid {holder.pid}" in err and "finetune run (test holder)" in err
        assert "another output_dir" in err and "Traceback" not in err
        assert not (out / "predictions-base.jsonl").exists()
    finally:
        holder.send_signal(signal.SIGKILL)  # a killed holder releases the lock at once
        holder.wait()
    from finetune.lock import OutputLock

    with OutputLock(out):
        pass
