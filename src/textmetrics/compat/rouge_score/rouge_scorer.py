"""rouge-score 0.1.2's ``rouge_score.rouge_scorer`` module computed by textmetrics (same numbers, float for float).

``RougeScorer(rouge_types, use_stemmer=False, split_summaries=False, tokenizer=None)`` is a ``scoring.BaseScorer``;
``score(target, prediction)`` and ``score_multi(targets, prediction)`` return ``{rouge_type: Score}``. As in
rouge-score, the rouge types are checked when scoring: ``score`` raises ``ValueError`` for an unknown type
(``"Invalid rouge type: ..."``) or ``rouge0`` (``"rougen requires positive n: ..."``), not the constructor.

``tokenizer`` is an object with a ``tokenize(text)`` method (``use_stemmer`` is then ignored, as in rouge-score);
without one, the scorer uses ``tokenizers.DefaultTokenizer(use_stemmer)``, which textmetrics computes natively.

rougeLsum sentences are the lines of the text (``"\\n"``, empty lines dropped) or, with ``split_summaries=True``,
the sentences of ``nltk.sent_tokenize`` (NLTK's punkt data must be installed), each kept whole: a sentence that
contains a line break is one sentence, as in rouge-score.

The module's helpers on token lists are rouge-score's too: ``lcs_ind(ref, can)`` (reference indices of one LCS,
rouge-score's tie rule), ``_lcs_table``, ``_backtrack_norec``, ``_find_union``, ``_union_lcs``,
``_summary_level_lcs``, ``_score_lcs``, ``_create_ngrams`` and ``_score_ngrams``.
"""
from __future__ import annotations

import re

from ... import lcs_length, registry, rouge_lsum
from ...reference import rouge as reference
from ...tokenizers import check_text
from ...tokenizers import tokenize as _tokenize
from . import scoring, tokenizers
from .tokenize import _is_default_porter

__all__ = ["RougeScorer", "lcs_ind"]

_ROUGE_N = re.compile(r"rouge[0-9]$")


class RougeScorer(scoring.BaseScorer):
    """Calculate ROUGE scores between two texts, e.g. ``RougeScorer(['rouge1', 'rougeL'], use_stemmer=True)``."""

    def __init__(self, rouge_types, use_stemmer=False, split_summaries=False, tokenizer=None):
        self.rouge_types = rouge_types
        if tokenizer:
            self._tokenizer = tokenizer
        else:
            self._tokenizer = tokenizers.DefaultTokenizer(use_stemmer)
        self._split_summaries = split_summaries

    # ------------------------------------------------------------------------------------------ tokenization

    def _options(self) -> dict:
        """textmetrics' tokenizer options for this scorer's tokenizer."""
        tokenizer = self._tokenizer
        if type(tokenizer) is tokenizers.DefaultTokenizer:
            stemmer = tokenizer._stemmer
            if not stemmer:
                return {"tokenizer": "default", "stemmer": False}
            if _is_default_porter(stemmer):
                return {"tokenizer": "default", "stemmer": True}
        # any other tokenizer (or a DefaultTokenizer given another stemmer) is called through its method, as in
        # rouge-score, even if the object is also callable
        return {"tokenizer": tokenizer.tokenize}

    def _tokenize_function(self, options: dict):
        if options["tokenizer"] == "default":
            stemmer = options["stemmer"]
            return lambda text: _tokenize(text, stemmer=stemmer)
        return options["tokenizer"]

    # --------------------------------------------------------------------------------------------- scoring

    def _rouge_lsum(self, target, prediction, options: dict):
        if not self._split_summaries:
            return rouge_lsum(target, prediction, **options)
        import nltk

        # Tokenize nltk's sentences here, each whole, and hand textmetrics one line per sentence: a key into the
        # table of tokenized sentences (a sentence may contain "\n", a key cannot), so no sentence is split again.
        tokenize = self._tokenize_function(options)
        table: dict = {}

        def keyed_lines(text, what):
            check_text(text, what)
            keys = []
            for sentence in nltk.sent_tokenize(text):
                if sentence:  # rouge-score drops empty sentences
                    key = str(len(table))
                    table[key] = tokenize(sentence)
                    keys.append(key)
            return "\n".join(keys)

        if isinstance(target, str):
            targets = keyed_lines(target, "target")
        else:
            targets = [keyed_lines(t, f"targets[{k}]") for k, t in enumerate(target)]
        prediction = keyed_lines(prediction, "prediction")

        def lookup(text):  # a line is one key; a whole text (several lines) gets its sentences' tokens in order
            return [token for key in text.split("\n") if key for token in table[key]]

        return rouge_lsum(targets, prediction, tokenizer=lookup)

    def _score(self, rouge_type, target, prediction, options: dict):
        if rouge_type == "rougeLsum":
            return self._rouge_lsum(target, prediction, options)
        if not isinstance(rouge_type, str):
            raise TypeError(f"rouge types must be str, got {type(rouge_type).__name__}")
        if _ROUGE_N.match(rouge_type) and int(rouge_type[5:]) <= 0:
            raise ValueError("rougen requires positive n: %s" % rouge_type)
        if rouge_type not in registry.ROUGE_SCORE_TYPES:  # rouge-score's names only (not rougeW, rougeSU4 ...)
            raise ValueError("Invalid rouge type: %s" % rouge_type)
        return registry.rouge_metric(rouge_type).single(target, prediction, **options)

    def score(self, target, prediction):
        """``{rouge_type: Score(precision, recall, fmeasure)}`` of ``prediction`` against ``target``."""
        check_text(target, "target")
        options = self._options()
        return {rouge_type: self._score(rouge_type, target, prediction, options) for rouge_type in self.rouge_types}

    def score_multi(self, targets, prediction):
        """Per rouge type, the Score of the target with the highest F (the first one on ties)."""
        targets = list(targets)
        options = self._options()
        return {rouge_type: self._score(rouge_type, targets, prediction, options)
                for rouge_type in self.rouge_types}


