"""sacrebleu 2.6.0's API computed by textmetrics: ``from textmetrics.compat import sacrebleu`` for ``import sacrebleu``.

Modules and names as in sacrebleu 2.6.0: ``metrics`` (``BLEU``, ``CHRF``, ``TER`` and ``BLEUScore``, ``CHRFScore``,
``TERScore``; ``metrics.bleu``, ``metrics.chrf``, ``metrics.ter``, ``metrics.base``, ``metrics.helpers``;
``METRICS``), ``compat`` (``corpus_bleu``, ``raw_corpus_bleu``, ``sentence_bleu``, ``corpus_chrf``,
``sentence_chrf``, ``corpus_ter``, ``sentence_ter``), ``significance`` (``PairedTest``, ``Result``,
``estimate_ci``), ``tokenizers`` (``BaseTokenizer``, ``tokenizer_ter.TercomTokenizer``),
``extract_word_ngrams``/``extract_char_ngrams`` and ``__version__``, which is the sacrebleu version reproduced
("2.6.0"; code that checks sacrebleu's version, such as Hugging Face ``evaluate``/``datasets`` metric scripts, keeps
working). Signatures say ``version:textmetrics-<version>`` where sacrebleu's say ``version:2.6.0``, so a reported
number still tells which implementation produced it; textmetrics' own version is ``textmetrics.__version__``.
The numbers come from textmetrics' engine: ``textmetrics.BleuScorer`` for BLEU, ``chrf_statistics`` /
``chrf_from_statistics`` for chrF and chrF++, ``ter_statistics`` / ``ter_from_statistics`` for TER.

Same argument order and layout as sacrebleu: hypotheses first, then ``references`` as a list of reference
*streams*, each parallel to the hypotheses (``references[k][i]`` is the k-th reference of ``hypotheses[i]``;
``None`` where a segment has fewer references). Same numbers, float for float: ``score``, ``counts``, ``totals``,
``precisions``, ``bp``, ``sys_len``, ``ref_len`` (BLEU), ``num_edits``, ``ref_length`` (TER), ``str()``/
``format()``, the bootstrap ``mean``/``ci`` of ``corpus_score(..., n_bootstrap=k)`` (seed from ``SACREBLEU_SEED``,
default 12345, ``none`` for OS entropy; the resampled statistics are summed as float32 and, for chrF and TER, scored
in float32, as sacrebleu does with NumPy 2: the intervals are ``np.float32``) and the paired tests' p-values and
intervals.

sacrebleu behaviours kept: ``tokenize=None`` picks ``zh`` for ``trg_lang='zh'`` (``ja``/``ko`` need MeCab, which
textmetrics does not provide: ``ValueError``) and ``13a`` otherwise; the trg_lang tokenizer advice, the
"100 lines that end in a tokenized period" warning (unless ``force``) and the ``effective_order`` advice of
``sentence_score`` are logged (logger ``textmetrics.compat.sacrebleu``); ``smooth_value`` is ignored by ``exp``
and ``none``; ``BLEU(references=...)`` tokenizes the references once and ``corpus_score(hyps)`` reuses them;
signatures are stateful as in sacrebleu (``nrefs`` from the last references seen, ``bs``/``seed`` once a bootstrap
has run).

Deliberate differences (sacrebleu scores these silently, usually as garbage): a hypotheses string, a reference
stream that is a string (``corpus_bleu(hyps, refs)`` instead of ``[refs]``) and ``None``/non-str lines raise
``TypeError``; streams and hypotheses of different lengths (sacrebleu truncates to the shortest), an empty corpus,
a segment whose references are all ``None``, unknown options, and tokenizers other than ``13a``, ``intl``,
``char``, ``zh``, ``none`` raise ``ValueError`` (an unknown ``smooth_method`` or paired ``test_type``, where
sacrebleu fails an ``assert``, raises an error that is both ``ValueError`` and ``AssertionError``). Inputs are never
modified. chrF: ``char_order``/``word_order`` must be ints >= 0, not both 0 (sacrebleu divides by zero or scores
0), and ``beta`` a finite number >= 0 (sacrebleu squares a negative one); ``ValueError``/``TypeError`` otherwise.
Options that sacrebleu takes as truthy values must be bools here (``TypeError``). A chrF/TER bootstrap in which
some resamples score a constant (0.0, or TER's 100.0 over empty references) and the others np.float32 has the mean
of all of them, where sacrebleu's ``statistics.mean`` raises ``TypeError`` on the mix. ``corpus_score``'s
``references`` defaults to None (the cache), and empty references (``[]``) use the cache too where there is one
(sacrebleu's statistics do, its ``corpus_score`` fails an ``IndexError``). Not provided: the test-set downloads
(``DATASETS``, ``download_test_set``, ``get_source_file`` ...), the MeCab/SentencePiece tokenizers, sacrebleu's
BLEU tokenizer modules (``tokenizers.tokenizer_13a`` ...; ``BLEU(...).tokenizer`` is there) and ``metrics.lib_ter``.
"""
from . import compat, metrics, significance, tokenizers  # noqa: F401
from .compat import (
    corpus_bleu,
    corpus_chrf,
    corpus_ter,
    raw_corpus_bleu,
    sentence_bleu,
    sentence_chrf,
    sentence_ter,
)
from .metrics import BLEU, CHRF, TER, BLEUScore, CHRFScore, TERScore
from .metrics.base import VERSION
from .metrics.base import Signature as Signature
from .metrics.helpers import extract_char_ngrams, extract_word_ngrams

__version__ = "2.6.0"  # the sacrebleu version reproduced

__all__ = ["BLEU", "BLEUScore", "CHRF", "CHRFScore", "Signature", "TER", "TERScore", "VERSION", "__version__", "compat",
           "corpus_bleu", "corpus_chrf", "corpus_ter", "extract_char_ngrams", "extract_word_ngrams", "metrics",
           "raw_corpus_bleu", "sentence_bleu", "sentence_chrf", "sentence_ter", "significance", "tokenizers"]

_NOT_PROVIDED = {
    **dict.fromkeys(["DATASETS", "download_test_set", "get_source_file", "get_reference_files",
                     "get_available_testsets", "get_available_testsets_for_langpair", "get_langpairs_for_testset",
                     "SACREBLEU_DIR", "smart_open", "dataset", "utils"],
                    "the test-set downloads and files of sacrebleu are out of scope: download the data with "
                    "sacrebleu itself"),
}


def __getattr__(name: str):
    if name in _NOT_PROVIDED:
        raise AttributeError(f"textmetrics.compat.sacrebleu has no {name}: {_NOT_PROVIDED[name]}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
