"""Real server processes for tests that need them: daphne on a file database, and Redis.

They run as plain subprocesses (not forks of the test process), so they share nothing with
pytest's event loops or in-memory channel layer: only the database file and Redis.
"""

import http.cookiejar
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="academy.settings.test",
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
        ACADEMY_SERVER_PROCESS="1",
    )
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


_template_database: Path | None = None


def prepare_database(directory: Path) -> str:
    """A migrated, demo-seeded SQLite file; returns its DATABASE_URL.

    Migrating and loading the demo content takes a while, so it happens once per test run;
    each caller gets its own copy of that file.
    """
    global _template_database
    if _template_database is None or not _template_database.exists():
        template_dir = Path(tempfile.mkdtemp(prefix="academy-template-db-"))
        template = template_dir / "template.sqlite3"
        env = server_env(f"sqlite:///{template}")
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "-v0"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)
        # Fold the WAL into the main file so a plain copy is complete.
        connection = sqlite3.connect(template)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        _template_database = template
    target = directory / "server.sqlite3"
    shutil.copyfile(_template_database, target)
    return f"sqlite:///{target}"


def _wait_for_http(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not answer in {timeout} s")


@contextmanager
def daphne(database_url: str, **env_extra):
    port = free_port()
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"daphne-{port}.log", "w")
    process = subprocess.Popen(
        [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "academy.asgi:application"],
        cwd=ROOT,
        env=server_env(database_url, **env_extra),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_http(base + "/healthz", process, timeout=60)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def redis_server():
    """The Redis named by TEST_REDIS_URL, or a private one started here."""
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; `make test` installs it (Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def browser_like(base: str, username: str, password: str):
    """An HTTP client signed in like a browser: (opener, cookie dict getter)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/pl/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(base + "/pl/login/", data=data.encode(), headers={"Referer": base + "/pl/login/"})
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise AssertionError(f"login as {username} failed")
    return opener, lambda: {c.name: c.value for c in jar}


def login(base: str, username: str, password: str) -> str:
    """Sign in over HTTP like a browser; returns the session cookie value."""
    _, cookies = browser_like(base, username, password)
    return cookies()["sessionid"]


def post_form(opener, cookies, base: str, path: str, fields: dict):
    """POST a form with the CSRF token, as a browser would; returns the final response."""
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": cookies()["csrftoken"]}).encode()
    return opener.open(urllib.request.Request(base + path, data=data, headers={"Referer": base + path}))
