"""Prompt template and tokenization: the seed's ``tokenize`` exactly, plus optional prompt masking and input truncation.

One template builds the prompt for training (prompt + target + EOS) and for prediction (prompt only), so the
model sees the same text in both.
"""
from __future__ import annotations

from .config import PromptConfig

IGNORE_INDEX = -100  # label value that the loss skips (prompt tokens when masked, padding)


class PromptBuilder:
    """Builds and tokenizes prompts for one tokenizer and one :class:`PromptConfig`."""

    def __init__(self, tokenizer, cfg: PromptConfig, input_column: str = "dialogue", target_column: str = "summary"):
        if "{input}" not in cfg.template:
            raise ValueError("prompt.template must contain the placeholder {input}")
        self.tokenizer = tokenizer
        self.cfg = cfg
        self.input_column = input_column
        self.target_column = target_column

    # --- the seed ------------------------------------------------------------------------------------------
    def tokenize(self, prompt: str, add_eos_token: bool = True) -> dict:
        """The seed's tokenize: truncate to max_length without padding, append EOS only if the result does not
        already end with it and is shorter than max_length; ``labels`` is a copy of ``input_ids``."""
        max_length = self.cfg.max_length
        result = self.tokenizer(
            prompt,
            truncation=True,
            max_length=max_length,
            padding=False,
            return_tensors=None,
        )
        eos = self.tokenizer.eos_token_id
        if result["input_ids"][-1] != eos and len(result["input_ids"]) < max_length and add_eos_token:
            result["input_ids"].append(eos)
            result["attention_mask"].append(1)
        result["labels"] = result["input_ids"].copy()
        return result

    def generate_and_tokenize_prompt(self, data_point: dict) -> dict:
        """Tokenized training row from one data row (the seed's function, used with ``Dataset.map``).

        Besides ``input_ids``/``attention_mask``/``labels`` it returns two flags for the truncation report:
        ``input_cut`` (the text was longer than max_length: the seed cuts its end, ``truncate_input`` cuts the
        input instead) and ``target_cut`` (some target tokens or the EOS were lost).
        """
        input_text = str(data_point[self.input_column])
        target = str(data_point[self.target_column])
        reserve = 1 if self.cfg.add_eos_token else 0
        full_length = len(self._ids(self.prompt(input_text) + target))
        input_cut = full_length + reserve > self.cfg.max_length
        if input_cut and self.cfg.truncate_input:
            input_text = self.shorten_input(input_text, target, self.cfg.max_length - reserve)
        prompt = self.prompt(input_text)
        result = self.tokenize(prompt + target, add_eos_token=self.cfg.add_eos_token)
        ids = result["input_ids"]
        target_cut = len(self._ids(prompt + target)) > len(ids) or (
            self.cfg.add_eos_token and ids[-1] != self.tokenizer.eos_token_id
        )
        if not self.cfg.train_on_prompt:
            n_prompt = min(self._common_prefix(ids, self._ids(prompt)), len(ids))
            result["labels"] = [IGNORE_INDEX] * n_prompt + ids[n_prompt:]
        result["input_cut"] = bool(input_cut)
        result["target_cut"] = bool(target_cut)
        return result

    # --- prompt text -----------------------------------------------------------------------------------------
    def prompt(self, input_text: str) -> str:
        return self.cfg.template.replace("{input}", input_text)

    def prediction_prompt(self, input_text: str, max_prompt_tokens: int | None = None) -> str:
        """The prompt for generation; its input is shortened so that it has at most ``max_prompt_tokens``."""
        if max_prompt_tokens is not None and len(self._ids(self.prompt(input_text))) > max_prompt_tokens:
            input_text = self.shorten_input(input_text, "", max_prompt_tokens)
        return self.prompt(input_text)

    def shorten_input(self, input_text: str, suffix: str, budget: int) -> str:
        """Longest token prefix of ``input_text`` such that ``prompt(input) + suffix`` has at most ``budget``
        tokens ("" if even an empty input does not fit)."""
        input_ids = self._ids(input_text, special=False)
        keep = len(input_ids) - (len(self._ids(self.prompt(input_text) + suffix)) - budget)
        while keep > 0:
            text = self.tokenizer.decode(input_ids[:keep], skip_special_tokens=True)
            over = len(self._ids(self.prompt(text) + suffix)) - budget
            if over <= 0:
                return text
            keep -= over
        return ""

    # --- helpers ----------------------------------------------------------------------------------------------
    def _ids(self, text: str, special: bool = True) -> list[int]:
        return self.tokenizer(text, add_special_tokens=special)["input_ids"]

    @staticmethod
    def _common_prefix(a: list[int], b: list[int]) -> int:
        n = 0
        for x, y in zip(a, b):
            if x != y:
                break
            n += 1
        return n
