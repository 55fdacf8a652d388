"""The peers' own test suites, run against textmetrics' compat modules by import redirection.

``rouge_score/`` (rouge-score 0.1.2), ``sacrebleu/test/`` (sacrebleu 2.6.0) and ``nltk/`` (NLTK 3.10.4) hold the
packages' test files as their sdists ship them (see NOTICE). While one of these test modules is imported, and
while each of its tests runs, ``sys.modules`` maps

* ``rouge_score``, ``rouge_score.rouge_scorer``, ``.scoring``, ``.tokenize``, ``.tokenizers`` to
  ``textmetrics.compat.rouge_score`` (and ``rouge_score.test_util`` to the vendored helper),
* ``sacrebleu``, ``sacrebleu.metrics`` (``.bleu``, ``.chrf``, ``.ter``, ``.base``, ``.helpers``),
  ``sacrebleu.compat``, ``sacrebleu.significance``, ``sacrebleu.tokenizers`` (``.tokenizer_base``,
  ``.tokenizer_ter``) to ``textmetrics.compat.sacrebleu``,
* ``nltk.translate.bleu_score`` to ``textmetrics.compat.nltk`` (and, for the doctests, ``nltk.translate.bleu`` to
  its ``sentence_bleu``),

and puts the real entries back afterwards, so the rest of the suite (which compares against the real packages)
never sees the redirection. A vendored test therefore exercises the compat module; a name the compat module
lacks fails the test, it does not fall back to the real package.

Tests that are out of scope or need what we cannot ship are skipped with the reason (``FILE_SKIPS``,
``TEST_SKIPS``, ``DATA_SKIPS``); data-dependent ones run when the data is present.
"""
from __future__ import annotations

import contextlib
import doctest
import functools
import importlib.util
import io
import os
import re
import sys
import types
import unittest
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROUGE_TESTDATA = HERE / "rouge_score" / "testdata"  # part of rouge-score's rouge/testdata/ (not in its sdist): NOTICE

_DOWNLOADS = ("sacrebleu's test-set API (DATASETS, download_test_set, get_source_file, ...) downloads WMT data over "
              "the network: out of scope of the compat layer")

# whole files, not even imported: path relative to this folder -> reason
FILE_SKIPS = {
    "rouge_score/io_test.py": "rouge_score.io (the CSV file runner behind `python -m rouge_score.rouge`) is not part "
                              "of the compat layer",
    "sacrebleu/test/test_api.py": _DOWNLOADS,
    "sacrebleu/test/test_dataset.py": _DOWNLOADS,
}

# single tests: (file, regular expression on the test's name) -> reason
TEST_SKIPS: dict[tuple[str, str], str] = {}


def _have_nltk_data(resource: str) -> bool:
    try:
        import nltk

        nltk.data.find(resource)
    except (LookupError, ImportError):
        return False
    return True


def _have_rouge_data(files: tuple[str, ...]) -> bool:
    return all((ROUGE_TESTDATA / name).is_file() for name in files)


# rouge/testdata/ files the tests read (setUp included), relative to ROUGE_TESTDATA: these six ship here (see NOTICE)
_ROUGE_FILES = ("target.txt", "prediction.txt", "target_large.txt", "prediction_large.txt",
                "pyrouge_files/target_multi.0.txt", "pyrouge_files/prediction_multi.0.txt")
_ROUGE_MULTI_FILES = tuple(f"pyrouge_files/{side}_multi.{i}.txt" for side in ("target", "prediction")
                           for i in range(250))  # scoring_test's MultiLine test reads all 500 (they ship here too)
_rouge_data = functools.partial(_have_rouge_data, _ROUGE_FILES)
_ROUGE_SCORER_DATA_TESTS = (r"testRouge(1|2|L)AgainstRouge155.*|testRougeLSumAgainstRouge155WithStemming"
                            r"|testRougeLsumLarge")
# BootstrapAggregatorTest's; its ...WithStemmingMultiLine test has a rule of its own below
_SCORING_DATA_TESTS = r"testMultipleRougeTypes|testConfidenceIntervalsAgainstRouge155(WithStemming)?"
_ROUGE_DATA = ("needs rouge-score's rouge/testdata/ files (ROUGE-1.5.5 reference inputs), which the rouge-score 0.1.2 "
               "sdist does not ship; they belong at tests/compat/rouge_score/testdata (see NOTICE)")
