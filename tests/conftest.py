import importlib

import pytest
from django.db.models.signals import post_migrate

from civiportal.celery import app as celery_app
from tests.celery_worker import celery_worker, pdf_worker  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def eager_celery_unless_worker(request):
    """Unit tests run tasks in process; tests that ask for `celery_worker` get the real
    broker and a real worker instead."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = was_eager


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Hash test passwords with a cheap algorithm: the production hasher is slow on
    purpose, and the suite creates hundreds of users. Nothing here tests its strength."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    original = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    yield
    settings.PASSWORD_HASHERS = original
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def private_media_root(tmp_path_factory, settings, monkeypatch):
    """Each test stores files (uploads, rendered PDFs) in a folder of its own, and so does
    a worker process it starts (the environment is passed on)."""
    media = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    return media


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A request in Spanish leaves Spanish active in this thread (LocaleMiddleware never
    deactivates it): without this, a later test's English messages depend on test order."""
    yield
    from django.utils import translation

    translation.deactivate()


def reseed_reference_tables_after_flush(sender, using, **kwargs):
    """A transactional test ends with a flush, which empties every table, the reference
    tables that migration eligibility 0003 seeds included, and then sends post_migrate:
    the seed comes back as the migration left it, so no later test depends on running
    before the first flush (tests run in any order, or in parallel processes)."""
    if sender.label != "eligibility":
        return
    from django.apps import apps

    from eligibility.table_models import ReferenceTable

    if not ReferenceTable.objects.using(using).exists():
        # The migration's own function, so the rows (audit trail included) are its rows.
        migration = importlib.import_module("eligibility.migrations.0003_seed_reference_tables")
        migration.seed(apps, None)


post_migrate.connect(reseed_reference_tables_after_flush, dispatch_uid="reseed-reference-tables")
