import pytest

from eligibility.services import clear_compiled_cache


@pytest.fixture
def demo_programs(db):
    """The demo programs, published, as `make demo` loads them."""
    from programs.demo import demo_programs_load
    from programs.models import ProgramVersion

    clear_compiled_cache()
    demo_programs_load()
    yield {
        version.program.slug: version
        for version in ProgramVersion.objects.filter(status="published").select_related("program")
    }
    clear_compiled_cache()
