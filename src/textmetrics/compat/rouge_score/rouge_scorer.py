"""rouge-score's ``RougeScorer`` computed by textmetrics (same numbers, float for float)."""
from __future__ import annotations

import re

from ...metrics.rouge import rouge_l, rouge_lsum, rouge_n
from ...tokenizers import check_text

__all__ = ["RougeScorer"]

_ROUGE_N = re.compile(r"rouge[0-9]$")


class RougeScorer:
    """``RougeScorer(rouge_types, use_stemmer=False, split_summaries=False, tokenizer=None)``.

    ``tokenizer`` is an object with ``tokenize(text) -> list[str]`` (``use_stemmer`` is then ignored, as in
    rouge-score). ``split_summaries=True`` splits rougeLsum sentences with ``nltk.sent_tokenize`` (needs NLTK's
    punkt data) instead of newlines.
    """

    def __init__(self, rouge_types, use_stemmer=False, split_summaries=False, tokenizer=None):
        self.rouge_types = list(rouge_types)
        for rouge_type in self.rouge_types:
            if rouge_type not in ("rougeL", "rougeLsum") and not _ROUGE_N.match(str(rouge_type)):
                raise ValueError(f"Invalid rouge type: {rouge_type}")
            if rouge_type == "rouge0":
                raise ValueError(f"rougen requires positive n: {rouge_type}")
        self._opts = {"stemmer": bool(use_stemmer), "tokenizer": tokenizer if tokenizer else "default"}
        self._split_summaries = split_summaries

    def _sentences(self, text: str) -> str:
        if not self._split_summaries:
            return text
        import nltk

        return "\n".join(nltk.sent_tokenize(text))

    def _score(self, rouge_type, target, prediction):
        if rouge_type == "rougeL":
            return rouge_l(target, prediction, **self._opts)
        if rouge_type == "rougeLsum":
            if isinstance(target, str):
                target = self._sentences(target)
            else:
                target = [self._sentences(t) for t in target]
            return rouge_lsum(target, self._sentences(prediction), **self._opts)
        return rouge_n(target, prediction, n=int(rouge_type[5:]), **self._opts)

    def score(self, target: str, prediction: str) -> dict:
        check_text(target, "target")
        return {t: self._score(t, target, prediction) for t in self.rouge_types}

    def score_multi(self, targets, prediction: str) -> dict:
        """Per rouge type, the Score of the target with the highest F (the first one on ties)."""
        targets = list(targets)
        return {t: self._score(t, targets, prediction) for t in self.rouge_types}
