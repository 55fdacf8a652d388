"""QLoRA throughput and memory at Llama-2-7B size, on one GPU, through the finetune package's own code path.

A random-weight LlamaForCausalLM with Llama-2-7B's dimensions (hidden 4096, intermediate 11008, 32 layers, 32 heads,
vocab 32,000) is saved once, then loaded with configs/llama2-7b-qlora.yaml's settings (NF4, double quantization,
bf16 compute, prepare_model_for_kbit_training, LoRA) and trained by ``finetune.train.train`` at the seed's batch
settings (batch 1 x gradient accumulation 16, 128-token rows, adamw_torch, torch.autocast("cuda")) on random
tokens. Prints peak GPU memory, seconds per optimizer step and tokens per second. Measures speed and memory only:
random weights and random tokens say nothing about quality.

    python benchmarks/qlora_gpu.py                  # 7B dimensions, 30 steps (needs a CUDA GPU and ~14 GB disk)
    python benchmarks/qlora_gpu.py --tiny --steps 3 # a small model on CPU: checks that the script runs

Status: written and smoke-tested on CPU with --tiny (a test runs ``--tiny --steps 3``); it has NOT been run on a GPU.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # matters only for the CPU smoke test
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import torch  # noqa: E402
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast, TrainerCallback  # noqa: E402

from finetune.config import load_config  # noqa: E402
from finetune.model import add_lora, load_base_model, load_tokenizer  # noqa: E402
from finetune.train import autocast_dtype, train  # noqa: E402

LLAMA2_7B = dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
                 num_key_value_heads=32, vocab_size=32000, max_position_embeddings=4096, rms_norm_eps=1e-5)
TINY = dict(hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=4, vocab_size=32000, max_position_embeddings=512)


def simple_tokenizer() -> PreTrainedTokenizerFast:
    """Only the special tokens matter here (the data are random ids)."""
    from tokenizers import Tokenizer, models

    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    return PreTrainedTokenizerFast(tokenizer_object=Tokenizer(models.WordLevel(vocab, unk_token="<unk>")),
                                   unk_token="<unk>", bos_token="<s>", eos_token="</s>", pad_token="</s>")


def make_random_model(folder: Path, dims: dict) -> None:
    if (folder / "config.json").is_file():
        return
    print(f"building a random Llama ({dims['num_hidden_layers']} layers, hidden {dims['hidden_size']}) in {folder}")
    config = LlamaConfig(**dims, bos_token_id=1, eos_token_id=2, pad_token_id=2)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    with torch.device(device):
        model = LlamaForCausalLM._from_config(config, dtype=torch.bfloat16)
    model.save_pretrained(folder)
    simple_tokenizer().save_pretrained(folder)
    del model
    if device == "cuda":
        torch.cuda.empty_cache()


def timed_steps(step_s: list[float], warmup: int) -> tuple[list[float], int]:
    """The step times after the warm-up, and the warm-up actually left out: at least one step is always timed, so
    ``--steps 3`` with the default ``--warmup 3`` times the last step instead of dividing by zero."""
    if not step_s:
        raise SystemExit("no optimizer step was timed (did training run?)")
    warmup = max(0, min(warmup, len(step_s) - 1))
    return step_s[warmup:], warmup


class StepTimer(TrainerCallback):
    def __init__(self):
        self.starts, self.ends = [], []

    def on_step_begin(self, args, state, control, **kwargs):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        self.starts.append(time.perf_counter())

    def on_step_end(self, args, state, control, **kwargs):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        self.ends.append(time.perf_counter())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30, help="optimizer steps (each = 16 rows by default)")
    parser.add_argument("--warmup", type=int, default=3, help="first steps left out of the timing")
    parser.add_argument("--seq-len", type=int, default=128, help="tokens per row (the seed's max_length)")
    parser.add_argument("--model-dir", default=None, help="where the random model is saved (reused if present)")
    parser.add_argument("--tiny", action="store_true", help="small dimensions, CPU allowed: a smoke test")
    parser.add_argument("overrides", nargs="*", help="settings overrides, e.g. model.lora_r=64")
    args = parser.parse_args()
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    if not torch.cuda.is_available() and not args.tiny:
        sys.exit("no CUDA GPU: this benchmark measures GPU memory and speed (use --tiny for a CPU smoke test)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.model_dir or Path(tmp) / "random-llama")
        make_random_model(folder, TINY if args.tiny else LLAMA2_7B)
        cfg = load_config(REPO / "configs" / "llama2-7b-qlora.yaml", [
            f"model.path={folder}", f"output_dir={Path(tmp) / 'run'}", f"train.max_steps={args.steps}",
            "train.eval_strategy=no", "train.save_strategy=no", "train.logging_steps=1", "train.resume=false",
            *(["model.compute_dtype=float32"] if not torch.cuda.is_available() else []), *args.overrides])
        rows = args.steps * cfg.train.per_device_train_batch_size * cfg.train.gradient_accumulation_steps

        from datasets import Dataset

        generator = torch.Generator().manual_seed(0)
        ids = torch.randint(3, 32000, (rows, args.seq_len), generator=generator).tolist()
        dataset = Dataset.from_dict({"input_ids": ids, "attention_mask": [[1] * args.seq_len] * rows,
                                     "labels": ids})
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        t = time.perf_counter()
        tokenizer = load_tokenizer(cfg.model)
        model = add_lora(load_base_model(cfg.model), cfg.model, seed=cfg.train.seed)
        load_s = time.perf_counter() - t
        loaded_gib = torch.cuda.memory_allocated() / 2**30 if torch.cuda.is_available() else float("nan")
        trainable, total = model.get_nb_trainable_parameters()
        timer = StepTimer()
        train(cfg, model, tokenizer, dataset, None, callbacks=[timer])

    step_s, warmup = timed_steps([end - start for start, end in zip(timer.starts, timer.ends)], args.warmup)
    mean = sum(step_s) / len(step_s)
    tokens = cfg.train.per_device_train_batch_size * cfg.train.gradient_accumulation_steps * args.seq_len
    print()
    print(f"device: {torch.cuda.get_device_name() if torch.cuda.is_available() else 'CPU (smoke test)'}")
    print(f"model: {total:,} parameters, {trainable:,} trainable (LoRA r={cfg.model.lora_r} on "
          f"{', '.join(cfg.model.target_modules)}); loaded in {load_s:.1f} s")
    print(f"batch: {cfg.train.per_device_train_batch_size} x GA {cfg.train.gradient_accumulation_steps} x "
          f"{args.seq_len} tokens = {tokens} tokens per optimizer step")
    if torch.cuda.is_available():
        peak_gib = torch.cuda.max_memory_allocated() / 2**30
        print(f"GPU memory after loading: {loaded_gib:.2f} GiB; peak: {peak_gib:.2f} GiB"
              f" allocated, {torch.cuda.max_memory_reserved() / 2**30:.2f} GiB reserved")
    dtype = autocast_dtype(cfg)
    print(f"autocast: {str(dtype).replace('torch.', '') if dtype is not None else 'off (no CUDA)'}")
    note = "" if warmup == args.warmup else f"; --warmup {args.warmup} lowered to {warmup} to time at least one step"
    print(f"seconds per optimizer step: {mean:.3f} (mean of {len(step_s)} steps after {warmup} warm-up{note})")
    print(f"tokens per second: {tokens / mean:,.0f}")


if __name__ == "__main__":
    main()
