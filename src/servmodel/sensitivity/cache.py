"""Results cached by specification hash, so that an interrupted run resumes and a grid with
one more choice computes only the new specifications.

The cache is a directory of small JSON files, one per finished batch of specifications,
each holding the outcomes of its specifications keyed by their hash. A file is written to
a temporary name and renamed into place, so a run killed at any moment leaves complete
files or none: never a truncated entry. Files that cannot be read (written by something
else) are ignored with a warning, and their specifications are computed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from servmodel._fileio import atomic_open
from servmodel.errors import UsageError
from servmodel.sensitivity.jobs import Outcome

log = logging.getLogger(__name__)

FORMAT = "servmodel-sensitivity-cache"
VERSION = 1


class ResultCache:
    """Outcomes by specification hash, kept in ``directory``.

    Parameters
    ----------
    directory
        Where the batch files live (created if missing). ``None`` keeps the outcomes in
        memory only.
    """

    def __init__(self, directory: str | os.PathLike[str] | None) -> None:
        self.directory = None if directory is None else Path(directory)
        self._outcomes: dict[str, Outcome] = {}
        if self.directory is not None:
            if self.directory.exists() and not self.directory.is_dir():
                raise UsageError(f"cache {self.directory} is a file; give a directory")
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UsageError(
                    f"cannot create the cache directory {self.directory}: {exc.strerror}"
                ) from exc
            self._load()

    def _load(self) -> None:
        assert self.directory is not None
        for path in sorted(self.directory.glob("*.json")):
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
                if doc.get("format") != FORMAT or doc.get("version") != VERSION:
                    raise ValueError("not a servmodel sensitivity cache file")
                for item in doc["outcomes"]:
                    outcome = Outcome.from_dict(item)
                    self._outcomes[outcome.key] = outcome
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning(
                    "cache file %s ignored (%s); its specifications are computed again", path, exc
                )

    def __contains__(self, key: str) -> bool:
        return key in self._outcomes

    def __len__(self) -> int:
        return len(self._outcomes)

    def get(self, key: str) -> Outcome | None:
        """The cached outcome of ``key``, or ``None``."""
        return self._outcomes.get(key)

    def put(self, outcomes: Iterable[Outcome]) -> None:
        """Keep ``outcomes`` and write them as one batch file (atomically)."""
        batch = list(outcomes)
        if not batch:
            return
        for o in batch:
            self._outcomes[o.key] = o
        if self.directory is None:
            return
        keys = sorted(o.key for o in batch)
        name = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:20]
        doc = {"format": FORMAT, "version": VERSION, "outcomes": [o.to_dict() for o in batch]}
        with atomic_open(self.directory / f"{name}.json") as handle:
            json.dump(doc, handle, allow_nan=False)
