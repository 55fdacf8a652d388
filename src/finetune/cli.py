"""``finetune run|train|predict|evaluate --config FILE [key=value ...]``: the pipeline's steps and their order."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub: models and data are local
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Idle OpenMP threads sleep instead of spinning. On the 2-core development machine, shared with other jobs,
# spinning made training steps ~5x and decoding steps up to ~15x slower (measured); idle machine: not measured.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import yaml  # noqa: E402

from .config import Config, ConfigError, FinetuneError, load_config, to_dict  # noqa: E402
from .model import is_main_process, log  # noqa: E402

PREDICTIONS = {"base": "predictions-base.jsonl", "finetuned": "predictions-finetuned.jsonl"}
HASH_CACHE = ".hash-cache.json"


def prediction_files(cfg: Config) -> dict[str, Path]:
    return {tag: Path(cfg.output_dir) / name for tag, name in PREDICTIONS.items()}


class Pipeline:
    """The steps of one run, sharing the loaded tokenizer, data and model.

    Each output is reused only when the fingerprint recorded with it matches the current settings
    (:mod:`finetune.fingerprint`); otherwise it is made again and the log names what changed. Holds the output
    folder's lock (:mod:`finetune.lock`) for the life of the process.
    """

    def __init__(self, cfg: Config, allow_cpu: bool = False, need_model: bool = True):
        from .data import load_splits
        from .lock import hold
        from .model import check_device, load_tokenizer, resolve_model_path
        from .prompt import PromptBuilder

        self.cfg = cfg
        self.model_path = resolve_model_path(cfg.model)  # fails early, before anything is written
        if need_model:
            check_device(self.model_path, allow_cpu)
        self.out = Path(cfg.output_dir)
        if is_main_process():
            hold(self.out)  # one run per output folder (under torchrun: rank 0 holds it for the job)
        if is_main_process() and (self.out / "checkpoints").is_dir():
            log(f"{self.out} holds an earlier run: outputs made with the same settings are reused "
                "(delete the folder to start over)")
        self.out.mkdir(parents=True, exist_ok=True)
        if is_main_process():
            (self.out / "config.yaml").write_text(yaml.safe_dump(to_dict(cfg), sort_keys=False))
        self.tokenizer = load_tokenizer(cfg.model, self.model_path)
        self.splits = load_splits(cfg.data)
        self.builder = PromptBuilder(self.tokenizer, cfg.prompt, "input", "target")
        self.model = None
        self._common = None

    # --- fingerprints ---------------------------------------------------------------------------------------
    def common_components(self) -> dict:
        """Model (path, revision, file hashes), tokenizer and quantization: shared by every output."""
        if self._common is None:
            from .fingerprint import HashCache, model_identity, tokenizer_identity

            cache = HashCache(self.out / HASH_CACHE)  # read by every process, written by the main one
            m = self.cfg.model
            quant = {"quantization": m.quantization}
            if m.quantization == "4bit":
                quant.update(type="nf4", double_quant=True, compute_dtype=m.compute_dtype, unquantized="float32")
            else:
                quant.update(dtype=m.dtype)
            self._common = {"model": model_identity(self.model_path, cache),
                            "tokenizer": tokenizer_identity(self.tokenizer), "quantization": quant}
            if m.tokenizer_path:
                self._common["model"]["tokenizer_path"] = str(Path(m.tokenizer_path).resolve())
            if is_main_process():
                cache.save()
        return self._common

    def training_fingerprint(self) -> dict:
        import dataclasses

        from .fingerprint import hash_frame, make
        from .train import NOT_IN_TRAINING_FINGERPRINT, autocast_dtype

        d, m = self.cfg.data, self.cfg.model
        training = {k: v for k, v in dataclasses.asdict(self.cfg.train).items()
                    if k not in NOT_IN_TRAINING_FINGERPRINT}
        training["processes"] = int(os.environ.get("WORLD_SIZE", "1"))
        dtype = autocast_dtype(self.cfg)
        training["autocast"] = str(dtype).replace("torch.", "") if dtype is not None else None
        return make("training", {
            **self.common_components(),
            "data": {"train_rows": hash_frame(self.splits.train), "train_size": d.train_size, "seed": d.seed},
            "prompt": dataclasses.asdict(self.cfg.prompt),
            "lora": {"r": m.lora_r, "alpha": m.lora_alpha, "dropout": m.lora_dropout,
                     "target_modules": list(m.target_modules)},
            "training": training,
        })

    def predictions_fingerprint(self, tag: str) -> dict | None:
        """The fingerprint predictions made now would get; None for "finetuned" without a complete adapter."""
        from .fingerprint import hash_frame, make
        from .predict import generation_settings
        from .train import ADAPTER_DIR, adapter_sha256

        components = {
            **self.common_components(),
            "data": {"test_rows": hash_frame(self.splits.test)},
            "prompt": {"template": self.cfg.prompt.template},
            "generation": generation_settings(self.cfg.predict),
        }
        if tag == "finetuned":
            digest = adapter_sha256(self.out / ADAPTER_DIR)
            if digest is None:
                return None
            components["adapter"] = digest
        return make(f"predictions-{tag}", components)

    def expected_ids(self) -> list[str]:
        ids = [str(i) for i in self.splits.test["id"]]
        return ids if self.cfg.predict.limit is None else ids[: self.cfg.predict.limit]

    # --- steps ----------------------------------------------------------------------------------------------
    def base_model(self):
        from .model import load_base_model

        if self.model is None:
            t = time.time()
            self.model = load_base_model(self.cfg.model, self.model_path)
            if is_main_process():
                log(f"loaded {self.model_path} ({self.cfg.model.quantization}) in {time.time() - t:.1f} s")
        return self.model

    def predict(self, tag: str):
        """Predict the test rows with the base model (tag "base") or with the adapter ("finetuned").

        A complete file with the same fingerprint is reused without loading the model.
        """
        import contextlib

        from .fingerprint import matches, read_json, sidecar
        from .model import load_adapter
        from .predict import predict, read_done
        from .train import ADAPTER_DIR

        fingerprint = self.predictions_fingerprint(tag)
        if fingerprint is None:
            raise FileNotFoundError(f"no complete LoRA adapter in {self.out / ADAPTER_DIR} (run `finetune train` "
                                    "first)")
        path = prediction_files(self.cfg)[tag]
        expected = self.expected_ids()
        if matches(read_json(sidecar(path)), fingerprint):
            done = read_done(path)
            if [str(r["id"]) for r in done[: len(expected)]] == expected:
                log(f"{path.name}: complete and made with the same settings, reused")
                return done[: len(expected)]
        model = self.base_model()
        if tag == "finetuned" and not hasattr(model, "peft_config"):
            model = self.model = load_adapter(model, self.out / ADAPTER_DIR)
        base_of_peft = tag == "base" and hasattr(model, "peft_config")
        with model.disable_adapter() if base_of_peft else contextlib.nullcontext():
            try:
                return predict(model, self.tokenizer, self.builder, self.splits.test, path, self.cfg.predict,
                               desc=f"predict ({tag})", fingerprint=fingerprint)
            except ValueError as exc:  # a file from other test rows
                raise FinetuneError(str(exc)) from None

    def train(self):
        """Train the adapter, or reuse it when it was trained with the same settings to the planned step.

        Returns the Trainer, or None when the saved adapter was reused without loading the model.
        """
        from .data import tokenize_rows, write_report
        from .model import add_lora
        from .train import ADAPTER_DIR, LOG_FILE, adapter_is_current, loss_table, planned_steps, train

        t = self.cfg.train
        train_ds, train_report = tokenize_rows(self.splits.train, self.builder, "train")
        reports = {"train": train_report}
        validation = t.eval_strategy != "no" or t.eval_on_start
        eval_ds = None
        if validation:
            eval_ds, reports["validation"] = tokenize_rows(self.splits.eval, self.builder, "validation")
        if is_main_process():
            write_report(self.out / "truncation.json", reports)
        fingerprint = self.training_fingerprint()
        planned = planned_steps(self.cfg, len(train_ds))
        trainer = None
        if t.resume and adapter_is_current(self.out / ADAPTER_DIR, fingerprint["components"], planned):
            log(f"{self.out / ADAPTER_DIR}: trained to the planned {planned} steps with the same settings, "
                "reused (training skipped)")
            history = []
            log_path = self.out / LOG_FILE
            if log_path.is_file():
                history = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
        else:
            model = add_lora(self.base_model(), self.cfg.model, seed=t.seed)
            if is_main_process():
                trainable, total = model.get_nb_trainable_parameters()
                log(f"LoRA: {trainable:,} trainable of {total:,} parameters")
            trainer = train(self.cfg, model, self.tokenizer, train_ds, eval_ds, fingerprint=fingerprint)
            self.model = trainer.model
            history = trainer.state.log_history
        if is_main_process():
            rows = loss_table(history)
            print("\n| step | training loss | validation loss |\n| --- | --- | --- |")
            for step, loss, eval_loss in rows:
                fmt = lambda v: "" if v is None else f"{v:.4f}"  # noqa: E731
                print(f"| {step} | {fmt(loss)} | {fmt(eval_loss)} |")
            print()
        return trainer


def report_fingerprint(pipeline: Pipeline, files: dict[str, Path], sidecars: dict[str, dict]) -> dict:
    from . import fingerprint as fp
    from .evaluate import CORPUS_METRICS, METRICS

    import textmetrics

    scorer = textmetrics.__version__
    return fp.make("report", {
        "predictions": {tag: {"fingerprint": sidecars[tag]["hash"], "sha256": fp.file_sha256(path)}
                        for tag, path in files.items()},
        "ids": fp.hash_obj(pipeline.expected_ids()),
        "scoring": {"metrics": list(METRICS) + list(CORPUS_METRICS), "textmetrics": scorer},
    })


def evaluate(cfg: Config, pipeline: Pipeline | None = None) -> dict:
    """Score the prediction files, after checking that each one is complete, has no duplicate, and was made with
    the current settings (and, for the fine-tuned file, the current adapter)."""
    from . import fingerprint as fp
    from .evaluate import PredictionsError, build_report, table, write_report

    pipeline = pipeline or Pipeline(cfg, need_model=False)
    files = {tag: path for tag, path in prediction_files(cfg).items() if path.is_file()}
    if not files:
        raise FileNotFoundError(f"no prediction files in {cfg.output_dir} to score (run `finetune predict` first)")
    sidecars = {}
    for tag, path in files.items():
        current = pipeline.predictions_fingerprint(tag)
        recorded = fp.read_json(fp.sidecar(path))
        redo = "finetune predict --base" if tag == "base" else "finetune predict"
        if current is None:
            raise PredictionsError(f"{path.name} cannot be checked: {pipeline.out / 'adapter'} holds no complete "
                                   "adapter (run `finetune train`, then `finetune predict`)")
        if not fp.matches(recorded, current):
            raise PredictionsError(f"{path.name} is stale, it was not made with the current settings "
                                   f"({'; '.join(fp.changes(recorded, current))}): run `{redo}` (or `finetune "
                                   "run`) to predict again")
        sidecars[tag] = recorded
    fingerprint = report_fingerprint(pipeline, files, sidecars)
    json_path, md_path = Path(cfg.output_dir) / "report.json", Path(cfg.output_dir) / "report.md"
    previous = fp.read_json(json_path)
    if previous and fp.matches(previous.get("fingerprint"), fingerprint) and md_path.is_file():
        report = previous
        log("report.json: same predictions and scoring, reused")
    else:
        ids = [str(i) for i in pipeline.splits.test["id"]]
        report = build_report(files, pipeline.expected_ids(), ids)
        report["fingerprint"] = fingerprint
        json_path, md_path = write_report(report, cfg.output_dir)
    print("\n" + table(report) + "\n")
    log(f"report: {md_path} and {json_path}")
    return report


def run(cfg: Config, allow_cpu: bool = False) -> dict:
    """Base-model predictions, LoRA training, fine-tuned predictions, then the before/after report."""
    t0 = time.time()
    pipeline = Pipeline(cfg, allow_cpu=allow_cpu)
    steps = [("base model predictions", lambda: pipeline.predict("base")),
             ("training", pipeline.train),
             ("fine-tuned predictions", lambda: pipeline.predict("finetuned"))]
    for n, (name, step) in enumerate(steps, 1):
        log(f"step {n}/4: {name} ({time.time() - t0:.0f} s so far)")
        step()
    log(f"step 4/4: scores ({time.time() - t0:.0f} s so far)")
    report = evaluate(cfg, pipeline)
    log(f"done in {time.time() - t0:.0f} s")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="finetune", description=__doc__)
    parser.add_argument("command", choices=["run", "train", "predict", "evaluate"],
                        help="run = predict with the base model, train, predict with the adapter, evaluate")
    parser.add_argument("--config", required=True, help="YAML settings file, e.g. configs/default.yaml")
    parser.add_argument("--base", action="store_true", help="predict: use the base model, not the adapter")
    parser.add_argument("--allow-cpu", action="store_true",
                        help="run a multi-billion-parameter model even without a CUDA GPU (refused otherwise)")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="override settings, e.g. train.max_steps=5")
    args = parser.parse_intermixed_args(argv)
    try:
        cfg = load_config(args.config, args.overrides)
    except ConfigError as exc:
        parser.error(str(exc))
    if args.command in ("run", "predict") and int(os.environ.get("WORLD_SIZE", "1")) > 1:
        parser.error(f"`finetune {args.command}` runs in one process; only `finetune train` runs under torchrun")
    try:
        if args.command == "run":
            run(cfg, allow_cpu=args.allow_cpu)
        elif args.command == "train":
            Pipeline(cfg, allow_cpu=args.allow_cpu).train()
        elif args.command == "predict":
            pipeline = Pipeline(cfg, allow_cpu=args.allow_cpu)
            adapter = Path(cfg.output_dir) / "adapter"
            pipeline.predict("base" if args.base or not adapter.is_dir() else "finetuned")
        else:
            evaluate(cfg)
    except (FileNotFoundError, FinetuneError) as exc:  # missing files; settings, data or outputs to fix
        print(f"finetune: error: {exc}", file=sys.stderr)
        return 1
    finally:
        from .lock import release_all

        release_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
