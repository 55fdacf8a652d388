"""Prompt template and tokenization: the seed's ``tokenize`` exactly, plus optional prompt masking and input truncation.

One template builds the prompt for training (prompt + target + EOS) and for prediction (prompt only), so the
model sees the same text in both. The template is ``prompt.template``, or with ``prompt.chat_template`` the
tokenizer's own chat template (``apply_chat_template`` with the generation prompt).
"""
from __future__ import annotations

from .config import ConfigError, PromptConfig

CHAT_SENTINEL = "\u2063INPUT\u2063"  # stands for the dialogue when the chat template is checked

IGNORE_INDEX = -100  # label value that the loss skips (prompt tokens when masked, padding)


class PromptBuilder:
    """Builds and tokenizes prompts for one tokenizer and one :class:`PromptConfig`."""

    def __init__(self, tokenizer, cfg: PromptConfig, input_column: str = "dialogue", target_column: str = "summary"):
        if not cfg.chat_template and "{input}" not in cfg.template:
            raise ValueError("prompt.template must contain the placeholder {input}")
        self.tokenizer = tokenizer
        self.cfg = cfg
        self.input_column = input_column
        self.target_column = target_column
        self._strip_bos = None
        if cfg.chat_template:
            self._check_chat_template()

    # --- the tokenizer's chat template -----------------------------------------------------------------------
    def _check_chat_template(self) -> None:
        """Refuse a tokenizer without a chat template, or one whose rendering loses the dialogue."""
        tok = self.tokenizer
        if "{input}" not in self.cfg.chat_message:
            raise ConfigError("prompt.chat_message must contain the placeholder {input} (the dialogue goes there)")
        if not getattr(tok, "chat_template", None):
            raise ConfigError(
                "prompt.chat_template is true, but the tokenizer has no chat template (tokenizer.chat_template is "
                "empty; base models such as Llama-2-7b-hf ship none): set prompt.chat_template=false and write the "
                "prompt in prompt.template, or use the tokenizer of a chat/instruct model (model.tokenizer_path)")
        # A tokenizer that adds BOS itself would get a second one from a template that writes {{ bos_token }}.
        bos = tok.bos_token
        adds_bos = bool(bos) and tok.bos_token_id is not None and tok("a")["input_ids"][:1] == [tok.bos_token_id]
        self._strip_bos = bos if adds_bos else None
        text = self._render(CHAT_SENTINEL)
        if text.count(CHAT_SENTINEL) != 1:
            raise ConfigError("the tokenizer's chat template does not put the user message into the prompt exactly "
                              f"once (rendered: {text!r}); use prompt.template instead")

    def _render(self, input_text: str) -> str:
        messages = []
        if self.cfg.chat_system is not None:
            messages.append({"role": "system", "content": self.cfg.chat_system})
        messages.append({"role": "user", "content": self.cfg.chat_message.replace("{input}", input_text)})
        try:
            text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        except Exception as exc:  # a template's own raise_exception (e.g. "System role not supported")
            raise ConfigError(f"the tokenizer's chat template failed on the prompt ({type(exc).__name__}: {exc}); "
                              "check prompt.chat_system (null: no system message) or use prompt.template") from None
        if self._strip_bos and text.startswith(self._strip_bos):
            text = text[len(self._strip_bos):]
        return text

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
        """The prompt text for one input; with ``prompt.chat_template`` the chat template's rendering of the
        (optional system and) user message, ending with the generation prompt (a BOS it writes is left to the
        tokenizer when the tokenizer adds one itself)."""
        if self.cfg.chat_template:
            return self._render(input_text)
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
