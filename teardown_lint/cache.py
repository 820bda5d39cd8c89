"""The cache in `.teardown_lint_cache/` at the project root: per-file facts, whole analyses, and
what `check` derives from an analysis.

Four kinds of entry, each one file, written atomically (a temporary file, then `os.replace`), so two
runs at the same time never see half an entry; the last writer wins, and both wrote the same thing.
An entry that does not load (truncated, garbage, an old format) is a miss, never an error.

- **Facts** (`facts/<salt>/<file>/<content>.pickle`), keyed by the file's content hash, its path, module name and
  `is_package`, and `facts_salt()`: the tool's version, the Python version (`ast` follows the
  interpreter's grammar) and the source of the extractor itself (`extract.py`, `facts.py`).
  Packs and configuration are not in the key because `extract()` never sees them: it takes the
  bytes, the path, the module name and `is_package` only (test_speed.py pins that signature),
  and library knowledge is applied when facts are linked. A change to any file therefore
  re-extracts that file only. Each file keeps its `MAX_VERSIONS` newest entries, and a new
  tool version drops the old one's.
- **Runs** (`runs/<slot>.pickle`): the analysis of one set of targets (findings before selection
  and suppressions, errors, counts, and every read file's lines for the reporters), valid while
  everything it was computed from is unchanged: the content of every file read, the listing of
  the project's Python files (a new module can change what an import means), the packs and
  configured calls, pytest's settings files, the analysis code itself (`run_salt()`). A warm run
  with nothing changed then only lists the project and hashes the files it read. Any change
  (a conftest.py, a helper) recomputes the analysis from the facts, so findings always follow the
  code: the cheap part is skipped, never the correct part.
- **Fixes** (`fixes/<key>.pickle`): the fixes `check` shows for the findings of one run entry,
  keyed by that entry's token (its stamp and the digests of every file it read, which includes
  every file a fix touches), the fix settings and the findings selected (a fix's names depend on
  the fixes planned before it in the same file). A warm `check` then neither parses with libcst
  nor plans.
- **Dependents** (`dependents/<key>.pickle`): the test files a run given helpers or conftest.py
  files must also check (`affected`), keyed by the files given, pytest's `python_files` and a
  digest of every project file's bytes (any file may start importing a helper).

One pickle per file, not one shard file: a shard would be rewritten whole on every change and
needs a lock against concurrent runs, and it would save little: reading sqlalchemy's 664 entries
(69 MB, one file each) takes 94 ms, decoding them 2.8 s, which a shard costs just the same.
"""

from __future__ import annotations

import hashlib
import io
import operator
import os
import pickle
import secrets
import shutil
import sys
from dataclasses import fields, is_dataclass
from pathlib import Path

from . import __version__
from . import facts as facts_module
from .facts import FileFacts

CACHE_DIR = ".teardown_lint_cache"
FORMAT = b"teardown-lint-cache 1\n"  # bump when an entry's layout changes
MAX_RUNS = 16  # entries of each kind but facts kept (one per set of targets and configuration); the oldest go first
MAX_VERSIONS = 4  # facts entries kept per file: its latest contents
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by teardown-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_DIGEST = 16  # bytes of blake2b: entries carry a checksum of their payload


def digest(data: bytes) -> str:
    """The content hash of a file's bytes."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


_salts: dict[str, str] = {}


def _source_hash(paths) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(FORMAT + __version__.encode() + b"\0" + sys.version.encode())
    for path in paths:
        try:
            h.update(Path(path).name.encode() + b"\0" + Path(path).read_bytes())
        except OSError:
            h.update(b"?")
    return h.hexdigest()


def facts_salt() -> str:
    """What, besides a file's own key, decides its facts: the tool, the interpreter, the extractor."""
    if "facts" not in _salts:
        from . import extract

        _salts["facts"] = _source_hash([extract.__file__, facts_module.__file__])
    return _salts["facts"]