_ROUGE_MULTI_DATA = ("needs 500 files of rouge-score's rouge/testdata/, pyrouge_files/target_multi.{0..249}.txt and "
                     "prediction_multi.{0..249}.txt (not in the 0.1.2 sdist; they ship here, see NOTICE), and some "
                     "are missing from tests/compat/rouge_score/testdata/pyrouge_files")

# single tests that need data: (file, regular expression on the name) -> (is the data there?, reason)
DATA_SKIPS = {
    ("rouge_score/rouge_scorer_test.py", _ROUGE_SCORER_DATA_TESTS): (_rouge_data, _ROUGE_DATA),
    ("rouge_score/scoring_test.py", _SCORING_DATA_TESTS): (_rouge_data, _ROUGE_DATA),
    ("rouge_score/scoring_test.py", r"testConfidenceIntervalsAgainstRouge155WithStemmingMultiLine"): (
        functools.partial(_have_rouge_data, _ROUGE_FILES + _ROUGE_MULTI_FILES), _ROUGE_MULTI_DATA),
    ("rouge_score/rouge_scorer_test.py", r"testRougeLSumSentenceSplitting"): (
        lambda: _have_nltk_data("tokenizers/punkt_tab/english/"),
        "split_summaries=True calls nltk.sent_tokenize, which needs NLTK's punkt_tab data (not installable here); "
        "tests/test_compat_rouge_score.py checks split_summaries against rouge-score with a stand-in splitter"),
    ("nltk/test_bleu.py", r"test_corpus_bleu$"): (
        lambda: _have_nltk_data("models/wmt15_eval"),
        "needs NLTK's models/wmt15_eval data (nltk_data, not installable here)"),
}


# ------------------------------------------------------------------------------------------ redirection

def _module(name: str, **attributes) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__path__ = []  # a package, so that submodule imports look in sys.modules
    module.__dict__.update(attributes)
    return module


def _vendored(name: str, path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=None)
def _redirections(peer: str) -> dict:
    if peer == "rouge_score":
        from textmetrics.compat import rouge_score as ours

        test_util = _vendored("rouge_score.test_util", HERE / "rouge_score" / "test_util.py")
        modules = {"rouge_scorer": ours.rouge_scorer, "scoring": ours.scoring, "tokenize": ours.tokenize,
                   "tokenizers": ours.tokenizers, "test_util": test_util}
        package = _module("rouge_score", __doc__=ours.__doc__, **modules)
        return {"rouge_score": package, **{f"rouge_score.{k}": v for k, v in modules.items()}}
    if peer == "sacrebleu":
        from textmetrics.compat import sacrebleu as ours

        return {"sacrebleu": ours, "sacrebleu.metrics": ours.metrics, "sacrebleu.metrics.bleu": ours.metrics.bleu,
                "sacrebleu.metrics.chrf": ours.metrics.chrf, "sacrebleu.metrics.ter": ours.metrics.ter,
                "sacrebleu.metrics.base": ours.metrics.base, "sacrebleu.metrics.helpers": ours.metrics.helpers,
                "sacrebleu.compat": ours.compat, "sacrebleu.significance": ours.significance,
                "sacrebleu.tokenizers": ours.tokenizers,
                "sacrebleu.tokenizers.tokenizer_base": ours.tokenizers.tokenizer_base,
                "sacrebleu.tokenizers.tokenizer_ter": ours.tokenizers.tokenizer_ter}
    if peer == "nltk":
        import nltk.translate  # the real package, imported before the redirection so that it binds its own names
        import nltk.translate.bleu_score  # noqa: F401

        from textmetrics.compat import nltk as ours

        translate = _module("nltk.translate", bleu_score=ours, bleu=ours.sentence_bleu)
        return {"nltk.translate.bleu_score": ours, "nltk.translate": translate}
    raise ValueError(peer)


_MISSING = object()


@contextlib.contextmanager
def redirected(peer: str):
    """``sys.modules`` pointing the peer's module names at textmetrics' compat modules, restored on exit."""
    modules = dict(_redirections(peer))
    saved = {name: sys.modules.get(name, _MISSING) for name in modules}
    sys.modules.update(modules)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is _MISSING:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def _relative(path) -> str:
    return Path(path).resolve().relative_to(HERE).as_posix()


