"""Drop-in replacements for the established tools: change one import line.

* ``from textmetrics.compat.rouge_score import rouge_scorer, scoring`` for ``from rouge_score import ...``
"""
