"""The public API as users meet it: explicit keyword-only options, typo messages, one vocabulary (references
first, the same name for the same role), signatures that never claim a setting not applied, one empty-corpus rule,
one validation module."""
from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import textmetrics as tm
from textmetrics import batch, registry, significance, validation
from textmetrics.metrics import bleu as bleu_module
from textmetrics.signature import Signature


def _public_callables() -> dict:
    out = {}
    for name in tm.__all__:
        value = getattr(tm, name)
        if inspect.isfunction(value):
            out[name] = value
    for cls in (tm.BleuScorer, tm.NltkBleuPool):
        for method in ("__init__", "statistics", "score", "sentence_scores", "corpus_score"):
            if method in vars(cls):
                out[f"{cls.__name__}.{method}"] = vars(cls)[method]
    for name in ("bootstrap_ci", "paired_bootstrap", "paired_approximate_randomization", "mean_score_stats",
                 "mean_of_stats", "sacrebleu_ci"):
        out[f"significance.{name}"] = getattr(significance, name)
    try:
        from textmetrics import dask as tm_dask
    except ImportError:  # pragma: no cover - dask is an extra
        tm_dask = None
    if tm_dask is not None:
        out["dask.bleu"], out["dask.rouge"] = tm_dask.bleu, tm_dask.rouge
    return out


PUBLIC = _public_callables()
# arguments that are data, not options, and may stay positional with a default
POSITIONAL_WITH_DEFAULT = {"rouge": {"metrics"}, "rouge_matrix": {"metric"}, "dask.rouge": {"metrics"}}


def test_the_public_surface_is_covered():
    for name in ("rouge_n", "rouge_l", "rouge_lsum", "rouge_w", "rouge_s", "rouge_su", "rouge", "bleu",
                 "sentence_bleu", "nltk_bleu", "chrf", "ter", "tokenize", "bleu_tokenize", "BleuScorer.score",
                 "NltkBleuPool.__init__", "significance.bootstrap_ci"):
        assert name in PUBLIC


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_options_are_explicit_and_keyword_only(name):
    function = PUBLIC[name]
    parameters = inspect.signature(function).parameters.values()
    assert not any(p.kind is p.VAR_KEYWORD for p in parameters), f"{name} takes **kwargs"
    assert not any(p.kind is p.VAR_POSITIONAL for p in parameters), f"{name} takes *args"
    allowed = POSITIONAL_WITH_DEFAULT.get(name, set())
    for p in parameters:
        if p.default is not p.empty and p.name not in allowed:
            assert p.kind is p.KEYWORD_ONLY, f"{name}: option {p.name!r} is not keyword-only"
    assert hasattr(function, "__checked_options__"), f"{name} is not wrapped by validation.checked_options"
    assert inspect.signature(function) == inspect.signature(function.__wrapped__)  # the real one shows


def _typo(option: str) -> str:
    return option + option[-1]


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_a_misspelt_option_names_the_closest_one(name):
    function = PUBLIC[name]
    options = [p.name for p in inspect.signature(function).parameters.values()
               if p.kind is p.KEYWORD_ONLY and len(p.name) >= 4]
    display = name.split(".")[-1] if not name.endswith("__init__") else name.split(".")[0]
    with pytest.raises(TypeError, match=rf"{display}\(\) got an unknown option 'colour'"):
        function(colour="red")
    for option in options:
        with pytest.raises(TypeError) as error:
            function(**{_typo(option): 1})
        assert str(error.value).endswith(f"got an unknown option {_typo(option)!r} (did you mean {option!r}?)")


def test_typo_messages_read_well():
    with pytest.raises(TypeError, match=r"^rouge_l\(\) got an unknown option 'stemer' \(did you mean 'stemmer'\?\)$"):
        tm.rouge_l("a", "a", stemer=True)
    with pytest.raises(TypeError, match=r"^bleu\(\) got an unknown option 'tokenize' \(did you mean 'tokenizer'\?\)"):
        tm.bleu([["a"]], ["a"], tokenize="13a")
    with pytest.raises(TypeError, match=r"^BleuScorer\(\) got an unknown option 'max_ordr'"):
        tm.BleuScorer([["a"]], max_ordr=4)
    with pytest.raises(TypeError, match=r"its options are alpha, backend, cand, multi_ref, ref, stemmer, tokenizer"):
        tm.rouge_l("a", "a", colour="red")
    # the typo is caught before any work: no positional arguments needed
    with pytest.raises(TypeError, match="unknown option"):
        tm.rouge(metric="rougeL")


