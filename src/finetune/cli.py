"""``finetune run|train|predict|evaluate|export --config FILE [key=value ...]``: the pipeline's steps and their
order."""
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
MBR = "finetuned-mbr"  # the tag of the MBR predictions of the fine-tuned model (predict.mbr_samples > 0)
MBR_PREDICTIONS = "predictions-finetuned-mbr.jsonl"
HASH_CACHE = ".hash-cache.json"


def prediction_files(cfg: Config) -> dict[str, Path]:
    return {tag: Path(cfg.output_dir) / name for tag, name in PREDICTIONS.items()}


def prediction_path(cfg: Config, tag: str) -> Path:
    return Path(cfg.output_dir) / (MBR_PREDICTIONS if tag == MBR else PREDICTIONS[tag])


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

        from .fingerprint import hash_frame, hash_obj, make
        from .train import NOT_IN_TRAINING_FINGERPRINT, autocast_dtype

        d, m = self.cfg.data, self.cfg.model
        training = {k: v for k, v in dataclasses.asdict(self.cfg.train).items()
                    if k not in NOT_IN_TRAINING_FINGERPRINT}
        training["processes"] = int(os.environ.get("WORLD_SIZE", "1"))
        dtype = autocast_dtype(self.cfg)
        training["autocast"] = str(dtype).replace("torch.", "") if dtype is not None else None
        from .train import selection_settings

        selection = selection_settings(self.cfg)
        if selection is not None:  # only then: fingerprints of runs without best-model selection stay as they were
            selection["eval_rows"] = hash_frame(self.splits.eval)
            if "generation" in selection:
                from .loop_metrics import eval_rows

                selection["generation"]["rows_hash"] = hash_obj(eval_rows(self.splits,
                                                                          self.cfg.train.generation_eval_size))
            training["selection"] = selection
        return make("training", {
            **self.common_components(),
            "data": {"train_rows": hash_frame(self.splits.train), "train_size": d.train_size, "seed": d.seed},
            "prompt": self.training_prompt_components(),
            "lora": {"r": m.lora_r, "alpha": m.lora_alpha, "dropout": m.lora_dropout,
                     "target_modules": list(m.target_modules)},
            "training": training,
        })

    def training_prompt_components(self) -> dict:
        """Every prompt setting; the chat ones only when the chat template is on (older fingerprints still match)."""
        import dataclasses

        settings = dataclasses.asdict(self.cfg.prompt)
        if not self.cfg.prompt.chat_template:
            for key in ("chat_template", "chat_message", "chat_system"):
                settings.pop(key)
        return settings

    def prompt_components(self) -> dict:
        """The prompt settings that decide prediction prompts (the chat settings only when the chat template is on,
        so that fingerprints made before the option existed still match)."""
        p = self.cfg.prompt
        if p.chat_template:
            return {"chat_template": True, "chat_message": p.chat_message, "chat_system": p.chat_system}
        return {"template": p.template}

    def predictions_fingerprint(self, tag: str) -> dict | None:
        """The fingerprint predictions made now would get; None for "finetuned" (and the MBR file) without a
        complete adapter."""
        from .fingerprint import hash_frame, make
        from .predict import generation_settings, mbr_settings
        from .train import ADAPTER_DIR, adapter_sha256

        settings = mbr_settings(self.cfg.predict) if tag == MBR else generation_settings(self.cfg.predict)
        components = {
            **self.common_components(),
            "data": {"test_rows": hash_frame(self.splits.test)},
            "prompt": self.prompt_components(),
            "generation": settings,
        }
        if tag in ("finetuned", MBR):
            digest = adapter_sha256(self.out / ADAPTER_DIR)
            if digest is None:
                return None
            components["adapter"] = digest
        return make(f"predictions-{tag}", components)

    def expected_ids(self, tag: str = "base") -> list[str]:
        from .predict import mbr_limit

        ids = [str(i) for i in self.splits.test["id"]]
        limit = mbr_limit(self.cfg.predict) if tag == MBR else self.cfg.predict.limit
        return ids if limit is None else ids[:limit]

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
        """Predict the test rows with the base model (tag "base"), with the adapter ("finetuned"), or with the
        adapter and MBR decoding ("finetuned-mbr", the first predict.mbr_limit rows).

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
        path = prediction_path(self.cfg, tag)
        expected = self.expected_ids(tag)
        if matches(read_json(sidecar(path)), fingerprint):
            done = read_done(path)
            if [str(r["id"]) for r in done[: len(expected)]] == expected:
                log(f"{path.name}: complete and made with the same settings, reused")
                return done[: len(expected)]
        model = self.base_model()
        if tag in ("finetuned", MBR) and not hasattr(model, "peft_config"):
            model = self.model = load_adapter(model, self.out / ADAPTER_DIR)
        base_of_peft = tag == "base" and hasattr(model, "peft_config")
        with model.disable_adapter() if base_of_peft else contextlib.nullcontext():
            try:
                return predict(model, self.tokenizer, self.builder, self.splits.test, path, self.cfg.predict,
                               desc=f"predict ({tag})", fingerprint=fingerprint, mbr=tag == MBR)
            except ValueError as exc:  # a file from other test rows
                raise FinetuneError(str(exc)) from None

    def train(self, loop_table: bool = True):
        """Train the adapter, or reuse it when it was trained with the same settings to the planned step.

        Prints the loss table, and with ``loop_table`` the in-loop generation metrics (train.generation_eval_size;
        `finetune run` prints them at its end instead). Returns the Trainer, or None when the saved adapter was
        reused without loading the model.
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
            generation_rows = None
            if t.generation_eval_size and validation:
                from .loop_metrics import eval_rows

                generation_rows = eval_rows(self.splits, t.generation_eval_size)
            trainer = train(self.cfg, model, self.tokenizer, train_ds, eval_ds, fingerprint=fingerprint,
                            generation_rows=generation_rows, builder=self.builder)
            self.model = trainer.model
            history = trainer.state.log_history
        self.history = history
        if is_main_process():
            rows = loss_table(history)
            print("\n| step | training loss | validation loss |\n| --- | --- | --- |")
            for step, loss, eval_loss in rows:
                fmt = lambda v: "" if v is None else f"{v:.4f}"  # noqa: E731
                print(f"| {step} | {fmt(loss)} | {fmt(eval_loss)} |")
            print()
            if loop_table:
                self.print_loop_table()
        return trainer

    def print_loop_table(self) -> None:
        """The in-loop generation metrics of the last training (or of the reused run's log), if there are any."""
        from .loop_metrics import loop_table

        text = loop_table(getattr(self, "history", None) or [])
        if text and is_main_process():
            print("In-loop metrics (train.generation_eval_size validation rows, generated at each evaluation):\n")
            print(text + "\n")


