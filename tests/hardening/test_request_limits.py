"""Request-size limit applied before the body is read; upload quotas for guests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from applicants.models import Answer
from tests.applicants.conftest import complete_intake
from tests.applicants.test_uploads import PDF
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class ExplodingBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_body_over_the_limit_is_refused_before_it_is_read(settings):
    from civiportal.wsgi import application

    settings.MAX_REQUEST_BYTES = 1024 * 1024
    environ = Client()._base_environ(
        PATH_INFO="/apply/intake/about-you/",
        REQUEST_METHOD="POST",
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    environ["wsgi.input"] = ExplodingBody()
    statuses = []
    body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["413 Request Entity Too Large"]
    assert b"larger than 1 MB" in body


def upload_step(client):
    complete_intake(client)
    client.post("/apply/results/", {"programs": ["rent-help"]})
    return client.get("/apply/questions/").headers["Location"]


def lease():
    return SimpleUploadedFile("lease.pdf", PDF, content_type="application/pdf")


def test_a_guest_can_store_only_so_many_files(client, program_with_a_document, settings):
    settings.GUEST_UPLOAD_QUOTA = 3
    step = upload_step(client)
    for _ in range(3):
        assert client.post(step, {"documents__lease": lease()}).status_code == 302
    refused = client.post(step, {"documents__lease": lease()})
    assert refused.status_code == 429
    assert "Too many files" in refused.content.decode()


def test_new_sessions_from_one_address_are_limited_too(program_with_a_document, settings):
    settings.GUEST_UPLOAD_REQUESTS_PER_HOUR = 2
    codes = []
    for _ in range(3):
        client = Client()
        step = upload_step(client)
        codes.append(client.post(step, {"documents__lease": lease()}).status_code)
    assert codes == [302, 302, 429]
    assert Answer.objects.filter(question_key="documents.lease").count() == 2


def test_signed_in_residents_have_no_guest_quota(client, program_with_a_document, settings):
    settings.GUEST_UPLOAD_QUOTA = 1
    client.force_login(UserFactory())
    step = upload_step(client)
    for _ in range(3):
        assert client.post(step, {"documents__lease": lease()}).status_code == 302
