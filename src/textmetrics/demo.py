"""The embedded demo: DialogSum's human summaries scored against each other.

Each of 40 test dialogues has three human summaries; summary1 is treated as the candidate and summary2/3 as its
references, so the table shows how much two people agree when they summarize the same conversation.

    python -m textmetrics.demo [PATH_TO_SUMMARIES_JSONL]
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import textmetrics as tm

DEFAULT = Path(__file__).resolve().parent / "data" / "dialogsum-summaries" / "summaries.jsonl"  # package data

METRICS = {
    "ROUGE-1": lambda r, c: tm.rouge_n(r, c, n=1, stemmer=True),
    "ROUGE-2": lambda r, c: tm.rouge_n(r, c, n=2, stemmer=True),
    "ROUGE-L": lambda r, c: tm.rouge_l(r, c, stemmer=True),
    "ROUGE-Lsum": lambda r, c: tm.rouge_lsum(r, c, stemmer=True),
    "ROUGE-W-1.2": lambda r, c: tm.rouge_w(r, c, stemmer=True),
    "ROUGE-S4": lambda r, c: tm.rouge_s(r, c, stemmer=True),
    "ROUGE-SU4": lambda r, c: tm.rouge_su(r, c, stemmer=True),
}


def load(path: Path) -> tuple[list[list[str]], list[str]]:
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [[r["summary2"], r["summary3"]] for r in rows], [r["summary1"] for r in rows]


def table(references: list[list[str]], candidates: list[str]) -> str:
    lines = [f"{'metric':<12} {'precision':>9} {'recall':>9} {'F':>9}", "-" * 42]
    for name, metric in METRICS.items():
        scores = [metric(r, c) for r, c in zip(references, candidates)]
        p, r, f = (100 * sum(col) / len(scores) for col in zip(*scores))
        lines.append(f"{name:<12} {p:9.2f} {r:9.2f} {f:9.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else DEFAULT
    references, candidates = load(path)
    start = time.perf_counter()
    print(f"DialogSum: summary1 of {len(candidates)} test dialogues scored against summary2 and summary3")
    print("(multi-reference: best F per metric, Porter stemming; mean over dialogues, in percent)\n")
    print(table(references, candidates))
    score = tm.bleu(references, candidates)
    print(f"\n{score}\n{score.signature}")
    print(f"\n{time.perf_counter() - start:.2f} s on the {tm.engine()['backend']} kernels.")
    print("Data: DialogSum (Chen et al., 2021), CC BY-NC-SA 4.0; see textmetrics/data/dialogsum-summaries/README.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
