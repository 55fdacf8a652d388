"""finetune evaluate's report: chrF2 and TER beside ROUGE and BLEU, equal to sacrebleu on the same predictions.

No model needed: prediction files are written from the in-repo DialogSum sample (one summary as the "prediction",
the three summaries as references, as `finetune predict` writes them).
"""
from __future__ import annotations

import json

import pytest
from finetune_helpers import SAMPLE

from finetune import evaluate


def _rows():
    return [json.loads(line) for line in (SAMPLE / "test.jsonl").read_text().splitlines()]


def _write(path, rows, prediction):
    with open(path, "w") as f:
        for row in rows:
            refs = [row[f"summary{k}"] for k in (1, 2, 3)]
            f.write(json.dumps({"id": row["fname"], "prediction": prediction(row), "references": refs}) + "\n")
    return path


@pytest.fixture()
def files(tmp_path):
    rows = _rows()
    base = _write(tmp_path / "predictions-base.jsonl", rows, lambda r: r["dialogue"].split("\n")[0])
    tuned = _write(tmp_path / "predictions-finetuned.jsonl", rows, lambda r: r["summary2"].lower())
    return rows, {"base": base, "finetuned": tuned}


def test_report_has_chrf_and_ter_equal_to_sacrebleu(files):
    sacrebleu = pytest.importorskip("sacrebleu")
    rows, paths = files
    report = evaluate.build_report(paths, [r["fname"] for r in rows])
    for tag, path in paths.items():
        predicted = [json.loads(line) for line in path.read_text().splitlines()]
        hyps = [p["prediction"] for p in predicted]
        streams = [list(s) for s in zip(*(p["references"] for p in predicted))]
        scores = report["scores"][tag]
        chrf, ter = sacrebleu.CHRF(), sacrebleu.TER()
        assert scores["chrf"]["score"] == chrf.corpus_score(hyps, streams).score
        assert scores["ter"]["score"] == ter.corpus_score(hyps, streams).score
        assert scores["bleu"]["score"] == sacrebleu.BLEU().corpus_score(hyps, streams).score
        for metric, scorer in (("chrf", chrf), ("ter", ter)):
            ours = scores[metric]["signature"].rsplit("|version:", 1)[0]
            assert ours == str(scorer.get_signature()).rsplit("|version:", 1)[0]
    gain = report["gain"]
    for metric in ("chrf", "ter", "bleu"):
        tuned, base = (report["scores"][tag][metric]["score"] for tag in ("finetuned", "base"))
        assert gain[metric] == tuned - base
    assert gain["ter"] < 0 < gain["chrf"]  # the "fine-tuned" file is a reference summary: better on both


def test_existing_report_fields_are_unchanged(files):
    rows, paths = files
    report = evaluate.build_report(paths, [r["fname"] for r in rows])
    scores = report["scores"]["base"]
    assert set(scores) == {"rows", *evaluate.METRICS, "bleu", "chrf", "ter", "mean_words", "empty", "capped"}
    assert set(scores["bleu"]) == {"score", "signature"} and scores["bleu"]["signature"].startswith("nrefs:3|")
    assert set(report["gain"]) == {*evaluate.METRICS, "bleu", "chrf", "ter"}
    assert scores["rows"] == len(rows)


def test_table_and_markdown_show_chrf_and_ter(files, tmp_path):
    rows, paths = files
    report = evaluate.build_report(paths, [r["fname"] for r in rows])
    lines = evaluate.table(report).splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == ["model", "rows", "ROUGE-1", "ROUGE-2", "ROUGE-L", "ROUGE-Lsum", "ROUGE-SU4", "BLEU", "chrF2",
                      "TER", "words", "capped"]
    for line, tag in zip(lines[2:4], ("base", "finetuned")):
        cells = [c.strip() for c in line.strip("|").split("|")]
        s = report["scores"][tag]
        assert cells[7:10] == [f"{s['bleu']['score']:.2f}", f"{s['chrf']['score']:.2f}", f"{s['ter']['score']:.2f}"]
    gain = [c.strip() for c in lines[4].strip("|").split("|")]
    assert gain[0] == "gain" and gain[8:10] == [f"{report['gain']['chrf']:+.2f}", f"{report['gain']['ter']:+.2f}"]
    _, md = evaluate.write_report(report, tmp_path)
    text = md.read_text()
    for metric in ("chrf", "ter"):
        assert report["scores"]["base"][metric]["signature"] in text
    assert json.loads((tmp_path / "report.json").read_text())["scores"]["finetuned"]["ter"] == \
        report["scores"]["finetuned"]["ter"]


def test_a_report_from_before_chrf_and_ter_still_renders(files):
    """A reused report.json written before chrF/TER were scored: the table shows those cells empty."""
    rows, paths = files
    report = evaluate.build_report(paths, [r["fname"] for r in rows])
    for scores in report["scores"].values():
        del scores["chrf"], scores["ter"]
    del report["gain"]["chrf"], report["gain"]["ter"]
    cells = [c.strip() for c in evaluate.table(report).splitlines()[2].strip("|").split("|")]
    assert cells[8:10] == ["", ""]
