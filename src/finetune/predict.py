"""Batched greedy generation, written to JSONL as it goes and resumable."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import torch

from .config import PredictConfig
from .prompt import PromptBuilder


def read_done(path: Path) -> list[dict]:
    """Rows already in a predictions file. A last line cut off by an interruption is removed from the file."""
    if not path.is_file():
        return []
    rows, good_bytes = [], 0
    with path.open("rb") as f:
        for line in f:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                break
            if not line.endswith(b"\n"):
                rows.pop()
                break
            good_bytes += len(line)
    if good_bytes != path.stat().st_size:
        with path.open("r+b") as f:
            f.truncate(good_bytes)
    return rows


def generate(model, tokenizer, prompts: list[str], max_new_tokens: int) -> list[str]:
    """Greedy continuations of ``prompts`` (one batch, left-padded), stopped at EOS, prompt tokens removed."""
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    try:
        batch = tokenizer(prompts, return_tensors="pt", padding=True).to(model.device)
    finally:
        tokenizer.padding_side = side
    with torch.inference_mode():
        output = model.generate(
            **batch,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            num_beams=1,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
            use_cache=True,
        )
    new_tokens = output[:, batch["input_ids"].shape[1]:]
    return [text.strip() for text in tokenizer.batch_decode(new_tokens, skip_special_tokens=True)]


def predict(model, tokenizer, builder: PromptBuilder, test: pd.DataFrame, out_path: str | Path,
            cfg: PredictConfig, desc: str = "predict") -> list[dict]:
    """Predict every test row into ``out_path`` (JSONL: id, prediction, references), one batch at a time.

    Rows already in the file are skipped, so an interrupted run continues where it stopped; the file must
    come from the same test rows (checked by id and order).
    """
    from tqdm.auto import tqdm

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if cfg.limit is not None:
        test = test.head(cfg.limit)
    done = read_done(out_path)
    expected = list(test["id"])
    if [row["id"] for row in done] != expected[: len(done)]:
        raise ValueError(f"{out_path} holds rows of other test data; delete it to predict again")
    todo = test.iloc[len(done):]
    was_training = model.training
    model.eval()
    show = cfg.progress and int(os.environ.get("RANK", "0")) == 0
    bar = tqdm(total=len(test), initial=len(done), desc=desc, unit="row", disable=not show)
    try:
        with out_path.open("a") as f:
            for start in range(0, len(todo), cfg.batch_size):
                chunk = todo.iloc[start:start + cfg.batch_size]
                prompts = [builder.prediction_prompt(text, cfg.max_prompt_tokens) for text in chunk["input"]]
                texts = generate(model, tokenizer, prompts, cfg.max_new_tokens)
                for (_, row), text in zip(chunk.iterrows(), texts):
                    record = {"id": row["id"], "prediction": text, "references": list(row["references"])}
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
                    done.append(record)
                f.flush()
                bar.update(len(chunk))
    finally:
        bar.close()
        model.train(was_training)
    return done