def run_salt() -> str:
    """What decides an analysis besides its inputs: the whole package's code (walker, packs, …)."""
    if "run" not in _salts:
        here = Path(__file__).resolve().parent
        _salts["run"] = _source_hash(sorted(here.glob("*.py")))
    return _salts["run"]


def facts_key(content: str, relative: str, module: str, is_package: bool) -> str:
    """`<salt>/<file>/<content>`: `content` is `digest()` of the bytes; the path is in the key
    because facts carry it. The tool's salt and the file name a directory each, so that the
    entries of an older tool, and the older versions of a file, can be found and pruned
    (`Cache.make_room`)."""
    salt = facts_salt()
    name = "\0".join((salt, relative, module, "1" if is_package else "0"))
    file_part = hashlib.blake2b(name.encode(), digest_size=10).hexdigest()
    content_part = hashlib.blake2b(f"{name}\0{content}".encode(), digest_size=20).hexdigest()
    return f"{salt[:16]}/{file_part}/{content_part}"


# ---- encoding ---------------------------------------------------------------------------------
# Facts are a few hundred thousand small frozen dataclasses per large project. Pickle's default
# for frozen slotted dataclasses calls a Python `__setstate__` that loops over `fields()`;
# reducing each to `(cls, field values)` loads a third faster and dumps three times faster
# (celery's tests: 1.70 -> 1.14 s and 1.25 -> 0.36 s).
# The table is this module's own pickler's, not `copyreg`'s: nothing else changes.


def _reducer(cls, names: tuple[str, ...]):
    if len(names) == 1:
        name = names[0]
        return lambda obj: (cls, (getattr(obj, name),))
    getter = operator.attrgetter(*names)
    return lambda obj: (cls, getter(obj))


def _dispatch_table() -> dict:
    table = {}
    for value in vars(facts_module).values():
        if isinstance(value, type) and is_dataclass(value) and value.__module__ == facts_module.__name__:
            declared = fields(value)
            if all(f.init and not f.kw_only for f in declared):
                table[value] = _reducer(value, tuple(f.name for f in declared))
    return table


_TABLE = _dispatch_table()


class _Pickler(pickle.Pickler):
    dispatch_table = _TABLE


def dumps(obj) -> bytes:
    """An entry: the format line, a checksum, then the pickle."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    payload = buffer.getvalue()
    return FORMAT + hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload


def loads(blob: bytes):
    """The object in an entry, or None when the entry is not one of ours or is damaged."""
    start = len(FORMAT) + _DIGEST
    if not blob.startswith(FORMAT) or len(blob) <= start:
        return None
    payload = memoryview(blob)[start:]
    if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != blob[len(FORMAT):start]:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - any damage is a miss (the checksum makes this rare)
        return None


def write_atomic(path: Path, blob: bytes) -> bool:
    """Write through a temporary file in the same directory and `os.replace` it into place.

    Returns False (and leaves nothing behind) when the directory is not writable: a cache that
    cannot be written is no reason to fail a run."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(blob)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
        return False


