"""Staging: a build writes into a sibling folder that replaces the index only once it is whole.

While a build runs it holds a lock on the index's parent folder, so two builds never write the same
index. A build that was killed leaves its staging folder (and, if it died between the two renames
of the swap, the previous index under an `.old-` name); the next build puts the previous index back
and removes the leftovers before it starts.
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
    elif error.errno == errno.ENOSPC:
        reason, remedy = error.strerror, "free some disk space"
    else:
        reason, remedy = error.strerror or type(error).__name__, f"make {index_dir.parent} writable for this user"
    return IndexUnwritable(
        f"Cannot write the index to {index_dir} ({reason}); {remedy}, "
        "or pass --index DIR (or set ASSISTANT_INDEX_DIR) to build it elsewhere."
    )


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
        lock = os.open(index_dir.parent, os.O_RDONLY)
    except OSError as error:
        raise unwritable(index_dir, error) from None
    try:
        try:
            # flock on the parent folder itself: nothing to clean up, released even on SIGKILL
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
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
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
