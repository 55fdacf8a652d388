"""Benchmark 5: peak memory while streaming 1 000 000 (reference, candidate) pairs through ``textmetrics.rouge`` in
chunks of 10 000 (rouge1/2/L/Lsum; the DialogSum summary pairs, cycled). Each run is a fresh process that reports its
peak resident set size (``ru_maxrss``) after warm-up, after 100 000 pairs and after all of them: flat memory means
the last two are the same. The anchor is rouge-score 0.1.2 streaming 10 000 of the same pairs (it scores one pair
at a time, so its memory is flat by construction; 10 000 pairs take it ~10 s). Time per pair is reported too.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

CHILD = r"""
import json, math, resource, sys, time
impl, n_pairs, chunk, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = [json.loads(line) for line in open(path, encoding="utf-8")]
pairs = []
for row in rows:
    s = [row["summary1"], row["summary2"], row["summary3"]]
    pairs += [(s[i], s[j]) for i in range(3) for j in range(3) if i != j]
refs, cands = [p[0] for p in pairs] * 2, [p[1] for p in pairs] * 2
types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]

def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

if impl == "textmetrics":
    import textmetrics.batch as batch
    batch.warmup()

    def score(r, c):
        result = batch.rouge(r, c, types)
        return [math.fsum(result[t].fmeasure.tolist()) for t in types]
else:
    from rouge_score import rouge_scorer
    scorer = rouge_scorer.RougeScorer(types)

    def score(r, c):
        scores = [scorer.score(a, b) for a, b in zip(r, c)]
        return [math.fsum(s[t].fmeasure for s in scores) for t in types]
report = {"after_warmup_mib": peak_mib()}
totals = [0.0] * len(types)
start = time.perf_counter()
done = 0
while done < n_pairs:
    k = done % len(pairs)
    n = min(chunk, n_pairs - done)
    while n > 0:  # a chunk of the cycled pairs
        m = min(n, len(pairs))
        sums = score(refs[k:k + m], cands[k:k + m])
        totals = [a + b for a, b in zip(totals, sums)]
        done += m
        n -= m
        k = (k + m) % len(pairs)
    if done == min(10_000, n_pairs):
        report["f_sums_10k"] = totals
    if done == min(100_000, n_pairs):
        report["after_100k_mib"] = peak_mib()
report["seconds"] = time.perf_counter() - start
report["after_all_mib"] = peak_mib()
report["pairs"] = done
report["mean_f"] = [t / done for t in totals]
print(json.dumps(report))
"""


def _stream(impl: str, n_pairs: int, chunk: int, path: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, impl, str(n_pairs), str(chunk), path],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("impl, n_pairs", [("rouge-score", 10_000), ("textmetrics", 1_000_000)])
def test_streaming_memory(benchmark, record, anchor_results, dialogsum_path, impl, n_pairs):
    benchmark.group = "streaming 10 000-pair chunks: time per pair"
    reports = []
    benchmark.pedantic(lambda: reports.append(_stream(impl, n_pairs, 10_000, str(dialogsum_path))),
                       rounds=1, iterations=1)
    r = reports[0]
    benchmark.extra_info.update(r)
    # pytest-benchmark timed the whole child (start-up and warm-up included); the ratio uses the time per pair.
    record(benchmark, benchmark.group, impl, anchor=impl != "textmetrics", seconds=r["seconds"] / r["pairs"],
           peak_after_warmup_mib=round(r["after_warmup_mib"]),
           peak_after_100k_mib=round(r.get("after_100k_mib", float("nan"))),
           peak_after_all_mib=round(r["after_all_mib"]), pairs=r["pairs"])
    assert r["pairs"] == n_pairs
    if impl == "rouge-score":
        anchor_results["stream"] = r["f_sums_10k"]
    elif "stream" in anchor_results:
        assert r["f_sums_10k"] == anchor_results["stream"]  # same per-pair F, summed the same way
