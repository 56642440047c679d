"""The build cache: what the last build read and wrote, kept in `.babelsite-cache/` in the site folder.

With it, a build of an unchanged site only compares file stamps, and a build after Markdown
edits re-renders only the pages those edits reach. It is safe to delete: without it (or when
it is unreadable, from another babelsite, or for other options) the build is a cold one, and
what a cached build writes is always what a cold build would.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import importlib.metadata
import os
import pickle
import secrets
import stat
import sys
import time
import uuid
from array import array
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Mapping

from .. import __version__
from ..config import SiteConfig, user_cache_dir
from ..errors import Diagnostic, WARNING
from ..output.stamps import UNREADABLE, Stamp, StampTable

CACHE_DIR = ".babelsite-cache"
CACHE_FILE = "build.pickle"  # the stamps: read by every build
STATE_FILE = "state.pickle"  # the last build's state: read only by a build that has edits to apply;
# its per-slug parts are in a pack file beside it, `state-<id>.pack`, and read as needed
FORMAT = 5  # bump when what is stored changes shape
MAGIC = b"babelsite-cache\n"
MAC_SIZE = 32  # bytes of the keyed digest that follows MAGIC
OUTPUT_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "jinja2", "pygments", "babel", "pyyaml", "pyicu-wheels", "pagefind")
RACY_SECONDS = 2  # a file this recent may change again within its mtime's tick: keep its digest too

PackName = tuple[str, dict[str, tuple[int, int, bytes]]]  # a pack's file name, and its index (Pack)


class StampRecorder:
    """Collects files' stamps in listing order, each with a digest when it is recent, into a StampTable."""

    def __init__(self):
        self.recent = racy_after()
        self.paths: list[str] = []
        self.sizes, self.mtimes = array("q"), array("q")
        self.digests: dict[int, str] = {}

    def add(self, path: str, info: os.stat_result | None) -> None:
        """Record a file by its stat, or as unreadable when it has none (a symlink loop, or gone since it was listed)."""
        if info is not None and info.st_mtime_ns >= self.recent and stat.S_ISREG(info.st_mode):
            # a named pipe is never read (its reader would wait for a writer forever): only regular files are
            try:
                self.digests[len(self.paths)] = digest_of(path)
            except OSError:
                info = None
        self.paths.append(path)
        self.sizes.append(info.st_size if info is not None else UNREADABLE[0])
        self.mtimes.append(info.st_mtime_ns if info is not None else UNREADABLE[1])

    def stat_and_add(self, path: str) -> None:
        """Record a file, stat'ing it now."""
        try:
            info = os.stat(path)
        except OSError:  # a symlink loop, or gone since it was listed: a build reports it
            info = None
        self.add(path, info)

    def table(self) -> StampTable:
        """Return the stamps recorded."""
        return StampTable("\0".join(self.paths), self.sizes, self.mtimes, self.digests)


@dataclass(frozen=True)
class CachedBuild:
    """What one successful build read and wrote; its state, kept in a file of its own, is read on demand."""

    key: tuple  # babelsite, its code, the options and the output folder: any difference means a cold build
    inputs: StampTable  # every file the build read (content, site.toml, templates, static, theme), as listed
    outputs: StampTable  # every file it wrote, relative to the output folder, sorted
    pages: Mapping[str, int]  # article pages per language, and the warnings: the build's summary
    warnings: tuple[Diagnostic, ...]
    state_id: str  # names the state written with these stamps, so that a stale state is never used
    # every folder of the output, and of its back buffer, by path relative to it, with its mtime, or 0 when it may
    # change unseen (output.write.unwritten_files): a folder whose mtime is its stamp's holds no file the build did not
    # write. Sorted.
    folders: StampTable
    back_folders: StampTable


def cache_path(config: SiteConfig, name: str = CACHE_FILE) -> Path:
    """Return the path of a file of the build cache."""
    return config.site_dir / CACHE_DIR / name


def cache_key(config: SiteConfig, output_dir: Path, options: tuple) -> tuple:
    """Return what must be the same for a cached build to stand in for a cold one.

    Besides babelsite's version, the stamps of its own files (a working copy changes without a
    new version) and the versions of the libraries whose output ends up in pages.
    """
    package = Path(__file__).parents[1]  # babelsite/, not only incremental/
    code = sorted((p.relative_to(package).as_posix(), (info := os.stat(p)).st_size, info.st_mtime_ns)
                  for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".toml", ".js"))
    libraries = tuple((name, installed_version(name)) for name in OUTPUT_LIBRARIES)
    return (FORMAT, __version__, sys.version, tuple(code), libraries, str(config.config_path), str(output_dir),
            options)


