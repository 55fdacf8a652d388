"""textmetrics.cli: results equal the reference packages and the API; sacrebleu's command-line habits (closed pipe,
stdin, aliases, exclusive paired tests); every bad input or option is a clear error with the documented exit status.

Most tests run the real program (``python -m textmetrics``) in a subprocess under a timeout, on the in-repo DialogSum
sample or on small files written to tmp_path; the WMT21 test adds volume when ../shared is present.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from shared_data import mt_corpora

from textmetrics import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "dialogsum-sample" / "test.jsonl"
TIMEOUT = 120  # seconds per subprocess: generous on a loaded machine, finite if something hangs


def run(capsys, *argv):
    """In-process ``cli.main``: (exit status, stdout, stderr)."""
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def textmetrics(*argv, stdin=None, env=None, cwd=None) -> subprocess.CompletedProcess:
    """``python -m textmetrics ARGV`` in a subprocess; ``stdin`` is the bytes (or str) piped in (default: none)."""
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    full_env = None if env is None else {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "textmetrics", *map(str, argv)], input=stdin,
                          stdin=subprocess.DEVNULL if stdin is None else None, capture_output=True,
                          timeout=TIMEOUT, env=full_env, cwd=cwd, check=False)


def report(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def quiet(err: bytes) -> bool:
    """No traceback, no "Exception ignored" (a warning, e.g. the engine's about stale compiled kernels, may be
    there)."""
    return not any(word in err for word in (b"Traceback", b"BrokenPipeError", b"Exception ignored"))


def usage_error(done: subprocess.CompletedProcess, *fragments: str) -> str:
    err = done.stderr.decode()
    assert done.returncode == 2, (done.returncode, err)
    assert done.stdout == b"" and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    return err


def input_error(done: subprocess.CompletedProcess, *fragments: str) -> str:
    err = done.stderr.decode()
    assert done.returncode == 1, (done.returncode, err)
    assert done.stdout == b"" and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    return err


def write_lines(path: Path, lines) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sample_rows() -> list[dict]:
    """The 32 dialogues of the in-repo DialogSum sample, each with summary1..3 (always present)."""
    with open(SAMPLE, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture()
def summaries(tmp_path, sample_rows):
    """summary1..3 of the sample as three line-aligned files."""
    paths = [write_lines(tmp_path / f"summary{k}.txt", [r[f"summary{k}"].replace("\n", " ") for r in sample_rows])
             for k in (1, 2, 3)]
    return sample_rows, paths


@pytest.fixture()
def small(tmp_path):
    """Two references, two systems and a third file, three segments each."""
    ref = write_lines(tmp_path / "ref.txt", ["The cat is on the mat.", "hello world", "a b c d e f"])
    sys_a = write_lines(tmp_path / "a.txt", ["The cat and the dog.", "hello there", "a b c d"])
    sys_b = write_lines(tmp_path / "b.txt", ["The cat is on a mat.", "hello world", "f e d c b a"])
    return ref, sys_a, sys_b


# ------------------------------------------------------------------------------------------ parity

def test_rouge_matches_rouge_score(capsys, summaries):
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    rows, (s1, s2, s3) = summaries
    code, out, _ = run(capsys, "rouge", s2, s3, "-c", s1, "--stemmer", "--format", "json", "--per-segment")
    assert code == 0
    got = json.loads(out)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True)
    expected = [scorer.score_multi([r["summary2"], r["summary3"]], r["summary1"]) for r in rows]
    scores = got["systems"][0]["scores"]
    assert list(scores) == ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    for metric, entry in scores.items():
        f = [e[metric].fmeasure for e in expected]
        assert entry["segments"]["fmeasure"] == f
        assert entry["fmeasure"] == math.fsum(f) / len(f)
    assert got["signature"].startswith("rouge1+rouge2+rougeL+rougeLsum|tok:default|stem:yes|ref:best|")


def _bleu_matches_sacrebleu(capsys, refs, hyps, n_samples):
    sacrebleu = pytest.importorskip("sacrebleu")
    code, out, _ = run(capsys, "bleu", *refs, "-c", *hyps, "--format", "json", "--paired-bs",
                       "--paired-samples", n_samples, "--confidence", n_samples)
    assert code == 0
    got = json.loads(out)
    streams = [p.read_text(encoding="utf-8").split("\n")[:-1] for p in refs]
    for entry, hyp in zip(got["systems"], hyps):
        expected = sacrebleu.corpus_bleu(hyp.read_text(encoding="utf-8").split("\n")[:-1], streams)
        assert entry["score"] == expected.score
        assert entry["counts"] == expected.counts and entry["ref_len"] == expected.ref_len
        assert entry["low"] <= entry["score"] <= entry["high"]
    assert "p_value" not in got["systems"][0]
    # the paired bootstrap p-value is sacrebleu's (PairedTest, same seed; float32 ties may flip a trial or two)
    from sacrebleu.significance import PairedTest

    named = [(str(h), h.read_text(encoding="utf-8").split("\n")[:-1]) for h in hyps]
    _, theirs = PairedTest(named, {"BLEU": sacrebleu.metrics.BLEU(references=streams)}, references=None,
                           test_type="bs", n_samples=n_samples)()
    for k, entry in enumerate(got["systems"][1:], start=1):
        assert abs(entry["p_value"] - theirs["BLEU"][k].p_value) <= 2 / (n_samples + 1)
    assert got["signature"].startswith(f"nrefs:{len(refs)}|case:mixed|eff:no|tok:13a|smooth:exp|bs:{n_samples}"
                                       f"|rs:12345|")
    assert got["paired"] == {"test": "bootstrap resampling", "n_samples": n_samples, "seed": 12345,
                             "baseline": str(hyps[0])}


def test_bleu_matches_sacrebleu_for_several_systems(capsys, summaries):
    _, (s1, s2, s3) = summaries
    _bleu_matches_sacrebleu(capsys, [s2, s3], [s1, s3], 100)


# The references and systems the corpus tests read (the WMT21 ones are those these tests have always used).
CLI_CHOICES = {"sample": ("ACB", ("Birch", "Elm"), "Cedar"), "wmt21": ("ACD", ("Online-A", "UEdin"), "UEdin")}


def _corpus_files(corpus, n_refs: int):
    ref_ids, systems, single = CLI_CHOICES[corpus.name]
    refs = [corpus.root / "references" / f"{corpus.prefix}.en-de.ref.{k}.de" for k in ref_ids[:n_refs]]
    hyps = [corpus.root / "system-outputs" / f"{corpus.prefix}.en-de.hyp.{name}.de" for name in systems]
    return refs, hyps, corpus.root / "system-outputs" / f"{corpus.prefix}.en-de.hyp.{single}.de"


@pytest.mark.parametrize("corpus", mt_corpora())
def test_bleu_matches_sacrebleu_on_a_corpus(capsys, corpus):
    refs, hyps, _ = _corpus_files(corpus, 3)
    _bleu_matches_sacrebleu(capsys, refs, hyps, 200)


def test_jsonl_with_a_list_of_references(capsys, tmp_path):
    path = tmp_path / "data.jsonl"
    records = [{"refs": ["the cat sat", "a cat sat down"], "prediction": "the cat sat down"},
               {"refs": ["hello world"], "prediction": "hello there"}]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "rouge", path, "--ref-field", "refs", "--metrics", "rouge1", "--format", "json",
                       "--per-segment")
    assert code == 0
    f = json.loads(out)["systems"][0]["scores"]["rouge1"]["segments"]["fmeasure"]
    # pair 1: best of F(the cat sat; 3/4 P, 1 R) = 6/7 and F(a cat sat down; 3/4, 3/4) = 3/4; pair 2: P = R = 1/2
    assert f == [2 * 0.75 * 1.0 / 1.75, 0.5]


def test_sentence_separator_feeds_rougelsum(capsys, tmp_path):
    ref, cand = tmp_path / "ref.txt", tmp_path / "cand.txt"
    ref.write_text("First sentence.<n>Second Sentence.\n", encoding="utf-8")
    cand.write_text("Second sentence.<n>First Sentence.\n", encoding="utf-8")
    code, out, _ = run(capsys, "rouge", ref, "-c", cand, "--metrics", "rougeL,rougeLsum", "--sentence-sep", "<n>",
                       "--format", "json")
    assert code == 0
    scores = json.loads(out)["systems"][0]["scores"]
    assert (scores["rougeL"]["fmeasure"], scores["rougeLsum"]["fmeasure"]) == (0.5, 1.0)


# ------------------------------------------------------------------------------------------ signatures

def test_signatures_come_from_the_metric_functions(small):
    """The CLI prints the result's own signature; the resampling comes from ``Signature.with_resampling``."""
    from textmetrics.batch import rouge
    from textmetrics.metrics.bleu import bleu

    ref, sys_a, _ = small
    refs = ref.read_text(encoding="utf-8").splitlines()
    cands = sys_a.read_text(encoding="utf-8").splitlines()
    got = report(textmetrics("bleu", ref, "-c", sys_a, "-f", "json", "--lowercase", "--smooth", "floor"))
    assert got["signature"] == bleu(refs, cands, lowercase=True, smooth_method="floor").signature
    expected = rouge(refs, cands, ["rouge1", "rougeL"], stemmer=True).signature
    got = report(textmetrics("rouge", ref, "-c", sys_a, "-f", "json", "-m", "rouge1,rougeL", "--stemmer"))
    assert got["signature"] == expected
    got = report(textmetrics("rouge", ref, "-c", sys_a, "-f", "json", "-m", "rouge1,rougeL", "--stemmer",
                             "--confidence", "50", "--seed", "7"))
    head, _, version = expected.rpartition("|")
    assert got["signature"] == f"{head}|bs:50|rs:7|{version}" == expected.with_resampling(50, 7)
    got = report(textmetrics("bleu", ref, "-c", sys_a, "-f", "json", "--confidence", "50", "--seed", "7"))
    head, _, version = bleu(refs, cands).signature.rpartition("|")
    assert got["signature"] == f"{head}|bs:50|rs:7|{version}"


