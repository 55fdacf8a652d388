"""MBR decoding: selection against rouge-score, seeded candidates, the MBR predictions file, fingerprint and report."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")
rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer", reason="needs rouge-score for the expected values")

from finetune import cli  # noqa: E402
from finetune.config import ConfigError, PredictConfig  # noqa: E402
from finetune.predict import mbr_generate, mbr_select  # noqa: E402

CANDIDATES = [
    ["#Person1# asks #Person2# about the trip.", "#Person2# went on a trip with #Person1#.",
     "They talk about a trip to Paris.", "#Person1# and #Person2# talk about the weather."],
    ["the cat sat on the mat", "a cat sat", "the dog ran away", "the cat sat on a mat"],  # tie: 0 and 3
    ["same words here", "same words here", "other text entirely", ""],  # duplicates and an empty candidate
    ["Bob buys a car. He pays cash.", "Bob pays cash for a car.", "Alice sells Bob a car! Bob is happy.",
     "A car is sold."],
]


def expected_choice(candidates: list[str], metric: str) -> tuple[int, list[float]]:
    """Candidate j's utility = mean over i != j of rouge-score F with candidate i as target, j as prediction."""
    scorer = rouge_scorer.RougeScorer([metric], use_stemmer=False)
    if metric == "rougeLsum":  # rouge-score splits summaries on newlines: one sentence per line
        candidates = ["\n".join(s for s in re.split(r"(?<=[.!?])\s+", c.strip()) if s) for c in candidates]
    n = len(candidates)
    means = [math.fsum(scorer.score(candidates[i], candidates[j])[metric].fmeasure for i in range(n) if i != j)
             / (n - 1) for j in range(n)]
    best = max(means)
    return means.index(best), means


@pytest.mark.parametrize("metric", ["rouge1", "rouge2", "rougeL", "rougeLsum"])
@pytest.mark.parametrize("k", range(len(CANDIDATES)))
def test_selection_is_the_argmax_of_the_mean_against_the_other_candidates(metric, k):
    candidates = CANDIDATES[k]
    index, means = mbr_select(candidates, metric)
    want_index, want_means = expected_choice(candidates, metric)
    assert means == pytest.approx(want_means, abs=1e-12)
    assert index == want_index


def test_ties_go_to_the_first_candidate_and_the_orientation_is_candidate_as_prediction():
    index, means = mbr_select(CANDIDATES[1], "rougeL")
    assert means[0] == means[3] and index == 0  # exactly equal (exact sums), the first wins
    index, _ = mbr_select(list(reversed(CANDIDATES[1])), "rougeL")
    assert index == 0  # reversed: the former candidate 3 is now first
    with pytest.raises(ValueError, match="at least 2"):
        mbr_select(["only one"])


@pytest.mark.parametrize("samples", [1, -2])
def test_one_sample_is_refused(make_config, samples):
    with pytest.raises(ConfigError, match="mbr_samples must be 0"):
        make_config("none", predict={"mbr_samples": samples})
    with pytest.raises(ConfigError, match="mbr_metric"):
        make_config("none", predict={"mbr_samples": 2, "mbr_metric": "bleu"})


@pytest.fixture(scope="module")
def tiny_model(tiny_model_dir):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval()