def installed_version(distribution: str) -> str:
    """Return the installed version of a distribution, or '' when it is not installed."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return ""


def digest_of(path: Path | str) -> str:
    """Return a digest of a file's bytes."""
    with open(path, "rb") as file:
        return hashlib.blake2b(file.read(), digest_size=16).hexdigest()


def digest_of_or_none(path: str) -> str | None:
    """Return a digest of a file's bytes, or None when it cannot be read."""
    try:
        return digest_of(path)
    except OSError:
        return None


def stamps(paths: Iterable[str], root: Path | None = None) -> dict[str, Stamp]:
    """Return the stamp of each file by its path (from root, when given, with '/'); recent ones with a digest.

    Paths are strings, and the loop calls nothing but os.stat: at 100,000 files, Path objects
    and a function call per file cost more than the stat calls.
    """
    recent = racy_after()
    skip = len(str(root)) + 1 if root else 0
    found = {}
    for path in paths:
        try:
            info = os.stat(path)
            # a named pipe is never read: its reader would wait for a writer forever
            racy = info.st_mtime_ns >= recent and stat.S_ISREG(info.st_mode)
            stamp = (info.st_size, info.st_mtime_ns, digest_of(path) if racy else "")
        except OSError:
            stamp = UNREADABLE  # a symlink loop, or gone since it was listed: a build reports it
        found[path[skip:].replace(os.sep, "/") if root else path] = stamp
    return found


def racy_after() -> int:
    """Return the time, in ns, after which a file's or folder's mtime may yet stay the same through a change."""
    return time.time_ns() - RACY_SECONDS * 1_000_000_000


def changed_files(cached: StampTable, current: StampTable) -> set[str]:
    """Return the files added, removed or changed between two tables of stamps."""
    if cached.paths != current.paths:  # files came, went or were listed in another order
        return changed_stamps(cached.as_dict(), current.as_dict())
    moved = differing_positions(cached.sizes, current.sizes) | differing_positions(cached.mtimes, current.mtimes)
    if not moved and not cached.digests:
        return set()
    paths = current.path_list
    changed = {paths[position] for position in moved}
    for position, digest in cached.digests.items():  # recorded while racy: only the bytes can tell
        if position not in moved and digest_of_or_none(paths[position]) != digest:
            changed.add(paths[position])
    return changed


def differing_positions(before: array, after: array, chunk: int = 4096) -> set[int]:
    """Return the positions at which two arrays of the same length differ, comparing them in chunks in C first."""
    if before == after:
        return set()
    return {position for start in range(0, len(after), chunk) if before[start:start + chunk] != after[start:start + chunk]
            for position in range(start, min(start + chunk, len(after))) if before[position] != after[position]}


def changed_stamps(cached: Mapping[str, Stamp], current: Mapping[str, Stamp]) -> set[str]:
    """Return the files added, removed or changed between two mappings of paths to stamps."""
    changed = set(cached.keys() ^ current.keys())
    for name, (size, mtime, digest) in current.items():
        before = cached.get(name)
        if before is None or before[:2] != (size, mtime):
            changed.add(name)
        elif before[2] and digest_of_or_none(name) != before[2]:  # recorded while racy: only the bytes can tell
            changed.add(name)
    return changed