# ------------------------------------------------------------------------------------------ closed pipe

@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_closed_pipe_is_a_quiet_exit(summaries, unbuffered):
    """``textmetrics ... | head -1``: the reader goes away after one line; no BrokenPipeError traceback."""
    _, (s1, s2, _) = summaries
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    # far more than a pipe holds (64 KiB): 32 segments x 4 metrics x 3 numbers for each of 30 systems, as JSON
    systems = []
    for k in range(30):
        systems.append(s1.parent / f"system{k}.txt")
        shutil.copyfile(s1 if k % 2 else s2, systems[-1])
    argv = [sys.executable, "-m", "textmetrics", "rouge", str(s2), "-c", *map(str, systems), "--per-segment",
            "-f", "json"]
    full = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, env=env, check=False)
    assert full.returncode == 0 and len(full.stdout) > 4 * 65536

    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        first = proc.stdout.readline()
        proc.stdout.close()  # the reader is gone
        err = proc.stderr.read()
        code = proc.wait(timeout=TIMEOUT)
    finally:
        proc.kill()
    assert first == b"{\n"
    assert quiet(err), err.decode()
    assert code == cli.EXIT_PIPE == 141

    head = shutil.which("head")
    if head is None:
        pytest.skip("no head(1) for the shell pipeline")
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as producer:
        consumer = subprocess.run([head, "-1"], stdin=producer.stdout, capture_output=True, timeout=TIMEOUT,
                                  check=False)
        producer.stdout.close()
        err = producer.stderr.read()
        code = producer.wait(timeout=TIMEOUT)
    assert consumer.stdout == b"{\n"
    assert quiet(err) and code == 141, err.decode()


