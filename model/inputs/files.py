"""Reading the files users hand to westdev, bounded and strict — docs/design.md §9.

Scenario and experiment files (TOML), schedule CSVs and store manifests (JSON) are data from
outside: a path may name a directory, a FIFO, ``/dev/zero``, a file of gigabytes or text nested
thousands of levels deep. Every reader here therefore

- accepts only a **regular file** (checked on the open descriptor, so a FIFO never blocks) of at
  most a **size limit** (read with a cap, so a growing file cannot exhaust memory);
- decodes **UTF-8**, accepting a leading byte-order mark (editors on Windows write one);
- limits **nesting depth** (TOML and JSON) to `MAX_DEPTH` levels;

and turns every failure into one `InputError` naming the file. `escape` is what messages use to
show keys and values that may hold control characters.

May import: ``westdev.errors`` (and it reads the package data ``westdev.scenarios``).
"""

from __future__ import annotations

import difflib
import json
import os
import stat
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from westdev.errors import InputError, escape

MAX_TOML_BYTES = 4 * 2**20  # a scenario or experiment file: a few KB in practice
MAX_CSV_BYTES = 32 * 2**20  # a schedule: a few hundred rows in practice
MAX_JSON_BYTES = 64 * 2**20  # a store's manifest (requests inline their scenarios)
MAX_DEPTH = 32  # tables within tables (the deepest legitimate input has about 6)

__all__ = ["MAX_CSV_BYTES", "MAX_DEPTH", "MAX_JSON_BYTES", "MAX_TOML_BYTES", "check_depth",
           "escape", "load_json", "load_toml", "locate_shipped", "read_text", "shipped_names"]

SHIPPED = "westdev.scenarios"  # the package data folder of shipped TOML files


def shipped_names(folder: str) -> list[str]:
    """Names (without ``.toml``) of the files shipped in ``westdev.scenarios/<folder>``."""
    root = resources.files(SHIPPED).joinpath(folder)
    if not root.is_dir():
        return []
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def locate_shipped(path_or_name: str | Path, folder: str, kind: str) -> Path:
    """A user's path, or else a shipped file of ``westdev.scenarios/<folder>`` by name;
    `kind` names the file in messages ("experiment", "policy search")."""
    path = Path(path_or_name)
    if path.exists():
        if path.is_dir():
            raise InputError(f"is a directory, not {_article(kind)} {kind} file",
                             file=str(path), allowed=f"a .toml {kind} file")
        return path
    name = str(path_or_name)
    fname = name if name.endswith(".toml") else f"{name}.toml"
    if "/" not in name and "\\" not in name:
        entry = resources.files(SHIPPED).joinpath(folder, fname)
        if entry.is_file():
            return Path(str(entry))
    names = shipped_names(folder)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise InputError(f"no such {kind} file{hint}", file=name,
                     allowed=f"a path to a .toml file or a shipped {kind}: " + ", ".join(names))


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def read_text(path: str | Path, *, limit: int, what: str = "file",
              field: str | None = None, file: str | None = None) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes (a BOM is dropped).

    `file` and `field` name where the path came from in messages (default: the path itself).
    """
    path = Path(path)
    where = file if file is not None else str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(f"{_name(path, file, what)}not found", file=where, field=field) from None
    except IsADirectoryError:
        raise InputError(f"{_name(path, file, what)}is a directory, not a {what}", file=where,
                         field=field, allowed=f"a {what}") from None
    except OSError as exc:
        raise InputError(f"{_name(path, file, what)}cannot be read: {exc.strerror or exc}",
                         file=where, field=field) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{_name(path, file, what)}is a directory, not a {what}", file=where,
                             field=field, allowed=f"a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{_name(path, file, what)}is not a regular file (a device, FIFO or "
                             f"socket)", file=where, field=field, allowed=f"a {what}")
        if info.st_size > limit:
            raise _too_large(path, file, limit, what, field)
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(2**20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise _too_large(path, file, limit, what, field)
    except OSError as exc:
        raise InputError(f"{_name(path, file, what)}cannot be read: {exc.strerror or exc}",
                         file=where, field=field) from None
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{_name(path, file, what)}is not UTF-8 text (byte {exc.start})", file=where,
                         field=field, allowed=f"a UTF-8 {what}") from None


def load_toml(path: str | Path, *, what: str = "TOML file",
              allowed: str = "TOML syntax, see scenarios/README.md") -> dict[str, Any]:
    """A TOML file read with `read_text` and parsed, its nesting checked (`InputError`)."""
    file = str(path)
    text = read_text(path, limit=MAX_TOML_BYTES, what=what)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        if "end of document" in msg:
            msg += f" (line {max(1, len(text.splitlines()))})"
        raise InputError(f"invalid TOML: {msg}", file=file, allowed=allowed) from None
    except RecursionError:
        raise InputError(f"nested more than {MAX_DEPTH} levels deep", file=file,
                         allowed=f"at most {MAX_DEPTH} levels of tables and lists") from None
    check_depth(raw, file=file)
    return raw


def load_json(path: str | Path, *, what: str = "JSON file", remedy: str | None = None) -> Any:
    """A JSON file read with `read_text` and parsed, its nesting checked (`InputError`)."""
    file = str(path)
    text = read_text(path, limit=MAX_JSON_BYTES, what=what)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"damaged {what}: {exc}", file=file, allowed=remedy) from None
    except RecursionError:
        raise InputError(f"damaged {what}: nested more than {MAX_DEPTH} levels deep",
                         file=file, allowed=remedy) from None
    check_depth(data, file=file)
    return data


def check_depth(value: Any, *, file: str | None = None, limit: int = MAX_DEPTH) -> None:
    """`InputError` when tables and lists nest more than `limit` levels (checked without
    recursion, so a hostile file cannot exhaust the stack here)."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        item, depth, where = stack.pop()
        if depth > limit:
            raise InputError(f"nested more than {limit} levels deep", file=file,
                             field=where or None, allowed=f"at most {limit} levels of "
                             "tables and lists")
        if isinstance(item, Mapping):
            for key, sub in item.items():
                if isinstance(sub, Mapping | list):
                    stack.append((sub, depth + 1, f"{where}.{key}" if where else str(key)))
        elif isinstance(item, list):
            for sub in item:
                if isinstance(sub, Mapping | list):
                    stack.append((sub, depth + 1, where))


def _name(path: Path, file: str | None, what: str) -> str:
    """The path, when the message is about another file (a CSV named in a scenario)."""
    return f"{what} '{path}' " if file is not None and file != str(path) else ""


def _too_large(path: Path, file: str | None, limit: int, what: str,
               field: str | None) -> InputError:
    return InputError(f"{_name(path, file, what)}is larger than {limit // 2**20} MB",
                      file=file if file is not None else str(path), field=field,
                      allowed=f"a {what} of at most {limit // 2**20} MB")
