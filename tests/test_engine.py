"""The kernel engine: compiled (aot) == JIT, no Numba on the compiled path, checked entry points, stale builds and
caches, fork and threads. Anything that could hang runs under a timeout; anything that could crash runs in a
subprocess."""
from __future__ import annotations

import json
import multiprocessing
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import textmetrics as tm
from textmetrics.kernels import _spec
from textmetrics.kernels import rouge as rouge_kernels

TESTS = pathlib.Path(__file__).resolve().parent
SRC = TESTS.parent / "src"
ON_JIT = os.environ.get("TEXTMETRICS_KERNELS", "auto") == "jit"


def run_python(args, *, env=None, timeout=300, cwd=TESTS):
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), full_env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, env=full_env,
                          cwd=cwd)


# --------------------------------------------------------------------------------------------- backends

@pytest.mark.skipif(ON_JIT, reason="TEXTMETRICS_KERNELS=jit asks for the JIT backend")
def test_a_built_checkout_runs_the_compiled_kernels():
    # make test builds the extension first; a build that silently fell back to JIT fails here.
    info = tm.engine()
    assert info["backend"] == "aot", info["reason"]
    assert info["extension"] and pathlib.Path(info["extension"]).exists()


def test_compiled_path_never_imports_numba():
    proc = run_python(["engine_probe.py", "--no-numba"], env={"TEXTMETRICS_KERNELS": "aot"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout)["engine"] == "aot"


def test_import_does_not_import_numba_or_compile():
    code = ("import sys, textmetrics as tm; r = tm.rouge(['a b c'] * 10, ['a c b'] * 10); tm.rouge_l('a', 'a');"
            "print('numba' in sys.modules, 'llvmlite' in sys.modules, tm.engine()['backend'])")
    proc = run_python(["-c", code])
    assert proc.returncode == 0, proc.stderr
    if not ON_JIT:
        assert proc.stdout.split() == ["False", "False", "aot"]


def test_aot_equals_jit_on_every_entry_point():
    aot = run_python(["engine_probe.py"], env={"TEXTMETRICS_KERNELS": "aot"})
    jit = run_python(["engine_probe.py"], env={"TEXTMETRICS_KERNELS": "jit"}, timeout=600)
    assert aot.returncode == 0, aot.stderr[-3000:]
    assert jit.returncode == 0, jit.stderr[-3000:]
    a, j = json.loads(aot.stdout), json.loads(jit.stdout)
    assert (a.pop("engine"), j.pop("engine")) == ("aot", "jit")
    assert a == j  # JSON floats round-trip exactly: equal to the last bit


def test_every_export_is_exercised_and_checked():
    proc = run_python(["engine_fuzz.py"], timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    report = json.loads(proc.stdout)
    assert report["entry_points"] == len(_spec.EXPORTS)
    assert report["coerced"] > 0 and report["refused"] > 100


def test_raw_export_signatures_match_the_kernels():
    # Every export names a kernel that exists, and the argument count of its signature is the kernel's.
    import inspect

    for name, (module, function, _, args) in _spec.EXPORTS.items():
        kernel = getattr(__import__(f"textmetrics.kernels.{module}", fromlist=["x"]), function)
        assert len(inspect.signature(kernel.py_func).parameters) == len(args), name


def test_pair_stats_validates_the_layout():
    ids = np.array([0, 1, 1, 0], dtype=np.int64)
    off = np.array([0, 2, 4], dtype=np.int64)
    ok = (ids, off, ids, off, off, np.array([0, 1, 2]), True, 1, [0, 1], 2, [rouge_kernels.KIND_L], [0], [1.2],
          [False])
    hits, _, _ = rouge_kernels.pair_stats(*ok)
    assert hits.tolist() == [[1.0]]
    bad = {
        "ids must lie": (ids + 5, *ok[1:]),
        "tok_off must rise": (ids, np.array([0, 3, 2]), *ok[2:]),
        "ref_off needs": (*ok[:8], [0, 1, 2], *ok[9:]),
        "at least one reference": (*ok[:8], [0, 0], *ok[9:]),
        "partition": (ids, off, ids, off, np.array([0, 1, 2, 4]), np.array([0, 1, 3]), *ok[6:]),
        "kinds must be": (*ok[:10], [9], *ok[11:]),
        "one entry per metric": (*ok[:11], [0, 1], *ok[12:]),
    }
    for message, args in bad.items():
        with pytest.raises(ValueError, match=message):
            rouge_kernels.pair_stats(*args)


def test_pycc_is_still_only_pending_deprecation():
    # When this fails, numba.pycc has a replacement and at least two releases remain to migrate (docs/engine.md).
    code = ("import warnings\nwith warnings.catch_warnings(record=True) as w:\n    warnings.simplefilter('always')\n"
            "    import numba.pycc\nprint(sorted({type(x.message).__name__ for x in w}))")
    proc = run_python(["-c", code])
    assert proc.returncode == 0, proc.stderr
    assert "NumbaPendingDeprecationWarning" in proc.stdout


# ------------------------------------------------------------------------------- stale extension and cache

@pytest.fixture
def package_copy(tmp_path):
    target = tmp_path / "textmetrics"
    shutil.copytree(SRC / "textmetrics", target, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _backend_of(path, env=None):
    code = "import textmetrics as tm; print(tm.engine()['backend'])"
    return run_python(["-W", "always", "-c", code], env={"PYTHONPATH": str(path), **(env or {})}, cwd=path)


@pytest.mark.skipif(ON_JIT, reason="needs the compiled extension")
def test_stale_extension_is_not_used(package_copy):
    kernel = package_copy / "textmetrics" / "kernels" / "lcs.py"
    kernel.write_text(kernel.read_text() + "\n# edited after the build\n")
    proc = _backend_of(package_copy, {"TEXTMETRICS_KERNELS": "auto"})
    assert proc.stdout.split() == ["jit"], proc.stderr
    assert "stale" in proc.stderr and "EngineWarning" in proc.stderr
    strict = _backend_of(package_copy, {"TEXTMETRICS_KERNELS": "aot"})
    assert strict.returncode != 0 and "stale" in strict.stderr


def test_missing_extension_warns_once_and_uses_jit(package_copy):
    for so in (package_copy / "textmetrics" / "kernels").glob("_aot*"):
        so.unlink()
    proc = _backend_of(package_copy, {"TEXTMETRICS_KERNELS": "auto"})
    assert proc.stdout.split() == ["jit"], proc.stderr
    assert proc.stderr.count("EngineWarning") == 1 and "not built" in proc.stderr


def test_jit_cache_is_keyed_on_all_kernel_sources(package_copy):
    cache = package_copy / "textmetrics" / "kernels" / "__pycache__"
    cache.mkdir()
    (cache / "textmetrics-kernels.digest").write_text("0000000000000000")
    stale = cache / "rouge._score_pairs-400.py311.nbi"
    stale.write_text("made from other sources")
    assert _backend_of(package_copy, {"TEXTMETRICS_KERNELS": "jit"}).stdout.split() == ["jit"]
    assert not stale.exists()  # other sources: dropped
    digest = (cache / "textmetrics-kernels.digest").read_text()
    kept = cache / "rouge._score_pairs-400.py311.nbc"
    kept.write_text("made from these sources")
    assert _backend_of(package_copy, {"TEXTMETRICS_KERNELS": "jit"}).stdout.split() == ["jit"]
    assert kept.exists() and (cache / "textmetrics-kernels.digest").read_text() == digest


# ------------------------------------------------------------------------------------- fork and threads

REFS = [f"the cat number {k} sat on the mat\nit was {k % 3} hours" for k in range(40)]
CANDS = [f"a cat {k} sat on a mat\nfor {k % 5} hours" for k in range(40)]


def _score(i: int) -> dict:
    return {"rouge": tm.rouge(REFS[i:i + 5], CANDS[i:i + 5]).to_dict(),
            "bleu": tm.bleu(REFS[i:i + 5], CANDS[i:i + 5]).score,
            "lcs": tm.lcs_length(REFS[i].split(), CANDS[i].split())}


def test_fork_pool_after_calls_gives_identical_numbers():
    expected = [_score(i) for i in range(0, 35, 5)]  # the parent has used every kernel before forking
    with multiprocessing.get_context("fork").Pool(2) as pool:
        got = pool.map_async(_score, range(0, 35, 5)).get(timeout=120)
    assert got == expected


def test_fork_process_pool_executor_after_calls():
    expected = [_score(i) for i in range(0, 35, 5)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_score, i) for i in range(0, 35, 5)]
        assert [f.result(timeout=120) for f in futures] == expected


def test_datasets_map_with_two_processes():
    pytest.importorskip("datasets")
    code = """
import textmetrics as tm, datasets
rows = {"ref": [f"the cat {k} sat" for k in range(40)], "cand": [f"a cat {k} sat here" for k in range(40)]}
tm.rouge(rows["ref"], rows["cand"])  # the parent has called the kernels
ds = datasets.Dataset.from_dict(rows)
out = ds.map(lambda r: {"f": tm.rouge_l(r["ref"], r["cand"]).fmeasure}, num_proc=2)
assert out["f"] == [tm.rouge_l(r, c).fmeasure for r, c in zip(rows["ref"], rows["cand"])]
print("ok")
"""
    proc = run_python(["-c", code], env={"HF_DATASETS_OFFLINE": "1"}, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr[-3000:]


def test_threads_give_identical_numbers():
    expected = {i: _score(i) for i in range(0, 35, 5)}
    failures: list = []

    def worker():
        for _ in range(5):
            for i, value in expected.items():
                if _score(i) != value:
                    failures.append(i)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and not failures


def _layers():
    layers = ["workqueue"]
    try:
        from numba.np.ufunc import omppool  # noqa: F401
        layers.append("omp")
    except ImportError:
        pass
    try:
        from numba.np.ufunc import tbbpool  # noqa: F401
        layers.append("tbb")
    except (ImportError, OSError):
        pass
    return layers


@pytest.mark.parametrize("layer", _layers())
def test_jit_backend_under_each_threading_layer_with_threads_and_fork(layer):
    code = """
import multiprocessing, threading
import test_engine as t
expected = {i: t._score(i) for i in range(0, 35, 5)}
bad = []
def worker():
    for i, v in expected.items():
        if t._score(i) != v:
            bad.append(i)
threads = [threading.Thread(target=worker) for _ in range(3)]
[x.start() for x in threads]; [x.join(120) for x in threads]
assert not bad and not any(x.is_alive() for x in threads)
with multiprocessing.get_context("fork").Pool(2) as pool:
    assert pool.map_async(t._score, list(expected)).get(timeout=120) == list(expected.values())
import textmetrics as tm
print(tm.engine()["backend"])
"""
    proc = run_python(["-c", code], env={"TEXTMETRICS_KERNELS": "jit", "NUMBA_THREADING_LAYER": layer},
                      timeout=600)
    assert proc.returncode == 0 and proc.stdout.split()[-1] == "jit", proc.stderr[-3000:]


def test_no_process_wide_numba_setting_is_changed():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        before = {k: v for k, v in os.environ.items() if k.startswith("NUMBA")}
        _score(0)
        assert {k: v for k, v in os.environ.items() if k.startswith("NUMBA")} == before
