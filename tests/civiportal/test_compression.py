"""HTML pages are gzipped only when no other site can put text into them (BREACH)."""

import gzip

import pytest

from tests.factories import ProgramFactory

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def decoded(response) -> str:
    return gzip.decompress(response.content).decode()


@pytest.mark.django_db
def test_a_plain_page_is_compressed_and_says_it_varies(client):
    plain = client.get("/programs/").content.decode()
    response = client.get("/programs/", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert len(response.content) < len(plain)
    # The same page apart from the per-response CSRF mask.
    assert (
        decoded(response).split("csrfmiddlewaretoken")[0] == plain.split("csrfmiddlewaretoken")[0]
    )


@pytest.mark.django_db
def test_no_gzip_without_accept_encoding(client):
    response = client.get("/programs/")
    assert not response.has_header("Content-Encoding")
    assert "<html" in response.content.decode()


@pytest.mark.django_db
def test_a_query_string_reflected_in_the_page_is_never_compressed(client):
    ProgramFactory()
    response = client.get("/programs/?category=secret-guess-1234", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


@pytest.mark.django_db
def test_post_responses_and_errors_are_not_compressed(client):
    assert not client.get("/programs/no-such-program/", **GZIP).has_header("Content-Encoding")
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"}, follow=True, **GZIP)
    # The redirect's target is fetched with GET, without a query string: compressed.
    assert response.redirect_chain
    assert '<html lang="es">' in decoded(response)
    posted = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, **GZIP)
    assert not posted.has_header("Content-Encoding")


@pytest.mark.django_db
def test_admin_pages_are_never_compressed(admin_client):
    response = admin_client.get("/admin/", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


@pytest.mark.django_db
def test_json_is_not_compressed(client):
    response = client.get("/healthz", **GZIP)
    assert response["Content-Type"].startswith("application/json")
    assert not response.has_header("Content-Encoding")
