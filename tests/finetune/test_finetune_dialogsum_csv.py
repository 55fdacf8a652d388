"""The 7B recipe's data section: DialogSum as the Hugging Face CSV (knkarthick/dialogsum) gives the seed's split."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

pytest.importorskip("sklearn", reason="needs the finetune extra")

from finetune.config import load_config  # noqa: E402
from finetune.data import load_splits  # noqa: E402

from finetune_helpers import DIALOGSUM, REPO, SAMPLE  # noqa: E402

CONFIG = REPO / "configs" / "llama2-7b-qlora.yaml"


def test_the_recipe_reads_a_file_a_newcomer_can_fetch():
    data = load_config(CONFIG).data
    assert not data.train_file.startswith("..")  # not the project's private shared folder
    assert data.train_file == "data/dialogsum/train.csv" and data.id_column == "id"
    text = CONFIG.read_text()
    assert "hf download knkarthick/dialogsum train.csv --repo-type dataset --local-dir data/dialogsum" in text


def test_the_csv_layout_gives_the_same_split_as_the_original_json_lines(tmp_path):
    full = DIALOGSUM / "dialogsum.train.jsonl"
    source = full if full.is_file() else SAMPLE / "train.jsonl"
    original = pd.read_json(source, lines=True)
    # knkarthick/dialogsum's train.csv: the same rows in the same order, fname named id (multi-line dialogues quoted)
    csv = tmp_path / "train.csv"
    original.rename(columns={"fname": "id"})[["id", "dialogue", "summary", "topic"]].to_csv(csv, index=False)
    recipe = load_config(CONFIG, [f"data.train_file={csv}"]).data
    if not full.is_file():  # only the 300-row sample: a smaller split of the same shape
        recipe = dataclasses.replace(recipe, train_size=200, test_size=80)
    from_csv = load_splits(recipe)
    from_jsonl = load_splits(dataclasses.replace(recipe, train_file=str(source), id_column="fname"))
    pd.testing.assert_frame_equal(from_csv.test, from_jsonl.test)
    pd.testing.assert_frame_equal(from_csv.train.reset_index(drop=True), from_jsonl.train.reset_index(drop=True))
    assert len(from_csv.test) == recipe.test_size and len(from_csv.train) == recipe.train_size
    if full.is_file():  # the seed's split: shuffle(random_state=42), head(4000) train, tail(1500) test
        assert list(from_csv.test["id"][:3]) == ["train_2421", "train_5604", "train_1750"]
        assert list(from_csv.test["id"][-2:]) == ["train_860", "train_7270"]
