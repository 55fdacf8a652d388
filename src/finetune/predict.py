"""Batched generation (greedy by default; beams, sampling, repetition guards, stop strings; MBR decoding), written
to JSONL as it goes and resumable; each file carries a fingerprint of what made it."""
from __future__ import annotations

import dataclasses
import json
import math
import os
import time
from pathlib import Path

import pandas as pd
import torch

from . import fingerprint as fingerprints
from .config import PredictConfig
from .model import log
from .prompt import PromptBuilder

SAMPLING_ONLY = ("temperature", "top_p", "top_k", "seed")
MBR_SETTINGS = ("mbr_samples", "mbr_metric", "mbr_temperature", "mbr_top_p", "mbr_limit")


def generation_settings(cfg: PredictConfig) -> dict:
    """The settings that decide the predicted text (for fingerprints): not ``limit``/``progress``, and the sampling
    settings only when sampling. The MBR settings are not part of it (they decide only the MBR file)."""
    settings = {k: v for k, v in dataclasses.asdict(cfg).items()
                if k not in ("limit", "progress") and k not in MBR_SETTINGS}
    settings["stop_strings"] = list(settings["stop_strings"])
    if not cfg.do_sample:
        for key in SAMPLING_ONLY:
            settings.pop(key)
    return settings


def mbr_sampling_config(cfg: PredictConfig) -> PredictConfig:
    """The decoding settings MBR draws its candidates with: sampling (one sequence per candidate) at
    ``mbr_temperature``/``mbr_top_p`` with ``top_k`` and ``seed``; the length limit and the repetition guards and
    stop strings of ``cfg`` apply as in greedy prediction."""
    return dataclasses.replace(cfg, do_sample=True, num_beams=1, temperature=cfg.mbr_temperature,
                               top_p=cfg.mbr_top_p)


def mbr_settings(cfg: PredictConfig) -> dict:
    """What decides the MBR file's text (for its fingerprint): the sampling settings it decodes with and the
    number of candidates and the selection metric (not ``mbr_limit``, which only says how many rows)."""
    return {**generation_settings(mbr_sampling_config(cfg)),
            "mbr": {"samples": cfg.mbr_samples, "metric": cfg.mbr_metric}}


def mbr_limit(cfg: PredictConfig) -> int | None:
    """How many test rows get MBR predictions: the first ``mbr_limit`` of the ``limit`` rows (None: all)."""
    limits = [n for n in (cfg.limit, cfg.mbr_limit) if n is not None]
    return min(limits) if limits else None


def mbr_select(candidates: list[str], metric: str = "rougeL") -> tuple[int, list[float]]:
    """Minimum Bayes risk selection: the index of the candidate with the highest mean ``metric`` F against the
    other candidates, and every candidate's mean.

    Candidate ``j`` is scored as the hypothesis against each other candidate ``i`` as a pseudo-reference:
    ``textmetrics.rouge_matrix(candidates)[i, j]`` (reference ``i``, candidate ``j``), so its utility is the mean
    of column ``j`` without the diagonal (for ROUGE-N/L F1 the matrix is symmetric, so rows give the same). Sums are
    exact (``math.fsum``), so equal candidates get equal means, and a tie goes to the first candidate. rougeLsum
    sees one sentence per line, as in the report.
    """
    from textmetrics import rouge_matrix

    from .evaluate import sentence_lines

    n = len(candidates)
    if n < 2:
        raise ValueError(f"MBR needs at least 2 candidates, got {n}")
    texts = [sentence_lines(c) for c in candidates] if metric == "rougeLsum" else list(candidates)
    m = rouge_matrix(texts, metric)
    means = [math.fsum(m[i, j] for i in range(n) if i != j) / (n - 1) for j in range(n)]
    best = max(range(n), key=lambda j: (means[j], -j))
    return best, means


