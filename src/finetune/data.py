"""Data: read CSV/JSONL/Parquet, the seed's split, tokenized datasets and a report of what truncation cuts."""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import DataConfig, FinetuneError
from .model import is_main_process, log
from .prompt import IGNORE_INDEX, PromptBuilder

TOKEN_COLUMNS = ["input_ids", "attention_mask", "labels"]


class DataError(FinetuneError, ValueError):
    """A data file or split the pipeline cannot use; the message says what to change."""


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV, JSON Lines (.jsonl, or .json holding one object per line) or Parquet file as a DataFrame."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"data file not found: {path}")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".json", ".parquet", ".pq"):
        raise DataError(f"{path}: unsupported file type {suffix!r} (use .csv, .jsonl or .parquet)")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes): it has no rows to train or test on")
    try:
        if suffix == ".csv":
            df = pd.read_csv(path)
        elif suffix in (".jsonl", ".json"):
            df = pd.read_json(path, lines=True)
        else:
            df = pd.read_parquet(path)
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        kind = {".csv": "CSV", ".parquet": "Parquet", ".pq": "Parquet"}.get(suffix, "JSON Lines (one object per line)")
        raise DataError(f"{path} cannot be read as {kind}: {str(exc).splitlines()[0] if str(exc) else exc!r}") from None
    if len(df) == 0:
        raise DataError(f"{path} has no rows (only a header or blank lines)")
    return df


def seed_split(df: pd.DataFrame, train_size: int, test_size: int, seed: int = 42):
    """The seed's split: ``shuffle(df, random_state=42)``, first ``train_size`` rows train, last ``test_size`` test.

    The two parts cannot overlap: sizes that add up to more than the table are an error.
    """
    from sklearn.utils import shuffle

    if train_size < 1 or test_size < 1:
        raise DataError("data.train_size and data.test_size must be at least 1")
    if train_size + test_size > len(df):
        raise DataError(
            f"data.train_size + data.test_size = {train_size + test_size} exceeds the {len(df)} rows of the "
            "file, so train and test would overlap"
        )
    total_ds = shuffle(df, random_state=seed)
    return total_ds.head(train_size), total_ds.tail(test_size)


@dataclass
class Splits:
    """``train`` and ``eval`` have columns input and target; ``test`` has id, input and references (a list)."""

    train: pd.DataFrame
    eval: pd.DataFrame
    test: pd.DataFrame


def _require(df: pd.DataFrame, columns: dict[str, str], path, text_columns: tuple[str, ...] = ()) -> None:
    """``columns`` maps each needed column to the setting that names it; text columns may not be empty."""
    have = [str(c) for c in df.columns]
    problems = []
    for column, setting in columns.items():
        if column not in df.columns:
            close = difflib.get_close_matches(column, have, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"column {column!r} ({setting}) not found{hint}")
    if problems:
        raise DataError(f"{path}: {'; '.join(problems)}. The file has the columns {have}; set the setting(s) "
                        "to one of them.")
    for column in text_columns:
        values = df[column]
        empty = values.isna() | values.astype(str).str.strip().eq("")
        if empty.all():
            raise DataError(f"{path}: column {column!r} ({columns[column]}) is empty in every row")
        if empty.any():
            rows = list(df.index[empty][:5])
            raise DataError(f"{path}: column {column!r} ({columns[column]}) is empty in {int(empty.sum())} of "
                            f"{len(df)} rows (first row numbers: {rows}); fill or remove those rows")


def _read(path: str, setting: str) -> pd.DataFrame:
    try:
        return read_table(path)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"data file not found: {path} ({setting}; relative paths start at the folder you run finetune in). "
            "DialogSum: see docs/finetune.md, section 'Data'"
        ) from None


