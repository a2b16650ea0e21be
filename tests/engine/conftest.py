"""Fixtures for the customer engine tests. Nothing here touches Django."""

import json
from pathlib import Path

import pytest

from roleplay.engine import all_scenarios

CORPUS_PATH = Path(__file__).with_name("corpus.json")
SLUGS = [
    "drop-off-fee",
    "email-only",
    "forgotten-laptop",
    "fuel-card",
    "no-id",
    "perfume",
    "refund-delay",
    "shoe-sole",
]


@pytest.fixture(scope="session")
def corpus():
    return json.loads(CORPUS_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def scenarios():
    return {s.slug: s for s in all_scenarios()}
