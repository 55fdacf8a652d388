"""Public metric functions (ROUGE family, BLEU)."""
