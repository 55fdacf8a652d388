"""Shared benchmark fixtures, and the ratio table printed at the end of ``make bench``.

Every benchmark group times textmetrics and its anchor (rouge-score 0.1.2, RapidFuzz 3.14.6, ...) on the same data
in the same run; ``record(benchmark, group, impl)`` remembers each median, and the terminal summary prints, per
group, the anchor's median over ours. Timed code never includes Numba compilation (``textmetrics.warmup()`` runs
first). The benchmarks assert only that the scores are identical; speed targets are judged in docs/benchmarks.md.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
RESULTS: dict[str, dict[str, dict]] = {}  # group -> impl -> {"median": s, "anchor": bool, ...}


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the shared data folder is not present in this checkout")
    return path


@pytest.fixture(scope="session")
def dialogsum_path() -> Path:
    return shared_path("data", "dialogsum", "dialogsum.test.jsonl")


@pytest.fixture(scope="session")
def dialogsum_test(dialogsum_path) -> list[dict]:
    with open(dialogsum_path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session", autouse=True)
def _warm_kernels():
    import textmetrics.batch

    textmetrics.batch.warmup()


@pytest.fixture(scope="session")
def anchor_results() -> dict:
    """Results of the anchors, kept so that the textmetrics benchmark of the same group can compare with them."""
    return {}


@pytest.fixture
def record():
    def _record(benchmark, group: str, impl: str, anchor: bool, seconds=None, **extra):
        """Remember a result; ``seconds`` replaces the benchmark's median in the ratio (e.g. time per pair)."""
        stats = getattr(benchmark, "stats", None)
        if stats is None:  # --benchmark-disable
            return
        median = stats.stats.median if seconds is None else seconds
        entry = {"median": median, "min": stats.stats.min, "rounds": stats.stats.rounds, "anchor": anchor}
        entry.update(extra)
        benchmark.extra_info.update(extra)
        RESULTS.setdefault(group, {})[impl] = entry

    return _record


def _ratio_table() -> list[str]:
    lines = ["| group | textmetrics (median) | anchor (median) | anchor / textmetrics |", "| --- | --- | --- | --- |"]
    for group, impls in RESULTS.items():
        ours = {k: v for k, v in impls.items() if not v["anchor"]}
        anchors = {k: v for k, v in impls.items() if v["anchor"]}
        if not ours or not anchors:
            continue
        best_anchor = min(anchors, key=lambda k: anchors[k]["median"])
        for name, entry in ours.items():
            ratio = anchors[best_anchor]["median"] / entry["median"]
            lines.append(f"| {group} | {name}: {_fmt(entry['median'])} | {best_anchor}: "
                         f"{_fmt(anchors[best_anchor]['median'])} | {ratio:.2f}x |")
    return lines


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} us"


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    terminalreporter.section("textmetrics vs anchors (medians; ratio > 1: textmetrics is faster)")
    for line in _ratio_table():
        terminalreporter.write_line(line)
    extras = [(g, i, {k: v for k, v in e.items() if k not in ("median", "min", "rounds", "anchor")})
              for g, impls in RESULTS.items() for i, e in impls.items()]
    for group, impl, extra in extras:
        if extra:
            terminalreporter.write_line(f"{group} / {impl}: {extra}")
    out = os.environ.get("TEXTMETRICS_BENCH_JSON")
    if out:
        Path(out).write_text(json.dumps(RESULTS, indent=2))
