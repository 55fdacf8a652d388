"""Scores of prediction files with textmetrics (ROUGE-1/2/L/Lsum/SU4, BLEU, chrF2 and TER) and the before/after
report."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from .config import FinetuneError

METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum", "rougeSU4")
CORPUS_METRICS = ("bleu", "chrf", "ter")  # corpus scores: {"score", "signature"}; TER: lower is better
LABELS = {"base": "base model", "finetuned": "fine-tuned (LoRA)"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentence_lines(text: str) -> str:
    """One sentence per line, as ROUGE-Lsum expects."""
    return "\n".join(s for s in _SENTENCE_END.split(text.strip()) if s)


def score_rows(rows: list[dict]) -> dict:
    """Mean ROUGE precision/recall/F (x100, each prediction against its best reference) and corpus BLEU, chrF2
    and TER against all references (sacrebleu 2.6.0's defaults)."""
    from textmetrics import bleu, chrf, rouge_l, rouge_lsum, rouge_n, rouge_su, ter

    if not rows:
        raise ValueError("no predictions to score")
    functions = {
        "rouge1": lambda refs, cand: rouge_n(refs, cand, n=1),
        "rouge2": lambda refs, cand: rouge_n(refs, cand, n=2),
        "rougeL": rouge_l,
        "rougeLsum": lambda refs, cand: rouge_lsum([sentence_lines(r) for r in refs], sentence_lines(cand)),
        "rougeSU4": lambda refs, cand: rouge_su(refs, cand, max_skip=4),
    }
    result = {"rows": len(rows)}
    for name, function in functions.items():
        scores = [function(row["references"], row["prediction"]) for row in rows]
        result[name] = {
            field: 100 * sum(getattr(s, field) for s in scores) / len(scores)
            for field in ("precision", "recall", "fmeasure")
        }
    references, predictions = [row["references"] for row in rows], [row["prediction"] for row in rows]
    corpus = bleu(references, predictions)
    result["bleu"] = {"score": corpus.score, "signature": corpus.signature}
    for name, function in (("chrf", chrf), ("ter", ter)):
        corpus = function(references, predictions)
        result[name] = {"score": corpus.score, "signature": corpus.signature}
    result["mean_words"] = sum(len(row["prediction"].split()) for row in rows) / len(rows)
    result["empty"] = sum(1 for row in rows if not row["prediction"].strip())
    # rows that ran into predict.max_new_tokens without EOS or a stop string (usually a loop)
    result["capped"] = sum(1 for row in rows if row.get("finish") == "length")
    return result


class PredictionsError(FinetuneError):
    """A prediction file that cannot be scored as it is: incomplete, duplicated, foreign or stale."""


def read_predictions(path: str | Path) -> list[dict]:
    rows = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise PredictionsError(f"{path}, line {number}: not a JSON object (cut off?); run `finetune "
                                       "predict` again, it drops a cut-off last line and continues") from None
            if not isinstance(row, dict) or not isinstance(row.get("prediction"), str) or "id" not in row:
                raise PredictionsError(f"{path}, line {number}: expected an object with \"id\" and a "
                                       "\"prediction\" string")
            rows.append(row)
    return rows


def check_rows(rows: list[dict], expected_ids: list[str], path, test_ids: list[str] | None = None,
               command: str = "finetune predict") -> list[dict]:
    """The rows of ``expected_ids`` in test order, or an error when the file is duplicated, foreign or incomplete.

    ``test_ids`` (all test rows, before ``predict.limit``) may also appear; they are left out of the scores.
    """
    counts = Counter(str(row["id"]) for row in rows)
    dupes = [i for i, c in counts.items() if c > 1]
    if dupes:
        raise PredictionsError(f"{path} has {len(dupes)} test id(s) more than once (e.g. {dupes[:3]}): it is not "
                               f"one prediction per test row; delete it and run `{command}` again")
    known = set(test_ids if test_ids is not None else expected_ids)
    foreign = [i for i in counts if i not in known]
    if foreign:
        raise PredictionsError(f"{path} has {len(foreign)} id(s) that are not in the test set (e.g. {foreign[:3]}): "
                               f"it was made from other data; delete it and run `{command}` again")
    missing = [i for i in expected_ids if i not in counts]
    if missing:
        raise PredictionsError(f"{path} is incomplete: {len(missing)} of {len(expected_ids)} test rows have no "
                               f"prediction (first: {missing[:3]}); run `{command}`, it continues where it stopped")
    by_id = {str(row["id"]): row for row in rows}
    return [by_id[i] for i in expected_ids]


def build_report(prediction_files: dict[str, Path], expected_ids: list[str] | None = None,
                 test_ids: list[str] | None = None) -> dict:
    """``{"scores": {tag: scores}, "gain": {metric: finetuned - base}}`` for the files that exist.

    With ``expected_ids`` each file must hold exactly one prediction per expected test row (:func:`check_rows`).
    """
    scores = {}
    for tag, path in prediction_files.items():
        if not Path(path).is_file():
            continue
        rows = read_predictions(path)
        if expected_ids is not None:
            command = "finetune predict --base" if tag == "base" else "finetune predict"
            rows = check_rows(rows, expected_ids, path, test_ids, command)
        scores[tag] = score_rows(rows)
    if not scores:
        raise FileNotFoundError("no prediction files to score (run `finetune predict` first)")
    report = {"scores": scores, "files": {tag: str(prediction_files[tag]) for tag in scores}}
    if "base" in scores and "finetuned" in scores:
        base, tuned = scores["base"], scores["finetuned"]
        report["gain"] = {m: tuned[m]["fmeasure"] - base[m]["fmeasure"] for m in METRICS}
        for metric in CORPUS_METRICS:  # TER: a negative gain is an improvement
            if metric in tuned and metric in base:
                report["gain"][metric] = tuned[metric]["score"] - base[metric]["score"]
    return report


def table(report: dict) -> str:
    """A Markdown table: one row per model, F-measures (x100), BLEU, chrF2 and TER (a report written before chrF
    and TER were scored shows them empty)."""
    header = ["model", "rows", "ROUGE-1", "ROUGE-2", "ROUGE-L", "ROUGE-Lsum", "ROUGE-SU4", "BLEU", "chrF2", "TER",
              "words", "capped"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for tag, s in report["scores"].items():
        cells = [LABELS.get(tag, tag), str(s["rows"])] + [f"{s[m]['fmeasure']:.2f}" for m in METRICS]
        cells += [f"{s[m]['score']:.2f}" if m in s else "" for m in CORPUS_METRICS]
        cells += [f"{s['mean_words']:.1f}", str(s.get("capped", ""))]
        lines.append("| " + " | ".join(cells) + " |")
    if "gain" in report:
        g = report["gain"]
        cells = ["gain", ""] + [f"{g[m]:+.2f}" for m in METRICS]
        cells += [f"{g[m]:+.2f}" if m in g else "" for m in CORPUS_METRICS] + ["", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_report(report: dict, out_dir: str | Path, examples: int = 3) -> tuple[Path, Path]:
    """``report.json`` and a readable ``report.md`` (table, BLEU signature, a few example predictions)."""
    out_dir = Path(out_dir)
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    first = next(iter(report["scores"].values()))
    parts = [
        "# Fine-tuning report",
        "",
        "Scores x100. ROUGE: mean F-measure over test rows, each prediction against its best reference "
        "(textmetrics, rouge-score semantics, no stemming; Lsum over one sentence per line; SU4 = skip "
        "bigrams with up to 4 words between plus unigrams). BLEU: corpus BLEU against all references "
        f"(`{first['bleu']['signature']}`). chrF2 and TER: corpus chrF (beta 2, character 6-grams) and TER "
        "(lower is better, so a negative gain is an improvement) against all references, sacrebleu's defaults"
        + "".join(f" (`{first[m]['signature']}`)" for m in ("chrf", "ter") if m in first)
        + ". words: mean prediction length. capped: predictions that ran into predict.max_new_tokens without "
        "stopping.",
        "",
        table(report),
        "",
    ]
    if "fingerprint" in report:
        parts += [f"Fingerprint `{report['fingerprint']['hash'][:16]}`: "
                  + ", ".join(f"{tag} predictions `{v['fingerprint'][:16]}`"
                              for tag, v in report["fingerprint"]["components"]["predictions"].items()), ""]
    rows = {tag: read_predictions(path) for tag, path in report["files"].items()}
    tags = list(rows)
    for i in range(min(examples, len(rows[tags[0]]))):
        parts.append(f"## Example {rows[tags[0]][i]['id']}")
        parts.append("")
        parts.append(f"- reference: {rows[tags[0]][i]['references'][0]}")
        for tag in tags:
            if i < len(rows[tag]):
                parts.append(f"- {LABELS.get(tag, tag)}: {rows[tag][i]['prediction'] or '(empty)'}")
        parts.append("")
    md_path.write_text("\n".join(parts))
    return json_path, md_path
