"""Test data: the in-repo samples every run uses, and the read-only volume in ../shared when it is present.

A module of its own (not conftest) so that test files can import it without clashing with other conftest.py files.

- ``MT_SAMPLE``: tests/data/mt-sample, a synthetic multi-reference translation corpus (en-de, de-en; 200
  segments, 3 references, 6 systems each; see its README). Always present.
- ``WMT21``: ../shared/data/wmt21 (WMT21 news en-de/de-en, up to 4 references, 20+ systems). The volume tests.
- ``dialogsum(name)``: DialogSum test rows with summary1..3: "sample" is data/dialogsum-sample/test.jsonl (32
  dialogues, always present), "volume" is ../shared/data/dialogsum/dialogsum.test.jsonl (500 dialogues).

``TEXTMETRICS_SHARED=/some/folder`` points the volume elsewhere; a folder that does not exist
(``TEXTMETRICS_SHARED=/nonexistent``) makes the run look like a fresh clone without ../shared.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TEXTMETRICS_SHARED") or REPO / ".." / "shared").resolve()
DIALOGSUM_SAMPLE = REPO / "data" / "dialogsum-sample"
SUMMARIES = REPO / "src" / "textmetrics" / "data" / "dialogsum-summaries" / "summaries.jsonl"
ABSENT = "the shared data folder is not present in this checkout (a volume test)"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test (with the reason) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: {ABSENT}")
    return path


def read_lines(path: Path) -> list[str]:
    """One segment per line ("\\n" only: a line may hold other Unicode line separators)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


@dataclass(frozen=True)
class MTCorpus:
    """A WMT-style test set: sources/, references/ and system-outputs/ named ``{prefix}.{pair}.…``."""

    name: str
    root: Path
    prefix: str

    @property
    def available(self) -> bool:
        return (self.root / "references").is_dir()

    def reference_files(self, pair: str) -> list[Path]:
        return sorted((self.root / "references").glob(f"{self.prefix}.{pair}.ref.*.{pair[-2:]}"))

    def system_files(self, pair: str) -> list[Path]:
        return sorted((self.root / "system-outputs").glob(f"{self.prefix}.{pair}.hyp.*.{pair[-2:]}"))

    def source_files(self) -> list[Path]:
        return sorted((self.root / "sources").glob(f"{self.prefix}.*"))

    def files(self) -> list[Path]:
        """Every text file of the corpus: sources, references, system outputs."""
        return sorted(p for sub in ("sources", "references", "system-outputs")
                      for p in (self.root / sub).glob(f"{self.prefix}.*"))

    def streams(self, pair: str) -> list[list[str]]:
        """sacrebleu's layout: one list per reference (A, B, ...), one line per segment."""
        return _streams(self, pair)

    def per_segment(self, pair: str) -> list[list[str]]:
        """textmetrics' layout: one list of references per segment."""
        return [list(seg) for seg in zip(*self.streams(pair), strict=True)]

    def systems(self, pair: str) -> dict[str, list[str]]:
        """System name -> its output lines, sorted by name."""
        return _systems(self, pair)


@cache
def _streams(corpus: MTCorpus, pair: str) -> list[list[str]]:
    refs = [read_lines(p) for p in corpus.reference_files(pair)]
    assert refs and all(len(r) == len(refs[0]) for r in refs), corpus
    return refs


@cache
def _systems(corpus: MTCorpus, pair: str) -> dict[str, list[str]]:
    systems = {p.name.split(".hyp.", 1)[1].rsplit(".", 1)[0]: read_lines(p) for p in corpus.system_files(pair)}
    n = len(_streams(corpus, pair)[0])
    assert systems and all(len(h) == n for h in systems.values()), corpus
    return systems


MT_SAMPLE = MTCorpus("sample", REPO / "tests" / "data" / "mt-sample", "sample")
WMT21 = MTCorpus("wmt21", SHARED / "data" / "wmt21", "newstest2021")
MT_PAIRS = ("en-de", "de-en")


def wmt21_mark():
    return pytest.mark.skipif(not WMT21.available, reason=f"{WMT21.root} not found: {ABSENT}")


def mt_corpora() -> list:
    """Parameters: the in-repo sample always, the WMT21 volume (id ``wmt21-volume``) when it is present."""
    return [pytest.param(MT_SAMPLE, id="sample"), pytest.param(WMT21, id="wmt21-volume", marks=wmt21_mark())]


def mt_corpora_present() -> list[MTCorpus]:
    """The corpora whose files are here (for parameter lists built from their systems)."""
    return [c for c in (MT_SAMPLE, WMT21) if c.available]


def mt_volume_placeholder(n_args: int):
    """One skipped parameter set that names the absent WMT21 volume in the skip report."""
    if WMT21.available:
        return []
    return [pytest.param(*([None] * n_args), id="wmt21-volume", marks=wmt21_mark())]


DIALOGSUM_FILES = {"sample": DIALOGSUM_SAMPLE / "test.jsonl",
                   "volume": SHARED / "data" / "dialogsum" / "dialogsum.test.jsonl"}


@cache
def _read_jsonl(path: Path) -> tuple[dict, ...]:
    with open(path, encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f)


def dialogsum(name: str) -> list[dict]:
    """DialogSum test rows (fname, dialogue, summary1..3): ``"sample"`` (32) or ``"volume"`` (500, or skip)."""
    path = DIALOGSUM_FILES[name]
    if not path.is_file():
        pytest.skip(f"{path} not found: {ABSENT}")
    return [dict(row) for row in _read_jsonl(path)]