def report_fingerprint(pipeline: Pipeline, files: dict[str, Path], sidecars: dict[str, dict]) -> dict:
    from . import fingerprint as fp
    from .evaluate import CORPUS_METRICS, METRICS

    import textmetrics

    scorer = textmetrics.__version__
    components = {
        "predictions": {tag: {"fingerprint": sidecars[tag]["hash"], "sha256": fp.file_sha256(path)}
                        for tag, path in files.items()},
        "ids": fp.hash_obj(pipeline.expected_ids()),
        "scoring": {"metrics": list(METRICS) + list(CORPUS_METRICS), "textmetrics": scorer},
    }
    if MBR in files:  # only then, so that reports made before MBR existed are still reused
        components["mbr_ids"] = fp.hash_obj(pipeline.expected_ids(MBR))
    return fp.make("report", components)


def evaluate(cfg: Config, pipeline: Pipeline | None = None) -> dict:
    """Score the prediction files, after checking that each one is complete, has no duplicate, and was made with
    the current settings (and, for the fine-tuned file, the current adapter)."""
    from . import fingerprint as fp
    from .evaluate import PredictionsError, add_mbr, build_report, cost_lines, table, write_report

    pipeline = pipeline or Pipeline(cfg, need_model=False)
    files = {tag: path for tag, path in prediction_files(cfg).items() if path.is_file()}
    mbr_path = prediction_path(cfg, MBR)
    if cfg.predict.mbr_samples and mbr_path.is_file():  # MBR off: an old MBR file is left out of the report
        files[MBR] = mbr_path
    if not files:
        raise FileNotFoundError(f"no prediction files in {cfg.output_dir} to score (run `finetune predict` first)")
    sidecars = {}
    for tag, path in files.items():
        current = pipeline.predictions_fingerprint(tag)
        recorded = fp.read_json(fp.sidecar(path))
        redo = "finetune predict --base" if tag == "base" else "finetune predict"  # (MBR: after the greedy)
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
        cost = {tag: sidecars[tag].get("cost") for tag in files}
        if report.get("cost") != cost:  # the same predictions made again (e.g. deleted): their new timings
            report["cost"] = cost
            json_path, md_path = write_report(report, cfg.output_dir)
    else:
        ids = [str(i) for i in pipeline.splits.test["id"]]
        report = build_report({t: f for t, f in files.items() if t != MBR}, pipeline.expected_ids(), ids) \
            if set(files) - {MBR} else {"scores": {}, "files": {}}
        if MBR in files:
            p = cfg.predict
            add_mbr(report, files[MBR], files.get("finetuned"), pipeline.expected_ids(MBR), ids,
                    {"samples": p.mbr_samples, "metric": p.mbr_metric, "temperature": p.mbr_temperature,
                     "top_p": p.mbr_top_p, "top_k": p.top_k})
        report["cost"] = {tag: sidecars[tag].get("cost") for tag in files}
        report["fingerprint"] = fingerprint
        json_path, md_path = write_report(report, cfg.output_dir)
    print("\n" + table(report) + "\n")
    for line in cost_lines(report):
        print(line)
    log(f"report: {md_path} and {json_path}")
    return report