def _peer(path) -> str | None:
    try:
        first = _relative(path).split("/")[0]
    except ValueError:
        return None
    return first if first in ("rouge_score", "sacrebleu", "nltk") else None


# --------------------------------------------------------------------------------------------- modules

def _tolerate_missing_testdata(cls: type) -> None:
    """rouge-score's test classes read testdata/ in ``setUp``; without those files the tests that use them are skipped
    (DATA_SKIPS) and the others still run, so a missing file under testdata/ no longer aborts ``setUp``."""
    setup = cls.__dict__.get("setUp")
    if setup is None or getattr(setup, "_tolerant", False):
        return

    def setUp(self):  # noqa: N802 - unittest's name
        try:
            setup(self)
        except FileNotFoundError as exc:
            if not str(exc.filename or "").startswith(str(ROUGE_TESTDATA)):
                raise

    setUp._tolerant = True
    cls.setUp = setUp


class RedirectedModule(pytest.Module):
    """A vendored test module, imported with the peer's names pointing at textmetrics' compat modules."""

    def _getobj(self):
        relative = _relative(self.path)
        if relative in FILE_SKIPS:
            pytest.skip(FILE_SKIPS[relative], allow_module_level=True)
        peer = _peer(self.path)
        cwd, seed = os.getcwd(), os.environ.get("SACREBLEU_SEED")
        try:
            if peer == "sacrebleu":
                os.chdir(HERE / "sacrebleu")  # test_significance.py opens ./test/wmt17_en_de_systems.pkl.bz2
            with redirected(peer):
                module = super()._getobj()
        finally:
            os.chdir(cwd)
            # test_significance.py sets SACREBLEU_SEED for the tests it runs at import; not for the others
            if seed is None:
                os.environ.pop("SACREBLEU_SEED", None)
            else:
                os.environ["SACREBLEU_SEED"] = seed
        if peer == "rouge_score" and not _rouge_data():
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, unittest.TestCase):
                    _tolerate_missing_testdata(value)
        return module


def pytest_pycollect_makemodule(module_path, parent):
    if _peer(module_path) is not None and module_path.name != "__init__.py":
        return RedirectedModule.from_parent(parent, path=module_path)
    return None


# -------------------------------------------------------------------------------------- NLTK's doctests

DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL  # NLTK's pytest.ini


class DoctestFailure(Exception):
    pass


class RedirectedDoctest(pytest.Item):
    """One doctest file of NLTK's, run with NLTK's doctest flags against textmetrics.compat.nltk."""

    def __init__(self, *, test: doctest.DocTest, **kwargs):
        super().__init__(**kwargs)
        self.test = test

    def runtest(self):
        runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
        report = io.StringIO()
        with redirected("nltk"):
            results = runner.run(self.test, out=report.write, clear_globs=True)
        if not results.attempted:
            raise DoctestFailure(f"{self.name}: no example ran")
        if runner.failures:
            raise DoctestFailure(report.getvalue())

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, DoctestFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"[doctest] {self.name}"


class RedirectedDoctestFile(pytest.File):
    def collect(self):
        text = self.path.read_text(encoding="utf-8")
        test = doctest.DocTestParser().get_doctest(text, {"__name__": "__main__"}, self.path.name, str(self.path), 0)
        if test.examples:
            yield RedirectedDoctest.from_parent(self, name=self.path.name, test=test)


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".doctest" and _peer(file_path) == "nltk":
        return RedirectedDoctestFile.from_parent(parent, path=file_path)
    return None


# ----------------------------------------------------------------------------------- skips and running

def _matches(item, rules: dict):
    relative = _relative(item.path)
    for (path, pattern), value in rules.items():
        if relative == path and re.fullmatch(pattern, item.name):
            yield value


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _peer(item.path) is None:
            continue
        for reason in _matches(item, TEST_SKIPS):
            item.add_marker(pytest.mark.skip(reason=reason))
        for available, reason in _matches(item, DATA_SKIPS):
            if not available():
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Vendored tests run with the redirection in place too (for imports made inside a test)."""
    peer = _peer(item.path)
    if peer is None or isinstance(item, RedirectedDoctest):
        return (yield)
    with redirected(peer):
        return (yield)
