"""Assemble the demo bundle: people (dates relative to today) plus the content fragments."""

from __future__ import annotations

import datetime
from pathlib import Path

from curriculum.bundle.io import read_bundle
from curriculum.demo.people import people_bundle

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def demo_bundle(today: datetime.date) -> dict:
    bundle = people_bundle(today)
    for fragment_path in sorted(CONTENT_DIR.glob("*.yaml")):
        fragment = read_bundle(fragment_path)
        for key, items in fragment.items():
            if key != "format":
                bundle.setdefault(key, []).extend(items)
    return bundle
