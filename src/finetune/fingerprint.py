"""Fingerprints: what made each output (adapter, prediction files, report), so a rerun reuses only what still fits.

A fingerprint is a JSON object of named *components* (data rows, prompt template, model and tokenizer hashes,
LoRA/quantization settings, generation settings, the adapter's hash, ...) and the SHA-256 of their canonical JSON.
An output is reused only when its recorded fingerprint equals the one the current settings give; otherwise it is
made again, and the log names the components that changed (:func:`changes`).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

VERSION = 1  # bump when the meaning of a component changes: every output is then made again
_CHUNK = 1 << 20


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def hash_obj(obj: Any) -> str:
    return hashlib.sha256(canonical(obj).encode("utf-8")).hexdigest()


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | Path, cache: dict | None = None) -> str:
    """SHA-256 of a file's bytes. With ``cache`` (a dict, e.g. from :class:`HashCache`), a file whose path, size,
    inode and modification time are unchanged is not read again."""
    path = Path(path)
    st = path.stat()
    key = f"{path.resolve()}|{st.st_size}|{st.st_ino}|{st.st_mtime_ns}"
    if cache is not None and key in cache:
        return cache[key]
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
    digest = h.hexdigest()
    if cache is not None:
        cache[key] = digest
    return digest


class HashCache(dict):
    """File hashes kept in a JSON file between runs (the 7B weights take tens of seconds to hash)."""

    def __init__(self, path: str | Path | None):
        super().__init__()
        self.path = Path(path) if path else None
        if self.path and self.path.is_file():
            try:
                self.update(json.loads(self.path.read_text()))
            except (OSError, ValueError):
                pass

    def save(self) -> None:
        if self.path is None:
            return
        try:
            write_json_atomic(self.path, dict(self))
        except OSError:
            pass


_SNAPSHOT = re.compile(r"(?:^|/)snapshots/([0-9a-f]{40})(?:/|$)")


def model_identity(path: str | Path, cache: dict | None = None) -> dict:
    """Path, hub revision (when the folder is a hub-cache snapshot) and a hash of every file in a model folder."""
    path = Path(path).resolve()
    match = _SNAPSHOT.search(path.as_posix())
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    return {
        "path": str(path),
        "revision": match.group(1) if match else None,
        "files": hash_obj({p.name: file_sha256(p, cache) for p in files}),
    }


def tokenizer_identity(tokenizer) -> str:
    """Hash of what the tokenizer does: its full definition (normalizer, model, post-processor) and special ids."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    definition = backend.to_str() if backend is not None else canonical(sorted(tokenizer.get_vocab().items()))
    return hash_obj({
        "definition": hash_bytes(definition.encode("utf-8")),
        "class": type(tokenizer).__name__,
        "special": {name: getattr(tokenizer, f"{name}_token_id", None) for name in ("bos", "eos", "pad", "unk")},
        "chat_template": getattr(tokenizer, "chat_template", None),
    })


def hash_frame(df) -> str:
    """Hash of a DataFrame's rows in order (values only, index ignored)."""
    return hash_obj(df.to_dict("records"))


def make(kind: str, components: dict) -> dict:
    return {"kind": kind, "version": VERSION, "hash": hash_obj([VERSION, components]), "components": components}


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): obj}


def _short(value: Any) -> str:
    text = canonical(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value):
        return value[:12]
    return text if len(text) <= 60 else text[:57] + "..."


def changes(old: dict | None, new: dict) -> list[str]:
    """Human-readable list of the components that differ, e.g. ``generation.max_new_tokens: 12 -> 40``."""
    if not old:
        return ["no fingerprint recorded (made by an older version or interrupted)"]
    if old.get("version") != new.get("version"):
        return [f"fingerprint version {old.get('version')} -> {new.get('version')}"]
    a, b = _flatten(old.get("components", {})), _flatten(new.get("components", {}))
    out = []
    for key in sorted(set(a) | set(b)):
        if a.get(key, "<unset>") != b.get(key, "<unset>"):
            out.append(f"{key}: {_short(a.get(key, '<unset>'))} -> {_short(b.get(key, '<unset>'))}")
    return out or ["(no component differs; the hash does)"]


def matches(old: dict | None, new: dict) -> bool:
    return bool(old) and old.get("hash") == new["hash"]


def read_json(path: str | Path) -> dict | None:
    """A JSON file's object, or None when it is missing or unreadable (e.g. cut off by a kill)."""
    try:
        value = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_json_atomic(path: str | Path, obj: Any) -> None:
    """Write to a temporary file and rename it into place: a reader sees the old file or the new one, never half."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with tmp.open("w") as f:
        f.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def sidecar(path: str | Path) -> Path:
    """Where the fingerprint of a predictions file lives:
    ``predictions-base.jsonl`` -> ``predictions-base.fingerprint.json``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.fingerprint.json")