class Cache:
    """The cache of one project (`root` is `Config.root`)."""

    def __init__(self, root: Path) -> None:
        self.directory = Path(root) / CACHE_DIR
        self._prepared: bool | None = None
        self._swept = False  # the facts of other tool versions are dropped once per run

    def prepare(self) -> bool:
        """Create the directory with its CACHEDIR.TAG and a `.gitignore` of `*` (once per run)."""
        if self._prepared is None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "# created by teardown-lint\n*\n")):
                    if not (self.directory / name).exists():
                        write_atomic(self.directory / name, text.encode())
                self._prepared = True
            except OSError:
                self._prepared = False
        return self._prepared

    def facts_path(self, key: str) -> Path:
        return self.directory / "facts" / f"{key}.pickle"

    def make_room(self, key: str) -> None:
        """Before a file's new facts are stored: keep only its `MAX_VERSIONS - 1` newest entries,
        and (once per run) drop the entries of other tool versions, so that the facts do not grow
        with every edit. A few versions stay: switching branches back and forth stays warm."""
        salt, file_part, _ = key.split("/")
        facts = self.directory / "facts"
        try:
            if not self._swept:
                self._swept = True
                for child in facts.iterdir():
                    if child.name != salt and child.is_dir():
                        shutil.rmtree(child, ignore_errors=True)
            versions = sorted((p.stat().st_mtime_ns, p) for p in (facts / salt / file_part).glob("*.pickle"))
        except OSError:  # no directory yet, or another run is pruning it
            return
        for _, path in versions[: max(0, len(versions) - (MAX_VERSIONS - 1))]:
            try:
                path.unlink()
            except OSError:
                pass

    def load_facts(self, key: str) -> FileFacts | None:
        try:
            blob = self.facts_path(key).read_bytes()
        except OSError:
            return None
        facts = loads(blob)
        return facts if isinstance(facts, FileFacts) else None

    def store_facts(self, key: str, blob: bytes) -> None:
        if self.prepare():
            self.make_room(key)
            write_atomic(self.facts_path(key), blob)

    def entry_path(self, kind: str, slot: str) -> Path:
        return self.directory / kind / f"{slot}.pickle"

    def load(self, kind: str, slot: str):
        """A `runs`, `fixes` or `dependents` entry (see the module's docstring), or None."""
        try:
            blob = self.entry_path(kind, slot).read_bytes()
        except OSError:
            return None
        return loads(blob)

    def store(self, kind: str, slot: str, obj) -> None:
        if not self.prepare():
            return
        write_atomic(self.entry_path(kind, slot), dumps(obj))
        self._prune(kind)

    def _prune(self, kind: str) -> None:
        try:
            entries = [(p.stat().st_mtime_ns, p) for p in (self.directory / kind).glob("*.pickle")]
        except OSError:
            return
        if len(entries) <= MAX_RUNS:
            return
        for _, path in sorted(entries)[: len(entries) - MAX_RUNS]:
            try:
                path.unlink()
            except OSError:  # another run pruned it first
                pass


# ---- the key of a whole analysis --------------------------------------------------------------

SETTINGS_FILES = ("pyproject.toml", "pytest.ini", "tox.ini", "setup.cfg")  # pytest's, at the root
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")  # what delimits a sub-project


def run_key(project, chosen, knowledge) -> tuple[str, str]:
    """(slot, stamp): the slot names the entry (the root and the targets); the stamp is what the
    analysis depends on besides the content of the files it read, which the entry lists itself."""
    root = Path(project.root)
    slot = hashlib.blake2b(digest_size=16)
    slot.update(f"{run_salt()}\0{root}\0".encode())
    slot.update("\0".join(source.relative for source in chosen).encode())
    stamp = hashlib.blake2b(digest_size=16)
    stamp.update(f"{run_salt()}\0{knowledge.fingerprint}\0".encode())
    # the listing: a new or removed module can change what an import names
    for relative in sorted(project.files):
        source = project.files[relative]
        stamp.update(f"{relative}\0{source.module}\0{source.is_package}\0{','.join(source.aliases)}\n".encode())
    for name in SETTINGS_FILES:
        try:
            stamp.update(name.encode() + b"\0" + (root / name).read_bytes())
        except OSError:
            stamp.update(name.encode() + b"\0-")
    # which directories hold a sub-project's markers: they decide whose settings modules apply
    directories = {""}
    for relative in project.files:
        if knowledge.is_config_file(relative):
            parts = relative.split("/")[:-1]
            directories.update("/".join(parts[:cut]) for cut in range(1, len(parts) + 1))
    for directory in sorted(directories):
        here = root / directory if directory else root
        present = [marker for marker in PROJECT_MARKERS if (here / marker).exists()]
        stamp.update(f"{directory}:{','.join(present)}\n".encode())
    return slot.hexdigest(), stamp.hexdigest()
