"""Precision and recall of the behaviour analyser on the labelled corpus.

    .venv/bin/python bench/analyser_report.py            # table for both languages
    .venv/bin/python bench/analyser_report.py --lang pl  # one language
    .venv/bin/python bench/analyser_report.py --errors   # also list every miss and false alarm

Scoring is per sentence and per code (a code counts once per sentence however many spans
triggered it): tp = predicted and labelled, fp = predicted but not labelled, fn = labelled but
missed. Overall figures are micro-averaged over all codes.

The corpus has two splits. "dev" sentences were available while the rules were written (they
are what the rules were tuned on); "holdout" sentences were written after the rules were frozen
and have never been used to change a rule, so their figures are the honest estimate of how the
analyser does on text it has not seen. Re-tuning on the holdout spends it: write a new one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from roleplay.engine.analyser import analyse  # noqa: E402
from roleplay.engine.rules import CODES  # noqa: E402

CORPUS = ROOT / "tests" / "engine" / "corpus.json"


def load_corpus(path: Path = CORPUS) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate(corpus: list[dict], lang: str | None = None, split: str | None = None) -> dict:
    counts = {code: {"tp": 0, "fp": 0, "fn": 0} for code in CODES}
    errors = []
    selected = [
        item
        for item in corpus
        if (not lang or item["lang"] == lang) and (not split or item.get("split", "dev") == split)
    ]
    for item in selected:
        gold = set(item["codes"])
        predicted = {b.code for b in analyse(item["text"], item["lang"])}
        for code in predicted & gold:
            counts[code]["tp"] += 1
        for code in predicted - gold:
            counts[code]["fp"] += 1
        for code in gold - predicted:
            counts[code]["fn"] += 1
        if predicted != gold:
            errors.append(
                {
                    "lang": item["lang"],
                    "text": item["text"],
                    "missed": sorted(gold - predicted),
                    "false": sorted(predicted - gold),
                }
            )
    tp = sum(c["tp"] for c in counts.values())
    fp = sum(c["fp"] for c in counts.values())
    fn = sum(c["fn"] for c in counts.values())
    return {
        "per_code": counts,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "errors": errors,
        "sentences": len(selected),
    }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def format_table(result: dict, title: str) -> str:
    lines = [title, f"{'code':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>9}"]
    for code in CODES:
        c = result["per_code"][code]
        if not (c["tp"] or c["fp"] or c["fn"]):
            continue
        p = _ratio(c["tp"], c["tp"] + c["fp"])
        r = _ratio(c["tp"], c["tp"] + c["fn"])
        lines.append(f"{code:<22}{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}{p:>11.2f}{r:>9.2f}")
    lines.append(
        f"{'micro (all codes)':<22}{result['tp']:>5}{result['fp']:>5}{result['fn']:>5}"
        f"{result['precision']:>11.3f}{result['recall']:>9.3f}"
    )
    lines.append(f"sentences: {result['sentences']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=["pl", "en"], help="only one language")
    parser.add_argument("--split", choices=["dev", "holdout"], help="only one split")
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    args = parser.parse_args(argv)
    corpus = load_corpus()
    if args.lang or args.split:
        views = [(args.lang, args.split)]
    else:
        views = [(None, None), ("pl", None), ("en", None), (None, "dev"), (None, "holdout")]
    for lang, split in views:
        result = evaluate(corpus, lang, split)
        title = f"== {lang or 'pl + en'}, {split or 'all'} sentences =="
        print(format_table(result, title))
        print()
        if args.errors:
            for e in result["errors"]:
                print(f"  [{e['lang']}] {e['text']}\n      missed={e['missed']} false={e['false']}")
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
