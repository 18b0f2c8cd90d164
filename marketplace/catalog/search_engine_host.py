"""One search index per host, built by one process and read by every worker.

The index lives in a folder (`SEARCH_INDEX_PATH`, by default `instance/search-index`):

- `gen-N/`: a Tantivy index, generation N; `gen-N.state`: what its builder needs to bring
  it up to date (each listing's digest, the feature definitions, the deployment codes);
- `current.json`: the generation to read and the content stamp it holds, replaced
  atomically once the index is committed;
- `build.lock`: held (`flock`) by the one builder of the host.

A worker opens the current generation (memory-mapped: the pages are shared by every worker
of the host) and uses it only while its stamp is the content stamp of the request. When
it is not, the worker answers from the database and starts the builder — a process of its
own (`python -m marketplace.catalog.search_engine_host`), so that the build's memory and
CPU stay out of the workers — unless a builder already holds the lock. The builder brings
the index up to the current stamp (the changed listings, or a new generation), writes
`current.json`, and does it again while the stamp moved on meanwhile.

With `SEARCH_ENGINE_BUILD=inline` (the tests) the worker builds in its own process instead,
under the same lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from flask import Flask

from marketplace.catalog import search_engine
from marketplace.core import metrics

EXTENSION_KEY = "search_engine"
RETRY_SECONDS = 60.0  # after a failed build, the database answers this long before a new try
SPAWN_SECONDS = 2.0  # a worker starts the builder at most this often
BUILDER_ROUNDS = 5  # a builder follows a moving stamp at most this many times in a row
WATCH_SECONDS = 0.25  # how often a builder waiting for changes reads the stamp


def index_folder(app: Flask) -> Path:
    return Path(app.config.get("SEARCH_INDEX_PATH") or Path(app.instance_path) / "search-index")


def _stamp_json(stamp: Any) -> Any:
    """The stamp as `current.json` keeps it (tuples become lists)."""
    return json.loads(json.dumps(stamp))


@contextlib.contextmanager
def _builder_lock(folder: Path, wait: bool = False):
    """Yield True while holding the host's builder lock, False when another holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "build.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_current(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "current.json").read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _replace(path: Path, data: bytes) -> None:
    """Write a file whole: a reader sees the old one or the new one, never a part."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _write_current(folder: Path, current: dict[str, Any]) -> None:
    _replace(folder / "current.json", json.dumps(current).encode("utf-8"))


def database_mark() -> list:
    """How many listings are published, the newest change and the highest id: what a
    worker compares with the index it opens, so that an index left from before a restored
    backup or a bulk load (writes that renewed no stamp) is never read."""
    import sqlalchemy as sa

    from marketplace.catalog.models import Solution, SolutionStatus
    from marketplace.extensions import db

    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(Solution.updated_at), sa.func.max(Solution.id))
        .select_from(Solution)
        .where(Solution.status == SolutionStatus.PUBLISHED)
    ).one()
    return _stamp_json([row[0], str(row[1]), row[2]])


# ---------------------------------------------------------------- the builder


def build_once(app: Flask, stamp: Any) -> search_engine.Built:
    """Bring the host's index up to `stamp` (read before any row); the caller holds the
    lock and an app context. Returns what was built or refreshed."""
    folder = index_folder(app)
    current = _read_current(folder)
    built = None
    if current is not None and current.get("format") == search_engine.FORMAT:
        generation = int(current["generation"])
        try:
            with open(folder / f"gen-{generation}.state", "rb") as handle:
                state = pickle.load(handle)
            tantivy = search_engine._tantivy()
            schema = search_engine._schema()
            index = tantivy.Index(schema, path=str(folder / f"gen-{generation}"))
            previous = search_engine.Built(
                stamp=current["stamp"],
                index=index,
                schema=schema,
                deployments=state["deployments"],
                rows=state["rows"],
                definitions=state["definitions"],
            )
            built = search_engine.refresh(previous, stamp)
        except (FileNotFoundError, ValueError, KeyError, pickle.UnpicklingError):
            built = None  # an unreadable generation: build a new one
    if built is None:
        generation = int(current["generation"]) + 1 if current is not None else 1
        path = folder / f"gen-{generation}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        built = search_engine.build(stamp, str(path))
    state = {"deployments": built.deployments, "rows": built.rows, "definitions": built.definitions}
    _replace(folder / f"gen-{generation}.state", pickle.dumps(state, pickle.HIGHEST_PROTOCOL))
    _write_current(
        folder,
        {
            "format": search_engine.FORMAT,
            "generation": generation,
            "stamp": _stamp_json(stamp),
            "deployments": [[name, code] for name, code in built.deployments.items()],
            "documents": built.documents,
            "mark": database_mark(),
        },
    )
    # Older generations: a worker still reading one keeps its open files (POSIX).
    for old in folder.glob("gen-*"):
        number = old.name.removeprefix("gen-").removesuffix(".state")
        if number.isdigit() and int(number) < generation:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
    return built


def run_builder(
    app: Flask, *, wait: bool = False, idle_seconds: float = 0.0, own_process: bool = False
) -> bool:
    """Hold the host's builder lock and bring the index up to the content stamp, following
    it while it moves (at most BUILDER_ROUNDS times in a row); then, for `idle_seconds`
    after the last change, watch the stamp and follow each change at once (a builder
    started for every change would spend a second or two starting). Returns False when
    another builder holds the lock; raises what a build raises. `own_process`: the builder
    process, whose session may start a new transaction for each round."""
    from marketplace.core import stamps

    folder = index_folder(app)
    with _builder_lock(folder, wait=wait) as held:
        if not held:
            return False
        _follow(app, folder, own_process)
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < idle_seconds:
            time.sleep(WATCH_SECONDS)
            current = _read_current(folder)
            stamp = _stamp_json(stamps.stamp_for(app).current())
            if current is None or current["stamp"] != stamp:
                _follow(app, folder, own_process)
                quiet_since = time.monotonic()
    return True


def _follow(app: Flask, folder: Path, own_process: bool) -> None:
    from marketplace.core import stamps
    from marketplace.extensions import db

    for _round in range(BUILDER_ROUNDS):
        if own_process:
            db.session.remove()  # a new transaction: it sees what the new stamp stands for
        stamp = stamps.stamp_for(app).current()
        current = _read_current(folder)
        if (
            current is not None
            and current.get("format") == search_engine.FORMAT
            and current["stamp"] == _stamp_json(stamp)
            and current.get("mark") == database_mark()
        ):
            break
        built = build_once(app, stamp)
        outcome = "built" if built.refreshed is None else "refreshed"
        metrics.search_index_build(outcome)
        app.logger.info(
            "Search index %s: %s of %d listings in %.2f s",
            outcome,
            "all" if built.refreshed is None else built.refreshed,
            built.documents,
            built.seconds,
        )


def main() -> int:
    """The builder process a worker starts (its settings come in the environment)."""
    from marketplace import create_app
    from marketplace.extensions import db

    app = create_app()
    with app.app_context():
        try:
            idle = float(app.config["SEARCH_BUILDER_IDLE_SECONDS"])
            run_builder(app, idle_seconds=idle, own_process=True)
        except Exception:
            app.logger.exception("The search index could not be built")
            return 1
        finally:
            db.session.remove()
    return 0


# ---------------------------------------------------------------- the workers


class Engine:
    """What one process reads of the host's index, and how it asks for a build."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.folder = index_folder(app)
        self.generation: int | None = None
        self.index: Any = None
        self.schema: Any = None
        self.seen: tuple | None = None  # (inode, mtime) of the current.json last read
        self.built: search_engine.Built | None = None
        self.builder: subprocess.Popen | None = None
        self.spawned_at = 0.0
        self.failures = 0
        self.failed_at: float | None = None

    def _load(self) -> search_engine.Built | None:
        """The index `current.json` names, opened (again only when it changed)."""
        try:
            stat = os.stat(self.folder / "current.json")
        except FileNotFoundError:
            return None
        seen = (stat.st_ino, stat.st_mtime_ns)
        if seen == self.seen:
            return self.built
        current = _read_current(self.folder)
        if current is None or current.get("format") != search_engine.FORMAT:
            return None  # none yet, or left by another version of the code
        generation = int(current["generation"])
        if generation != self.generation:
            tantivy = search_engine._tantivy()
            self.schema = search_engine._schema()
            self.index = tantivy.Index.open(str(self.folder / f"gen-{generation}"))
            self.generation = generation
        else:
            self.index.reload()
        if current.get("mark") != database_mark():
            # Not the database's listings (a restored backup, a bulk load): never read.
            current["stamp"] = None
        self.built = search_engine.Built(
            stamp=current["stamp"],
            index=self.index,
            schema=self.schema,
            deployments=dict(current["deployments"]),
            documents=int(current.get("documents", 0)),
        )
        self.seen = seen
        return self.built

    def current(self, stamp: Any) -> search_engine.Built | None:
        wanted = _stamp_json(stamp)
        built = self._load()
        if built is not None and built.stamp == wanted:
            return built
        self._ask_for_build()
        built = self._load()
        return built if built is not None and built.stamp == wanted else None

    def _ask_for_build(self) -> None:
        now = time.monotonic()
        if self.builder is not None and self.builder.poll() is not None:
            if self.builder.returncode != 0:
                self._failed()
            self.builder = None
        if self.failed_at is not None and now - self.failed_at < RETRY_SECONDS:
            return  # the last build failed: the database answers meanwhile
        if self.app.config.get("SEARCH_ENGINE_BUILD", "background") == "inline":
            try:
                run_builder(self.app, wait=True)
            except Exception:
                self._failed()
                self.app.logger.exception("The search index could not be built")
            return
        if self.builder is not None or now - self.spawned_at < SPAWN_SECONDS:
            return
        self.spawned_at = now
        with _builder_lock(self.folder) as free:
            if not free:
                return  # another process of this host is building
        self.builder = subprocess.Popen(
            [sys.executable, "-m", "marketplace.catalog.search_engine_host"],
            env=self._builder_environment(),
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _failed(self) -> None:
        metrics.search_index_build("failed")
        self.failures += 1
        self.failed_at = time.monotonic()

    def _builder_environment(self) -> dict[str, str]:
        """The worker's environment, with the settings that name where things are."""
        config = self.app.config
        env = dict(os.environ)
        env.update(
            DATABASE_URL=str(config["SQLALCHEMY_DATABASE_URI"]),
            INSTANCE_PATH=str(self.app.instance_path),
            SEARCH_INDEX_PATH=str(self.folder),
            SECRET_KEY=str(config.get("SECRET_KEY") or ""),
        )
        env["SEARCH_BUILDER_IDLE_SECONDS"] = str(config.get("SEARCH_BUILDER_IDLE_SECONDS", 300))
        for name in ("PAGE_CACHE_STAMP", "REDIS_URL", "CACHE_KEY_PREFIX"):
            if config.get(name):
                env[name] = str(config[name])
        return env


def engine_for(app: Flask) -> Engine:
    engine = app.extensions.get(EXTENSION_KEY)
    if engine is None:
        engine = app.extensions.setdefault(EXTENSION_KEY, Engine(app))
    return engine


if __name__ == "__main__":
    sys.exit(main())
