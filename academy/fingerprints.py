"""Fingerprints of the code and translations that render kept output (cached HTML, export lines)."""

import hashlib
from pathlib import Path

from django.conf import settings


def code_fingerprint(sources: list[Path], *extra: str) -> str:
    """A digest of the source files, every compiled translation catalogue and `extra` (e.g. a
    library's version): what kept output was made with besides its data, so that a deployment
    changing any of it makes the output be made again."""
    digest = hashlib.blake2b(digest_size=16)
    for text in extra:
        digest.update(text.encode())
    for locale_path in settings.LOCALE_PATHS:
        sources = [*sources, *sorted(Path(locale_path).glob("*/LC_MESSAGES/*.mo"))]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
