"""textmetrics against the fastest peers, in one run, on the same data; every peer's numbers checked.

    python benchmarks/peers.py [--rounds 7] [--json results.json]      (or: make bench-peers)

Every process runs single-threaded (``RAYON_NUM_THREADS=1`` etc.): the in-process targets are per core.

Two tables:

* **Whole process, one shot**: a fresh Python reads 1,500 DialogSum summary pairs from JSONL, scores
  ROUGE-1/2/L/Lsum, prints the means and exits (median wall time of ``--rounds`` runs), beside
  ``python -c "import numpy"`` and ``python -c pass``.
* **In process, single thread**: each (workload, tool) runs in its own fresh process: the *first* call on the data
  (imports done, textmetrics' lazily imported modules included; nothing else warmed: no stem cache, no tokenizer
  cache, no compiled code beyond what the package ships) and the median of 5 *repeated* calls.

Every tool's output is compared with the workload's oracle (rouge-score 0.1.2, sacrebleu 2.6.0, NLTK 3.10.4), pair
by pair: "exact" means every number ``==``; otherwise the largest absolute difference and how many differ. Peers
that are not installed are reported as such (``pip install -e .[bench]``). The data is ../shared's DialogSum test
split (500 dialogues, 3 summaries each); without it the in-repo 40-row sample is used and the table says so.

Bytecode: the process runs with ``PYTHONDONTWRITEBYTECODE`` unset and compiles the sources first, as an installed
package is (pip writes .pyc at install time); otherwise every run of an editable checkout recompiles its sources.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
# one thread for every tool: rouge-score-rs and rouge-rust otherwise score in parallel (rayon) on every core
SINGLE_THREAD = {"RAYON_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
SHARED_TEST = REPO.parent / "shared" / "data" / "dialogsum" / "dialogsum.test.jsonl"
SAMPLE = REPO / "src" / "textmetrics" / "data" / "dialogsum-summaries" / "summaries.jsonl"
ROUGE4 = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


# ---------------------------------------------------------------------------------------------- data

def load_rows() -> tuple[list[dict], str]:
    path = SHARED_TEST if SHARED_TEST.exists() else SAMPLE
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return rows, ("DialogSum test (500 dialogues)" if path == SHARED_TEST else "in-repo sample (40 rows)")


def workloads(rows: list[dict]) -> dict:
    s = [[r["summary1"], r["summary2"], r["summary3"]] for r in rows]
    summary_pairs = [(x[a], x[b]) for x in s for a, b in ((0, 1), (1, 2), (2, 0))]
    data = {"summaries": summary_pairs,
            "multiref": [([x[1], x[2]], x[0]) for x in s],
            "bleu": [(x[1], x[0]) for x in s]}
    if "dialogue" in rows[0]:
        data["dialogues"] = [(r["dialogue"], x[k]) for r, x in zip(rows, s) for k in range(3)]
    tokens = [w for r in rows for w in (r.get("dialogue") or " ".join(r.values())).split()]
    data["lcs"] = {n: [(tokens[i:i + n], tokens[i + n:i + 2 * n]) for i in range(0, 200 * n, n)][:200]
                   for n in (20, 60, 200, 1000)}
    return data


# ------------------------------------------------------------------------------------------- tools
# Each tool: (workload, data) -> comparable output (lists of floats), run in a worker process.

def _rouge_score_like(module_name, data, metrics, stemmer, multi=False):
    module = __import__(module_name, fromlist=["rouge_scorer"])
    scorer = module.rouge_scorer.RougeScorer(metrics, use_stemmer=stemmer)
    if multi:
        scores = [scorer.score_multi(refs, cand) for refs, cand in data]
    elif hasattr(scorer, "score_batch"):
        scores = scorer.score_batch([r for r, _ in data], [c for _, c in data])
    else:
        scores = [scorer.score(r, c) for r, c in data]
    return {m: [s[m].fmeasure for s in scores] for m in metrics}


def _textmetrics_rouge(data, metrics, stemmer, multi=False, tokenizer="default"):
    import textmetrics as tm

    result = tm.rouge([r for r, _ in data], [c for _, c in data], metrics, stemmer=stemmer, tokenizer=tokenizer)
    return {m: result[m].fmeasure.tolist() for m in metrics}


def _rouge_rust(data, metrics, stemmer, multi=False):
    import fast_rouge

    if stemmer or multi or "rougeLsum" in metrics:
        raise NotImplementedError("rouge-rust has rouge1/2/L without stemmer, one reference")
    flat = fast_rouge.score_batch_flat([r for r, _ in data], [c for _, c in data])
    return {m: list(getattr(flat, f"{m}_fmeasure")) for m in metrics}


ROUGE_WORKLOADS = {  # name -> (data key, metrics, stemmer, multi)
    "ROUGE-1/2/L/Lsum, summaries": ("summaries", ROUGE4, False, False),
    "ROUGE-1/2/L/Lsum, summaries, stemmer": ("summaries", ROUGE4, True, False),
    "ROUGE-1/2/L/Lsum, dialogues": ("dialogues", ROUGE4, False, False),
    "ROUGE-1/2/L/Lsum, dialogues, stemmer": ("dialogues", ROUGE4, True, False),
    "ROUGE-1/2/L/Lsum, 2 references": ("multiref", ROUGE4, False, True),
    "ROUGE-1/2/L, summaries (rouge-rust's metrics)": ("summaries", ["rouge1", "rouge2", "rougeL"], False, False),
}
ROUGE_TOOLS = {
    "rouge-score": lambda d, m, s, mu: _rouge_score_like("rouge_score", d, m, s, mu),
    "textmetrics": _textmetrics_rouge,
    "rouge-score-rs": lambda d, m, s, mu: _rouge_score_like("rouge_score_rs", d, m, s, mu),
    "rapidrouge": lambda d, m, s, mu: _rouge_score_like("rapidrouge", d, m, s, mu),
    "rouge-rust": _rouge_rust,
}


def _whitespace_rougel(tool, data):
    if tool == "textmetrics":
        return _textmetrics_rouge(data, ["rougeL"], False, tokenizer="whitespace")["rougeL"]
    if tool == "plain-rougel":
        from plain_rougel import RougeLScorer

        scorer = RougeLScorer(n_processes=1)
        return [scorer.compute_rouge_l(c, r)["f1"] for r, c in data]
    if tool == "rouge-score (whitespace tokens)":
        from rouge_score import rouge_scorer, tokenizers

        class Split(tokenizers.Tokenizer):
            def tokenize(self, text):
                return text.split()

        scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=Split())
        return [scorer.score(r, c)["rougeL"].fmeasure for r, c in data]
    raise KeyError(tool)


def _corpus_bleu(tool, data):
    refs, cands = [r for r, _ in data], [c for _, c in data]
    if tool == "sacrebleu":
        import sacrebleu

        return [sacrebleu.corpus_bleu(cands, [refs]).score]
    if tool == "textmetrics":
        import textmetrics as tm

        return [tm.bleu(refs, cands).score]
    if tool == "bleuscore (no smoothing: vs smooth='none')":
        import bleuscore

        return [100 * bleuscore.compute([[r] for r in refs], cands, max_order=4, smooth=False)["bleu"]]
    if tool == "textmetrics (smooth='none')":
        import textmetrics as tm

        return [tm.bleu(refs, cands, smooth_method="none").score]
    if tool == "sacrebleu (smooth_method='none')":
        import sacrebleu

        return [sacrebleu.corpus_bleu(cands, [refs], smooth_method="none").score]
    raise KeyError(tool)


def _sentence_bleu(tool, data):
    if tool == "sacrebleu":
        import sacrebleu

        return [sacrebleu.sentence_bleu(c, [r]).score for r, c in data]
    if tool == "textmetrics":
        import textmetrics as tm

        return [tm.sentence_bleu(r, c).score for r, c in data]
    raise KeyError(tool)


def _nltk_sentence(tool, data):
    pairs = [([r.split()], c.split()) for r, c in data]
    if tool == "nltk":
        from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu

        m1 = SmoothingFunction().method1
        return [sentence_bleu(r, h, smoothing_function=m1) for r, h in pairs]
    if tool == "textmetrics":
        import textmetrics as tm

        return [tm.nltk_sentence_bleu(r, h, smooth_method="method1") for r, h in pairs]
    raise KeyError(tool)


def _nltk_pool(tool, data):
    pool = [r.split() for r, _ in data]
    hyps = [c.split() for _, c in data]
    if tool == "nltk":
        from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu

        m1 = SmoothingFunction().method1
        return [sentence_bleu(pool, h, smoothing_function=m1) for h in hyps]
    if tool == "textmetrics":
        import textmetrics as tm

        return tm.NltkBleuPool(pool, smooth_method="method1").sentence_scores(hyps)
    if tool == "fast-bleu":
        from fast_bleu import BLEU

        return BLEU(pool, {4: (0.25, 0.25, 0.25, 0.25)}, smoothing_func=1).get_score(hyps)[4]
    raise KeyError(tool)


def _lcs(tool, pairs):
    if tool.startswith("RapidFuzz"):
        from rapidfuzz.distance import LCSseq

        return [LCSseq.similarity(a, b) for a, b in pairs]
    if tool.startswith("textmetrics"):
        import textmetrics as tm

        return [tm.lcs_length(a, b) for a, b in pairs]
    raise KeyError(tool)


def _lcs_prepare(tool, pairs):
    """Outside the timed region: token lists as int ids (lists for RapidFuzz, int64 arrays for textmetrics)."""
    if not tool.endswith(("(int ids)", "(int64 arrays)")):
        return pairs
    import numpy as np

    vocab: dict = {}
    pairs = [([vocab.setdefault(t, len(vocab)) for t in a], [vocab.setdefault(t, len(vocab)) for t in b])
             for a, b in pairs]
    if tool.endswith("(int64 arrays)"):
        pairs = [(np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)) for a, b in pairs]
    return pairs


_lcs.prepare = _lcs_prepare


OTHER_WORKLOADS = {  # name -> (data key, function, tools (oracle first))
    "ROUGE-L on whitespace tokens, summaries": ("summaries", _whitespace_rougel,
                                                ["rouge-score (whitespace tokens)", "textmetrics", "plain-rougel"]),
    "corpus BLEU (13a, exp), 500 segments": ("bleu", _corpus_bleu, ["sacrebleu", "textmetrics"]),
    "corpus BLEU, no smoothing": ("bleu", _corpus_bleu, ["sacrebleu (smooth_method='none')",
                                                         "textmetrics (smooth='none')",
                                                         "bleuscore (no smoothing: vs smooth='none')"]),
    "sentence BLEU, 500 segments": ("bleu", _sentence_bleu, ["sacrebleu", "textmetrics"]),
    "NLTK sentence BLEU (method1), 500 segments": ("bleu", _nltk_sentence, ["nltk", "textmetrics"]),
    "NLTK BLEU against a fixed pool of 500 references, 500 hypotheses": ("bleu", _nltk_pool,
                                                                         ["nltk", "textmetrics", "fast-bleu"]),
    **{f"LCS, {n} tokens, 200 pairs": (("lcs", n), _lcs, ["RapidFuzz", "textmetrics", "RapidFuzz (int ids)",
                                                          "textmetrics (int64 arrays)"]) for n in (20, 60, 200, 1000)},
}


# ---------------------------------------------------------------------------------------------- worker

def worker(workload: str, tool: str, data_file: str) -> dict:
    data = json.loads(pathlib.Path(data_file).read_text())
    if workload in ROUGE_WORKLOADS:
        key, metrics, stemmer, multi = ROUGE_WORKLOADS[workload]
        fn = ROUGE_TOOLS[tool]
        run = lambda: fn(data[key], metrics, stemmer, multi)  # noqa: E731
    else:
        key, fn, _ = OTHER_WORKLOADS[workload]
        chunk = data[key[0]][str(key[1])] if isinstance(key, tuple) else data[key]
        chunk = getattr(fn, "prepare", lambda _, c: c)(tool, chunk)
        run = lambda: fn(tool, chunk)  # noqa: E731
    # imports outside the timed region
    for module in {"textmetrics": ["textmetrics"], "rouge-score": ["rouge_score.rouge_scorer"],
                   "rouge-score-rs": ["rouge_score_rs.rouge_scorer"], "rapidrouge": ["rapidrouge.rouge_scorer"],
                   "rouge-rust": ["fast_rouge"], "RapidFuzz": ["rapidfuzz.distance"], "fast-bleu": ["fast_bleu"],
                   "nltk": ["nltk.translate.bleu_score"], "plain-rougel": ["plain_rougel"]}.get(tool.split(" ")[0], []):
        __import__(module)
    if tool.startswith("textmetrics"):  # its lazily imported modules too: the first call measures no import
        import numpy  # noqa: F401

        import textmetrics.batch  # noqa: F401
        import textmetrics.metrics.bleu  # noqa: F401
        import textmetrics.metrics.nltk_bleu  # noqa: F401
        import textmetrics.metrics.rouge  # noqa: F401
    elif tool.startswith(("sacrebleu", "bleuscore")):
        import sacrebleu  # noqa: F401
    start = time.perf_counter()
    out = run()
    first = time.perf_counter() - start
    repeats = []
    for _ in range(5):
        start = time.perf_counter()
        run()
        repeats.append(time.perf_counter() - start)
    return {"first": first, "repeat": statistics.median(repeats), "output": out}


def _spawn(args: list[str], timeout: int = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(SINGLE_THREAD)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, env=env)


def compare(oracle, output) -> str:
    """'exact', or how far the output is from the oracle's."""
    if isinstance(oracle, dict):
        parts = {m: compare(oracle[m], output[m]) for m in output}
        bad = {m: v for m, v in parts.items() if v != "exact"}
        return "exact" if not bad else "; ".join(f"{m}: {v}" for m, v in bad.items())
    diffs = [abs(a - b) for a, b in zip(oracle, output)]
    if len(oracle) == len(output) and not any(diffs):
        return "exact"
    return f"{sum(d != 0 for d in diffs)} of {len(diffs)} differ, max |diff| {max(diffs):.3g}"