@contextmanager
def no_garbage_collection(loading: bool):
    """Pause the cyclic garbage collector, which would otherwise scan the cache's objects again and again.

    What is loaded meanwhile lives as long as the build: it is then moved out of the collector's sight.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if loading:
            gc.freeze()
        if enabled:
            gc.enable()


def read_cache(config: SiteConfig, key: tuple) -> tuple[CachedBuild | None, Diagnostic | None]:
    """Return the cached build for this key, or None; a damaged cache file comes with a warning."""
    cached, warning = read_pickle(cache_path(config))
    if not isinstance(cached, CachedBuild) or cached.key != key:
        return None, warning
    return cached, None


def new_state_id() -> str:
    """Return a name for the state of a new build."""
    return uuid.uuid4().hex


def read_state(config: SiteConfig, cached: CachedBuild) -> tuple[tuple[Any, Pack] | None, Diagnostic | None]:
    """Return the state stored with a cached build and the pack of its parts; None when missing, damaged or stale."""
    stored, warning = read_pickle(cache_path(config, STATE_FILE))
    if not isinstance(stored, tuple) or len(stored) != 4 or stored[0] != cached.state_id:
        return None, warning
    _, state, pack_name, index = stored
    return (state, Pack(cache_path(config, pack_name), signing_key() or b"", index)), None


class DamagedCache(Exception):
    """A part of the build cache read on demand is missing or is not what was written."""

    def __init__(self, path: Path, reason: str):
        super().__init__(reason)
        self.warning = cache_warning(path, f"is damaged and was ignored ({reason})",
                                     "nothing to do: this build is a full one and writes a new cache")


class Pack:
    """Parts of the build state stored one after another in one file, each signed, each read when first asked for.

    A build that changes a few parts appends them and writes a new index; the pack is written
    anew only when more than half of it is parts no index names any more.
    """

    def __init__(self, path: Path, key: bytes, index: Mapping[str, tuple[int, int, bytes]]):
        self.path, self.key, self.index = path, key, index  # index: name -> (offset, length, signature)
        self.file = None

    def load(self, name: str) -> Any:
        """Return one part; raise DamagedCache when it cannot be read or its signature does not match."""
        data = self.read_raw(name)
        try:
            return pickle.loads(data)
        except Exception as exc:  # noqa: BLE001 - a signed part should load; a babelsite bug should not stop a build
            raise DamagedCache(self.path, type(exc).__name__) from None

    def read_raw(self, name: str) -> bytes:
        """Return one part's bytes as stored, checked against its signature."""
        offset, length, signature = self.index[name]
        try:
            if self.file is None:
                self.file = self.path.open("rb")
            # pread, not seek and read: forked workers rendering pages share the file's offset
            data = os.pread(self.file.fileno(), length, offset)
        except OSError as exc:
            raise DamagedCache(self.path, type(exc).__name__) from None
        if not hmac.compare_digest(part_signature(self.key, name, data), signature):
            raise DamagedCache(self.path, "a part does not match its signature")
        return data


def part_signature(key: bytes, name: str, data: bytes) -> bytes:
    """Return the keyed digest of one part of a pack, bound to its name."""
    mac = new_mac(key)
    mac.update(name.encode("utf-8") + b"\0")
    mac.update(data)
    return mac.digest()


def write_pack(config: SiteConfig, key: bytes, changed: Collection[str], part: Callable[[str], Any],
               names: Iterable[str], previous: Pack | None) -> PackName:
    """Store part(name) for the changed names and keep the previous pack's other parts; return the pack's name and index.

    Appends to the previous pack when most of it is still named; else writes a new pack. Parts
    are made one at a time, so that they are never all in memory.
    """
    names = list(names)
    kept = [name for name in names if name not in changed]

    def pickled(name: str) -> bytes:
        return pickle.dumps(part(name), protocol=pickle.HIGHEST_PROTOCOL)

    def put(file, offset: int, parts: Iterable[tuple[str, bytes]]) -> dict[str, tuple[int, int, bytes]]:
        """Write parts one after another from `offset`; return their index entries."""
        index = {}
        for name, data in parts:
            file.write(data)
            index[name] = (offset, len(data), part_signature(key, name, data))
            offset += len(data)
        return index

    if previous is not None and previous.path.exists():
        live = sum(previous.index[name][1] for name in kept if name in previous.index)
        if all(name in previous.index for name in kept) and live * 2 >= previous.path.stat().st_size:
            with previous.path.open("ab") as file:
                added = put(file, file.tell(), ((name, pickled(name)) for name in changed))
            return previous.path.name, {**{name: previous.index[name] for name in kept}, **added}
    pack_name = f"state-{uuid.uuid4().hex}.pack"
    with cache_path(config, pack_name).open("wb") as file:
        index = put(file, 0, ((name, pickled(name) if name in changed else previous.read_raw(name)) for name in names))
    return pack_name, index