def test_interrupt_is_a_quiet_exit(small):
    """Ctrl-C while reading stdin: exit 130, one line on stderr, no traceback."""
    import platform
    import signal

    if platform.machine() != "x86_64":
        pytest.skip("the wait for read(0, ...) reads x86-64 syscall numbers from /proc")
    ref = small[0]
    proc = subprocess.Popen([sys.executable, "-m", "textmetrics", "rouge", str(ref)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        syscall = Path(f"/proc/{proc.pid}/syscall")
        deadline = time.monotonic() + 30
        while True:  # wait until it blocks in read(0, ...): the candidates from stdin
            try:
                fields = syscall.read_text().split()
            except OSError:
                proc.kill()
                pytest.skip("no /proc/PID/syscall to see the process waiting for stdin")
            if fields[:2] == ["0", "0x0"] or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert out == b"" and quiet(err), err.decode()
    assert err.decode().strip().splitlines()[-1] == "textmetrics: error: interrupted"


# ------------------------------------------------------------------------------------------------ stdin

def test_stdin_for_references_or_candidates(small):
    ref, sys_a, _ = small
    by_files = report(textmetrics("rouge", ref, "-c", sys_a, "-f", "json", "--per-segment"))
    cands_on_stdin = report(textmetrics("rouge", ref, "-c", "-", "-f", "json", "--per-segment",
                                        stdin=sys_a.read_bytes()))
    implicit = report(textmetrics("rouge", ref, "-f", "json", "--per-segment", stdin=sys_a.read_bytes()))
    refs_on_stdin = report(textmetrics("rouge", "-", "-c", sys_a, "-f", "json", "--per-segment",
                                       stdin=ref.read_bytes()))
    for got in (cands_on_stdin, implicit):
        assert got["systems"][0].pop("system") == "<stdin>"
    system = by_files["systems"][0].pop("system")
    assert refs_on_stdin["systems"][0].pop("system") == system
    assert by_files == cands_on_stdin == implicit == refs_on_stdin
    # stdin as one of several systems, and as a JSONL file giving both references and candidates
    two = report(textmetrics("bleu", ref, "-c", sys_a, "-", "-f", "json", stdin=small[2].read_bytes()))
    assert [s["system"] for s in two["systems"]] == [str(sys_a), "<stdin>"]
    pairs = zip(ref.read_text().splitlines(), sys_a.read_text().splitlines())
    records = [{"ref": r, "prediction": c} for r, c in pairs]
    jsonl = report(textmetrics("rouge", "-", "--ref-field", "ref", "-f", "json", "--per-segment",
                               stdin="".join(json.dumps(r) + "\n" for r in records)))
    jsonl["systems"][0].pop("system")
    assert jsonl == by_files


def test_stdin_errors(small, tmp_path):
    ref, sys_a, _ = small
    usage_error(textmetrics("rouge", "-", "-c", "-", stdin="x\n"), "stdin ('-') can be read only once")
    usage_error(textmetrics("bleu", ref, "-c", "-", sys_a, "-", stdin="x\n"), "stdin ('-') can be read only once")
    usage_error(textmetrics("rouge", "-", stdin="x\n"), "give -c CAND_FILE")
    input_error(textmetrics("rouge", ref, "-c", "-", stdin=b"ok\nbad \xff\nok\n"), "<stdin>:2: not valid UTF-8")
    input_error(textmetrics("rouge", ref, "-c", "-", stdin="only one line\n"), "not line-aligned",
                f"{ref}: 3", "<stdin>: 1")
    # no -c and stdin a terminal: nothing to read, say so instead of waiting
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "textmetrics", "rouge", str(ref)], stdin=follower,
                              capture_output=True, timeout=TIMEOUT, check=False)
    finally:
        os.close(leader)
        os.close(follower)
    usage_error(done, "no candidates: give -c CAND_FILE", "or pipe them into stdin")


# ------------------------------------------------------------------------------------------ input errors

class TestInputErrors:
    def test_mismatched_line_counts(self, capsys, tmp_path):
        (tmp_path / "r.txt").write_text("a\nb\n", encoding="utf-8")
        (tmp_path / "c.txt").write_text("a\n", encoding="utf-8")
        code, _, err = run(capsys, "bleu", tmp_path / "r.txt", "-c", tmp_path / "c.txt")
        assert code == 1 and "not line-aligned" in err and "r.txt: 2" in err and "c.txt: 1" in err

    def test_non_utf8_names_file_and_line(self, capsys, tmp_path):
        (tmp_path / "r.txt").write_bytes(b"ok\nstill ok\nbad \xff byte\n")
        (tmp_path / "c.txt").write_text("a\nb\nc\n", encoding="utf-8")
        code, _, err = run(capsys, "rouge", tmp_path / "r.txt", "-c", tmp_path / "c.txt")
        assert code == 1 and "r.txt:3: not valid UTF-8" in err

    def test_missing_file(self, capsys, tmp_path):
        code, _, err = run(capsys, "rouge", tmp_path / "nope.txt", "-c", tmp_path / "nope2.txt")
        assert code == 1 and "nope.txt: cannot read" in err

    def test_bad_jsonl(self, capsys, tmp_path):
        path = tmp_path / "d.jsonl"
        path.write_text('{"refs": "a", "prediction": "a"}\n{"refs": 3, "prediction": "b"}\n', encoding="utf-8")
        code, _, err = run(capsys, "rouge", path, "--ref-field", "refs")
        assert code == 1 and "d.jsonl:2: field 'refs' must be" in err
        path.write_text('{"refs": "a", "prediction": "a"}\nnot json\n', encoding="utf-8")
        code, _, err = run(capsys, "rouge", path, "--ref-field", "refs")
        assert code == 1 and "d.jsonl:2: invalid JSON" in err

    @pytest.mark.parametrize("metric", ["rouge", "bleu"])
    def test_empty_inputs_are_errors(self, tmp_path, small, metric):
        """As in the API (an empty corpus has no score): a clear message naming the input, exit 1."""
        ref, sys_a, _ = small
        empty = tmp_path / "empty.txt"
        empty.write_bytes(b"")
        message = "empty input: no segments"
        input_error(textmetrics(metric, empty, "-c", sys_a), f"{empty}: {message}")
        input_error(textmetrics(metric, ref, "-c", empty), f"{empty}: {message}")
        input_error(textmetrics(metric, ref, "-c", sys_a, empty), f"{empty}: {message}")
        input_error(textmetrics(metric, ref, "-c", "-", stdin=b""), f"<stdin>: {message}")
        input_error(textmetrics(metric, ref, stdin=b""), f"<stdin>: {message}")
        input_error(textmetrics(metric, empty, "--ref-field", "refs"), f"{empty}: {message}")
        # one empty line is one (empty) segment, not an empty input
        one = write_lines(tmp_path / "one.txt", [""])
        assert textmetrics(metric, one, "-c", one).returncode == 0


