"""Drop-in replacements for the established tools: change one import line.

* ``from textmetrics.compat.rouge_score import rouge_scorer, scoring``   (for ``from rouge_score import ...``)
* ``from textmetrics.compat import sacrebleu``                            (for ``import sacrebleu``)
* ``from textmetrics.compat import nltk as bleu_score``                   (for ``from nltk.translate import
  bleu_score``)
"""
