"""The in-repo test corpora are what their generators and READMEs say they are."""
from __future__ import annotations

import importlib.util

from shared_data import DIALOGSUM_SAMPLE, MT_PAIRS, MT_SAMPLE, dialogsum


def test_mt_sample_is_what_generate_py_writes():
    spec = importlib.util.spec_from_file_location("mt_sample_generate", MT_SAMPLE.root / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    expected = generate.corpus()
    assert {p.relative_to(MT_SAMPLE.root).as_posix() for p in MT_SAMPLE.files()} == set(expected)
    for name, content in expected.items():
        assert (MT_SAMPLE.root / name).read_text(encoding="utf-8") == content, name


def test_mt_sample_shape():
    for pair in MT_PAIRS:
        streams, systems = MT_SAMPLE.streams(pair), MT_SAMPLE.systems(pair)
        assert len(streams) == 3 and all(len(s) == 200 for s in streams)
        assert len(systems) == 6 and all(len(h) == 200 for h in systems.values())
        # three different references for most segments: a real multi-reference corpus
        assert sum(len(set(seg)) == 3 for seg in MT_SAMPLE.per_segment(pair)) > 100


def test_dialogsum_sample_shape():
    rows = dialogsum("sample")
    assert len(rows) == 32 and (DIALOGSUM_SAMPLE / "NOTICE").is_file()
    assert sum(len({r["summary1"], r["summary2"], r["summary3"]}) == 3 for r in rows) > 25