def read_pickle(path: Path) -> tuple[Any, Diagnostic | None]:
    """Load one cache file signed with this user's key; a missing one is None, another one None with a warning.

    Unpickling runs code, and the cache lives in the site folder, which may come from anyone (a
    pull request, a downloaded archive): only files this user's babelsite signed are unpickled.
    """
    try:
        key = signing_key()
        if key is None:
            return None, None
        with path.open("rb") as file:
            if file.read(len(MAGIC)) != MAGIC:
                raise ValueError("it is not a babelsite cache file")
            recorded = file.read(MAC_SIZE)
            mac = new_mac(key)
            for chunk in iter(lambda: file.read(1 << 20), b""):  # in chunks: the state may be large
                mac.update(chunk)
            if not hmac.compare_digest(recorded, mac.digest()):
                return None, cache_warning(path, "was not written by this user's babelsite, or was changed since",
                                           "nothing to do: this build ignores it and writes a new cache")
            file.seek(len(MAGIC) + MAC_SIZE)
            with no_garbage_collection(loading=True):
                return pickle.load(file), None
    except FileNotFoundError:
        return None, None
    except Exception as exc:  # noqa: BLE001 - truncated or damaged pickles raise many kinds of error
        return None, cache_warning(path, f"is damaged and was ignored ({type(exc).__name__})",
                                   "nothing to do: this build is a full one and writes a new cache")


def cache_warning(path: Path, what: str, hint: str) -> Diagnostic:
    """Return a warning about a cache file: never about the site, so never an error under --strict."""
    return Diagnostic(f"{CACHE_DIR}/{path.name}", 0, WARNING, f"the build cache file {what}", hint, "cache")


def signing_key() -> bytes | None:
    """Return this user's key for cache files, made on first use outside any site; None if it cannot be kept."""
    try:
        folder = user_cache_dir()
        path = folder / "cache-key"
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".cache-key.{os.getpid()}"
        temporary.write_bytes(secrets.token_bytes(32))
        temporary.chmod(0o600)
        os.replace(temporary, path)
        return path.read_bytes()
    except OSError:
        return None


def new_mac(key: bytes):
    """Return a keyed BLAKE2 digest to feed a cache file's contents to."""
    return hashlib.blake2b(key=key[:64], digest_size=MAC_SIZE)


class SigningWriter:
    """A file that also feeds what is written to it to a digest, so that pickle can stream into both."""

    def __init__(self, file, mac):
        self.file, self.mac = file, mac

    def write(self, data) -> int:
        self.mac.update(data)
        return self.file.write(data)


def write_parts(config: SiteConfig, changed: Collection[str], part: Callable[[str], Any], names: Iterable[str],
                previous: Pack | None = None) -> PackName | None:
    """Store the parts of a build's state in a pack (write_pack); return its name and index, None when it cannot be written.

    part(name) makes the part of each changed name; the other `names` keep the previous pack's.
    """
    key = signing_key()
    if key is None:
        return None
    folder = cache_path(config).parent
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("# babelsite's build cache: safe to delete\n*\n")
        with no_garbage_collection(loading=False):
            return write_pack(config, key, changed, part, names, previous)
    except (OSError, DamagedCache):
        return None


def write_cache(config: SiteConfig, cached: CachedBuild, state: Any, pack: PackName | None) -> None:
    """Store the build cache: the state that names the pack of its parts (write_parts), then the stamps that name it.

    Skipped when the cache or the pack cannot be written: the next build is then a cold one.
    """
    key = signing_key()
    if key is None or pack is None:
        forget_cache(config)  # nowhere to keep a key (every build is a cold one), or no pack to name
        return
    pack_name, index = pack
    try:
        write_pickle(cache_path(config, STATE_FILE), (cached.state_id, state, pack_name, index), key)
        write_pickle(cache_path(config), cached, key)
        for old in cache_path(config).parent.glob("state-*.pack"):
            if old.name != pack_name:
                old.unlink()
    except OSError:
        forget_cache(config)  # a read-only site folder still builds; the next build is a cold one


def forget_pack(config: SiteConfig, pack: PackName | None) -> None:
    """Remove a pack that no stamps will name (its build failed after writing it)."""
    try:
        if pack is not None:
            cache_path(config, pack[0]).unlink(missing_ok=True)
    except OSError:
        pass  # the next build that writes the cache removes it


def write_pickle(path: Path, value: Any, key: bytes) -> None:
    """Write one cache file whole and signed: beside it first, then renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with temporary.open("wb") as file, no_garbage_collection(loading=False):
        file.write(MAGIC + bytes(MAC_SIZE))  # the signature goes here once the contents are written
        writer = SigningWriter(file, new_mac(key))
        pickle.dump(value, writer, protocol=pickle.HIGHEST_PROTOCOL)
        file.seek(len(MAGIC))
        file.write(writer.mac.digest())
    os.replace(temporary, path)


def forget_cache(config: SiteConfig) -> None:
    """Remove the cache's stamps, so that a failed or partial build never leaves a stale cache behind."""
    try:
        cache_path(config).unlink()
    except OSError:
        pass
