"""The seed's tokenize semantics, prompt masking, input truncation and the truncation report."""
from __future__ import annotations

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")
import pandas as pd

from finetune.config import PromptConfig
from finetune.data import tokenize_rows
from finetune.prompt import IGNORE_INDEX, PromptBuilder

SEED = PromptConfig(template="{input}", max_length=128)  # the seed's tokenize: max_length 128, EOS, labels copy


def text_with_length(tokenizer, n: int) -> str:
    """A text that the tokenizer turns into exactly ``n`` ids (BOS included)."""
    words = []
    while len(tokenizer(" ".join(words))["input_ids"]) < n:
        words.append("the")
    text = " ".join(words)
    assert len(tokenizer(text)["input_ids"]) == n, "could not build a text of the wanted length"
    return text


@pytest.fixture(scope="module")
def seed_builder(tokenizer):
    return PromptBuilder(tokenizer, SEED, "dialogue", "summary")


def test_short_row_gets_eos(tokenizer, seed_builder):
    plain = tokenizer("Hello there, how are you?")["input_ids"]
    result = seed_builder.tokenize("Hello there, how are you?")
    assert result["input_ids"] == plain + [tokenizer.eos_token_id]
    assert result["attention_mask"] == [1] * (len(plain) + 1)
    assert result["labels"] == result["input_ids"]
    assert result["labels"] is not result["input_ids"]  # a copy


def test_row_of_127_tokens_gets_eos_to_128(tokenizer, seed_builder):
    result = seed_builder.tokenize(text_with_length(tokenizer, 127))
    assert len(result["input_ids"]) == 128
    assert result["input_ids"][-1] == tokenizer.eos_token_id


def test_row_at_exactly_128_gets_no_eos(tokenizer, seed_builder):
    text = text_with_length(tokenizer, 128)
    result = seed_builder.tokenize(text)
    assert result["input_ids"] == tokenizer(text)["input_ids"]
    assert result["input_ids"][-1] != tokenizer.eos_token_id
    assert result["labels"] == result["input_ids"]


def test_long_row_is_truncated_to_128_without_eos(tokenizer, seed_builder):
    text = text_with_length(tokenizer, 300)
    result = seed_builder.tokenize(text)
    assert result["input_ids"] == tokenizer(text)["input_ids"][:128]
    assert len(result["attention_mask"]) == 128
    assert result["input_ids"][-1] != tokenizer.eos_token_id
    assert result["labels"] == result["input_ids"]


def test_no_second_eos_and_add_eos_false(tokenizer, seed_builder):
    ends_with_eos = seed_builder.tokenize("Short text" + tokenizer.eos_token)
    assert ends_with_eos["input_ids"] == tokenizer("Short text" + tokenizer.eos_token)["input_ids"]
    assert ends_with_eos["input_ids"][-1] == tokenizer.eos_token_id
    assert ends_with_eos["input_ids"][-2] != tokenizer.eos_token_id
    without = seed_builder.tokenize("Short text", add_eos_token=False)
    assert without["input_ids"] == tokenizer("Short text")["input_ids"]


TEMPLATE = "Summarize the following conversation.\n\n{input}\n\nSummary:\n"
ROW = {"dialogue": "#Person1#: Hi, Tom. Are you busy?\n#Person2#: Not really.", "summary": "Tom is not busy."}


def test_generate_and_tokenize_prompt_follows_the_seed(tokenizer):
    builder = PromptBuilder(tokenizer, PromptConfig(template=TEMPLATE), "dialogue", "summary")
    result = builder.generate_and_tokenize_prompt(ROW)
    full = TEMPLATE.replace("{input}", ROW["dialogue"]) + ROW["summary"]
    assert result["input_ids"] == tokenizer(full)["input_ids"] + [tokenizer.eos_token_id]
    assert result["labels"] == result["input_ids"]
    assert not result["input_cut"] and not result["target_cut"]
    assert builder.prediction_prompt(ROW["dialogue"]) == TEMPLATE.replace("{input}", ROW["dialogue"])