def mbr_generate(model, tokenizer, prompts: list[str], cfg: PredictConfig, seed: int | None = None,
                 timings: dict | None = None) -> list[dict]:
    """MBR decoding of one batch: ``cfg.mbr_samples`` sampled candidates per prompt (one ``generate`` call, each
    prompt repeated, the RNG seeded with ``seed`` as for sampling), then :func:`mbr_select` per prompt.

    Returns one dict per prompt: the chosen candidate's ``text``/``new_tokens``/``finish`` and ``mbr`` (the
    candidates, their mean scores and the chosen index). ``timings`` (a dict) accumulates ``generation_seconds``
    and ``selection_seconds``.
    """
    n = cfg.mbr_samples
    sampling = mbr_sampling_config(cfg)
    expanded = [p for p in prompts for _ in range(n)]
    t = time.perf_counter()
    outputs = generate(model, tokenizer, expanded, sampling, seed=cfg.seed if seed is None else seed)
    t_generated = time.perf_counter()
    results = []
    for k in range(len(prompts)):
        group = outputs[k * n:(k + 1) * n]
        best, means = mbr_select([o["text"] for o in group], cfg.mbr_metric)
        chosen = group[best]
        results.append({"text": chosen["text"], "new_tokens": chosen["new_tokens"], "finish": chosen["finish"],
                        "mbr": {"chosen": best, "scores": means, "candidates": [o["text"] for o in group],
                                "new_tokens": [o["new_tokens"] for o in group]}})
    if timings is not None:
        timings["generation_seconds"] = timings.get("generation_seconds", 0.0) + (t_generated - t)
        timings["selection_seconds"] = timings.get("selection_seconds", 0.0) + (time.perf_counter() - t_generated)
    return results


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


class GeneratedNoRepeatNGram:
    """Bans any token that would repeat an n-gram of the *generated* tokens (positions from ``prompt_length`` on).

    ``generate(no_repeat_ngram_size=n)`` also counts the prompt for decoder-only models, so a summary could not
    reuse any n tokens of the dialogue (with Llama's tokenizer "#Person1#" alone is 5 tokens). This one only
    looks at what the model wrote.
    """

    def __init__(self, n: int, prompt_length: int):
        self.n, self.prompt_length = n, prompt_length

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        generated = input_ids[:, self.prompt_length:]
        n = self.n
        if generated.shape[1] < n:
            return scores
        windows = generated.unfold(1, n, 1)  # (batch, count, n)
        prefix = generated[:, generated.shape[1] - (n - 1):] if n > 1 else generated[:, :0]
        hits = (windows[:, :, : n - 1] == prefix[:, None, :]).all(dim=2)  # windows that start like the suffix
        for row, col in hits.nonzero().tolist():
            scores[row, windows[row, col, n - 1]] = -float("inf")
        return scores


class StopOnRepeat:
    """Stopping criterion: a row is done once its last ``n`` generated tokens already occurred earlier in the
    generated part. The repeat is cut off afterwards (:func:`repeat_start`). Unlike ``no_repeat_ngram_size``,
    which makes a looping model paraphrase its loop, this ends it."""

    def __init__(self, n: int, prompt_length: int):
        self.n, self.prompt_length = n, prompt_length

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs) -> torch.BoolTensor:
        generated = input_ids[:, self.prompt_length:]
        done = torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
        if generated.shape[1] <= self.n:
            return done
        windows = generated.unfold(1, self.n, 1)
        last = windows[:, -1:, :]
        return (windows[:, :-1, :] == last).all(dim=2).any(dim=1)


def repeat_start(tokens: list[int], n: int) -> int | None:
    """Index where the first repeat of an earlier ``n``-token run begins in ``tokens``, or None."""
    seen = set()
    for end in range(n, len(tokens) + 1):
        gram = tuple(tokens[end - n:end])
        if gram in seen:
            return end - n
        seen.add(gram)
    return None


def logits_processors(cfg: PredictConfig, prompt_length: int):
    """The repetition guards, applied to the generated tokens only (not to the prompt the summary may copy)."""
    from transformers import LogitsProcessorList, RepetitionPenaltyLogitsProcessor

    processors = LogitsProcessorList()
    if cfg.repetition_penalty != 1.0:
        processors.append(RepetitionPenaltyLogitsProcessor(cfg.repetition_penalty, prompt_ignore_length=prompt_length))
    if cfg.no_repeat_ngram_size > 0:
        processors.append(GeneratedNoRepeatNGram(cfg.no_repeat_ngram_size, prompt_length))
    return processors


