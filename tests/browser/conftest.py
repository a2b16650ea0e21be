"""Browser tests: Debian's Chromium driven by Playwright against one daphne process.

Run in their own pytest run (`-m browser`): Playwright's sync API leaves an event loop behind
that breaks async tests run after it in the same process.
"""

import shutil

import pytest

from tests.servers import daphne, prepare_database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def server_database(tmp_path_factory):
    """The server's database URL (a SQLite file), for the few tests that must set up what no
    page can, such as a deadline seconds away."""
    return prepare_database(tmp_path_factory.mktemp("browser-db"))


@pytest.fixture(scope="session")
def server(server_database):
    with daphne(server_database) as base:
        yield base


def sign_in(page, server, username, password="demo-academy"):
    page.goto(server + "/pl/login/")
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj się").click()
