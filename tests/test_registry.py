"""The metric registry (``textmetrics.registry``): one table from a metric name to its statistics kernel, its
reference twin and its score function, used by the batch API, the CLI, the compat modules and the HF hook."""
from __future__ import annotations

import numpy as np
import pytest

import textmetrics as tm
from textmetrics import batch, registry
from textmetrics.cli import main
from textmetrics.compat.rouge_score import rouge_scorer
from textmetrics.reference.rouge import Stats

REFS = ["The cats sat on the mat.\nThen they slept in the sun.", ["A dog barked at night.", "The dog was barking."]]
CANDS = ["The cat sat on a mat.\nThen it slept.", "The dog barks at night."]

ROUGE_NAMES = {
    "rouge1": ("n", {"n": 1}), "rouge9": ("n", {"n": 9}), "rougeL": ("l", {}), "rougeLsum": ("lsum", {}),
    "rougeW": ("w", {"weight": 1.2}), "rougeW-1.2": ("w", {"weight": 1.2}), "rougeW-1.5": ("w", {"weight": 1.5}),
    "rougeS": ("s", {"max_skip": 4, "unigrams": False}), "rougeS4": ("s", {"max_skip": 4, "unigrams": False}),
    "rougeS0": ("s", {"max_skip": 0, "unigrams": False}), "rougeS*": ("s", {"max_skip": None, "unigrams": False}),
    "rougeSU4": ("s", {"max_skip": 4, "unigrams": True}), "rougeSU*": ("s", {"max_skip": None, "unigrams": True}),
}
# the public single-pair function of each ROUGE name
SINGLE = {
    "rouge1": lambda r, c: tm.rouge_n(r, c, n=1), "rouge9": lambda r, c: tm.rouge_n(r, c, n=9),
    "rougeL": tm.rouge_l, "rougeLsum": tm.rouge_lsum, "rougeW": tm.rouge_w, "rougeW-1.2": tm.rouge_w,
    "rougeW-1.5": lambda r, c: tm.rouge_w(r, c, weight=1.5), "rougeS": tm.rouge_s, "rougeS4": tm.rouge_s,
    "rougeS0": lambda r, c: tm.rouge_s(r, c, max_skip=0), "rougeS*": lambda r, c: tm.rouge_s(r, c, max_skip=None),
    "rougeSU4": tm.rouge_su, "rougeSU*": lambda r, c: tm.rouge_su(r, c, max_skip=None),
}


@pytest.mark.parametrize("name", sorted(ROUGE_NAMES))
def test_rouge_names_resolve_to_their_parameters(name):
    kind, params = ROUGE_NAMES[name]
    metric = registry.get(name)
    assert isinstance(metric, registry.RougeMetric) and metric.family == "rouge"
    assert metric.name == name and metric.kind == kind
    for key, value in params.items():
        assert getattr(metric, key) == value
    assert registry.rouge_metric(name) == metric == batch.parse_metric(name)


@pytest.mark.parametrize("name", sorted(ROUGE_NAMES))
def test_rouge_entry_kernel_twin_and_score_agree(name):
    """The entry's statistics kernel (through the batch engine), its plain-Python twin and its score function give
    the single-pair function's numbers."""
    metric = registry.get(name)
    tokenize = tm.tokenize
    for ref, cand in zip(REFS, CANDS):
        refs = [ref] if isinstance(ref, str) else ref
        hits, ref_size, cand_size = batch.statistics([metric], [cand], refs, np.array([0, len(refs)]),
                                                     stemmer=False, tokenizer="default", tokenize=tokenize)
        split = (lambda text: [tokenize(line) for line in text.split("\n") if line]) if metric.summary_level \
            else tokenize
        for k, r in enumerate(refs):
            twin = metric.reference_statistics(split(r), split(cand))
            assert np.isclose(twin.hits, hits[0, k], rtol=1e-12) and (twin.ref_size, twin.cand_size) == \
                (pytest.approx(ref_size[0, k]), pytest.approx(cand_size[0, k]))
        expected = SINGLE[name](ref, cand)
        assert metric.single(ref, cand) == expected
        assert metric.single(ref, cand, backend="python") == expected
        if len(refs) == 1:
            assert metric.score(metric.reference_statistics(split(ref), split(cand))) == expected
    assert tm.rouge(REFS, CANDS, name).pair(1)[name] == SINGLE[name](REFS[1], CANDS[1])


def test_kernel_parameters():
    assert registry.get("rouge3").kernel_params == (3, 1.2, False)
    assert registry.get("rougeSU*").kernel_params == (-1, 1.2, True)
    assert registry.get("rougeW-1.5").kernel_params == (-1, 1.5, False)
    assert [registry.get(n).kernel_kind for n in ("rouge1", "rougeL", "rougeLsum", "rougeW", "rougeS")] == \
        [0, 1, 2, 3, 4]
    from textmetrics.kernels import rouge as rouge_kernels

    assert registry.get("rougeL").kernel is rouge_kernels.pair_stats