def keep_lines(path: Path, n: int) -> None:
    """Truncate a file after its first ``n`` lines."""
    size = 0
    with path.open("rb") as f:
        for _, line in zip(range(n), f):
            size += len(line)
    with path.open("r+b") as f:
        f.truncate(size)


def generate(model, tokenizer, prompts: list[str], max_new_tokens: int | PredictConfig,
             seed: int | None = None) -> list[dict]:
    """Continuations of ``prompts`` (one batch, left-padded), stopped at EOS or a stop string, prompt removed.

    ``max_new_tokens`` is a number (plain greedy) or a :class:`PredictConfig`. Returns one dict per prompt:
    ``text``, ``new_tokens`` (generated, EOS included) and ``finish`` ("eos", "stop" for a stop string, or
    "length" when ``max_new_tokens`` ran out). When sampling, the RNG is seeded with ``seed`` first.
    """
    cfg = max_new_tokens if isinstance(max_new_tokens, PredictConfig) else PredictConfig(max_new_tokens=max_new_tokens)
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    try:
        batch = tokenizer(prompts, return_tensors="pt", padding=True).to(model.device)
    finally:
        tokenizer.padding_side = side
    options = dict(max_new_tokens=cfg.max_new_tokens, num_beams=cfg.num_beams, do_sample=cfg.do_sample)
    processors = logits_processors(cfg, batch["input_ids"].shape[1])
    if processors:
        options["logits_processor"] = processors
    if cfg.do_sample:
        options.update(temperature=cfg.temperature, top_p=cfg.top_p, top_k=cfg.top_k)
        torch.manual_seed(cfg.seed if seed is None else seed)
    else:  # keep the model's generation_config from adding sampling settings to greedy search
        options.update(temperature=None, top_p=None, top_k=None)
    if cfg.stop_strings:
        options.update(stop_strings=list(cfg.stop_strings), tokenizer=tokenizer)
    if cfg.stop_on_repeat:
        from transformers import StoppingCriteriaList

        options["stopping_criteria"] = StoppingCriteriaList([StopOnRepeat(cfg.stop_on_repeat,
                                                                          batch["input_ids"].shape[1])])
    with torch.inference_mode():
        output = model.generate(
            **batch,
            **options,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
            use_cache=True,
        )
    new_tokens = output[:, batch["input_ids"].shape[1]:]
    results = []
    for row in new_tokens.tolist():
        eos_at = next((i for i, t in enumerate(row) if t == tokenizer.eos_token_id), None)
        count = eos_at + 1 if eos_at is not None else len([t for t in row if t != tokenizer.pad_token_id])
        repeat = repeat_start(row[:eos_at], cfg.stop_on_repeat) if cfg.stop_on_repeat else None
        if repeat is not None:  # a loop, stopped by StopOnRepeat: keep the text before the repeat
            count = repeat + cfg.stop_on_repeat
            row = row[:repeat]
        text = tokenizer.decode(row, skip_special_tokens=True)
        cut = [text.index(s) for s in cfg.stop_strings if s in text]
        if cut:
            text, finish = text[:min(cut)], "stop"
        elif repeat is not None:
            finish = "repeat"
        elif eos_at is not None:
            finish = "eos"
        else:
            finish = "length"
        results.append({"text": text.strip(), "new_tokens": count, "finish": finish})
    return results


def check_fingerprint(out_path: Path, fingerprint: dict) -> None:
    """Delete a predictions file made with other settings (naming them), then record the fingerprint."""
    side = fingerprints.sidecar(out_path)
    recorded = fingerprints.read_json(side)
    if out_path.exists() and not fingerprints.matches(recorded, fingerprint):
        log(f"{out_path.name} was made with other settings ({'; '.join(fingerprints.changes(recorded, fingerprint))})"
            ": predicting again")
        out_path.unlink()
    if not fingerprints.matches(recorded, fingerprint):
        fingerprints.write_json_atomic(side, fingerprint)


