"""Memory stays linear in the input: two 100,000-token texts through every metric (ROUGE-W at 20,000 tokens on one
line, whose full tables would need 6.4 GB), with the address space capped at 1 GiB above what the process holds
after import. ROUGE-S with unlimited skip is quadratic by definition: refused with the size, before allocating."""
from __future__ import annotations

import subprocess
import sys

import pytest

resource = pytest.importorskip("resource")

SCRIPT = r"""
import resource, re
import numpy as np
import textmetrics as tm

tm.rouge_l("warm up", "warm up"); tm.bleu(["warm up"], ["warm up"])
vm = int(re.search(r"VmSize:\s+(\d+) kB", open("/proc/self/status").read()).group(1)) * 1024
resource.setrlimit(resource.RLIMIT_AS, (vm + (1 << 30), resource.getrlimit(resource.RLIMIT_AS)[1]))

rng = np.random.default_rng(0)
words = [f"w{k}" for k in range(5000)]
a, b = (" ".join(rng.choice(words, 100_000)) for _ in range(2))
lines = lambda t: "\n".join(" ".join(t.split()[i:i + 20]) for i in range(0, 100_000, 20))
tm.rouge([a], [b], ["rouge1", "rouge2", "rouge4", "rougeL", "rougeLsum", "rougeS4", "rougeSU4"])
tm.rouge([lines(a)], [lines(b)], ["rougeLsum"])
tm.rouge_w(" ".join(a.split()[:20_000]), " ".join(b.split()[:20_000]))
tm.bleu([a], [b]); tm.sentence_bleu(a, b); tm.nltk_bleu([[a.split()]], [b.split()])
tm.lcs_length(a.split(), b.split())
try:
    tm.rouge_s(a, b, max_skip=None)
except ValueError as exc:
    assert "skip bigrams" in str(exc) and "limit" in str(exc), exc
else:
    raise AssertionError("unbounded ROUGE-S on 100k tokens was not refused")
# VmHWM, not ru_maxrss: the latter keeps the parent's high-water mark across fork + exec
peak_kb = int(re.search(r"VmHWM:\s+(\d+) kB", open("/proc/self/status").read()).group(1))
print("ok", peak_kb // 1024)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status (Linux)")
def test_100k_tokens_every_metric_within_1_gib():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    status, peak_mb = proc.stdout.split()
    assert status == "ok" and int(peak_mb) < 1024
