"""The committed result files, written by a full study run, read back and write out
byte for byte: the result codec keeps the file format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servmodel.results import load_result
from servmodel.results.serialize import save_payload

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "results" / "models").glob("*/*.json"))


def test_the_study_committed_both_kinds():
    kinds = {json.loads(p.read_text())["kind"] for p in FILES}
    assert kinds == {"panel", "bayes"}


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_result_file_round_trips_byte_for_byte(path, tmp_path):
    result = load_result(path)
    out = tmp_path / path.name
    if json.loads(path.read_text())["kind"] == "bayes":
        # the summary alone: the draws (.nc) are not committed
        save_payload("bayes", result.to_payload(), out)
    else:
        result.save(out)
    assert out.read_bytes() == path.read_bytes()
