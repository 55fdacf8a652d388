"""Feeds every checked kernel entry point (``kernels.engine.K``) wrong types, dtypes, shapes and strides.

Run as a script (``test_engine.py`` does, in a subprocess, so that a crash fails one test instead of killing the
run). The arguments of each entry point are recorded from a real run of the public API (``engine_probe.battery``);
then each argument in turn is replaced by

* value-preserving variants (a list, a strided view, a big-endian or narrower dtype; a NumPy scalar): the call must
  return exactly what the original arguments return;
* invalid variants (``None``, a string, a float where an int is due, a float array for an int array, a 0-d or 2-D
  array, an int beyond 64 bits, any variant of an output buffer): the call must raise TypeError or ValueError.

Prints one JSON line: how many calls of each kind were checked. Exits non-zero on the first violation.
"""
from __future__ import annotations

import copy
import json
import sys

import numpy as np

from engine_probe import battery
from textmetrics.kernels import _spec, engine


def record() -> dict:
    calls: dict = {}
    for name in _spec.EXPORTS:
        checked = getattr(engine.K, name)

        def recorder(*args, _checked=checked, _name=name):
            calls.setdefault(_name, copy.deepcopy(args))
            return _checked(*args)
        setattr(engine.K, name, recorder)
    try:
        battery()
    finally:
        for name in _spec.EXPORTS:
            delattr(engine.K, name)
    return calls


def same(a, b) -> bool:
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def variants(value, code: str):
    """(valid, invalid) replacements for one argument."""
    invalid = [None, "1", b"1", [[1], [2, 3]]]
    if "[" in code:
        if code.endswith("!"):  # an output: only the exact array will do
            strided = np.repeat(value, 2, axis=-1)[..., ::2]
            return [], invalid + [value.tolist(), strided, value.astype(">" + value.dtype.str[1:])]
        valid = [value.tolist(), np.repeat(value, 2, axis=-1)[..., ::2], value.astype(value.dtype.newbyteorder(">"))]
        if value.dtype.kind in "iu" and value.size:
            for narrow in (np.int32, np.uint8):
                if np.iinfo(narrow).min <= value.min() and value.max() <= np.iinfo(narrow).max \
                        and np.dtype(narrow) != value.dtype and np.can_cast(narrow, value.dtype, "safe"):
                    valid.append(value.astype(narrow))
            invalid.append(value.astype(np.float64) + 0.5)
        invalid += [np.asarray(value.ravel()[0] if value.size else 0), value[None]]
        return valid, invalid + [2.5, 7]
    if code in ("i8", "u8"):
        return [np.int64(value), np.uint32(value) if 0 <= value < 2**32 else np.int64(value)], invalid + [2.5, 2**70]
    if code == "f8":
        return [np.float64(value)], invalid + [True]
    return [np.bool_(value)], invalid + [1, 0.0]


def main() -> int:
    calls = record()
    missing = sorted(set(_spec.EXPORTS) - set(calls))
    if missing:
        print(f"entry points never called by the battery: {missing}", file=sys.stderr)
        return 1
    checked = {"coerced": 0, "refused": 0}
    for name, args in calls.items():
        kernel = getattr(engine.K, name)
        codes = _spec.EXPORTS[name][3]
        baseline = kernel(*copy.deepcopy(args))
        try:
            kernel(*copy.deepcopy(args)[:-1])
        except TypeError:
            checked["refused"] += 1
        else:
            print(f"{name}: a missing argument was accepted", file=sys.stderr)
            return 1
        for position, (value, code) in enumerate(zip(args, codes)):
            valid, invalid = variants(value, code)
            for variant in valid:
                trial = list(copy.deepcopy(args))
                trial[position] = variant
                got = kernel(*trial)
                if not same(got, baseline):
                    print(f"{name}: argument {position} as {type(variant).__name__} changed the result",
                          file=sys.stderr)
                    return 1
                checked["coerced"] += 1
            for variant in invalid:
                trial = list(copy.deepcopy(args))
                trial[position] = variant
                try:
                    kernel(*trial)
                except (TypeError, ValueError):
                    checked["refused"] += 1
                else:
                    print(f"{name}: argument {position} = {variant!r:.60} was accepted", file=sys.stderr)
                    return 1
    print(json.dumps({"entry_points": len(calls), **checked}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