def test_positional_options_are_refused():
    with pytest.raises(TypeError):
        tm.rouge_n("a b", "a b", 2)  # n is keyword-only
    with pytest.raises(TypeError):
        tm.bleu_tokenize("a.", "intl")


# ----------------------------------------------------------------------------------------- one vocabulary

CORPUS_FUNCTIONS = ["rouge", "bleu", "bleu_statistics", "chrf", "chrf_statistics", "ter", "ter_statistics",
                    "nltk_bleu"]
SINGLE_FUNCTIONS = ["rouge_n", "rouge_l", "rouge_lsum", "rouge_w", "rouge_s", "rouge_su", "sentence_bleu",
                    "sentence_chrf", "sentence_ter", "nltk_sentence_bleu"]


@pytest.mark.parametrize("name", CORPUS_FUNCTIONS)
def test_corpus_functions_take_references_first(name):
    assert list(inspect.signature(getattr(tm, name)).parameters)[:2] == ["references", "candidates"]


@pytest.mark.parametrize("name", SINGLE_FUNCTIONS)
def test_single_segment_functions_take_ref_then_cand(name):
    assert list(inspect.signature(getattr(tm, name)).parameters)[:2] == ["ref", "cand"]


OLD_NAMES = {"smooth", "smoothing", "hypotheses", "hypothesis", "n_bootstrap", "candidate", "predictions",
             "n_resamples"}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_one_name_per_role(name):
    parameters = set(inspect.signature(PUBLIC[name]).parameters)
    assert not parameters & OLD_NAMES
    scores_nltk = name.startswith(("nltk", "NltkBleuPool.__init__")) and not name.endswith("_statistics")
    if "smooth_value" in parameters or scores_nltk:
        assert "smooth_method" in parameters
    if name.startswith("significance.") and name.split(".")[1] in ("bootstrap_ci", "paired_bootstrap",
                                                                  "paired_approximate_randomization"):
        assert "n_samples" in parameters


def test_the_old_names_still_work_with_a_deprecation_warning():
    refs, cands = [["The cat is on the mat."]], ["The cat sat on the mat."]
    with pytest.warns(DeprecationWarning, match="'smooth' is now called 'smooth_method'"):
        old = tm.bleu(refs, cands, smooth="floor")
    assert old == tm.bleu(refs, cands, smooth_method="floor")
    with pytest.warns(DeprecationWarning):
        old = tm.sentence_bleu(references=refs[0], candidate=cands[0])
    assert old == tm.sentence_bleu(refs[0], cands[0])
    tokens = [[r.split() for r in refs[0]]], [cands[0].split()]
    with pytest.warns(DeprecationWarning):
        old = tm.nltk_bleu(tokens[0], hypotheses=tokens[1], smoothing="method1")
    assert old == tm.nltk_bleu(*tokens, smooth_method="method1")
    with pytest.raises(TypeError, match="both 'smooth' and its new name 'smooth_method'"):
        tm.bleu(refs, cands, smooth="exp", smooth_method="exp")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tm.bleu(refs, cands, smooth_method="exp")  # the new names warn about nothing


# ------------------------------------------------------------------------------------------- signatures

REFS = ["The cats sat on the mat.\nIt was happy.", ["A dog barked.", "The dog was barking loudly."]]
CANDS = ["The cat sat on a mat.\nIt was glad.", "The dog barks."]


def test_rouge_results_carry_their_signature():
    result = tm.rouge(REFS, CANDS, ["rouge1", "rougeLsum"], stemmer=True, alpha=0.25, multi_ref="average")
    assert isinstance(result.signature, Signature)
    assert result.signature == f"rouge1+rougeLsum|tok:default|stem:yes|ref:average|alpha:0.25|version:textmetrics-" \
                               f"{tm.__version__}"
    assert result.signature.fields == {"tok": "default", "stem": True, "ref": "average", "alpha": "0.25",
                                       "version": f"textmetrics-{tm.__version__}"}
    plain = tm.rouge(REFS, CANDS, "rougeL", tokenizer="unicode")
    assert plain.signature.startswith("rougeL|tok:unicode|stem:no|ref:best|alpha:0.5|")
    custom = tm.rouge(REFS, CANDS, "rougeL", tokenizer=str.split)
    assert "|tok:custom|stem:no|" in custom.signature
    python = tm.rouge(REFS, CANDS, ["rouge1", "rougeLsum"], stemmer=True, alpha=0.25, multi_ref="average",
                      backend="python")
    assert python.signature == result.signature  # the backend does not change the numbers
    resampled = result.signature.with_resampling(100, 7)
    assert resampled.endswith(f"|alpha:0.25|bs:100|rs:7|version:textmetrics-{tm.__version__}")
    assert resampled.with_resampling(50, None).count("bs:") == 1 and "|bs:50|rs:none|" in \
        resampled.with_resampling(50, None)
    assert result.signature.with_resampling(None, 1) is result.signature


