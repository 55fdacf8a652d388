"""textmetrics.significance: sacrebleu's bootstrap and paired tests on BLEU statistics, and the same procedures
for ROUGE."""
from __future__ import annotations

import math

import numpy as np
import pytest

import textmetrics as tm
from shared_data import shared_path
from textmetrics.significance import (bootstrap_ci, mean_of_stats, mean_score_stats, paired_approximate_randomization,
                                      paired_bootstrap)

sacrebleu = pytest.importorskip("sacrebleu")


@pytest.fixture(scope="module")
def wmt():
    base = shared_path("data", "wmt21")
    read = lambda p: p.read_text(encoding="utf-8").splitlines()  # noqa: E731
    refs = [read(base / "references" / f"newstest2021.de-en.ref.{k}.en") for k in "AB"]
    systems = {name: read(base / "system-outputs" / f"newstest2021.de-en.hyp.{name}.en")
               for name in ("Online-A", "Online-B", "UEdin")}
    n = 400  # a slice keeps the 10 000 AR trials quick
    return [r[:n] for r in refs], {k: v[:n] for k, v in systems.items()}


def _bleu_score(column_sums):
    return tm.bleu_from_statistics(column_sums).score


def _our_stats(refs, hyps):
    return tm.bleu_statistics(list(zip(*refs)), hyps)


def test_bootstrap_matches_sacrebleu(wmt):
    refs, systems = wmt
    hyps = systems["Online-B"]
    theirs = sacrebleu.metrics.BLEU().corpus_score(hyps, refs, n_bootstrap=1000)
    ours = bootstrap_ci(_our_stats(refs, hyps), _bleu_score, n_samples=1000, seed=12345)
    assert ours.score == theirs.score
    # Same resampling indices; sacrebleu sums float32 copies of the statistics, so its resampled precisions are
    # rounded to float32: agreement to ~1e-6 relative, not to the bit.
    assert math.isclose(ours.mean, theirs._mean, rel_tol=1e-6)
    assert math.isclose(ours.ci, theirs._ci, rel_tol=1e-4, abs_tol=1e-6)
    assert ours.low < ours.score < ours.high


@pytest.mark.parametrize("test_type", ["bs", "ar"])
def test_paired_tests_match_sacrebleu(wmt, test_type):
    from sacrebleu.significance import PairedTest

    refs, systems = wmt
    named = list(systems.items())
    metric = sacrebleu.metrics.BLEU(references=refs)
    n_samples = 1000 if test_type == "bs" else 2000
    _, theirs = PairedTest(named, {"BLEU": metric}, references=None, test_type=test_type,
                           n_samples=n_samples)()
    baseline = _our_stats(refs, named[0][1])
    test = paired_bootstrap if test_type == "bs" else paired_approximate_randomization
    for k, (name, hyps) in enumerate(named[1:], start=1):
        ours = test(baseline, _our_stats(refs, hyps), _bleu_score, n_samples=n_samples, seed=12345)
        result = theirs["BLEU"][k]
        assert ours.score == result.score
        assert abs(ours.p_value - result.p_value) <= 2 / (n_samples + 1)  # float32 ties can flip a trial or two
        if test_type == "bs":
            assert math.isclose(ours.mean, result.mean, rel_tol=1e-6)


def test_rouge_bootstrap_and_paired_tests(dialogsum_test):
    rows = dialogsum_test[:150]
    refs = [r["summary1"] for r in rows]
    good = [tm.rouge_l(ref, r["summary2"]).fmeasure for ref, r in zip(refs, rows)]
    poor = [tm.rouge_l(ref, r["dialogue"].split("\n")[-1]).fmeasure for ref, r in zip(refs, rows)]
    a, b = mean_score_stats(good), mean_score_stats(poor)
    ci = bootstrap_ci(a, mean_of_stats, n_samples=500)
    assert ci.score == pytest.approx(np.mean(good), rel=1e-15)
    assert ci.low <= ci.mean <= ci.high and ci.low < ci.score < ci.high
    assert bootstrap_ci(a, mean_of_stats, n_samples=500) == ci  # seeded: deterministic
    # A large real difference is significant; a system against itself is not "larger" in any resample.
    assert paired_bootstrap(b, a, mean_of_stats, n_samples=500).p_value < 0.01
    assert paired_approximate_randomization(b, a, mean_of_stats, n_samples=500).p_value < 0.01
    # Two halves of the same kind of system: differences are chance-level.
    assert paired_approximate_randomization(a, mean_score_stats(good[::-1]), mean_of_stats,
                                            n_samples=500).p_value > 0.05


def test_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        bootstrap_ci([1, 2, 3], mean_of_stats)
    with pytest.raises(ValueError, match="n_samples"):
        bootstrap_ci(mean_score_stats([0.1, 0.2]), mean_of_stats, n_samples=0)
    with pytest.raises(ValueError, match="same segments"):
        paired_bootstrap(mean_score_stats([0.1, 0.2]), mean_score_stats([0.1]), mean_of_stats)