def write_card(cfg: Config, pipeline: Pipeline, report: dict | None) -> None:
    """The adapter's model card (``output_dir/adapter/README.md``, in place of peft's template) from the run's
    settings and report; written only when its text changed."""
    from .export import write_adapter_card

    if is_main_process() and (Path(cfg.output_dir) / "adapter" / "adapter_config.json").is_file():
        path = write_adapter_card(cfg, pipeline, report)
        log(f"model card: {path}")


def export(cfg: Config, merge: bool, dtype: str | None, out: str | None) -> Path | None:
    """``finetune export``: the model card with the current report's scores, and with ``merge`` the adapter merged
    into an unquantized base (``merge_and_unload``), saved with the tokenizer and the card. Returns the merged
    folder (None without ``merge``)."""
    from .evaluate import PredictionsError
    from .export import merged_dir, write_adapter_card
    from .model import merge_adapter
    from .train import ADAPTER_DIR, adapter_sha256

    pipeline = Pipeline(cfg, need_model=False)
    adapter = pipeline.out / ADAPTER_DIR
    if adapter_sha256(adapter) is None:
        raise FileNotFoundError(f"no complete LoRA adapter in {adapter} (run `finetune train` or `finetune run` "
                                "first)")
    try:
        report = evaluate(cfg, pipeline)
    except (PredictionsError, FileNotFoundError) as exc:
        log(f"the model card gets no scores: {exc}")
        report = None
    log(f"model card: {write_adapter_card(cfg, pipeline, report)}")
    if not merge:
        return None
    dtype = dtype or cfg.model.dtype
    target = Path(out) if out else merged_dir(cfg)
    t = time.time()
    merge_adapter(cfg.model, adapter, target, dtype=dtype)
    write_adapter_card(cfg, pipeline, report, merged=target, dtype=dtype)
    log(f"merged model ({dtype}) saved to {target} in {time.time() - t:.1f} s")
    return target


def run(cfg: Config, allow_cpu: bool = False) -> dict:
    """Base-model predictions, LoRA training, fine-tuned predictions, then the before/after report."""
    t0 = time.time()
    pipeline = Pipeline(cfg, allow_cpu=allow_cpu)
    steps = [("base model predictions", lambda: pipeline.predict("base")),
             ("training", lambda: pipeline.train(loop_table=False)),
             ("fine-tuned predictions", lambda: pipeline.predict("finetuned"))]
    if cfg.predict.mbr_samples:
        steps.append((f"fine-tuned MBR predictions ({cfg.predict.mbr_samples} samples per row)",
                      lambda: pipeline.predict(MBR)))
    total = len(steps) + 1
    for n, (name, step) in enumerate(steps, 1):
        log(f"step {n}/{total}: {name} ({time.time() - t0:.0f} s so far)")
        step()
    log(f"step {total}/{total}: scores ({time.time() - t0:.0f} s so far)")
    report = evaluate(cfg, pipeline)
    write_card(cfg, pipeline, report)
    pipeline.print_loop_table()  # the in-loop metrics of training, after the before/after table
    log(f"done in {time.time() - t0:.0f} s")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="finetune", description=__doc__)
    parser.add_argument("command", choices=["run", "train", "predict", "evaluate", "export"],
                        help="run = predict with the base model, train, predict with the adapter, evaluate; "
                             "export = the model card, and with --merge the merged model")
    parser.add_argument("--config", required=True, help="YAML settings file, e.g. configs/default.yaml")
    parser.add_argument("--base", action="store_true", help="predict: use the base model, not the adapter")
    parser.add_argument("--allow-cpu", action="store_true",
                        help="run a multi-billion-parameter model even without a CUDA GPU (refused otherwise)")
    parser.add_argument("--merge", action="store_true",
                        help="export: merge the adapter into the unquantized base model and save it")
    parser.add_argument("--dtype", choices=["float16", "bfloat16", "float32"], default=None,
                        help="export --merge: weight dtype of the merged model (default: model.dtype)")
    parser.add_argument("--out", default=None, help="export --merge: folder for the merged model "
                                                   "(default: output_dir/merged)")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="override settings, e.g. train.max_steps=5")
    args = parser.parse_intermixed_args(argv)
    if args.command != "export" and (args.merge or args.dtype or args.out):
        parser.error("--merge, --dtype and --out belong to `finetune export`")
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
            tag = "base" if args.base or not adapter.is_dir() else "finetuned"
            pipeline.predict(tag)
            if tag == "finetuned" and cfg.predict.mbr_samples:
                pipeline.predict(MBR)
        elif args.command == "export":
            export(cfg, args.merge, args.dtype, args.out)
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
