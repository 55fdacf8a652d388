"""Reproducibility signatures: sacrebleu-style ``key:value|...`` strings carried by every result.

A ``Signature`` is a ``str`` (so it prints, compares and serializes as the plain string) that also keeps its fields:
``signature.fields`` is ``{key: value}`` in order, and ``signature.with_resampling(n_samples, seed)`` gives the
signature of a bootstrap over the same settings (sacrebleu's ``bs:N|rs:SEED``, just before ``version``), so no
caller edits signature strings. Only settings that were applied are recorded.
"""
from __future__ import annotations

from typing import Optional

from ._version import __version__

VERSION = f"textmetrics-{__version__}"


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class Signature(str):
    """A signature string with its fields; build one with ``Signature.of(head, [(key, value), ...])``."""

    head: Optional[str]
    _fields: tuple

    def __new__(cls, head: Optional[str], fields) -> "Signature":
        fields = tuple((key, value) for key, value in fields if value is not None)
        if not any(key == "version" for key, _ in fields):
            fields += (("version", VERSION),)
        parts = ([head] if head else []) + [f"{key}:{_text(value)}" for key, value in fields]
        self = super().__new__(cls, "|".join(parts))
        self.head = head
        self._fields = fields
        return self

    @classmethod
    def of(cls, fields, head: Optional[str] = None) -> "Signature":
        """``head|key:value|...|version:textmetrics-<version>``; None values are left out, bools print yes/no."""
        return cls(head, fields)

    @property
    def fields(self) -> dict:
        return dict(self._fields)

    def with_resampling(self, n_samples: Optional[int], seed: Optional[int]) -> "Signature":
        """This signature plus ``bs:<n_samples>|rs:<seed>`` (``rs:none`` for OS entropy) before ``version``;
        itself when ``n_samples`` is falsy."""
        if not n_samples:
            return self
        body = [(k, v) for k, v in self._fields if k not in ("bs", "rs", "version")]
        version = self.fields["version"]
        body += [("bs", int(n_samples)), ("rs", "none" if seed is None else seed), ("version", version)]
        return Signature(self.head, body)

    def __reduce__(self):
        return (Signature, (self.head, self._fields))
