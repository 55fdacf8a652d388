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
LABELS = {"base": "base model", "finetuned": "fine-tuned (LoRA)", "finetuned-mbr": "fine-tuned, MBR",
          "finetuned-greedy-mbr-rows": "fine-tuned, greedy (MBR rows)"}
MBR_TAGS = ("finetuned-greedy-mbr-rows", "finetuned-mbr")  # the MBR comparison's rows, after the gain row
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentence_lines(text: str) -> str:
    """One sentence per line, as ROUGE-Lsum expects."""
    return "\n".join(s for s in _SENTENCE_END.split(text.strip()) if s)


def rouge_per_row(rows: list[dict], metrics=METRICS) -> dict[str, list]:
    """Each row's ROUGE ``Score`` per metric, the prediction against its best reference (rougeLsum: one sentence
    per line); rows have ``prediction`` and ``references``. Shared by the report and the in-loop metrics."""
    from textmetrics import registry

    functions = {name: registry.get(name).single for name in metrics}  # the metric names, parsed once
    if "rougeLsum" in functions:
        lsum = functions["rougeLsum"]
        functions["rougeLsum"] = lambda refs, cand: lsum([sentence_lines(r) for r in refs], sentence_lines(cand))
    return {name: [function(row["references"], row["prediction"]) for row in rows]
            for name, function in functions.items()}


def score_rows(rows: list[dict]) -> dict:
    """Mean ROUGE precision/recall/F (x100, each prediction against its best reference) and corpus BLEU, chrF2
    and TER against all references (sacrebleu 2.6.0's defaults)."""
    from textmetrics import bleu, chrf, ter

    if not rows:
        raise ValueError("no predictions to score")
    result: dict = {"rows": len(rows)}
    for name, scores in rouge_per_row(rows).items():
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


def add_mbr(report: dict, mbr_path: Path, greedy_path: Path | None, mbr_ids: list[str], test_ids: list[str],
            settings: dict) -> dict:
    """Add the MBR predictions' scores to ``report`` and ``mbr_gain`` (MBR minus greedy on the same rows).

    When MBR covers fewer rows than the greedy file (``predict.mbr_limit``), the greedy predictions of those rows
    are scored as well ("finetuned-greedy-mbr-rows"), so the gain compares the same dialogues.
    """
    rows = check_rows(read_predictions(mbr_path), mbr_ids, mbr_path, test_ids, "finetune predict")
    scores, mbr = report["scores"], score_rows(rows)
    greedy = None
    if greedy_path is not None and Path(greedy_path).is_file():
        tuned = scores.get("finetuned")
        if tuned is not None and tuned["rows"] == len(mbr_ids):
            greedy = tuned
        else:
            greedy_rows = check_rows(read_predictions(greedy_path), mbr_ids, greedy_path, test_ids)
            greedy = scores["finetuned-greedy-mbr-rows"] = score_rows(greedy_rows)
    scores["finetuned-mbr"] = mbr
    report["files"]["finetuned-mbr"] = str(mbr_path)
    report["mbr"] = {**settings, "rows": len(mbr_ids)}
    if greedy is not None:
        report["mbr_gain"] = {m: mbr[m]["fmeasure"] - greedy[m]["fmeasure"] for m in METRICS}
        for metric in CORPUS_METRICS:
            report["mbr_gain"][metric] = mbr[metric]["score"] - greedy[metric]["score"]
    return report


def cost_lines(report: dict) -> list[str]:
    """One line per predictions file with its recorded generation time (and MBR's selection time)."""
    lines = []
    for tag, cost in (report.get("cost") or {}).items():
        if not cost or "generation_seconds" not in cost:
            continue
        line = (f"- {LABELS.get(tag, tag)}: {cost['generation_seconds']:.1f} s generating {cost.get('rows', '?')} "
                f"rows ({cost.get('sequences', '?')} sequences)")
        if "selection_seconds" in cost:
            line += f", {cost['selection_seconds']:.2f} s MBR selection"
        lines.append(line)
    return (["Generation time (this machine; seconds add up over resumed sessions):"] + lines) if lines else []


def table(report: dict) -> str:
    """A Markdown table: one row per model, F-measures (x100), BLEU, chrF2 and TER (a report written before chrF
    and TER were scored shows them empty)."""
    header = ["model", "rows", "ROUGE-1", "ROUGE-2", "ROUGE-L", "ROUGE-Lsum", "ROUGE-SU4", "BLEU", "chrF2", "TER",
              "words", "capped"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]

    def score_line(tag, s):
        cells = [LABELS.get(tag, tag), str(s["rows"])] + [f"{s[m]['fmeasure']:.2f}" for m in METRICS]
        cells += [f"{s[m]['score']:.2f}" if m in s else "" for m in CORPUS_METRICS]
        cells += [f"{s['mean_words']:.1f}", str(s.get("capped", ""))]
        lines.append("| " + " | ".join(cells) + " |")

    def gain_line(label, g):
        cells = [label, ""] + [f"{g[m]:+.2f}" for m in METRICS]
        cells += [f"{g[m]:+.2f}" if m in g else "" for m in CORPUS_METRICS] + ["", ""]
        lines.append("| " + " | ".join(cells) + " |")

    for tag, s in report["scores"].items():
        if tag not in MBR_TAGS:
            score_line(tag, s)
    if "gain" in report:
        gain_line("gain", report["gain"])
    for tag in MBR_TAGS:
        if tag in report["scores"]:
            score_line(tag, report["scores"][tag])
    if "mbr_gain" in report:
        gain_line("MBR gain (vs greedy, same rows)", report["mbr_gain"])
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
    if "mbr" in report:
        m = report["mbr"]
        parts += [f"MBR: {m['samples']} samples per dialogue (temperature {m['temperature']}, top-p {m['top_p']}, "
                  f"top-k {m['top_k']}), the one with the highest mean {m['metric']} F against the others, on the "
                  f"first {m['rows']} test rows; the MBR gain compares with the greedy predictions of the same rows.",
                  ""]
    costs = cost_lines(report)
    if costs:
        parts += costs + [""]
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
