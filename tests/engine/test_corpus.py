"""The labelled corpus and the analyser's precision and recall on it (see bench/analyser_report.py)."""

import importlib.util
from collections import Counter
from pathlib import Path

from roleplay.engine import CODES

REPORT = Path(__file__).resolve().parents[2] / "bench" / "analyser_report.py"


def load_report():
    spec = importlib.util.spec_from_file_location("analyser_report", REPORT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_is_big_enough_and_well_formed(corpus):
    assert len(corpus) >= 150
    langs = Counter(item["lang"] for item in corpus)
    assert langs["pl"] >= 75 and langs["en"] >= 75
    texts = [(item["lang"], item["text"]) for item in corpus]
    assert len(texts) == len(set(texts)), "duplicate sentences"
    for item in corpus:
        assert set(item) <= {"lang", "text", "codes", "split"}
        assert item["lang"] in ("pl", "en")
        assert item.get("split", "dev") in ("dev", "holdout")
        assert item["text"].strip()
        assert all(code in CODES for code in item["codes"]), item
        assert len(item["codes"]) == len(set(item["codes"])), item


def test_every_code_is_labelled_in_both_languages(corpus):
    for lang in ("pl", "en"):
        labelled = {code for item in corpus if item["lang"] == lang for code in item["codes"]}
        assert labelled == set(CODES), set(CODES) - labelled


def test_corpus_has_sentences_with_no_code_and_a_holdout(corpus):
    assert sum(1 for item in corpus if not item["codes"]) >= 10
    assert sum(1 for item in corpus if item.get("split") == "holdout") >= 40


def test_overall_micro_precision_and_recall_are_at_least_85_percent(corpus):
    report = load_report()
    result = report.evaluate(corpus)
    print(report.format_table(result, "analyser on tests/engine/corpus.json"))
    assert result["precision"] >= 0.85, result["precision"]
    assert result["recall"] >= 0.85, result["recall"]


def test_report_script_prints_a_table_per_code(capsys):
    report = load_report()
    assert report.main([]) == 0
    out = capsys.readouterr().out
    for word in ("tp", "fp", "fn", "precision", "recall", "micro", "holdout"):
        assert word in out
    assert "empathy" in out and "jargon" in out
