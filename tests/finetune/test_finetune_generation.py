"""Generation options (repetition guards on the generated tokens only, beams, seeded sampling, stop strings) and
`report_to: tensorboard`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")
import torch

from finetune import cli
from finetune.config import PredictConfig
from finetune.predict import GeneratedNoRepeatNGram, generate, logits_processors


def test_no_repeat_ngram_bans_only_repeats_of_generated_ngrams():
    scores = torch.zeros(2, 10)
    # row 0: prompt [1, 2, 3], generated [9, 8, 9] -> the bigram (9, 8) exists, so 8 may not follow 9 again
    # row 1: prompt [4, 5, 6], generated [4, 7, 4] -> (4, 7) was generated: 7 banned; (4, 5) is only in the prompt
    ids = torch.tensor([[1, 2, 3, 9, 8, 9], [4, 5, 6, 4, 7, 4]])
    out = GeneratedNoRepeatNGram(2, prompt_length=3)(ids, scores.clone())
    banned = [set(torch.nonzero(torch.isinf(row)).flatten().tolist()) for row in out]
    assert banned == [{8}, {7}]


def test_no_repeat_trigram_needs_the_two_token_suffix():
    ids = torch.tensor([[0, 5, 6, 7, 5, 6]])  # prompt [0]; generated 5 6 7 5 6: "5 6" was followed by 7
    out = GeneratedNoRepeatNGram(3, prompt_length=1)(ids, torch.zeros(1, 10))
    assert torch.nonzero(torch.isinf(out[0])).flatten().tolist() == [7]
    short = GeneratedNoRepeatNGram(3, prompt_length=4)(ids, torch.zeros(1, 10))  # only 2 generated tokens
    assert not torch.isinf(short).any()


def test_repetition_penalty_skips_the_prompt():
    processors = logits_processors(PredictConfig(repetition_penalty=2.0), prompt_length=3)
    ids = torch.tensor([[1, 2, 3, 4, 4]])  # prompt 1 2 3, generated 4 4
    out = processors(ids, torch.full((1, 6), 3.0))
    assert out[0].tolist() == [3.0, 3.0, 3.0, 3.0, 1.5, 3.0]  # positive logits are divided by the penalty
    assert len(logits_processors(PredictConfig(), prompt_length=3)) == 0  # defaults: plain greedy


def token_ngrams(ids: list[int], n: int) -> list[tuple]:
    return [tuple(ids[i:i + n]) for i in range(len(ids) - n + 1)]


@pytest.fixture
def pipeline(make_config):
    cfg = make_config("none", data={"test_size": 4})
    return cli.Pipeline(cfg)


def prompts(pipeline) -> list[str]:
    return [pipeline.builder.prediction_prompt(t, 40) for t in pipeline.splits.test["input"]]


def test_no_repeat_ngram_stops_the_random_models_loops(pipeline):
    model, tok, texts = pipeline.base_model(), pipeline.tokenizer, prompts(pipeline)

    def generated(cfg):
        side = tok.padding_side
        tok.padding_side = "left"
        batch = tok(texts, return_tensors="pt", padding=True)
        tok.padding_side = side
        with torch.no_grad():
            out = model.generate(**batch, max_new_tokens=cfg.max_new_tokens, do_sample=False,
                                 logits_processor=logits_processors(cfg, batch["input_ids"].shape[1]),
                                 eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
        return out[:, batch["input_ids"].shape[1]:].tolist()

    loose = generated(PredictConfig(max_new_tokens=64))
    assert any(len(set(token_ngrams(r, 3))) < len(token_ngrams(r, 3)) for r in loose), "no loop to stop"
    for row in generated(PredictConfig(max_new_tokens=64, no_repeat_ngram_size=3)):
        grams = token_ngrams(row, 3)
        assert len(set(grams)) == len(grams)
    # the same guard through finetune's own generate()
    guarded = generate(model, tok, texts, PredictConfig(max_new_tokens=64, no_repeat_ngram_size=3, stop_on_repeat=0))
    loose_out = generate(model, tok, texts, PredictConfig(max_new_tokens=64, stop_on_repeat=0))
    assert [o["text"] for o in guarded] != [o["text"] for o in loose_out]


def test_stop_strings_cut_the_text_where_an_unstopped_run_had_it(pipeline):
    model, tok, texts = pipeline.base_model(), pipeline.tokenizer, prompts(pipeline)
    plain = generate(model, tok, texts[:1], PredictConfig(max_new_tokens=16, stop_on_repeat=0))[0]
    assert plain["finish"] == "length" and plain["new_tokens"] == 16
    words = plain["text"].split()
    assert len(words) >= 3, plain
    stop = words[2]
    stopped = generate(model, tok, texts[:1], PredictConfig(max_new_tokens=16, stop_on_repeat=0,
                                                            stop_strings=(stop,)))[0]
    assert stopped["finish"] == "stop"
    assert stopped["text"] == plain["text"][: plain["text"].index(stop)].strip()
    assert stopped["new_tokens"] < 16


def test_beam_search_runs(pipeline):
    model, tok, texts = pipeline.base_model(), pipeline.tokenizer, prompts(pipeline)
    beams = generate(model, tok, texts, PredictConfig(max_new_tokens=8, num_beams=3, no_repeat_ngram_size=2))
    assert len(beams) == len(texts)
    assert all(o["finish"] in ("eos", "length") and 1 <= o["new_tokens"] <= 8 for o in beams)


def test_sampling_is_seeded_and_an_interrupted_sampled_run_resumes_identically(make_config, monkeypatch, tmp_path):
    import finetune.predict as predict_module

    cfg = make_config("none", data={"test_size": 4},
                      predict={"do_sample": True, "temperature": 1.5, "seed": 7, "batch_size": 2,
                               "max_new_tokens": 8})
    pipeline = cli.Pipeline(cfg)
    model, tok, builder, test = pipeline.base_model(), pipeline.tokenizer, pipeline.builder, pipeline.splits.test
    first = predict_module.predict(model, tok, builder, test, tmp_path / "a.jsonl", cfg.predict)
    again = predict_module.predict(model, tok, builder, test, tmp_path / "b.jsonl", cfg.predict)
    assert first == again
    other = make_config("none", predict={**{k: getattr(cfg.predict, k) for k in ("do_sample", "temperature",
                                                                               "batch_size", "max_new_tokens")},
                                          "seed": 8})
    different = predict_module.predict(model, tok, builder, test, tmp_path / "c.jsonl", other.predict)
    assert [r["prediction"] for r in different] != [r["prediction"] for r in first]

    real, calls = predict_module.generate, []

    def interrupt(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(predict_module, "generate", interrupt)
    with pytest.raises(KeyboardInterrupt):
        predict_module.predict(model, tok, builder, test, tmp_path / "d.jsonl", cfg.predict)
    torch.manual_seed(999)  # the RNG state in between does not matter
    monkeypatch.setattr(predict_module, "generate", real)
    assert predict_module.predict(model, tok, builder, test, tmp_path / "d.jsonl", cfg.predict) == first


def test_a_partly_written_batch_is_predicted_again(make_config, tmp_path):
    import finetune.predict as predict_module

    cfg = make_config("none", data={"test_size": 4}, predict={"batch_size": 2})
    pipeline = cli.Pipeline(cfg)
    args = (pipeline.base_model(), pipeline.tokenizer, pipeline.builder, pipeline.splits.test)
    path = tmp_path / "p.jsonl"
    complete = predict_module.predict(*args, path, cfg.predict)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:3]) + lines[3][:10])  # one whole batch, one row of the next, a cut-off line
    assert predict_module.predict(*args, path, cfg.predict) == complete
    assert path.read_text() == "".join(lines)


def test_tensorboard_logs_the_training_losses(make_config):
    pytest.importorskip("tensorboard", reason="needs tensorboard (in the finetune extra)")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    cfg = make_config("none", train={"report_to": "tensorboard"})
    cli.Pipeline(cfg).train()
    out = Path(cfg.output_dir)
    events = list((out / "tensorboard").glob("events.out.tfevents.*"))
    assert len(events) == 1
    acc = EventAccumulator(str(events[0]))
    acc.Reload()
    history = [json.loads(line) for line in (out / "log_history.jsonl").read_text().splitlines()]
    losses = [(h["step"], h["loss"]) for h in history if "loss" in h]
    logged = [(e.step, e.value) for e in acc.Scalars("train/loss")]
    assert [s for s, _ in logged] == [s for s, _ in losses] == [1, 2, 3, 4]
    assert [v for _, v in logged] == pytest.approx([v for _, v in losses], rel=1e-6)
    assert [e.step for e in acc.Scalars("eval/loss")] == [2, 4]


def test_stop_on_repeat_criterion_and_cut():
    from finetune.predict import StopOnRepeat, repeat_start

    crit = StopOnRepeat(2, prompt_length=2)
    ids = torch.tensor([[7, 8, 1, 2, 3, 1, 2],    # generated 1 2 3 1 2: "1 2" again -> stop
                        [7, 8, 1, 2, 3, 4, 5],    # no repeat
                        [7, 8, 9, 7, 8, 3, 4]])   # "7 8" is only repeated from the prompt -> go on
    assert crit(ids, None).tolist() == [True, False, False]
    assert repeat_start([1, 2, 3, 1, 2], 2) == 3
    assert repeat_start([1, 2, 3, 4, 5], 2) is None
    assert repeat_start([5, 5, 5], 2) == 1  # overlapping runs count


def test_stop_on_repeat_ends_the_random_models_loops(pipeline):
    model, tok, texts = pipeline.base_model(), pipeline.tokenizer, prompts(pipeline)
    side = tok.padding_side
    tok.padding_side = "left"
    batch = tok(texts, return_tensors="pt", padding=True)
    tok.padding_side = side
    with torch.no_grad():
        plain = model.generate(**batch, max_new_tokens=64, do_sample=False, eos_token_id=tok.eos_token_id,
                               pad_token_id=tok.pad_token_id)[:, batch["input_ids"].shape[1]:].tolist()
    stopped = generate(model, tok, texts, PredictConfig(max_new_tokens=64, stop_on_repeat=3))
    looped = 0
    for row, out in zip(plain, stopped):
        # the first index at which some 3-token run occurs a second time, scanned independently here
        first = next((j for j in range(len(row) - 2) if tuple(row[j:j + 3]) in
                      {tuple(row[i:i + 3]) for i in range(j)}), None)
        if first is None or tok.eos_token_id in row[:first + 3]:
            continue
        looped += 1
        assert out["finish"] == "repeat" and out["new_tokens"] == first + 3
        assert out["text"] == tok.decode(row[:first], skip_special_tokens=True).strip()
    assert looped >= 1