# ------------------------------------------------------------------------------ helpers on token lists

def _create_ngrams(tokens, n):
    """Counter of the n-grams (tuples) of ``tokens``."""
    return reference.ngrams(tokens, n)


def _score_ngrams(target_ngrams, prediction_ngrams):
    """ROUGE-N Score from two n-gram Counters (matches clipped by both counts)."""
    hits = sum(min(count, prediction_ngrams[ngram]) for ngram, count in target_ngrams.items())
    precision = hits / max(sum(prediction_ngrams.values()), 1)
    recall = hits / max(sum(target_ngrams.values()), 1)
    return scoring.Score(precision=precision, recall=recall, fmeasure=scoring.fmeasure(precision, recall))


def _lcs_table(ref, can):
    """LCS table, ``t[i][j]`` = LCS length of ``ref[:i]`` and ``can[:j]``."""
    return reference.lcs_table(ref, can)


def _backtrack_norec(t, ref, can):
    """Reference indices of the LCS read back from table ``t`` (rouge-score's tie rule)."""
    return reference.lcs_ref_indices(ref, can, t)


def lcs_ind(ref, can):
    """Reference indices of one longest common subsequence of ``ref`` and ``can``."""
    return reference.lcs_ref_indices(ref, can)


def _find_union(lcs_list):
    """Sorted union of lists of indices."""
    return sorted(set().union(*lcs_list))


def _union_lcs(ref, c_list):
    """Tokens of ``ref`` in the union of its LCS with each candidate sentence."""
    return [ref[i] for i in _find_union([lcs_ind(ref, c) for c in c_list])]


def _score_lcs(target_tokens, prediction_tokens):
    """ROUGE-L Score of two token lists (the int zeros when one is empty, as rouge-score)."""
    if not target_tokens or not prediction_tokens:
        return scoring.Score(precision=0, recall=0, fmeasure=0)
    lcs = lcs_length(target_tokens, prediction_tokens)
    precision = lcs / len(prediction_tokens)
    recall = lcs / len(target_tokens)
    return scoring.Score(precision=precision, recall=recall, fmeasure=scoring.fmeasure(precision, recall))


def _summary_level_lcs(ref_sent, can_sent):
    """ROUGE-Lsum Score of tokenized sentences (union LCS, hits clipped by both texts' token counts)."""
    if not ref_sent or not can_sent:
        return scoring.Score(precision=0, recall=0, fmeasure=0)
    hits, m, n = reference.rouge_lsum_stats(ref_sent, can_sent)
    if not n or not m:
        return scoring.Score(precision=0, recall=0, fmeasure=0)
    recall = hits / m
    precision = hits / n
    return scoring.Score(precision=precision, recall=recall, fmeasure=scoring.fmeasure(precision, recall))
