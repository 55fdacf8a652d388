"""Benchmark 4: start-up of a fresh process, ``import textmetrics`` + a first ``rouge_l`` call, with the Numba cache
warm (a private ``NUMBA_CACHE_DIR`` filled by one earlier run) and cold (an empty one each round: everything the call
needs is compiled); the anchor is rouge-score 0.1.2 (import + a first ``RougeScorer(["rougeL"]).score``).

The time is the wall time of the whole child process, interpreter start included; the child also reports its own
split (import / first call), which lands in the benchmark's extra_info.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import pytest

REF, CAND = "The cat is on the mat.", "The cat and the dog."

CHILD = {
    "textmetrics": (
        "import time; t0 = time.perf_counter()\n"
        "import textmetrics\n"
        "t1 = time.perf_counter()\n"
        f"s = textmetrics.rouge_l({REF!r}, {CAND!r})\n"
        "t2 = time.perf_counter()\n"
        "import json, sys; print(json.dumps({'import_s': t1 - t0, 'first_call_s': t2 - t1, 'f': s.fmeasure,"
        " 'numba_loaded': 'numba' in sys.modules}))\n"
    ),
    "rouge-score": (
        "import time; t0 = time.perf_counter()\n"
        "from rouge_score import rouge_scorer\n"
        "t1 = time.perf_counter()\n"
        f"s = rouge_scorer.RougeScorer(['rougeL']).score({REF!r}, {CAND!r})['rougeL']\n"
        "t2 = time.perf_counter()\n"
        "import json; print(json.dumps({'import_s': t1 - t0, 'first_call_s': t2 - t1, 'f': s.fmeasure}))\n"
    ),
}


def _run_child(impl: str, cache_dir: str) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    out = subprocess.run([sys.executable, "-c", CHILD[impl]], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("impl, cache, rounds", [
    ("rouge-score", "-", 5),
    ("textmetrics", "warm", 5),
    ("textmetrics", "cold", 2),
], ids=["rouge-score", "textmetrics-warm-cache", "textmetrics-cold-cache"])
def test_startup(benchmark, record, tmp_path, impl, cache, rounds):
    benchmark.group = "start-up: import + first rougeL call"
    warm_dir = str(tmp_path / "numba-cache")
    if cache == "warm":
        _run_child(impl, warm_dir)  # fills the cache
    reports = []

    def run():
        cache_dir = tempfile.mkdtemp(dir=tmp_path) if cache == "cold" else warm_dir
        reports.append(_run_child(impl, cache_dir))

    benchmark.pedantic(run, rounds=rounds, iterations=1)
    name = impl if cache == "-" else f"{impl} ({cache} cache)"
    last = reports[-1]
    record(benchmark, benchmark.group, name, anchor=impl != "textmetrics",
           import_s=round(last["import_s"], 3), first_call_s=round(last["first_call_s"], 3))
    assert all(r["f"] == 2 * 0.6 * 0.5 / (0.6 + 0.5) for r in reports)  # the seed example's ROUGE-L F, both
