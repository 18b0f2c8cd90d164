"""Real hosts for tests: server processes around `wsgi:app` (the production configuration),
each with its own instance folder (its own stamp file, mail folder) and its own in-process
caches, on one database (a SQLite file, or TEST_DATABASE_URL's), and an HTTP client with
cookies to talk to them. Two of them, with one Redis or without, are two hosts behind a
load balancer; two of them with one PROMETHEUS_MULTIPROC_DIR are two gunicorn workers."""

from __future__ import annotations

import http.cookiejar
import os
import select
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
SERVE = """
from werkzeug.serving import make_server
from wsgi import app
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.port, flush=True)
server.serve_forever()
"""
# Settings of the environment that would change what the hosts do; each test sets its own.
HOST_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "RATELIMIT_STORAGE_URI",
    "PAGE_CACHE_SECONDS",
    "CATALOG_CACHE_SECONDS",
    "SITE_URL",
    "SESSION_COOKIE_SECURE",
    "TRUSTED_PROXIES",
    "FLASK_DEBUG",
    "PROMETHEUS_MULTIPROC_DIR",
    "METRICS_TOKEN",
    "MAIL_SERVER",
)
SECRET_KEY = "khoa-chung-cua-cac-may"  # the same on every host, as in production


def host_environment(database_url: str, instance: Path, **settings: str) -> dict[str, str]:
    """The environment of one host (or job runner) process: this test's database and folder."""
    env = {k: v for k, v in os.environ.items() if k not in HOST_SETTINGS}
    env.update(
        DATABASE_URL=database_url,
        INSTANCE_PATH=str(instance),
        SECRET_KEY=SECRET_KEY,
        PYTHONUNBUFFERED="1",
        **settings,
    )
    return env


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer a test looks at


class Browser:
    """An HTTP client with its own cookies (a browser) talking to one real host."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(
        self, path: str, data: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict, str]:
        """Send a GET (or a form POST with `data`); return (status, headers, text)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        sent = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(sent, timeout=30) as response:
                answer = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            answer = error.code, error.headers, error.read()
        status, received, raw = answer
        return status, dict(received.items()), raw.decode("utf-8", "replace")

    def form_fields(self, path: str, action_suffix: str) -> dict[str, str]:
        """Open a page and return the hidden fields of its form posting to `…action_suffix`."""
        status, _headers, page = self.request(path)
        assert status == 200, (path, status, page[:300])
        forms = BeautifulSoup(page, "html.parser").find_all("form", attrs={"method": "post"})
        # A form without an action posts to its own page.
        form = next(f for f in forms if (f.get("action") or path).endswith(action_suffix))
        return {
            field["name"]: field.get("value", "")
            for field in form.find_all("input", attrs={"type": "hidden"})
            if field.get("name")
        }


class Host:
    """One server process; `base` is its address once it listens."""

    def __init__(self, process: subprocess.Popen, folder: Path) -> None:
        self.process = process
        self.folder = folder
        self.base = ""

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def browser(self) -> Browser:
        return Browser(self.base)

    def wait_listening(self, deadline: float) -> None:
        """Read the port the process prints once its socket listens (no sleeping)."""
        stdout = self.process.stdout
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([stdout], [], [], max(0.0, left))
            if ready:
                line = stdout.readline()
                if line.strip().isdigit():
                    self.base = f"http://127.0.0.1:{int(line)}"
                    return
                if not line:  # the process ended before serving
                    break
            elif left <= 0:
                break
        raise AssertionError(f"the host did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


class Hosts:
    """Start hosts on one database; stop them all at the end of the test."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.database_url = database_url
        self.folder = folder
        self.started: list[Host] = []

    def start(self, names=("a", "b"), **settings: str) -> list[Host]:
        """Start one host per name (all at once, so they start in parallel)."""
        hosts = []
        for name in names:
            folder = self.folder / f"host-{name}"
            folder.mkdir()
            with (folder / "server.log").open("w") as stderr:
                process = subprocess.Popen(
                    [sys.executable, "-c", SERVE],
                    cwd=ROOT,
                    env=host_environment(self.database_url, folder, **settings),
                    stdout=subprocess.PIPE,
                    stderr=stderr,
                    text=True,
                )
            host = Host(process, folder)
            self.started.append(host)
            hosts.append(host)
        deadline = time.monotonic() + 90
        for host in hosts:
            host.wait_listening(deadline)
        return hosts

    def stop(self) -> None:
        for host in self.started:
            host.stop()
