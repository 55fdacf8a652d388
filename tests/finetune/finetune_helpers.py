"""Paths and tokenizers shared by the finetune tests (imported by conftest.py and the test modules)."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# TEXTMETRICS_SHARED moves (or, pointing at a missing folder, hides) the shared volume, as in tests/shared_data.py
SHARED = Path(os.environ.get("TEXTMETRICS_SHARED") or REPO.parent / "shared")
LLAMA2_TOKENIZER = SHARED / "data" / "llama2-tokenizer"
DIALOGSUM = SHARED / "data" / "dialogsum"
SAMPLE = REPO / "data" / "dialogsum-sample"


def train_file() -> Path:
    """DialogSum's train split from ../shared when present, else the sample shipped in the repository."""
    full = DIALOGSUM / "dialogsum.train.jsonl"
    return full if full.is_file() else SAMPLE / "train.jsonl"


def llama2_tokenizer():
    """The real Llama-2 tokenizer (GGUF vocabulary) with the legacy SentencePiece normalizer fix."""
    from tokenizers import decoders, normalizers
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(LLAMA2_TOKENIZER, gguf_file="ggml-vocab-llama-spm.gguf")
    backend = tok.backend_tokenizer
    backend.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    backend.pre_tokenizer = None
    backend.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                         decoders.Strip(" ", 1, 0)])
    return tok


def trained_tokenizer():
    """A small byte-level BPE trained on the sample dialogues, with Llama's <unk>/<s>/</s> and BOS prepended."""
    import pandas as pd
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    texts = pd.read_json(SAMPLE / "train.jsonl", lines=True)
    corpus = list(texts["dialogue"]) + list(texts["summary"])
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=2048, special_tokens=["<unk>", "<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", bos_token="<s>", eos_token="</s>")