# ------------------------------------------------------------------------------------------ usage errors

class TestUsageErrors:
    @pytest.mark.parametrize("argv, fragment", [
        (["rouge", "r.txt", "-c", "c.txt", "--metrics", "rouge0"], "unknown ROUGE metric 'rouge0'"),
        (["rouge", "r.txt", "-c", "c.txt", "--metrics", "rouge1,rouge1"], "rouge1"),
        (["rouge", "r.txt", "-c", "c.txt", "--metrics", ","], "no metric given"),
        (["bleu", "r.txt", "-c", "c.txt", "--tokenize", "moses"], "invalid choice: 'moses'"),
        (["bleu", "r.txt", "-c", "c.txt", "--paired-bs"], "need at least two candidate files"),
        (["bleu", "r.txt", "-c", "c.txt", "--smooth-value", "0.5"], "smooth_value"),
        (["rouge", "r.txt", "-c", "c.txt", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required"),
    ])
    def test_usage_errors_exit_2(self, capsys, argv, fragment):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2
        assert fragment in capsys.readouterr().err

    @pytest.mark.parametrize("option", [
        ["--confidence", "0"], ["--confidence", "-5"], ["--confidence", "10000001"], ["--confidence", "many"],
        ["-cin", "0"], ["--paired-bs", "--paired-samples", "-1"], ["--paired-bs", "--paired-bs-n", "0"],
        ["--paired-ar", "--paired-ar-n", "99999999999999999999"], ["--seed", "-1"], ["--seed", "x"],
        ["-w", "-1"], ["--width", "99"],
        ["--metrics", "rougeS99999999999999999999"], ["--metrics", "rougeSU99999999999999999999999999"],
        ["--metrics", "rouge10"],
    ])
    def test_out_of_range_numbers_are_usage_errors(self, small, option):
        ref, sys_a, sys_b = small
        err = usage_error(textmetrics("rouge", ref, "-c", sys_a, sys_b, *option))
        assert "usage: textmetrics rouge" in err

    @pytest.mark.parametrize("option", [
        ["--max-order", "0"], ["--max-order", "101"], ["--max-order", str(2 ** 62)], ["--smooth-value", "-1"],
        ["--smooth", "floor", "--smooth-value", "inf"], ["--smooth", "add-k", "-sv", "nan"],
    ])
    def test_out_of_range_bleu_options(self, small, option):
        ref, sys_a, _ = small
        usage_error(textmetrics("bleu", ref, "-c", sys_a, *option), "usage: textmetrics bleu")

    def test_paired_tests_are_mutually_exclusive(self, small):
        ref, sys_a, sys_b = small
        usage_error(textmetrics("bleu", ref, "-c", sys_a, sys_b, "--paired-bs", "--paired-ar"),
                    "--paired-ar/-par: not allowed with argument --paired-bs/-pbs")
        usage_error(textmetrics("rouge", ref, "-c", sys_a, sys_b, "-par", "-pbs"), "not allowed with argument")

    @pytest.mark.parametrize("option, fragment", [
        (["--paired-samples", "10"], "--paired-samples needs --paired-bs or --paired-ar"),
        (["--paired-bs-n", "10"], "--paired-bs-n needs --paired-bs or --paired-ar"),
        (["--paired-ar", "--paired-bs-n", "10"], "--paired-bs-n is for --paired-bs, not --paired-ar"),
        (["--paired-bs", "--paired-ar-n", "10"], "--paired-ar-n is for --paired-ar, not --paired-bs"),
        (["--paired-bs", "--paired-bs-n", "10", "--paired-samples", "20"], "disagree"),
        (["--confidence", "10", "--confidence-n", "20"], "--confidence 10 and --confidence-n 20 disagree"),
    ])
    def test_conflicting_counts(self, small, option, fragment):
        ref, sys_a, sys_b = small
        usage_error(textmetrics("rouge", ref, "-c", sys_a, sys_b, *option), fragment)

    def test_the_same_file_twice_as_two_systems(self, small):
        """Not a silently dropped paired test (sacrebleu skips a repeated baseline): an error, exit 2."""
        ref, sys_a, sys_b = small
        for extra in ([], ["--paired-bs"], ["--paired-ar"]):
            usage_error(textmetrics("rouge", ref, "-c", sys_a, sys_a, *extra),
                        f"'{sys_a}' is given twice as a system (-c)")
            usage_error(textmetrics("bleu", ref, "-c", sys_a, sys_b, sys_a, *extra), "given twice")
        alias = sys_a.parent / "link.txt"
        alias.symlink_to(sys_a)
        usage_error(textmetrics("bleu", ref, "-c", sys_a, alias, "--paired-bs"),
                    f"'{sys_a}' and '{alias}' are the same file")
        usage_error(textmetrics("rouge", "ref.txt", "-c", "a.txt", "./a.txt", cwd=sys_a.parent),
                    "'a.txt' and './a.txt' are the same file")
        # the same text in two different files is two systems (and a reference may be scored as a system)
        copy = sys_a.parent / "copy.txt"
        shutil.copyfile(sys_a, copy)
        got = report(textmetrics("rouge", ref, "-c", sys_a, copy, ref, "--paired-bs", "--paired-samples", "20",
                                 "-f", "json"))
        assert [s["scores"]["rouge1"].get("p_value") is not None for s in got["systems"]] == [False, True, True]


# ------------------------------------------------------------------------------------- per-segment

def _rouge_api(refs_path, cand_path, metrics):
    from textmetrics.batch import rouge

    refs = refs_path.read_text(encoding="utf-8").splitlines()
    cands = cand_path.read_text(encoding="utf-8").splitlines()
    return rouge(refs, cands, metrics)


@pytest.mark.parametrize("fmt", ["table", "text", "json", "csv"])
def test_rouge_per_segment_in_every_format(small, fmt):
    ref, sys_a, sys_b = small
    metrics = ["rouge1", "rougeL"]
    done = textmetrics("rouge", ref, "-c", sys_a, sys_b, "-m", ",".join(metrics), "--per-segment", "-f", fmt,
                       "--paired-bs", "--paired-samples", "30")
    assert done.returncode == 0, done.stderr.decode()
    text = done.stdout.decode()
    expected = {path: _rouge_api(ref, path, metrics) for path in (sys_a, sys_b)}
    if fmt == "json":
        got = json.loads(text)
        for system in got["systems"]:
            for m in metrics:
                api = expected[Path(system["system"])][m]
                assert system["scores"][m]["segments"] == {k: getattr(api, k).tolist()
                                                           for k in ("precision", "recall", "fmeasure")}
        return
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0]) == ["system", "segment", "metric", "precision", "recall", "fmeasure", "p_value"]
        segment_rows = [r for r in rows if r["segment"] != "corpus"]
        assert len(segment_rows) == 2 * 3 * len(metrics)
        for r in segment_rows:
            api = expected[Path(r["system"])][r["metric"]]
            i = int(r["segment"]) - 1
            assert float(r["fmeasure"]) == api.fmeasure[i] and float(r["precision"]) == api.precision[i]
            assert r["p_value"] == ""
        corpus = [r for r in rows if r["segment"] == "corpus"]
        assert [(r["system"], r["metric"]) for r in corpus] == [(str(p), m) for p in (sys_a, sys_b) for m in metrics]
        assert corpus[0]["p_value"] == ""
        # each metric's p-value: the library's paired bootstrap on the per-segment F (30 samples, seed 12345)
        from textmetrics.significance import mean_of_stats, mean_score_stats, paired_bootstrap

        for r in corpus[len(metrics):]:
            baseline = mean_score_stats(expected[sys_a][r["metric"]].fmeasure)
            system = mean_score_stats(expected[sys_b][r["metric"]].fmeasure)
            assert float(r["p_value"]) == paired_bootstrap(baseline, system, mean_of_stats, n_samples=30,
                                                           seed=12345).p_value
        return
    lines = text.splitlines()
    assert lines[0].split() == ["system", "segment", "metric", "precision", "recall", "fmeasure", "p_value"]
    body = [line.split() for line in lines[2:] if line.strip()][:2 * (1 + 3) * len(metrics)]
    for cells in body:
        if cells[1] == "corpus":
            continue
        api = expected[Path(cells[0])][cells[2]]
        i = int(cells[1]) - 1
        assert cells[3:6] == [f"{100 * getattr(api, k)[i]:.2f}" for k in ("precision", "recall", "fmeasure")]
    assert sum(cells[1] != "corpus" for cells in body) == 2 * 3 * len(metrics)


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_bleu_per_segment_in_every_format(small, fmt):
    from textmetrics.metrics.bleu import sentence_bleu

    ref, sys_a, _ = small
    refs = ref.read_text(encoding="utf-8").splitlines()
    cands = sys_a.read_text(encoding="utf-8").splitlines()
    expected = [sentence_bleu(r, c) for r, c in zip(refs, cands)]
    done = textmetrics("bleu", ref, "-c", sys_a, "--per-segment", "-f", fmt)
    assert done.returncode == 0, done.stderr.decode()
    text = done.stdout.decode()
    if fmt == "json":
        seg = json.loads(text)["systems"][0]["segment_scores"]
        assert seg == {"score": [e.score for e in expected], "bp": [e.bp for e in expected],
                       "sys_len": [e.sys_len for e in expected], "ref_len": [e.ref_len for e in expected]}
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["segment"] for r in rows] == ["corpus", "1", "2", "3"]
        assert [float(r["bleu"]) for r in rows[1:]] == [e.score for e in expected]
        assert [int(r["sys_len"]) for r in rows[1:]] == [e.sys_len for e in expected]
    else:
        lines = text.splitlines()
        assert lines[0].split() == ["system", "segment", "bleu", "bp", "sys_len", "ref_len"]
        cells = [line.split() for line in lines[3:6]]
        assert [c[1] for c in cells] == ["1", "2", "3"]
        assert [c[2] for c in cells] == [f"{e.score:.4f}" for e in expected]