# ------------------------------------------------------------------------------------------------ main

def one_shot(pairs: list, rounds: int, tmp: pathlib.Path) -> list[dict]:
    rows = _one_shot(pairs, rounds, tmp, "")
    # the same two scripts at 10 and 10x the pairs: fixed cost and cost per pair, hence the break-even size
    for n, tag in ((10, " [10 pairs]"), (10 * len(pairs), f" [{10 * len(pairs):,} pairs]")):
        chunk = (pairs * 10)[:n]
        rows += _one_shot(chunk, rounds, tmp, tag, only=("textmetrics (API)", "rouge-score-rs"))
    return rows


def break_even(rows: list[dict], n_pairs: int) -> str:
    """Corpus size above which textmetrics' whole process is faster than rouge-score-rs's (linear fit)."""
    t = {r["tool"]: r["median_s"] for r in rows}
    big = 10 * n_pairs
    try:
        ours = [(10, t["textmetrics (API) [10 pairs]"]), (big, t[f"textmetrics (API) [{big:,} pairs]"])]
        theirs = [(10, t["rouge-score-rs [10 pairs]"]), (big, t[f"rouge-score-rs [{big:,} pairs]"])]
    except KeyError:
        return "not measured"
    slope = lambda p: (p[1][1] - p[0][1]) / (p[1][0] - p[0][0])  # noqa: E731
    a_ours, a_theirs = ours[0][1] - slope(ours) * 10, theirs[0][1] - slope(theirs) * 10
    if slope(ours) >= slope(theirs):
        return (f"none: per pair textmetrics {slope(ours) * 1e6:.2f} us "
                f"vs rouge-score-rs {slope(theirs) * 1e6:.2f} us, "
                f"fixed {a_ours * 1e3:.0f} ms vs {a_theirs * 1e3:.0f} ms")
    n = (a_ours - a_theirs) / (slope(theirs) - slope(ours))
    return (f"{max(n, 0):,.0f} pairs (fixed cost {a_ours * 1e3:.0f} ms vs {a_theirs * 1e3:.0f} ms; per pair "
            f"{slope(ours) * 1e6:.2f} us vs {slope(theirs) * 1e6:.2f} us)")


