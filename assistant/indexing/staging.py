"""Staging: a build writes into a sibling folder that replaces the index only once it is whole.

While a build runs it holds a lock on a file beside the index (`.index.lock`), so two builds never
write the same index while builds of two different index folders under one parent run at once. A
build that was killed leaves its staging folder (and, if it died between the two renames of the
swap, the previous index under an `.old-` name); the next build, or the next load
(`recover_swap`), puts the previous index back, and the next build removes the leftovers.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import AssistantError, IndexUnwritable


def unwritable(index_dir: Path, error: OSError) -> IndexUnwritable:
    """The sentence for an index folder the build cannot write: which folder, why, what to do."""
    index_dir = Path(index_dir)
    blocking = next((p for p in reversed(index_dir.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        reason, remedy = f"{blocking} is a file, not a folder", f"move {blocking} away"
    elif disk_full(error):
        reason, remedy = "the disk is full", f"free some disk space on the disk of {index_dir.parent}"
    else:
        reason, remedy = error.strerror or type(error).__name__, f"make {index_dir.parent} writable for this user"
    return IndexUnwritable(
        f"Cannot write the index to {index_dir} ({reason}); {remedy}, "
        "or pass --index DIR (or set ASSISTANT_INDEX_DIR) to build it elsewhere."
    )


_FULL = ("No space left on device", "StorageFull", "Disk quota exceeded", "os error 28")


def disk_full(error: BaseException) -> bool:
    """Whether an error (or one it was raised from) says the disk is full, however a library wrapped it.

    safetensors raises SafetensorError("…IoError(Os { code: 28, kind: StorageFull …"), shutil an
    OSError without errno listing the failed copies, faiss a RuntimeError: their text is what they share.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(words in str(error) for words in _FULL):
            return True
        error = error.__cause__ or error.__context__
    return False


def lock_file(index_dir: Path) -> Path:
    """The file a build of index_dir locks: one per index folder, beside it."""
    return Path(index_dir).parent / f".{Path(index_dir).name}.lock"


def recover_swap(index_dir: Path, complete: str) -> None:
    """On load: puts back the previous index when a build was killed between the two renames of its swap.

    Does nothing when index_dir exists, when no `.old-` folder is whole, or while a build holds the lock.
    """
    index_dir = Path(index_dir)
    if index_dir.exists() or not any(".old-" in p.name and (p / complete).is_file() for p in leftovers(index_dir)):
        return
    try:
        lock = os.open(lock_file(index_dir), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return  # a read-only parent: nothing can be renamed there either
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for old in leftovers(index_dir):
            if not index_dir.exists() and ".old-" in old.name and (old / complete).is_file():
                os.replace(old, index_dir)
    except OSError:  # a build is running (it recovers itself), or the rename failed: load says what is missing
        pass
    finally:
        os.close(lock)


def leftovers(index_dir: Path) -> list[Path]:
    """Staging and `.old-` folders that builds of index_dir left behind, by name."""
    index_dir = Path(index_dir)
    if not index_dir.parent.is_dir():
        return []
    prefixes = (f".{index_dir.name}.building-", f".{index_dir.name}.old-")
    return sorted(p for p in index_dir.parent.iterdir() if p.name.startswith(prefixes))


def recover(index_dir: Path, complete: str) -> None:
    """Puts back a previous index that a build killed mid-swap left aside, then removes the leftovers.

    Only call it while holding the build lock: a leftover then belongs to no running build.

    Args:
        index_dir: the index folder.
        complete: the file that only a whole index has (the manifest).
    """
    index_dir = Path(index_dir)
    found = leftovers(index_dir)
    if not index_dir.exists():
        for old in found:
            if ".old-" in old.name and (old / complete).is_file():
                os.replace(old, index_dir)
                break
    for leftover in leftovers(index_dir):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def staged(index_dir: Path, owned: frozenset[str], complete: str) -> Iterator[Path]:
    """An empty staging folder beside index_dir, swapped in when the block ends without an error.

    On an error (or an interrupt) the staging folder is removed and index_dir is untouched.

    Args:
        index_dir: the index folder to replace.
        owned: names in index_dir that a build writes; any other file there (a README) is kept.
        complete: the file that only a whole index has (the manifest).

    Raises:
        IndexUnwritable: the folder cannot be created or written (one sentence saying what to do).
        AssistantError: another build of the same index is running.
    """
    index_dir = Path(index_dir)
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(lock_file(index_dir), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise unwritable(index_dir, error) from None
    try:
        try:
            # flock: released even on SIGKILL; the lock file stays (an empty file, reused by the next build)
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AssistantError(f"Another build is writing {index_dir}; wait for it to finish and try again.") from None
        staging = index_dir.parent / f".{index_dir.name}.building-{os.getpid()}"
        try:
            recover(index_dir, complete)
            staging.mkdir()
        except OSError as error:
            raise unwritable(index_dir, error) from None
        try:
            yield staging
            swap_in(staging, index_dir, owned)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise unwritable(index_dir, error) from None
        except BaseException as error:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(error, Exception) and not isinstance(error, AssistantError) and disk_full(error):
                raise unwritable(index_dir, OSError(errno.ENOSPC, "No space left on device")) from None
            raise
    finally:
        os.close(lock)


def swap_in(staging: Path, index_dir: Path, owned: frozenset[str]) -> None:
    """Replaces index_dir by staging, keeping files of index_dir that a build does not own (README)."""
    if index_dir.exists():
        for entry in index_dir.iterdir():
            if entry.name not in owned and not (staging / entry.name).exists() and entry.is_file():
                shutil.copy2(entry, staging / entry.name)
        old = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}"
        os.replace(index_dir, old)
        os.replace(staging, index_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, index_dir)
