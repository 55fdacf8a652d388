"""The wheel a user gets: built from this tree (compiled kernels included), installed into a bare venv with only the
core dependencies, and its API, demo, CLI and the finetune console script used from there."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORE = {"numpy", "numba", "llvmlite", "regex", "textmetrics-exact", "pip", "setuptools"}


def _run(argv, **kwargs):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TEXTMETRICS_KERNELS")}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env, **kwargs)
    return done


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs a git checkout to know which files belong to the source tree")
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src-tree"
    files = _run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO).stdout.split("\n")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"), str(src)])
    assert built.returncode == 0, built.stderr[-3000:]
    wheels = list((root / "dist").glob("textmetrics_exact-*.whl"))
    assert len(wheels) == 1, wheels
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    installed = _run([str(python), "-m", "pip", "install", "-q", str(wheels[0])])
    assert installed.returncode == 0, installed.stderr[-3000:]
    return python, root


def test_only_the_core_dependencies_are_installed(bare_venv):
    python, _ = bare_venv
    listed = json.loads(_run([str(python), "-m", "pip", "list", "--format", "json"]).stdout)
    assert {p["name"].lower() for p in listed} <= CORE, listed


def test_api_on_the_compiled_kernels_without_numba(bare_venv, tmp_path):
    python, _ = bare_venv
    code = ("import sys, textmetrics\n"
            "s = textmetrics.rouge_l('The cat is on the mat.', 'The cat and the dog.')\n"
            "b = textmetrics.bleu([['The cat is on the mat.']], ['The cat sat on the mat.'])\n"
            "print(textmetrics.engine()['backend'], 'numba' in sys.modules, s.precision, s.recall,\n"
            "      round(b.score, 2))\n")
    done = _run([str(python), "-c", code], cwd=tmp_path)  # not the checkout: the installed package
    assert done.returncode == 0, done.stderr
    backend, numba_loaded, p, r, bleu = done.stdout.split()
    assert (backend, numba_loaded) == ("aot", "False")
    # ROUGE-L: LCS "the cat ... the" = 3 of 5 candidate and 6 reference tokens; the oracle agrees
    assert (float(p), float(r)) == (3 / 5, 3 / 6)
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    oracle = rouge_scorer.RougeScorer(["rougeL"]).score("The cat is on the mat.", "The cat and the dog.")["rougeL"]
    assert (float(p), float(r)) == (oracle.precision, oracle.recall)
    sacrebleu = pytest.importorskip("sacrebleu")
    expected = sacrebleu.corpus_bleu(["The cat sat on the mat."], [["The cat is on the mat."]]).score
    assert float(bleu) == round(expected, 2)


def test_demo_cli_and_finetune_script(bare_venv, tmp_path):
    python, root = bare_venv
    bindir = python.parent
    demo = _run([str(python), "-m", "textmetrics.demo"], cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "CC BY-NC-SA 4.0" in demo.stdout and "rougeL" in demo.stdout.replace("ROUGE-L", "rougeL")
    (tmp_path / "ref.txt").write_text("the cat sat on the mat\n")
    cli = _run([str(bindir / "textmetrics"), "rouge", str(tmp_path / "ref.txt")], input="the cat sat\n",
               cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    ft = _run([str(bindir / "finetune"), "run", "--config", "x.yaml"], cwd=tmp_path)
    assert ft.returncode == 2 and "Traceback" not in ft.stderr, ft.stderr
    assert "textmetrics-exact[finetune]" in ft.stderr
