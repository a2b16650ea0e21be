"""Reading the team CSV exports back in tests."""

import csv
import io


def read_csv(content) -> list[list[str]]:
    """The rows of an export: its text, or a response carrying it (UTF-8 with a byte-order mark)."""
    text = content.content.decode("utf-8") if hasattr(content, "content") else content
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