def record_cost(out_path: Path, fingerprint: dict, timings: dict, rows: int, sequences: int,
                fresh: bool = False) -> None:
    """Add this session's generation time to the ``cost`` of the predictions file's sidecar (seconds add up over
    resumed sessions, ``fresh``: the file was started in this session; ``rows`` and ``sequences`` are the file's
    totals). The fingerprint itself is unchanged."""
    side = fingerprints.sidecar(out_path)
    recorded = fingerprints.read_json(side)
    if not fingerprints.matches(recorded, fingerprint):
        return
    cost = {} if fresh else dict(recorded.get("cost") or {})
    for key, value in timings.items():
        cost[key] = round(cost.get(key, 0.0) + value, 3)
    cost.update(rows=rows, sequences=sequences)
    fingerprints.write_json_atomic(side, {**recorded, "cost": cost})


def predict(model, tokenizer, builder: PromptBuilder, test: pd.DataFrame, out_path: str | Path,
            cfg: PredictConfig, desc: str = "predict", fingerprint: dict | None = None,
            mbr: bool = False) -> list[dict]:
    """Predict every test row into ``out_path`` (JSONL: id, prediction, references, new_tokens, finish), one
    batch at a time.

    Rows already in the file are skipped, so an interrupted run continues where it stopped; the file must
    come from the same test rows (checked by id and order) and, with ``fingerprint``, from the same settings
    (otherwise it is predicted again). A last batch that was only partly written is predicted again, so every
    row comes from the same batching as an uninterrupted run.

    ``mbr``: MBR decoding (:func:`mbr_generate`) of the first :func:`mbr_limit` rows; each row also gets ``mbr``
    (candidates, mean scores, chosen index). The generation seconds (and, for MBR, the selection seconds) are
    added to the sidecar's ``cost``.
    """
    from tqdm.auto import tqdm

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if fingerprint is not None:
        check_fingerprint(out_path, fingerprint)
    limit = mbr_limit(cfg) if mbr else cfg.limit
    if limit is not None:
        test = test.head(limit)
    done = read_done(out_path)
    expected = list(test["id"])
    if [row["id"] for row in done[: len(expected)]] != expected[: len(done)]:
        raise ValueError(f"{out_path} holds rows of other test data; delete it to predict again")
    if len(done) >= len(expected):
        return done[: len(expected)]
    whole = len(done) // cfg.batch_size * cfg.batch_size
    if whole < len(done):  # an interrupted batch: drop its rows so that the batch is made again whole
        keep_lines(out_path, whole)
        done = done[:whole]
    todo = test.iloc[len(done):]
    fresh = not done
    was_training = model.training
    model.eval()
    show = cfg.progress and int(os.environ.get("RANK", "0")) == 0
    bar = tqdm(total=len(test), initial=len(done), desc=desc, unit="row", disable=not show)
    timings: dict = {}
    try:
        with out_path.open("a") as f:
            for start in range(0, len(todo), cfg.batch_size):
                chunk = todo.iloc[start:start + cfg.batch_size]
                prompts = [builder.prediction_prompt(text, cfg.max_prompt_tokens) for text in chunk["input"]]
                # sampling: one seed per batch, from its first row, so a resumed run draws the same numbers
                if mbr:
                    outputs = mbr_generate(model, tokenizer, prompts, cfg, seed=cfg.seed + len(done), timings=timings)
                else:
                    t = time.perf_counter()
                    outputs = generate(model, tokenizer, prompts, cfg, seed=cfg.seed + len(done))
                    timings["generation_seconds"] = timings.get("generation_seconds", 0.0) + time.perf_counter() - t
                lines = []
                for (_, row), out in zip(chunk.iterrows(), outputs):
                    record = {"id": row["id"], "prediction": out["text"], "references": list(row["references"]),
                              "new_tokens": out["new_tokens"], "finish": out["finish"]}
                    if "mbr" in out:
                        record["mbr"] = out["mbr"]
                    lines.append(json.dumps(record, ensure_ascii=False) + "\n")
                    done.append(record)
                f.write("".join(lines))  # one write per batch
                f.flush()
                bar.update(len(chunk))
    finally:
        bar.close()
        model.train(was_training)
        if fingerprint is not None and timings:
            record_cost(out_path, fingerprint, timings, rows=len(done),
                        sequences=len(done) * (cfg.mbr_samples if mbr else 1), fresh=fresh)
    return done