def test_without_per_segment_no_segment_column(small):
    ref, sys_a, _ = small
    for fmt in ("table", "csv"):
        out = textmetrics("rouge", ref, "-c", sys_a, "-f", fmt).stdout.decode()
        assert "segment" not in out.splitlines()[0] and "corpus" not in out


# ------------------------------------------------------------------------------------------ aliases

@pytest.mark.parametrize("metric, canonical, alias", [
    ("rouge", ["-c", "{a}", "{b}"], ["-i", "{a}", "{b}"]),
    ("rouge", ["-c", "{a}", "{b}"], ["--input", "{a}", "{b}"]),
    ("rouge", ["--cand", "{a}", "--metrics", "rouge1,rougeL"], ["-c", "{a}", "-m", "rouge1,rougeL"]),
    ("rouge", ["-c", "{a}", "--per-segment"], ["-c", "{a}", "--sentence-level"]),
    ("rouge", ["-c", "{a}", "--per-segment"], ["-c", "{a}", "-sl"]),
    ("rouge", ["-c", "{a}", "--confidence", "40"], ["-c", "{a}", "--confidence-n", "40"]),
    ("rouge", ["-c", "{a}", "--confidence", "40"], ["-c", "{a}", "-ci", "-cin", "40"]),
    ("rouge", ["-c", "{a}", "--confidence", "40"], ["-c", "{a}", "--confidence", "40", "--confidence-n", "40"]),
    ("rouge", ["-c", "{a}", "--confidence"], ["-c", "{a}", "--confidence", "1000"]),
    ("rouge", ["-c", "{a}", "{b}", "--paired-bs", "--paired-samples", "30"],
     ["-c", "{a}", "{b}", "--paired-bs", "--paired-bs-n", "30"]),
    ("rouge", ["-c", "{a}", "{b}", "--paired-bs", "--paired-samples", "30"],
     ["-c", "{a}", "{b}", "-pbs", "-pbsn", "30"]),
    ("bleu", ["-c", "{a}", "{b}", "--paired-ar", "--paired-samples", "30"],
     ["-c", "{a}", "{b}", "--paired-ar", "--paired-ar-n", "30"]),
    ("bleu", ["-c", "{a}", "{b}", "--paired-ar", "--paired-samples", "30"],
     ["-i", "{a}", "{b}", "-par", "-parn", "30"]),
    ("bleu", ["-c", "{a}", "{b}", "--paired-ar"], ["-c", "{a}", "{b}", "--paired-ar", "--paired-ar-n", "10000"]),
    ("bleu", ["-c", "{a}", "--smooth", "floor", "--smooth-value", "0.2"],
     ["-c", "{a}", "--smooth-method", "floor", "-sv", "0.2"]),
    ("bleu", ["-c", "{a}", "--smooth", "add-k"], ["-c", "{a}", "-s", "add-k"]),
    ("bleu", ["-c", "{a}", "--tokenize", "char", "--lowercase"], ["-c", "{a}", "-tok", "char", "-lc"]),
    ("bleu", ["-c", "{a}"], ["-c", "{a}", "-q"]),
])
def test_sacrebleu_aliases(small, metric, canonical, alias):
    """sacrebleu's flag names mean the same here: the same JSON report."""
    ref, sys_a, sys_b = small

    def expand(args):
        return [str(a).format(a=sys_a, b=sys_b) for a in args]

    base = report(textmetrics(metric, ref, *expand(canonical), "-f", "json"))
    assert report(textmetrics(metric, ref, *expand(alias), "--format", "json")) == base


