import copy
import json

import pytest

from programs.demo import DEMO_FILE, demo_programs_load
from programs.models import Program
from programs.services import program_version_create_draft
from tests.factories import UserFactory

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


@pytest.fixture
def staff_client(client, db):
    """The test client signed in as a superuser (the program admins' pages)."""
    client.force_login(UserFactory(username="builder", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def draft(db):
    """A new draft of the published demo Recreation Scholarship (modules that need another
    draft define their own)."""
    demo_programs_load()
    program = Program.objects.get(slug="recreation-scholarship")
    published = program.versions.get(status="published")
    return program_version_create_draft(program=program, from_version=published)