def test_candidates_are_seeded_and_the_chosen_one_is_reported(tiny_model, tokenizer):
    cfg = PredictConfig(max_new_tokens=8, stop_on_repeat=0, mbr_samples=4, mbr_temperature=1.0, mbr_top_p=1.0)
    prompts = ["#Person1#: Hello, how are you?\n#Person2#: Fine.", "#Person1#: Where is the bank?"]
    first = mbr_generate(tiny_model, tokenizer, prompts, cfg, seed=7)
    again = mbr_generate(tiny_model, tokenizer, prompts, cfg, seed=7)
    other = mbr_generate(tiny_model, tokenizer, prompts, cfg, seed=8)
    assert first == again
    assert [r["mbr"]["candidates"] for r in other] != [r["mbr"]["candidates"] for r in first]
    for row in first:
        candidates = row["mbr"]["candidates"]
        assert len(candidates) == 4
        assert len(set(candidates)) > 1  # a random model at temperature 1 does not repeat itself 4 times
        want, _ = expected_choice(candidates, "rougeL")
        assert row["mbr"]["chosen"] == want and row["text"] == candidates[want]


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_run_with_mbr_writes_its_file_report_row_and_cost_and_reruns_only_what_changed(make_config, capsys,
                                                                                        monkeypatch):
    predict = {"mbr_samples": 3, "mbr_limit": 2, "mbr_temperature": 1.0, "stop_on_repeat": 0}
    cfg = make_config("none", predict=predict)
    report = cli.run(cfg)
    out = Path(cfg.output_dir)
    mbr_path = out / "predictions-finetuned-mbr.jsonl"
    greedy = rows(out / "predictions-finetuned.jsonl")
    mbr = rows(mbr_path)
    assert len(greedy) == 4 and [r["id"] for r in mbr] == [r["id"] for r in greedy[:2]]
    for row in mbr:
        assert len(row["mbr"]["candidates"]) == 3
        want, _ = expected_choice(row["mbr"]["candidates"], "rougeL")
        assert row["mbr"]["chosen"] == want and row["prediction"] == row["mbr"]["candidates"][want]
    side = json.loads((out / "predictions-finetuned-mbr.fingerprint.json").read_text())
    generation = side["components"]["generation"]
    assert generation["mbr"] == {"samples": 3, "metric": "rougeL"} and generation["do_sample"] is True
    assert generation["temperature"] == 1.0 and generation["top_p"] == 0.95
    assert side["cost"]["rows"] == 2 and side["cost"]["sequences"] == 6
    assert side["cost"]["generation_seconds"] > 0 and "selection_seconds" in side["cost"]
    greedy_cost = json.loads((out / "predictions-finetuned.fingerprint.json").read_text())["cost"]
    assert greedy_cost["rows"] == 4 and greedy_cost["generation_seconds"] > 0

    # the report: MBR against the greedy predictions of the same two rows, scored independently here
    scores = report["scores"]
    assert scores["finetuned-mbr"]["rows"] == 2 and scores["finetuned-greedy-mbr-rows"]["rows"] == 2
    scorer = rouge_scorer.RougeScorer(["rougeL"])

    def mean_rouge_l(preds):
        return 100 * sum(max(scorer.score(ref, r["prediction"])["rougeL"].fmeasure for ref in r["references"])
                         for r in preds) / len(preds)

    assert scores["finetuned-mbr"]["rougeL"]["fmeasure"] == pytest.approx(mean_rouge_l(mbr))
    assert scores["finetuned-greedy-mbr-rows"]["rougeL"]["fmeasure"] == pytest.approx(mean_rouge_l(greedy[:2]))
    assert report["mbr_gain"]["rougeL"] == pytest.approx(mean_rouge_l(mbr) - mean_rouge_l(greedy[:2]))
    md = (out / "report.md").read_text()
    assert "| fine-tuned, MBR | 2 |" in md and "MBR gain (vs greedy, same rows)" in md
    assert "MBR selection" in md

    # another MBR metric: only the MBR file is made again (training and greedy files reused)
    import transformers

    monkeypatch.setattr(transformers.Trainer, "train", lambda *a, **k: pytest.fail("training must be reused"))
    before = {tag: (out / f"predictions-{tag}.jsonl").read_bytes() for tag in ("base", "finetuned")}
    capsys.readouterr()
    cli.run(make_config("none", predict={**predict, "mbr_metric": "rouge1"}))
    log = capsys.readouterr().out
    assert "generation.mbr.metric: \"rougeL\" -> \"rouge1\"" in log
    assert {tag: (out / f"predictions-{tag}.jsonl").read_bytes() for tag in before} == before
    again = rows(mbr_path)
    for row in again:
        assert row["mbr"]["chosen"] == expected_choice(row["mbr"]["candidates"], "rouge1")[0]


def test_mbr_settings_change_only_the_mbr_fingerprint(make_config):
    from finetune.fingerprint import hash_obj
    from finetune.predict import generation_settings, mbr_settings

    def hashes(**predict):
        p = make_config("none", predict={"mbr_samples": 4, **predict}).predict
        return hash_obj(generation_settings(p)), hash_obj(mbr_settings(p))

    reference = hashes()
    changed = []
    for key, value in (("mbr_samples", 5), ("mbr_metric", "rouge2"), ("mbr_temperature", 0.9), ("mbr_top_p", 0.8),
                       ("top_k", 20), ("seed", 1), ("max_new_tokens", 7), ("mbr_limit", 2)):
        greedy, mbr = hashes(**{key: value})
        changed.append((key, greedy != reference[0], mbr != reference[1]))
    assert changed == [("mbr_samples", False, True), ("mbr_metric", False, True), ("mbr_temperature", False, True),
                       ("mbr_top_p", False, True), ("top_k", False, True), ("seed", False, True),
                       ("max_new_tokens", True, True), ("mbr_limit", False, False)]