def test_format_and_width_aliases(small):
    ref, sys_a, _ = small
    table = textmetrics("bleu", ref, "-c", sys_a).stdout
    assert textmetrics("bleu", ref, "-c", sys_a, "-f", "text").stdout == table
    assert textmetrics("bleu", ref, "-c", sys_a, "--format", "table").stdout == table
    assert textmetrics("bleu", ref, "-c", sys_a, "-f", "csv").stdout.startswith(b"system,bleu,bp,sys_len,ref_len\n")
    assert json.loads(textmetrics("bleu", ref, "-c", sys_a, "-f", "json").stdout)["metric"] == "bleu"
    from textmetrics.metrics.bleu import bleu

    score = bleu(ref.read_text().splitlines(), sys_a.read_text().splitlines())
    for width in (0, 1, 6):
        for flag in ("-w", "--width"):
            row = textmetrics("bleu", ref, "-c", sys_a, flag, width).stdout.decode().splitlines()[2].split()
            assert row[1:3] == [f"{score.score:.{width}f}", f"{score.bp:.{width}f}"]
    row = textmetrics("rouge", ref, "-c", sys_a, "-m", "rouge1", "-w", 3).stdout.decode().splitlines()[2].split()
    result = _rouge_api(ref, sys_a, ["rouge1"]).mean()["rouge1"]
    assert row[2:] == [f"{100 * result.precision:.3f}", f"{100 * result.recall:.3f}", f"{100 * result.fmeasure:.3f}"]


def test_version_flags():
    from textmetrics import __version__

    for flag in ("--version", "-V"):
        done = textmetrics(flag)
        assert done.returncode == 0 and done.stdout.decode().strip() == f"textmetrics {__version__}"


def test_help_lists_the_aliases():
    done = textmetrics("bleu", "--help")
    assert done.returncode == 0
    text = done.stdout.decode()
    for flag in ("-i", "--input", "-f", "--format", "-w", "--width", "--paired-bs-n", "--paired-ar-n",
                 "--confidence-n", "-sl", "--smooth-method", "-sv", "-tok", "-lc", "-q"):
        assert f"{flag}" in text, flag


# ------------------------------------------------------------------------------------------ output

