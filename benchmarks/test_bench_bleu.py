"""Benchmark 2: corpus BLEU (13a tokenizer, exp smoothing) of all 20 WMT21 en-de systems against their 3
references (1 002 segments), textmetrics against sacrebleu 2.6.0 on the same data in the same run.

* anchor, ``sacrebleu``: ``sacrebleu.corpus_bleu(system, streams)`` for each system. sacrebleu memoizes tokenized
  lines (``lru_cache`` on its tokenizers); the caches are cleared before each round (untimed), so within a round the
  references are tokenized once, by the first system, and every system's lines once: what a fresh process scoring
  the 20 systems does.
* ``textmetrics.bleu``: ``bleu(per_segment_references, system)`` for each system; it tokenizes and counts the
  references again for every system.
* ``textmetrics.BleuScorer``: ``BleuScorer(per_segment_references)`` (timed, once per round), then ``.score`` for
  each system.

Every ``BleuScore`` number must equal sacrebleu's (score, counts, totals, precisions, bp, lengths); that is all the
benchmark asserts. The ratio (sacrebleu's median over ours) is printed in the summary table.
"""
from __future__ import annotations

from pathlib import Path

import pytest

WMT21 = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "wmt21").resolve()
GROUP = "bleu wmt21 en-de (20 systems x 1002 segments, 3 refs)"
ANCHOR_ROUNDS = 3


def _read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


@pytest.fixture(scope="module")
def wmt21_en_de():
    if not WMT21.is_dir():
        pytest.skip(f"{WMT21} not found: the shared data folder is not present in this checkout")
    streams = [_read(p) for p in sorted((WMT21 / "references").glob("newstest2021.en-de.ref.*.de"))]
    systems = [_read(p) for p in sorted((WMT21 / "system-outputs").glob("newstest2021.en-de.hyp.*.de"))]
    assert len(streams) == 3 and len(systems) == 20
    per_segment = [list(refs) for refs in zip(*streams, strict=True)]
    return streams, per_segment, systems


def _numbers(score) -> tuple:
    return (score.score, list(score.counts), list(score.totals), list(score.precisions), score.bp, score.sys_len,
            score.ref_len)


def _clear_sacrebleu_caches():
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
    from sacrebleu.tokenizers.tokenizer_re import TokenizerRegexp

    Tokenizer13a.__call__.cache_clear()
    TokenizerRegexp.__call__.cache_clear()


@pytest.mark.parametrize("impl", ["sacrebleu", "textmetrics.bleu", "textmetrics.BleuScorer"])
def test_corpus_bleu_20_systems(benchmark, record, anchor_results, wmt21_en_de, impl):
    streams, per_segment, systems = wmt21_en_de
    benchmark.group = GROUP
    if impl == "sacrebleu":
        import sacrebleu

        def run():
            return [sacrebleu.corpus_bleu(system, streams) for system in systems]

        scores = benchmark.pedantic(run, setup=_clear_sacrebleu_caches, rounds=ANCHOR_ROUNDS, iterations=1)
        anchor_results["bleu en-de"] = [_numbers(s) for s in scores]
        record(benchmark, GROUP, impl, anchor=True)
        return

    from textmetrics.metrics.bleu import BleuScorer, bleu, warmup

    warmup()  # compiling (or loading) the kernels stays out of the timed region

    if impl == "textmetrics.bleu":
        def run():
            return [bleu(per_segment, system) for system in systems]
    else:
        def run():
            scorer = BleuScorer(per_segment)
            return [scorer.score(system) for system in systems]

    scores = benchmark.pedantic(run, rounds=7, warmup_rounds=1, iterations=1)
    record(benchmark, GROUP, impl, anchor=False)
    if "bleu en-de" not in anchor_results:
        pytest.skip("run with the sacrebleu benchmark of the same group to compare the scores")
    assert [_numbers(s) for s in scores] == anchor_results["bleu en-de"]  # identical floats and counts
