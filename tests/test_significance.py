"""textmetrics.significance: sacrebleu's bootstrap and paired tests on BLEU statistics, and the same procedures
for ROUGE."""
from __future__ import annotations

import math

import numpy as np
import pytest

import textmetrics as tm
from shared_data import MT_SAMPLE, mt_corpora
from textmetrics.significance import (bootstrap_ci, mean_of_stats, mean_score_stats, paired_approximate_randomization,
                                      paired_bootstrap)

sacrebleu = pytest.importorskip("sacrebleu")


# Three systems of each corpus: the baseline first (the WMT21 names are the ones this test has always used).
SYSTEMS = {"sample": ("Birch", "Cedar", "Elm"), "wmt21": ("Online-A", "Online-B", "UEdin")}


@pytest.fixture(scope="module", params=mt_corpora())
def wmt(request):
    """de-en of the in-repo MT sample, and of WMT21 when present: two reference streams, three systems."""
    corpus = request.param
    n = 400  # a slice keeps the 10 000 AR trials quick
    refs = [r[:n] for r in corpus.streams("de-en")[:2]]
    systems = corpus.systems("de-en")
    return refs, {name: systems[name][:n] for name in SYSTEMS[corpus.name]}


def _bleu_score(column_sums):
    return tm.bleu_from_statistics(column_sums).score


def _our_stats(refs, hyps):
    return tm.bleu_statistics(list(zip(*refs)), hyps)


def test_bootstrap_matches_sacrebleu(wmt):
    refs, systems = wmt
    hyps = list(systems.values())[1]
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
    for k, (_, hyps) in enumerate(named[1:], start=1):
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
    # the resampled mean is the mean of the resamples drawn with sacrebleu's generator and seed
    idxs = np.random.default_rng(12345).choice(len(good), size=(500, len(good)), replace=True)
    assert ci.mean == pytest.approx(np.asarray(good)[idxs].mean(axis=1).mean(), rel=1e-12)
    assert ci.low < ci.score < ci.high
    assert bootstrap_ci(a, mean_of_stats, n_samples=500) == ci  # seeded: deterministic
    # A large real difference is significant.
    assert paired_bootstrap(b, a, mean_of_stats, n_samples=500).p_value < 0.01
    assert paired_approximate_randomization(b, a, mean_of_stats, n_samples=500).p_value < 0.01


def _exchangeable(first: list, second: list, seed: int) -> tuple[list, list]:
    """Two systems that differ on every segment where ``first`` and ``second`` differ, but between which the null
    hypothesis holds by construction: a fair coin per segment decides which of the two outputs each one gets."""
    coins = np.random.default_rng(seed).integers(2, size=len(first))
    a = [x if c else y for x, y, c in zip(first, second, coins)]
    b = [y if c else x for x, y, c in zip(first, second, coins)]
    return a, b


NULL_SEEDS = range(40)


@pytest.mark.parametrize("test_type", ["ar", "bs"])
def test_null_true_but_systems_differ_against_sacrebleu(test_type):
    """Under a true null the p-value is ours and sacrebleu's on the same data and seed, for each of 40 random
    exchangeable pairs of different outputs, and spreads over (0, 1] as a p-value should (not stuck near 0 or 1);
    a real difference on the same data is significant."""
    from scipy import stats as scipy_stats
    from sacrebleu.significance import PairedTest

    refs = [r[:120] for r in MT_SAMPLE.streams("en-de")]
    systems = MT_SAMPLE.systems("en-de")
    first, second = systems["Birch"][:120], systems["Cedar"][:120]
    assert sum(x != y for x, y in zip(first, second)) > 100
    test = paired_approximate_randomization if test_type == "ar" else paired_bootstrap
    n_samples = 500
    metric = sacrebleu.metrics.BLEU(references=refs)
    ours, theirs = [], []
    for seed in NULL_SEEDS:
        a, b = _exchangeable(first, second, seed)
        assert a != b
        _, result = PairedTest([("a", a), ("b", b)], {"BLEU": metric}, references=None, test_type=test_type,
                               n_samples=n_samples)()
        mine = test(_our_stats(refs, a), _our_stats(refs, b), _bleu_score, n_samples=n_samples, seed=12345)
        assert mine.score == result["BLEU"][1].score
        assert abs(mine.p_value - result["BLEU"][1].p_value) <= 2 / (n_samples + 1)  # float32 ties (see above)
        ours.append(mine.p_value)
        theirs.append(result["BLEU"][1].p_value)
    ours, theirs = np.array(ours), np.array(theirs)
    print(f"{test_type}: p-values under the null: min {ours.min():.3f} median {np.median(ours):.3f} "
          f"max {ours.max():.3f}")
    if test_type == "ar":  # AR's p-value is uniform under the null: a level-0.05 test rejects about 5 % of the time
        assert np.sum(ours < 0.05) <= 4 and np.sum(theirs < 0.05) <= 4
        assert scipy_stats.kstest(ours, "uniform").pvalue > 0.01
        assert np.median(ours) > 0.2 and ours.max() > 0.5
    else:
        # sacrebleu's bootstrap p-value (|Δ*| centred on its mean against |Δ|) is not uniform; a level-0.05 test
        # still rejects a true null at most about 5 % of the time
        assert np.sum(ours < 0.05) <= 4 and np.sum(theirs < 0.05) <= 4
        assert np.median(ours) > 0.1
        assert len(set(ours.tolist())) > 10  # it does depend on the data: not a constant
    # the same procedure sees the difference between the best and the worst system of the sample
    mine = test(_our_stats(refs, systems["Alder"][:120]), _our_stats(refs, systems["Fir"][:120]), _bleu_score,
                n_samples=n_samples, seed=12345)
    assert mine.p_value == 1 / (n_samples + 1)


def test_rouge_null_true_p_values_spread():
    """ROUGE-L means of exchangeable pairs built from two different references of each sample dialogue: the
    approximate randomization p-value is spread over (0, 1] (uniform under a true null), with few rejections."""
    from scipy import stats as scipy_stats

    from shared_data import dialogsum

    rows = dialogsum("sample")
    first = [tm.rouge_l(r["summary1"], r["summary2"]).fmeasure for r in rows]
    second = [tm.rouge_l(r["summary1"], r["summary3"]).fmeasure for r in rows]
    p_values = []
    for seed in NULL_SEEDS:
        a, b = _exchangeable(first, second, seed)
        assert a != b
        p_values.append(paired_approximate_randomization(mean_score_stats(a), mean_score_stats(b), mean_of_stats,
                                                         n_samples=500).p_value)
    p_values = np.array(p_values)
    assert np.sum(p_values < 0.05) <= 6
    assert scipy_stats.kstest(p_values, "uniform").pvalue > 0.01


def test_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        bootstrap_ci([1, 2, 3], mean_of_stats)
    with pytest.raises(ValueError, match="n_samples"):
        bootstrap_ci(mean_score_stats([0.1, 0.2]), mean_of_stats, n_samples=0)
    with pytest.raises(ValueError, match="same segments"):
        paired_bootstrap(mean_score_stats([0.1, 0.2]), mean_score_stats([0.1]), mean_of_stats)