def test_utf8_output_whatever_the_locale(tmp_path):
    ref = write_lines(tmp_path / "ref.txt", ["Grüße aus Köln"])
    done = textmetrics("rouge", ref, "-c", ref, "-f", "json", env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"},
                       cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    table = textmetrics("rouge", "ref.txt", "-c", "ref.txt", env={"PYTHONIOENCODING": "ascii"}, cwd=tmp_path)
    assert table.returncode == 0 and b"ref.txt" in table.stdout
    weird = write_lines(tmp_path / "Köln.txt", ["Grüße aus Köln"])
    done = textmetrics("rouge", ref, "-c", weird.name, "-f", "json", env={"PYTHONIOENCODING": "ascii"},
                       cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout.decode("utf-8"))["systems"][0]["system"] == "Köln.txt"


def test_module_entry_point(tmp_path):
    (tmp_path / "r.txt").write_text("The cat is on the mat.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("The cat and the dog.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "textmetrics", "rouge", str(tmp_path / "r.txt"), "-c",
                           str(tmp_path / "c.txt"), "--metrics", "rouge1", "--format", "csv"],
                          capture_output=True, text=True, check=True, timeout=TIMEOUT)
    assert done.stdout.splitlines()[1].split(",")[2:] == ["0.6", "0.5", repr(2 * 0.6 * 0.5 / 1.1)]


def test_registry_has_a_place_for_more_metrics():
    """chrf/ter subcommands register a Command; the parser and the output formats pick it up."""
    assert {"rouge", "bleu", "chrf", "ter"} <= set(cli.COMMANDS)
    parser = cli.build_parser()
    for name in cli.COMMANDS:
        args = parser.parse_args([name, "r.txt", "-c", "c.txt"])
        assert args.command == name and args.parser.prog == f"textmetrics {name}"


@pytest.mark.parametrize("metric", ["rouge", "bleu", "chrf", "ter"])
def test_chunked_scoring_equals_one_call(capsys, monkeypatch, summaries, metric):
    """Inputs longer than CHUNK are scored in several compiled calls: the same report as one call."""
    _, (s1, s2, s3) = summaries
    argv = [metric, s2, s3, "-c", s1, "-f", "json", "--per-segment", "--confidence", "20"]
    code, whole, _ = run(capsys, *argv)
    monkeypatch.setattr(cli, "CHUNK", 5)  # 32 segments: 7 calls, the last one short
    code_chunked, chunked, _ = run(capsys, *argv)
    assert code == code_chunked == 0 and json.loads(chunked) == json.loads(whole)


# ------------------------------------------------------------------------------------------ chrF and TER

def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


CHRF_OPTIONS = [
    ([], {}),
    (["-cw", "2"], {"word_order": 2}),
    (["--chrf-char-order", "4", "--chrf-word-order", "1", "--chrf-beta", "3"],
     {"char_order": 4, "word_order": 1, "beta": 3}),
    (["--chrf-lowercase", "--chrf-whitespace", "--chrf-eps-smoothing"],
     {"lowercase": True, "whitespace": True, "eps_smoothing": True}),
    (["-cc", "0", "-cw", "2", "--chrf-beta", "1.5"], {"char_order": 0, "word_order": 2, "beta": 1.5}),
]

TER_OPTIONS = [
    ([], {}),
    (["--ter-normalized"], {"normalized": True}),
    (["--ter-no-punct", "--ter-case-sensitive"], {"no_punct": True, "case_sensitive": True}),
    (["--ter-normalized", "--ter-asian-support", "--ter-no-punct"],
     {"normalized": True, "asian_support": True, "no_punct": True}),
]


def _sacrebleu_metric(metric: str, options: dict):
    sacrebleu = pytest.importorskip("sacrebleu")
    return sacrebleu.CHRF(**options) if metric == "chrf" else sacrebleu.TER(**options)


def _matches_sacrebleu(capsys, metric, flags, options, refs, hyps):
    code, out, err = run(capsys, metric, *refs, "-c", *hyps, *flags, "-f", "json", "--per-segment")
    assert code == 0, err
    got = json.loads(out)
    streams = [_lines(p) for p in refs]
    scorer = _sacrebleu_metric(metric, options)
    signature = None
    for entry, hyp in zip(got["systems"], hyps):
        hyp_lines = _lines(hyp)
        expected = scorer.corpus_score(hyp_lines, streams)
        assert entry["score"] == expected.score, (flags, hyp)
        assert entry["text"] == f"{expected.name} = {expected.score:.2f}"
        if metric == "ter":
            assert (entry["num_edits"], entry["ref_length"]) == (expected.num_edits, expected.ref_length)
        else:
            assert entry["name"] == expected.name
        sentences = [scorer.sentence_score(h, list(r)).score for h, r in zip(hyp_lines, zip(*streams))]
        assert entry["segment_scores"]["score"] == sentences, (flags, hyp)
        signature = str(scorer.get_signature())
    # sacrebleu's fields and values, with this package's version at the end
    assert got["signature"].rsplit("|version:", 1)[0] == signature.rsplit("|version:", 1)[0]


@pytest.mark.parametrize("flags, options", CHRF_OPTIONS)
def test_chrf_matches_sacrebleu(capsys, summaries, flags, options):
    _, (s1, s2, s3) = summaries
    _matches_sacrebleu(capsys, "chrf", flags, options, [s2, s3], [s1, s3])


@pytest.mark.parametrize("flags, options", TER_OPTIONS)
def test_ter_matches_sacrebleu(capsys, summaries, flags, options):
    _, (s1, s2, s3) = summaries
    _matches_sacrebleu(capsys, "ter", flags, options, [s2, s3], [s1, s3])