@pytest.mark.parametrize(("name", "options"), [("bleu", {}), ("chrf", {}), ("chrf++", {"word_order": 2}),
                                               ("ter", {})])
def test_corpus_metric_entries(name, options):
    metric = registry.get(name)
    assert isinstance(metric, registry.CorpusMetric) and metric.options == options
    references = [r if isinstance(r, list) else [r] for r in REFS]
    public = getattr(tm, metric.family)
    expected = public(references, CANDS, **options)
    assert metric.corpus(references, CANDS) == expected
    assert metric.score(metric.statistics(references, CANDS)).score == expected.score
    single = getattr(tm, f"sentence_{metric.family}")
    assert metric.single(references[1], CANDS[1]) == single(references[1], CANDS[1], **options)
    assert metric.reference.__module__ == f"textmetrics.reference.{metric.family}"
    assert list(metric.reference.__code__.co_varnames[:2]) == ["references", "hypotheses"]  # references first


def test_bleu_reference_twin_equals_the_engine():
    from textmetrics.metrics.bleu import _preprocess

    metric = registry.get("bleu")
    references = [r if isinstance(r, list) else [r] for r in REFS]
    tokens = [[_preprocess(r, "13a", False) for r in refs] for refs in references]
    np.testing.assert_array_equal(metric.reference(tokens, [_preprocess(c, "13a", False) for c in CANDS], 4),
                                  metric.statistics(references, CANDS))


@pytest.mark.parametrize(("name", "hint"), [("rougel", "rougeL"), ("rouge-L", "rougeL"), ("BLEU", "bleu"),
                                            ("rougeSU-4", "rougeSU4"), ("chrF", "chrf")])
def test_unknown_names_suggest_the_closest(name, hint):
    with pytest.raises(ValueError, match=rf"unknown metric {name!r} \(did you mean {hint!r}\?\)"):
        registry.get(name)


def test_bad_names():
    with pytest.raises(TypeError, match="metric names must be str"):
        registry.get(1)
    with pytest.raises(ValueError, match="unknown ROUGE metric 'bleu'"):
        registry.rouge_metric("bleu")
    with pytest.raises(ValueError, match="rougeS99999999999"):
        registry.get("rougeS99999999999")
    with pytest.raises(ValueError, match=r"requested twice: \['rougeL'\]"):
        registry.rouge_metrics(["rougeL", "rouge1", "rougeL"])
    with pytest.raises(ValueError, match="metrics is empty"):
        registry.rouge_metrics([])
    assert registry.family("chrf++") == "chrf" and registry.family("rougeW-2") == "rouge"


# ---------------------------------------------------------------------------------- the registry's users

def test_the_batch_api_and_dask_use_it():
    with pytest.raises(ValueError, match=r"unknown ROUGE metric 'rougel' \(did you mean 'rougeL'\?\)"):
        tm.rouge(["a"], ["a"], "rougel")
    assert batch.MetricSpec is registry.RougeMetric


def test_the_cli_uses_it(tmp_path, capsys):
    ref = tmp_path / "ref.txt"
    ref.write_text("a b c\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["rouge", str(ref), "-c", str(ref), "-m", "rougel"])
    assert exit_info.value.code == 2
    assert "did you mean 'rougeL'" in capsys.readouterr().err


def test_the_rouge_score_compat_keeps_its_own_errors():
    scorer = rouge_scorer.RougeScorer(["rougeW"])
    with pytest.raises(ValueError, match="Invalid rouge type: rougeW"):
        scorer.score("a b", "a b")
    with pytest.raises(ValueError, match="rougen requires positive n: rouge0"):
        rouge_scorer.RougeScorer(["rouge0"]).score("a", "a")
    scores = rouge_scorer.RougeScorer(["rouge2", "rougeL"]).score(REFS[0], CANDS[0])
    assert scores["rouge2"] == tm.rouge_n(REFS[0], CANDS[0], n=2)
    assert set(registry.ROUGE_SCORE_TYPES) == {f"rouge{n}" for n in range(1, 10)} | {"rougeL", "rougeLsum"}


def test_the_hf_hook_uses_it():
    from textmetrics.integrations import hf

    with pytest.raises(ValueError, match="unknown metric 'rogue1'"):
        hf.compute_metrics(tokenizer=None, metrics=["rogue1", "bleu"])


def test_registry_import_is_light():
    import subprocess
    import sys

    code = "import sys, textmetrics.registry; print('numba' in sys.modules, 'textmetrics.kernels.rouge' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_stats_type_is_shared():
    assert registry.get("rougeL").reference_statistics([["a"]][0], ["a"]) == Stats(1, 1, 1)
