"""The versions in effect and their compiled rules are cached in each process and checked
against one signature query per request (eligibility/published.py): a publish in one
process is seen by another on its next request."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from eligibility.published import clear_published_cache
from eligibility.services import clear_compiled_cache
from tests import celery_worker

# Another process serving "requests": each line on stdin is one, screening these answers.
SERVER = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from eligibility.services import screen

    for line in sys.stdin:
        request_started.send(sender=None)
        with CaptureQueriesContext(connection) as queries:
            results = screen(answers=json.loads(line), language="en")
        request_finished.send(sender=None)
        print(json.dumps({
            "outcomes": {r.program.slug: r.outcome for r in results},
            "versions": {r.program.slug: r.version.number for r in results},
            "queries": len(queries),
        }), flush=True)
    """
)
RICH = {"household.size": 1, "income.monthly_gross": 99_999_900}


@pytest.fixture
def other_process(transactional_db):
    from programs.demo import demo_programs_load

    clear_compiled_cache()
    clear_published_cache()
    demo_programs_load()
    env = {
        **os.environ,
        "DATABASE_URL": celery_worker.test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "civiportal.settings",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        cwd=celery_worker.ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def ask(answers: dict) -> dict:
        process.stdin.write(json.dumps(answers) + "\n")
        process.stdin.flush()
        line = process.stdout.readline()
        assert line, "the other process stopped"
        return json.loads(line)

    yield ask
    process.stdin.close()
    process.wait(timeout=30)
    clear_compiled_cache()
    clear_published_cache()


# Committed data is needed for the other process to see it. Not serialized_rollback: its
# reload collides with content types recreated (new ids) after an earlier test's flush.
@pytest.mark.django_db(transaction=True)
def test_a_publish_in_one_process_is_seen_by_another_on_its_next_request(other_process):
    from programs.models import Program
    from programs.services import (
        program_version_create_draft,
        program_version_publish,
        program_version_update,
    )

    first = other_process(RICH)
    assert first["outcomes"]["basic-food"] == "ineligible"
    # Nothing changed: the other process screens from its cache, one query (the signature).
    again = other_process(RICH)
    assert again == {**first, "queries": 1}

    program = Program.objects.get(slug="basic-food")
    draft = program_version_create_draft(program=program, from_version=program.versions.get())
    program_version_update(version=draft, eligibility_rules={}, examples=[])
    program_version_publish(version=draft)

    after = other_process(RICH)
    assert after["versions"]["basic-food"] == first["versions"]["basic-food"] + 1
    assert after["outcomes"]["basic-food"] == "eligible"  # the new version has no limits
    assert after["queries"] > 1  # reloaded once...
    assert other_process(RICH)["queries"] == 1  # ...then cached again


def test_a_request_reads_the_signature_once(client, db, django_assert_num_queries):
    from eligibility.published import published_signature, versions_in_effect

    clear_published_cache()
    versions_in_effect()
    # Outside a request every call reads it (a worker sees a change at once).
    with django_assert_num_queries(2):
        published_signature()
        published_signature()