@pytest.mark.parametrize("tokenizer", ["whitespace", "unicode", str.split])
def test_stemming_is_never_silently_dropped(tokenizer):
    shown = repr(tokenizer) if isinstance(tokenizer, str) else "a custom tokenizer"
    for call in (lambda: tm.rouge(REFS, CANDS, "rouge1", stemmer=True, tokenizer=tokenizer),
                 lambda: tm.rouge_l(REFS[0], CANDS[0], stemmer=True, tokenizer=tokenizer),
                 lambda: tm.rouge_n(REFS[0], CANDS[0], stemmer=True, tokenizer=tokenizer, backend="python")):
        with pytest.raises(ValueError, match=rf"stemmer=True with tokenizer={shown}"):
            call()


def test_every_metric_signature_is_a_signature():
    refs, cands = [r if isinstance(r, list) else [r] for r in REFS], CANDS
    for score in (tm.bleu(refs, cands), tm.chrf(refs, cands), tm.ter(refs, cands),
                  tm.BleuScorer(refs).score(cands), tm.sentence_bleu(refs[0], cands[0])):
        assert isinstance(score.signature, Signature)
        assert score.signature.fields["version"] == f"textmetrics-{tm.__version__}"
        assert score.signature.startswith(f"nrefs:{score.signature.fields['nrefs']}|")


# ------------------------------------------------------------------------------------------ empty corpus

TOKENS = [["a", "b"]]
EMPTY_SCORERS = {
    "rouge": lambda: tm.rouge([], []),
    "rouge_python": lambda: tm.rouge([], [], backend="python"),
    "rouge_matrix": lambda: tm.rouge_matrix([]),
    "bleu": lambda: tm.bleu([], []),
    "chrf": lambda: tm.chrf([], []),
    "ter": lambda: tm.ter([], []),
    "nltk_bleu": lambda: tm.nltk_bleu([], []),
    "BleuScorer": lambda: tm.BleuScorer([]),
    "NltkBleuPool.corpus_score": lambda: tm.NltkBleuPool(TOKENS).corpus_score([]),
    "NltkBleuPool.sentence_scores": lambda: tm.NltkBleuPool(TOKENS).sentence_scores([]),
    "bleu_from_statistics": lambda: tm.bleu_from_statistics(np.zeros((0, 10), dtype=np.int64)),
    "chrf_from_statistics": lambda: tm.chrf_from_statistics(np.zeros((0, 18), dtype=np.int64)),
    "ter_from_statistics": lambda: tm.ter_from_statistics(np.zeros((0, 2))),
    "bootstrap_ci": lambda: significance.bootstrap_ci(np.zeros((0, 2)), significance.mean_of_stats),
    "paired_bootstrap": lambda: significance.paired_bootstrap(np.zeros((0, 2)), np.zeros((0, 2)),
                                                              significance.mean_of_stats),
    "paired_ar": lambda: significance.paired_approximate_randomization(np.zeros((0, 2)), np.zeros((0, 2)),
                                                                        significance.mean_of_stats),
}


@pytest.mark.parametrize("name", sorted(EMPTY_SCORERS))
def test_scoring_an_empty_corpus_is_one_clear_error(name):
    with pytest.raises(ValueError, match="^empty corpus: "):
        EMPTY_SCORERS[name]()


def test_statistics_of_an_empty_shard_are_zero_rows():
    assert tm.bleu_statistics([], []).shape == (0, 10)
    assert tm.chrf_statistics([], []).shape == (0, 18)
    assert tm.ter_statistics([], []).shape == (0, 2)
    assert tm.BleuScorer([["a"]]).statistics(["a"]).shape == (1, 10)
    assert tm.NltkBleuPool(TOKENS).statistics([]).shape[0] == 0
    # a corpus split into an empty and a full shard scores as the whole corpus
    refs, cands = [["a b c d"]], ["a b c"]
    rows = np.vstack([tm.bleu_statistics([], []), tm.bleu_statistics(refs, cands)])
    assert tm.bleu_from_statistics(rows).score == tm.bleu(refs, cands).score