@pytest.mark.parametrize("metric, flags, options", [("chrf", ["-cw", "2"], {"word_order": 2}), ("ter", [], {})])
@pytest.mark.parametrize("corpus", mt_corpora())
def test_chrf_ter_match_sacrebleu_on_a_corpus(capsys, tmp_path, corpus, metric, flags, options):
    refs, _, single = _corpus_files(corpus, 2)
    hyps = [single]
    if metric == "ter":  # sacrebleu's TER is slow: the first 300 segments
        lines = {p: _lines(p)[:300] for p in refs + hyps}
        refs = [write_lines(tmp_path / p.name, lines[p]) for p in refs]
        hyps = [write_lines(tmp_path / p.name, lines[p]) for p in hyps]
    _matches_sacrebleu(capsys, metric, flags, options, refs, hyps)


@pytest.mark.parametrize("metric", ["chrf", "ter"])
def test_chrf_ter_table_prints_sacrebleus_numbers(summaries, metric):
    """The table's one-line summary is sacrebleu's own printed line (``sacrebleu -m chrf|ter``)."""
    pytest.importorskip("sacrebleu")
    _, (s1, s2, _) = summaries
    done = textmetrics(metric, s2, "-c", s1)
    assert done.returncode == 0, done.stderr.decode()
    ours = done.stdout.decode().splitlines()
    command = [sys.executable, "-m", "sacrebleu", str(s2), "-i", str(s1), "-m", metric, "-f", "text", "-w", "2"]
    theirs = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=True).stdout.split()
    # sacrebleu -f text: "chrF2|nrefs:1|...|version:2.6.0 = 46.98" (or "TER|... = 80.12")
    name, value = theirs[0].split("|")[0], theirs[-1]
    assert f"{s1}: {name} = {value}" in ours


@pytest.mark.parametrize("metric, options", [("chrf", {}), ("ter", {})])
def test_chrf_ter_confidence_near_sacrebleu(capsys, summaries, metric, options):
    """The same resamples as sacrebleu's (same seed); sacrebleu scores them in float32, this CLI in float64, so the
    mean and half-width agree to float32 precision."""
    _, (s1, s2, s3) = summaries
    code, out, _ = run(capsys, metric, s2, s3, "-c", s1, "-f", "json", "--confidence", 200)
    assert code == 0
    got = json.loads(out)
    entry = got["systems"][0]
    expected = _sacrebleu_metric(metric, options).corpus_score(_lines(s1), [_lines(s2), _lines(s3)],
                                                               n_bootstrap=200)
    assert entry["score"] == expected.score
    assert entry["mean"] == pytest.approx(float(expected._mean), abs=1e-3)
    assert entry["ci"] == pytest.approx(float(expected._ci), abs=1e-3)
    assert entry["low"] <= entry["score"] <= entry["high"]
    assert "|bs:200|rs:12345|version:" in got["signature"]


@pytest.mark.parametrize("metric, test, n", [("chrf", "bs", 200), ("chrf", "ar", 300), ("ter", "bs", 200),
                                             ("ter", "ar", 300)])
def test_chrf_ter_paired_tests_match_sacrebleu(capsys, summaries, metric, test, n):
    from sacrebleu.significance import PairedTest

    _, (s1, s2, s3) = summaries
    code, out, _ = run(capsys, metric, s3, "-c", s1, s2, "-f", "json", f"--paired-{test}", "--paired-samples", n)
    assert code == 0
    got = json.loads(out)
    scorer = _sacrebleu_metric(metric, {})
    systems = [(str(s1), _lines(s1)), (str(s2), _lines(s2))]
    _, results = PairedTest(systems, {scorer.__class__.__name__: scorer}, [_lines(s3)], test_type=test,
                            n_samples=n)()
    expected = next(v for k, v in results.items() if k != "System")[1]
    assert got["systems"][1]["score"] == expected.score
    assert got["systems"][1]["p_value"] == expected.p_value
    assert "p_value" not in got["systems"][0]


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_chrf_ter_rows(small, fmt):
    from textmetrics import sentence_chrf, sentence_ter

    ref, sys_a, _ = small
    refs, cands = _lines(ref), _lines(sys_a)
    for metric, fn in (("chrf", sentence_chrf), ("ter", sentence_ter)):
        done = textmetrics(metric, ref, "-c", sys_a, "--per-segment", "-f", fmt)
        assert done.returncode == 0, done.stderr.decode()
        text = done.stdout.decode()
        expected = [fn([r], c).score for r, c in zip(refs, cands)]
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(text)))
            assert [r["segment"] for r in rows] == ["corpus", "1", "2", "3"]
            assert [float(r[metric]) for r in rows[1:]] == expected
        else:
            lines = text.splitlines()
            column = lines[0].split().index(metric)
            assert [line.split()[column] for line in lines[3:6]] == [f"{e:.4f}" for e in expected]


@pytest.mark.parametrize("argv, fragment", [
    (["chrf", "-cc", "0"], "both 0"),
    (["chrf", "-cw", "-1"], "--chrf-word-order"),
    (["chrf", "--chrf-beta", "nan"], "--chrf-beta"),
    (["chrf", "--chrf-beta", "-2"], "--chrf-beta"),
    (["ter", "--ter-bogus"], "unrecognized"),
])
def test_chrf_ter_usage_errors(small, argv, fragment):
    ref, sys_a, _ = small
    usage_error(textmetrics(argv[0], ref, "-c", sys_a, *argv[1:]), fragment)


def test_chrf_ter_help_lists_sacrebleus_names():
    for metric, flags in (("chrf", ("--chrf-char-order", "-cc", "--chrf-word-order", "-cw", "--chrf-beta",
                                    "--chrf-whitespace", "--chrf-lowercase", "--chrf-eps-smoothing")),
                          ("ter", ("--ter-normalized", "--ter-no-punct", "--ter-asian-support",
                                   "--ter-case-sensitive"))):
        text = textmetrics(metric, "--help").stdout.decode()
        for flag in flags:
            assert flag in text, flag
