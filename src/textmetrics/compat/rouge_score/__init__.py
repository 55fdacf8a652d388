"""rouge-score 0.1.2's API on textmetrics: ``from textmetrics.compat.rouge_score import rouge_scorer, scoring``.

Modules as in rouge-score: ``rouge_scorer`` (``RougeScorer``, ``lcs_ind``), ``scoring`` (``Score``,
``BaseScorer``, ``AggregateScore``, ``BootstrapAggregator``, ``fmeasure``), ``tokenize`` (``tokenize``) and
``tokenizers`` (``Tokenizer``, ``DefaultTokenizer``).
"""
from . import rouge_scorer, scoring, tokenize, tokenizers

__all__ = ["rouge_scorer", "scoring", "tokenize", "tokenizers"]
