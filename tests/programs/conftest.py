import copy
import json

import pytest

from programs.demo import DEMO_FILE

with DEMO_FILE.open(encoding="utf-8") as handle:
    _DEMO = json.load(handle)


@pytest.fixture
def demo_document():
    """A fresh copy of the demo programs document (tests may change it)."""
    return copy.deepcopy(_DEMO)


@pytest.fixture
def write_json(tmp_path):
    def write(data, name="programs.json"):
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write
