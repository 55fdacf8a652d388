"""Benchmark 6: corpus chrF, chrF++ and TER, textmetrics against sacrebleu 2.6.0 on the same WMT21 data in the
same run, with identical numbers asserted.

Groups (WMT21 en-de, references A, C, D; the sizes keep sacrebleu's rounds to seconds):

* ``chrf``: chrF2 of 4 systems x 1 002 segments, 3 references. Anchors: ``sacrebleu``
  (``CHRF().corpus_score(system, streams)`` per system: a fresh metric, no reference cache, as ``corpus_chrf``),
  ``sacrebleu cached refs`` (``CHRF(references=streams)`` built once per round, timed, then ``corpus_score(system,
  None)``), and ``sacrebleu-mojo`` when importable (it needs Python >= 3.12, so it skips on 3.11).
  Ours: ``textmetrics.chrf(per_segment_references, system)`` per system (references counted again for each).
* ``chrf++``: the same with ``word_order=2``.
* ``ter``: TER of 2 systems x the first 500 segments, reference A. sacrebleu's Tercom tokenizer cache is cleared
  before each round (untimed), as in a fresh process; TER with default options does not use it much anyway.

Every score object must equal sacrebleu's (chrF: score and name; TER: score, edits, reference length); that is all
the benchmark asserts. The ratio (the best anchor's median over ours) is printed in the summary table; the target
is >= 20x.

Command: ``.venv/bin/python -m pytest benchmarks/test_bench_chrf_ter.py -q --benchmark-only``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

WMT21 = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "wmt21").resolve()
N_CHRF_SYSTEMS = 4
N_TER_SYSTEMS = 2
TER_SEGMENTS = 500
ANCHOR_ROUNDS = 3
OUR_ROUNDS = 7


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


def _chrf_numbers(score) -> tuple:
    return score.score, score.name


def _ter_numbers(score) -> tuple:
    return score.score, score.num_edits, score.ref_length


CHRF_GROUPS = {0: "chrF2 wmt21 en-de (4 systems x 1002 segments, 3 refs)",
               2: "chrF2++ wmt21 en-de (4 systems x 1002 segments, 3 refs)"}
TER_GROUP = f"TER wmt21 en-de ({N_TER_SYSTEMS} systems x {TER_SEGMENTS} segments, ref A)"


@pytest.mark.parametrize("word_order", [0, 2], ids=["chrf", "chrf++"])
@pytest.mark.parametrize("impl", ["sacrebleu", "sacrebleu cached refs", "sacrebleu-mojo", "textmetrics.chrf"])
def test_corpus_chrf(benchmark, record, anchor_results, wmt21_en_de, impl, word_order):
    streams, per_segment, systems = wmt21_en_de
    systems = systems[:N_CHRF_SYSTEMS]
    group = CHRF_GROUPS[word_order]
    benchmark.group = group
    key = f"chrf{word_order}"
    if impl.startswith("sacrebleu"):
        if impl == "sacrebleu-mojo":
            mojo = pytest.importorskip("sacrebleu_mojo", reason="sacrebleu-mojo is not installed (it needs "
                                                                 "Python >= 3.12)")
            metric_class = mojo.CHRF
        else:
            from sacrebleu.metrics import CHRF as metric_class

        if impl == "sacrebleu cached refs":
            def run():
                metric = metric_class(word_order=word_order, references=streams)
                return [metric.corpus_score(system, None) for system in systems]
        else:
            def run():
                return [metric_class(word_order=word_order).corpus_score(system, streams) for system in systems]

        scores = benchmark.pedantic(run, rounds=ANCHOR_ROUNDS, iterations=1)
        numbers = [_chrf_numbers(s) for s in scores]
        if key in anchor_results:
            assert numbers == anchor_results[key]
        anchor_results[key] = numbers
        record(benchmark, group, impl, anchor=True)
        return

    from textmetrics.metrics.chrf import chrf, warmup

    warmup()  # compiling (or loading) the kernels stays out of the timed region

    def run():
        return [chrf(per_segment, system, word_order=word_order) for system in systems]

    scores = benchmark.pedantic(run, rounds=OUR_ROUNDS, warmup_rounds=1, iterations=1)
    record(benchmark, group, impl, anchor=False)
    if key not in anchor_results:
        pytest.skip("run with the sacrebleu benchmark of the same group to compare the scores")
    assert [_chrf_numbers(s) for s in scores] == anchor_results[key]  # identical floats


def _clear_tercom_caches():
    from sacrebleu.tokenizers.tokenizer_ter import TercomTokenizer

    from textmetrics.metrics.ter import tercom_tokenize

    TercomTokenizer.__call__.cache_clear()
    tercom_tokenize.cache_clear()


@pytest.mark.parametrize("impl", ["sacrebleu", "textmetrics.ter"])
def test_corpus_ter(benchmark, record, anchor_results, wmt21_en_de, impl):
    streams, per_segment, systems = wmt21_en_de
    systems = [s[:TER_SEGMENTS] for s in systems[:N_TER_SYSTEMS]]
    ref_a = [streams[0][:TER_SEGMENTS]]
    per_segment_a = [refs[:1] for refs in per_segment[:TER_SEGMENTS]]
    benchmark.group = TER_GROUP
    if impl == "sacrebleu":
        from sacrebleu.metrics import TER

        def run():
            return [TER().corpus_score(system, ref_a) for system in systems]

        scores = benchmark.pedantic(run, setup=_clear_tercom_caches, rounds=2, iterations=1)
        anchor_results["ter"] = [_ter_numbers(s) for s in scores]
        record(benchmark, TER_GROUP, impl, anchor=True)
        return

    from textmetrics.metrics.ter import ter, warmup

    warmup()

    def run():
        return [ter(per_segment_a, system) for system in systems]

    scores = benchmark.pedantic(run, setup=_clear_tercom_caches, rounds=OUR_ROUNDS, warmup_rounds=1, iterations=1)
    record(benchmark, TER_GROUP, impl, anchor=False)
    if "ter" not in anchor_results:
        pytest.skip("run with the sacrebleu benchmark of the same group to compare the scores")
    assert [_ter_numbers(s) for s in scores] == anchor_results["ter"]  # identical floats and counts
