"""The vendored suites really run against textmetrics' compat modules, and only they see the redirection."""
from __future__ import annotations

import sys

import pytest

import textmetrics.compat.nltk as compat_nltk
import textmetrics.compat.rouge_score as compat_rouge
import textmetrics.compat.sacrebleu as compat_sacrebleu


def _collected(name: str):
    """A vendored test module as pytest imported it (with the redirection); a plain import would not redirect."""
    module = sys.modules.get(f"compat.{name}")
    if module is None:
        pytest.skip(f"compat.{name} was not collected in this run: run it with the vendored suites (tests/compat)")
    return module


def test_vendored_modules_are_bound_to_the_compat_modules():
    nltk_tests = _collected("nltk.test_bleu")
    rouge_scorer_test, scoring_test, tokenize_test, tokenizers_test = (
        _collected(f"rouge_score.{name}") for name in ("rouge_scorer_test", "scoring_test", "tokenize_test",
                                                         "tokenizers_test"))
    test_bleu, test_sentence_bleu, test_significance, test_chrf, test_ter, test_tokenizer_ter = (
        _collected(f"sacrebleu.test.{name}") for name in ("test_bleu", "test_sentence_bleu", "test_significance",
                                                          "test_chrf", "test_ter", "test_tokenizer_ter"))

    assert test_bleu.sacrebleu is compat_sacrebleu and test_bleu.BLEU is compat_sacrebleu.BLEU
    assert test_sentence_bleu.sacrebleu is compat_sacrebleu
    assert test_significance.PairedTest is compat_sacrebleu.significance.PairedTest
    assert test_significance.BLEU is compat_sacrebleu.BLEU
    assert isinstance(test_significance.metrics["BLEU"], compat_sacrebleu.BLEU)
    assert test_chrf.sacrebleu is compat_sacrebleu and test_ter.sacrebleu is compat_sacrebleu
    assert test_tokenizer_ter.TercomTokenizer is compat_sacrebleu.tokenizers.tokenizer_ter.TercomTokenizer
    assert rouge_scorer_test.rouge_scorer is compat_rouge.rouge_scorer
    assert rouge_scorer_test.tokenizers is compat_rouge.tokenizers
    assert scoring_test.scoring is compat_rouge.scoring and scoring_test.rouge_scorer is compat_rouge.rouge_scorer
    assert tokenize_test.tokenize is compat_rouge.tokenize and tokenizers_test.tokenizers is compat_rouge.tokenizers
    for name in ("sentence_bleu", "corpus_bleu", "modified_precision", "SmoothingFunction", "brevity_penalty",
                 "closest_ref_length"):
        assert getattr(nltk_tests, name) is getattr(compat_nltk, name)


def test_the_rest_of_the_suite_sees_the_real_packages():
    real_sacrebleu = pytest.importorskip("sacrebleu")
    real_bleu_score = pytest.importorskip("nltk.translate.bleu_score")
    real_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    assert real_sacrebleu is not compat_sacrebleu and real_sacrebleu.__file__.endswith("sacrebleu/__init__.py")
    assert sys.modules["sacrebleu.metrics"] is not compat_sacrebleu.metrics
    import sacrebleu.metrics.chrf
    import sacrebleu.tokenizers.tokenizer_ter

    assert sys.modules["sacrebleu.metrics.chrf"] is not compat_sacrebleu.metrics.chrf
    assert "site-packages" in sacrebleu.tokenizers.tokenizer_ter.__file__
    assert real_bleu_score is not compat_nltk and "site-packages" in real_bleu_score.__file__
    import nltk.translate

    assert nltk.translate.bleu is real_bleu_score.sentence_bleu
    assert real_scorer is not compat_rouge.rouge_scorer and "site-packages" in real_scorer.__file__
