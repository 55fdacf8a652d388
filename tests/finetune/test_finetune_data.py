"""Reading files, the seed's split, test files with several references, and the collator."""
from __future__ import annotations

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")
import pandas as pd
from sklearn.utils import shuffle

from finetune.config import DataConfig
from finetune.data import DataError, load_splits, read_table, seed_split
from finetune.train import data_collator

from finetune_helpers import DIALOGSUM, SAMPLE, train_file


def test_seed_split_equals_sklearn_shuffle_and_never_overlaps():
    df = pd.read_json(train_file(), lines=True)
    train_size, test_size = (4000, 1500) if DIALOGSUM.is_dir() else (200, 80)  # the seed's sizes on DialogSum
    train, test = seed_split(df, train_size, test_size, seed=42)
    expected = shuffle(df, random_state=42)
    pd.testing.assert_frame_equal(train, expected.head(train_size))
    pd.testing.assert_frame_equal(test, expected.tail(test_size))
    assert set(train.index).isdisjoint(test.index)
    assert set(train["fname"]).isdisjoint(test["fname"])


def test_split_sizes_that_would_overlap_are_refused():
    df = pd.DataFrame({"dialogue": list("abcdef"), "summary": list("ABCDEF")})
    seed_split(df, 4, 2)
    with pytest.raises(ValueError, match="overlap"):
        seed_split(df, 4, 3)


def test_csv_jsonl_and_parquet_read_the_same(tmp_path):
    df = pd.read_json(SAMPLE / "train.jsonl", lines=True).head(5)
    df.to_csv(tmp_path / "rows.csv", index=False)
    df.to_parquet(tmp_path / "rows.parquet")
    df.to_json(tmp_path / "rows.jsonl", orient="records", lines=True)
    for name in ("rows.csv", "rows.parquet", "rows.jsonl"):
        pd.testing.assert_frame_equal(read_table(tmp_path / name), df)
    with pytest.raises(ValueError, match="unsupported"):
        (tmp_path / "rows.txt").write_text("x")
        read_table(tmp_path / "rows.txt")


def test_test_file_keeps_all_three_references():
    cfg = DataConfig(train_file=str(SAMPLE / "train.jsonl"), test_file=str(SAMPLE / "test.jsonl"),
                     test_target_columns=("summary1", "summary2", "summary3"), id_column="fname",
                     train_size=10, test_size=5, eval_size=3)
    splits = load_splits(cfg)
    raw = pd.read_json(SAMPLE / "test.jsonl", lines=True).head(5)
    assert list(splits.test["id"]) == list(raw["fname"])
    assert splits.test["references"].tolist() == raw[["summary1", "summary2", "summary3"]].values.tolist()
    assert list(splits.eval["target"]) == list(raw["summary1"].head(3))
    expected_train = shuffle(pd.read_json(SAMPLE / "train.jsonl", lines=True), random_state=42).head(10)
    assert list(splits.train["target"]) == list(expected_train["summary"])


def test_seed_split_without_test_file_uses_it_for_validation():
    cfg = DataConfig(train_file=str(SAMPLE / "train.jsonl"), train_size=50, test_size=20, id_column="fname")
    splits = load_splits(cfg)
    assert len(splits.train) == 50 and len(splits.test) == 20 and len(splits.eval) == 20
    assert splits.test["references"].map(len).eq(1).all()
    assert list(splits.eval["target"]) == [refs[0] for refs in splits.test["references"]]


def test_a_missing_column_is_named_with_the_setting_and_a_suggestion():
    cfg = DataConfig(train_file=str(SAMPLE / "train.jsonl"), input_column="dialog", train_size=5, test_size=5)
    with pytest.raises(DataError, match=r"column 'dialog' \(data.input_column\) not found \(did you mean "
                                        r"'dialogue'\?\)"):
        load_splits(cfg)


def test_collator_pads_labels_with_minus_100_and_keeps_a_real_eos(tokenizer):
    eos = tokenizer.eos_token_id
    tokenizer.pad_token = tokenizer.eos_token  # the usual Llama-2 setting: pad == eos
    assert tokenizer.pad_token_id == eos
    short = [1, 500, 600, eos]
    long = [1, 500, 600, 700, 800, 900, eos]
    features = [{"input_ids": short, "attention_mask": [1] * 4, "labels": [-100, -100, 600, eos]},
                {"input_ids": long, "attention_mask": [1] * 7, "labels": list(long)}]
    batch = data_collator(tokenizer)(features)
    assert batch["input_ids"].tolist() == [short + [eos] * 3, long]
    assert batch["attention_mask"].tolist() == [[1] * 4 + [0] * 3, [1] * 7]
    assert batch["labels"].tolist() == [[-100, -100, 600, eos, -100, -100, -100], long]