def load_splits(cfg: DataConfig) -> Splits:
    """Train rows, validation rows (for the loss during training) and test rows (for prediction and scores).

    Without ``test_file`` this is the seed's split of ``train_file``, and validation uses the test rows as the
    seed does. With ``test_file``, train is the first ``train_size`` rows of the shuffled ``train_file``, test the
    first ``test_size`` rows of ``test_file`` with all of its reference columns.
    """
    target = cfg.target_columns[0]
    df = _read(cfg.train_file, "data.train_file")
    needed = {cfg.input_column: "data.input_column", **{c: "data.target_columns" for c in cfg.target_columns}}
    if cfg.id_column:
        needed[cfg.id_column] = "data.id_column"
    _require(df, needed, cfg.train_file, (cfg.input_column, target))
    if cfg.test_file is None:
        train_df, test_df = seed_split(df, cfg.train_size, cfg.test_size, cfg.seed)
        ref_columns = cfg.target_columns
    else:
        from sklearn.utils import shuffle

        train_df = shuffle(df, random_state=cfg.seed).head(cfg.train_size)
        test_df = _read(cfg.test_file, "data.test_file")
        ref_columns = cfg.test_target_columns or cfg.target_columns
        setting = "data.test_target_columns" if cfg.test_target_columns else "data.target_columns"
        needed = {cfg.input_column: "data.input_column", **{c: setting for c in ref_columns}}
        if cfg.id_column:
            needed[cfg.id_column] = "data.id_column"
        test_df = test_df.head(cfg.test_size)
        _require(test_df, needed, cfg.test_file, (cfg.input_column, ref_columns[0]))
    ids = test_df[cfg.id_column].astype(str) if cfg.id_column else test_df.index.astype(str)
    test = pd.DataFrame({
        "id": list(ids),
        "input": list(test_df[cfg.input_column].astype(str)),
        "references": [[str(row[c]) for c in ref_columns if pd.notna(row[c])] for _, row in test_df.iterrows()],
    })
    if test["id"].duplicated().any():
        dupes = sorted(set(test["id"][test["id"].duplicated()]))[:5]
        raise DataError(f"test row ids are not unique (e.g. {dupes}): data.id_column must name a column with one "
                        "distinct value per row, or be null to use row numbers")
    train = pd.DataFrame({"input": train_df[cfg.input_column].astype(str), "target": train_df[target].astype(str)})
    eval_df = pd.DataFrame({"input": test_df[cfg.input_column].astype(str),
                            "target": test_df[ref_columns[0]].astype(str)})
    if cfg.eval_size is not None:
        eval_df = eval_df.head(cfg.eval_size)
    return Splits(train=train, eval=eval_df, test=test)


def tokenize_rows(df: pd.DataFrame, builder: PromptBuilder, name: str):
    """``Dataset.from_pandas(df).map(generate_and_tokenize_prompt)`` and a truncation report.

    Returns ``(dataset, report)``; the dataset keeps only input_ids, attention_mask and labels. With
    ``prompt.drop_cut_targets`` rows that lost target tokens or their EOS are dropped; with prompt masking,
    rows left with no target token at all are always dropped (they would give no loss).
    """
    from datasets import Dataset

    if len(df) == 0:
        raise DataError(f"the {name} split has no rows (check data.train_size, data.test_size and data.eval_size)")
    dataset = Dataset.from_pandas(df.reset_index(drop=True))
    dataset = dataset.map(builder.generate_and_tokenize_prompt, desc=f"tokenize {name}")
    cfg = builder.cfg
    report = {
        "rows": len(dataset),
        "max_length": cfg.max_length,
        "longer_than_max_length": int(sum(dataset["input_cut"])),
        "target_or_eos_cut": int(sum(dataset["target_cut"])),
        "truncate_input": cfg.truncate_input,
    }
    keep = [
        not (cfg.drop_cut_targets and cut) and any(label != IGNORE_INDEX for label in labels)
        for cut, labels in zip(dataset["target_cut"], dataset["labels"])
    ]
    report["dropped"] = keep.count(False)
    if report["dropped"]:
        dataset = dataset.select([i for i, k in enumerate(keep) if k])
    report["kept"] = len(dataset)
    if report["kept"] == 0:
        raise DataError(
            f"all {report['rows']} {name} rows were dropped: none keeps a target token within "
            f"prompt.max_length={cfg.max_length}. Raise prompt.max_length, or set prompt.truncate_input=true"
            + (" or prompt.drop_cut_targets=false" if cfg.drop_cut_targets else ""))
    dataset = dataset.remove_columns([c for c in dataset.column_names if c not in TOKEN_COLUMNS])
    _log_report(name, report)
    return dataset, report


def _log_report(name: str, r: dict) -> None:
    if not is_main_process():
        return
    how = "input shortened" if r["truncate_input"] else "end cut off"
    log(f"{name}: {r['rows']} rows, {r['longer_than_max_length']} longer than max_length={r['max_length']} "
        f"({how}), {r['target_or_eos_cut']} lost target tokens or EOS, {r['dropped']} dropped, {r['kept']} used")
    if r["target_or_eos_cut"] and r["dropped"] < r["target_or_eos_cut"]:
        fix = "" if r["truncate_input"] else "prompt.truncate_input=true (cut the input instead), "
        log(f"WARNING: {name} keeps {r['target_or_eos_cut'] - r['dropped']} rows whose target or EOS was cut by "
            f"the {r['max_length']}-token limit; set {fix}prompt.drop_cut_targets=true or a larger "
            "prompt.max_length")


def write_report(path: str | Path, reports: dict) -> None:
    Path(path).write_text(json.dumps(reports, indent=2) + "\n")
