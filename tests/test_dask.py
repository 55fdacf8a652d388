"""textmetrics.dask on a local cluster with two worker processes: exactly the single-machine corpus scores."""
from __future__ import annotations

import pytest

import textmetrics as tm
from textmetrics.batch import rouge

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
db = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

from textmetrics import dask as tm_dask  # noqa: E402

METRICS = ["rouge1", "rouge2", "rougeL", "rougeLsum", "rougeSU4"]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def rows(dialogsum_test):
    data = dialogsum_test[:240]
    return [[r["summary2"], r["summary3"]] for r in data], [r["summary1"] for r in data]


def test_dataframe_matches_single_machine(client, rows):
    refs, cands = rows
    frame = pd.DataFrame({"reference": refs, "candidate": cands})
    with pytest.raises(ValueError, match="convert-string"):  # Dask's default turns the lists into strings
        tm_dask.bleu(dd.from_pandas(frame, npartitions=2))
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(frame, npartitions=7)
    assert tm_dask.bleu(ddf) == tm.bleu(refs, cands)
    assert tm_dask.rouge(ddf, METRICS, stemmer=True) == rouge(refs, cands, METRICS, stemmer=True).mean()


def test_bag_matches_single_machine(client, rows):
    refs, cands = rows
    bag = db.from_sequence(list(zip(refs, cands)), npartitions=5)
    assert tm_dask.bleu(bag, tokenizer="intl", lowercase=True) == tm.bleu(refs, cands, tokenizer="intl",
                                                                          lowercase=True)
    # A different partitioning gives the same floats: the sums are exact.
    other = db.from_sequence([{"reference": r, "candidate": c} for r, c in zip(refs, cands)], npartitions=3)
    assert tm_dask.rouge(bag, METRICS) == tm_dask.rouge(other, METRICS) == rouge(refs, cands, METRICS).mean()


def test_bad_input(client):
    with pytest.raises(TypeError, match="dask DataFrame or Bag"):
        tm_dask.bleu([("a", "a")])
    ddf = dd.from_pandas(pd.DataFrame({"ref": ["a"], "candidate": ["a"]}), npartitions=1)
    with pytest.raises(ValueError, match="no column"):
        tm_dask.rouge(ddf)
