import pytest

from tests.applicants.conftest import demo_programs, fresh_intake_cache  # noqa: F401
from tests.applicants.test_uploads import program_with_a_document  # noqa: F401
from tests.programs.conftest import demo_document, write_json  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_limits():
    # Rate-limit counters and lockouts live in the cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
