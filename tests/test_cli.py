"""textmetrics.cli: results equal the reference packages; input errors name the file and line."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from shared_data import shared_path
from textmetrics import cli


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture()
def summaries(tmp_path, dialogsum_test):
    rows = dialogsum_test[:60]
    paths = []
    for k in (1, 2, 3):
        path = tmp_path / f"summary{k}.txt"
        path.write_text("".join(r[f"summary{k}"].replace("\n", " ") + "\n" for r in rows), encoding="utf-8")
        paths.append(path)
    return rows, paths


def test_rouge_matches_rouge_score(capsys, summaries):
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    rows, (s1, s2, s3) = summaries
    code, out, _ = run(capsys, "rouge", s2, s3, "-c", s1, "--stemmer", "--format", "json", "--per-segment")
    assert code == 0
    report = json.loads(out)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True)
    expected = [scorer.score_multi([r["summary2"], r["summary3"]], r["summary1"]) for r in rows]
    scores = report["systems"][0]["scores"]
    for metric, got in scores.items():
        f = [e[metric].fmeasure for e in expected]
        assert got["segments"]["fmeasure"] == f
        assert got["fmeasure"] == math.fsum(f) / len(f)
    assert report["signature"].startswith("rouge1+rouge2+rougeL+rougeLsum|tok:default|stem:yes|ref:best|")


def test_bleu_matches_sacrebleu_for_several_systems(capsys):
    sacrebleu = pytest.importorskip("sacrebleu")
    base = shared_path("data", "wmt21")
    refs = [base / "references" / f"newstest2021.en-de.ref.{k}.de" for k in "ACD"]
    hyps = [base / "system-outputs" / f"newstest2021.en-de.hyp.{name}.de" for name in ("Online-A", "UEdin")]
    code, out, _ = run(capsys, "bleu", *refs, "-c", *hyps, "--format", "json", "--paired-bs",
                       "--paired-samples", "200", "--confidence", "200")
    assert code == 0
    report = json.loads(out)
    streams = [p.read_text(encoding="utf-8").split("\n")[:-1] for p in refs]
    for entry, hyp in zip(report["systems"], hyps):
        expected = sacrebleu.corpus_bleu(hyp.read_text(encoding="utf-8").split("\n")[:-1], streams)
        assert entry["score"] == expected.score
        assert entry["counts"] == expected.counts and entry["ref_len"] == expected.ref_len
        assert entry["low"] <= entry["score"] <= entry["high"]
    assert "p_value" not in report["systems"][0] and 0 < report["systems"][1]["p_value"] <= 1
    assert report["signature"].startswith("nrefs:3|case:mixed|eff:no|tok:13a|smooth:exp|bs:200|rs:12345|")


def test_jsonl_with_a_list_of_references(capsys, tmp_path):
    path = tmp_path / "data.jsonl"
    records = [{"refs": ["the cat sat", "a cat sat down"], "prediction": "the cat sat down"},
               {"refs": ["hello world"], "prediction": "hello there"}]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "rouge", path, "--ref-field", "refs", "--metrics", "rouge1", "--format", "json",
                       "--per-segment")
    assert code == 0
    f = json.loads(out)["systems"][0]["scores"]["rouge1"]["segments"]["fmeasure"]
    # pair 1: best of F(the cat sat; 3/4 P, 1 R) = 6/7 and F(a cat sat down; 3/4, 3/4) = 3/4; pair 2: P = R = 1/2
    assert f == [2 * 0.75 * 1.0 / 1.75, 0.5]


def test_sentence_separator_feeds_rougelsum(capsys, tmp_path):
    ref, cand = tmp_path / "ref.txt", tmp_path / "cand.txt"
    ref.write_text("First sentence.<n>Second Sentence.\n", encoding="utf-8")
    cand.write_text("Second sentence.<n>First Sentence.\n", encoding="utf-8")
    code, out, _ = run(capsys, "rouge", ref, "-c", cand, "--metrics", "rougeL,rougeLsum", "--sentence-sep", "<n>",
                       "--format", "json")
    scores = json.loads(out)["systems"][0]["scores"]
    assert (scores["rougeL"]["fmeasure"], scores["rougeLsum"]["fmeasure"]) == (0.5, 1.0)


class TestErrors:
    def test_mismatched_line_counts(self, capsys, tmp_path):
        (tmp_path / "r.txt").write_text("a\nb\n", encoding="utf-8")
        (tmp_path / "c.txt").write_text("a\n", encoding="utf-8")
        code, _, err = run(capsys, "bleu", tmp_path / "r.txt", "-c", tmp_path / "c.txt")
        assert code == 1 and "not line-aligned" in err and "r.txt: 2" in err and "c.txt: 1" in err

    def test_non_utf8_names_file_and_line(self, capsys, tmp_path):
        (tmp_path / "r.txt").write_bytes(b"ok\nstill ok\nbad \xff byte\n")
        (tmp_path / "c.txt").write_text("a\nb\nc\n", encoding="utf-8")
        code, _, err = run(capsys, "rouge", tmp_path / "r.txt", "-c", tmp_path / "c.txt")
        assert code == 1 and "r.txt:3: not valid UTF-8" in err

    def test_missing_file(self, capsys, tmp_path):
        code, _, err = run(capsys, "rouge", tmp_path / "nope.txt", "-c", tmp_path / "nope.txt")
        assert code == 1 and "nope.txt: cannot read" in err

    def test_bad_jsonl(self, capsys, tmp_path):
        path = tmp_path / "d.jsonl"
        path.write_text('{"refs": "a", "prediction": "a"}\n{"refs": 3, "prediction": "b"}\n', encoding="utf-8")
        code, _, err = run(capsys, "rouge", path, "--ref-field", "refs")
        assert code == 1 and "d.jsonl:2: field 'refs' must be" in err
        path.write_text('{"refs": "a", "prediction": "a"}\nnot json\n', encoding="utf-8")
        code, _, err = run(capsys, "rouge", path, "--ref-field", "refs")
        assert code == 1 and "d.jsonl:2: invalid JSON" in err

    @pytest.mark.parametrize("argv", [
        ["rouge", "r.txt", "-c", "c.txt", "--metrics", "rouge0"],
        ["bleu", "r.txt", "-c", "c.txt", "--tokenize", "moses"],
        ["bleu", "r.txt", "-c", "c.txt", "--paired-bs"],
        ["frobnicate"],
    ])
    def test_usage_errors_exit_2(self, capsys, argv):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2


def test_module_entry_point(tmp_path):
    (tmp_path / "r.txt").write_text("The cat is on the mat.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("The cat and the dog.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "textmetrics", "rouge", str(tmp_path / "r.txt"), "-c",
                           str(tmp_path / "c.txt"), "--metrics", "rouge1", "--format", "csv"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[1].split(",")[2:] == ["0.6", "0.5", repr(2 * 0.6 * 0.5 / 1.1)]