def test_prompt_masking_trains_on_the_summary_and_eos_only(tokenizer):
    builder = PromptBuilder(tokenizer, PromptConfig(template=TEMPLATE, train_on_prompt=False), "dialogue", "summary")
    result = builder.generate_and_tokenize_prompt(ROW)
    n_prompt = len(tokenizer(TEMPLATE.replace("{input}", ROW["dialogue"]))["input_ids"])
    assert result["labels"][:n_prompt] == [IGNORE_INDEX] * n_prompt
    assert result["labels"][n_prompt:] == result["input_ids"][n_prompt:]
    assert result["labels"][-1] == tokenizer.eos_token_id
    kept = [t for t in result["labels"] if t != IGNORE_INDEX][:-1]
    assert tokenizer.decode(kept).strip() == ROW["summary"]


def long_row(words: int = 400) -> dict:
    turns = [f"#Person{1 + i % 2}#: I would like to talk about item number {i} today." for i in range(words // 10)]
    return {"dialogue": "\n".join(turns), "summary": "They list many items one after another."}


def test_truncate_input_keeps_the_whole_summary_and_eos(tokenizer):
    cfg = PromptConfig(template=TEMPLATE, max_length=128, truncate_input=True, train_on_prompt=False)
    builder = PromptBuilder(tokenizer, cfg, "dialogue", "summary")
    row = long_row()
    result = builder.generate_and_tokenize_prompt(row)
    assert len(result["input_ids"]) <= 128
    assert result["input_ids"][-1] == tokenizer.eos_token_id
    assert result["input_cut"] and not result["target_cut"]
    target = [t for t in result["labels"] if t != IGNORE_INDEX][:-1]
    assert tokenizer.decode(target).strip() == row["summary"]
    # the shortened dialogue is a prefix of the original
    text = tokenizer.decode(result["input_ids"], skip_special_tokens=True)
    shortened = text.split("conversation.\n\n", 1)[1].split("\n\nSummary:", 1)[0]
    assert row["dialogue"].startswith(shortened.strip()) and len(shortened) < len(row["dialogue"])


def test_seed_mode_reports_a_cut_target(tokenizer):
    builder = PromptBuilder(tokenizer, PromptConfig(template=TEMPLATE, max_length=128), "dialogue", "summary")
    result = builder.generate_and_tokenize_prompt(long_row())
    assert result["input_cut"] and result["target_cut"]
    assert len(result["input_ids"]) == 128


def test_prediction_prompt_is_shortened_to_its_budget(tokenizer):
    builder = PromptBuilder(tokenizer, PromptConfig(template=TEMPLATE), "dialogue", "summary")
    prompt = builder.prediction_prompt(long_row()["dialogue"], max_prompt_tokens=100)
    assert len(tokenizer(prompt)["input_ids"]) <= 100
    assert prompt.endswith("\n\nSummary:\n")


def dialogsum_rows(n=200):
    from finetune_helpers import train_file

    df = pd.read_json(train_file(), lines=True).head(n)
    return pd.DataFrame({"input": df["dialogue"], "target": df["summary"]})


def test_truncation_report_counts_the_rows_the_limit_cuts(tokenizer):
    df = dialogsum_rows()
    builder = PromptBuilder(tokenizer, PromptConfig(template=TEMPLATE, max_length=128), "input", "target")
    # independent count: a row loses target tokens or its EOS when prompt + summary + EOS exceed 128 tokens
    expected = sum(len(tokenizer(TEMPLATE.replace("{input}", i) + t)["input_ids"]) + 1 > 128
                   for i, t in zip(df["input"], df["target"]))
    dataset, report = tokenize_rows(df, builder, "train")
    assert report["rows"] == len(df)
    assert report["longer_than_max_length"] == expected
    assert report["target_or_eos_cut"] == expected
    assert expected > len(df) // 2  # DialogSum dialogues are long
    assert report["kept"] == len(df) and len(dataset) == len(df)
    assert dataset.column_names == ["input_ids", "attention_mask", "labels"]


def test_drop_cut_targets_and_truncate_input_leave_no_cut_row(tokenizer):
    df = dialogsum_rows(60)
    cfg = PromptConfig(template=TEMPLATE, max_length=128, truncate_input=True, train_on_prompt=False,
                       drop_cut_targets=True)
    dataset, report = tokenize_rows(df, PromptBuilder(tokenizer, cfg, "input", "target"), "train")
    assert report["kept"] == report["rows"] - report["dropped"]
    for ids, labels in zip(dataset["input_ids"], dataset["labels"]):
        assert len(ids) <= 128 and ids[-1] == tokenizer.eos_token_id and labels[-1] == tokenizer.eos_token_id