def test_empty_dask_collection_is_the_same_error():
    dd = pytest.importorskip("dask.dataframe")
    import pandas as pd

    from textmetrics import dask as tm_dask

    frame = dd.from_pandas(pd.DataFrame({"reference": ["a"], "candidate": ["a"]}), npartitions=1)
    empty = frame[frame["candidate"] == "zzz"]
    with pytest.raises(ValueError, match="^empty corpus: "):
        tm_dask.bleu(empty)
    with pytest.raises(ValueError, match="^empty corpus: "):
        tm_dask.rouge(empty, "rougeL")
    # an empty partition next to a full one is no corpus of its own: the whole is scored
    two = dd.from_pandas(pd.DataFrame({"reference": ["a b", "c d"], "candidate": ["a b", "zzz"]}), npartitions=2)
    some = two[two["candidate"] != "zzz"]
    assert tm_dask.bleu(some).score == tm.bleu(["a b"], ["a b"]).score
    assert tm_dask.rouge(some, "rougeL") == tm.rouge(["a b"], ["a b"], "rougeL").mean()


# --------------------------------------------------------------------------------------------- validation

def test_one_check_choice_semantics_everywhere():
    for call in (lambda: tm.rouge(["a"], ["a"], backend=1), lambda: tm.rouge_l("a", "a", backend=1),
                 lambda: tm.bleu([["a"]], ["a"], backend=1), lambda: tm.chrf([["a"]], ["a"], backend=1),
                 lambda: tm.nltk_bleu([[["a"]]], [["a"]], backend=1), lambda: tm.lcs_length("a", "a", backend=1)):
        with pytest.raises(ValueError, match=r"^unknown backend 1; choose one of \['numba', 'python'\]$"):
            call()
    with pytest.raises(ValueError, match="unknown multi_ref 'worst'"):
        tm.rouge_l(["a"], "a", multi_ref="worst")
    with pytest.raises(ValueError, match="unknown multi_ref 'worst'"):
        tm.rouge(["a"], ["a"], multi_ref="worst")


def test_one_corpus_check_and_one_reference_check():
    assert validation.check_corpus(["a", ["b", "c"]], ["x", "y"]) == ([["a"], ["b", "c"]], ["x", "y"])
    flat, offsets = validation.flatten_references([["a"], ["b", "c"]])
    assert flat == ["a", "b", "c"] and offsets.tolist() == [0, 1, 3]
    message = r"2 candidates but 1 reference entries: references\[i\] must hold the reference\(s\) of candidates\[i\]"
    for call in (lambda: tm.rouge(["a"], ["a", "b"]), lambda: tm.bleu(["a"], ["a", "b"]),
                 lambda: tm.chrf(["a"], ["a", "b"]), lambda: tm.ter(["a"], ["a", "b"])):
        with pytest.raises(ValueError, match=message):
            call()
    for call in (lambda: tm.rouge([[]], ["a"]), lambda: tm.bleu([[]], ["a"]), lambda: tm.chrf([[]], ["a"]),
                 lambda: tm.ter([[]], ["a"])):
        with pytest.raises(ValueError, match=r"^references\[0\] is empty: every candidate needs at least one"):
            call()
    for call in (lambda: tm.rouge_l([], "a"), lambda: tm.sentence_bleu([], "a"), lambda: tm.sentence_chrf([], "a"),
                 lambda: tm.sentence_ter([], "a")):
        with pytest.raises(ValueError, match=r"^ref is empty: every candidate needs at least one reference"):
            call()
    for call in (lambda: tm.rouge_l(["a", 3], "a"), lambda: tm.sentence_bleu(["a", 3], "a")):
        with pytest.raises(TypeError, match=r"^ref\[1\] must be str, got int"):
            call()
    assert batch.parse_metric("rougeL") == registry.get("rougeL")


def test_bool_and_int_checks():
    with pytest.raises(TypeError, match="lowercase must be bool"):
        tm.bleu([["a"]], ["a"], lowercase="yes")
    with pytest.raises(TypeError, match="stemmer must be bool"):
        tm.tokenize("a", stemmer="no")
    assert validation.check_int("n", np.int32(3), 1) == 3
    with pytest.raises(TypeError):
        validation.check_int("n", True, 0)
    with pytest.raises(ValueError, match="n must be <= 5"):
        validation.check_int("n", 6, 1, 5)
    with pytest.raises(ValueError, match="max_order must be in 1 .. 100"):
        bleu_module.bleu([["a"]], ["a"], max_order=101)