def _one_shot(pairs: list, rounds: int, tmp: pathlib.Path, tag: str, only=None) -> list[dict]:
    data = tmp / f"pairs{len(pairs)}.jsonl"
    data.write_text("".join(json.dumps({"reference": r, "prediction": c}) + "\n" for r, c in pairs))
    read = f"import json; rows = [json.loads(l) for l in open({str(data)!r})]; R = [x['reference'] for x in rows]; " \
           "C = [x['prediction'] for x in rows]; "
    scripts = {
        'python -c "pass"': ["-c", "pass"],
        'python -c "import numpy"': ["-c", "import numpy"],
        "textmetrics (API)": ["-c", read + "import textmetrics as tm; r = tm.rouge(R, C, ['rouge1', 'rouge2', "
                              "'rougeL', 'rougeLsum']); print({k: v.fmeasure for k, v in r.mean().items()})"],
        "textmetrics (CLI)": ["-m", "textmetrics", "rouge", str(data), "-c", str(data), "--ref-field", "reference",
                              "--cand-field", "prediction", "--metrics", "rouge1,rouge2,rougeL,rougeLsum"],
    }
    for tool, module in (("rouge-score", "rouge_score"), ("rouge-score-rs", "rouge_score_rs"),
                         ("rapidrouge", "rapidrouge")):
        scripts[tool] = ["-c", read + f"from {module} import rouge_scorer; s = rouge_scorer.RougeScorer(['rouge1', "
                         "'rouge2', 'rougeL', 'rougeLsum']); f = getattr(s, 'score_batch', None); "
                         "out = f(R, C) if f else [s.score(r, c) for r, c in zip(R, C)]; "
                         "print({k: sum(o[k].fmeasure for o in out) / len(out) for k in out[0]})"]
    scripts["rouge-rust (ROUGE-1/2/L only)"] = ["-c", read + "import fast_rouge; f = fast_rouge.score_batch_flat(R, C);"
                                                " print(sum(f.rougeL_fmeasure) / len(C))"]
    rows = []
    for name, args in scripts.items():
        if only is not None and name not in only:
            continue
        name += tag
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            proc = _spawn(args)
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                break
        rows.append({"tool": name, "median_s": statistics.median(times), "ok": proc.returncode == 0,
                     "error": proc.stderr.strip().splitlines()[-1] if proc.returncode else ""})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--worker", nargs=3, metavar=("WORKLOAD", "TOOL", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return 0
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True)
    rows, source = load_rows()
    data = workloads(rows)
    load = os.getloadavg()
    print(f"data: {source}; machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} at start")
    results: dict = {"data": source, "load_start": load}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        results["one_shot"] = one_shot(data["summaries"], args.rounds, tmp)
        print("\n| whole process, one shot (1,500 summary pairs, ROUGE-1/2/L/Lsum) | median wall |\n| --- | --- |")
        for row in results["one_shot"]:
            failed = "" if row["ok"] else f" (failed: {row['error']})"
            print(f"| {row['tool']} | {row['median_s']:.3f} s{failed} |")
        results["break_even"] = break_even(results["one_shot"], len(data["summaries"]))
        print(f"\nbreak-even against rouge-score-rs: {results['break_even']}")
        data_file = tmp / "data.json"
        data_file.write_text(json.dumps(data))
        results["in_process"] = {}
        print("\n| workload | tool | first call | repeated | numbers vs the oracle (first row) |\n"
              "| --- | --- | --- | --- | --- |")
        every = {**{w: list(ROUGE_TOOLS) for w in ROUGE_WORKLOADS}, **{w: t[2] for w, t in OTHER_WORKLOADS.items()}}
        for workload, tools in every.items():
            key = ROUGE_WORKLOADS.get(workload, OTHER_WORKLOADS.get(workload))[0]
            if (key[0] if isinstance(key, tuple) else key) not in data:
                continue
            oracle = None
            for tool in tools:
                proc = _spawn([str(pathlib.Path(__file__).resolve()), "--worker", workload, tool, str(data_file)])
                if proc.returncode != 0:
                    last = (proc.stderr.strip().splitlines() or ["?"])[-1]
                    print(f"| {workload} | {tool} | - | - | not run: {last[:90]} |")
                    continue
                res = json.loads(proc.stdout)
                oracle = res["output"] if oracle is None else oracle
                check = "oracle" if res["output"] is oracle else compare(oracle, res["output"])
                results["in_process"].setdefault(workload, {})[tool] = {"first": res["first"], "repeat": res["repeat"],
                                                                        "check": check}
                print(f"| {workload} | {tool} | {res['first'] * 1e3:.2f} ms | {res['repeat'] * 1e3:.2f} ms | {check} |",
                      flush=True)
    results["load_end"] = os.getloadavg()
    print(f"\nload average at the end: {results['load_end'][0]:.2f}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
