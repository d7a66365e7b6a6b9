"""Broker messages a request owes are published after its response is sent
(civiportal/after_response.py); anywhere else, on commit as before."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path

from civiportal.after_response import AfterResponseMiddleware, on_commit_after_response

pytestmark = pytest.mark.django_db(transaction=True)


def _view_committing(events, *callbacks, then_raise=False):
    def view(request):
        with transaction.atomic():
            for callback in callbacks:
                on_commit_after_response(callback)
        events.append("committed")
        if then_raise:
            raise RuntimeError("after the commit")
        return HttpResponse("page")

    return view


def test_in_a_request_the_callback_runs_when_the_response_is_closed():
    events = []
    middleware = AfterResponseMiddleware(
        _view_committing(events, lambda: events.append("published"))
    )
    response = middleware(RequestFactory().post("/apply/review/"))
    assert events == ["committed"]  # the page is ready, nothing published yet
    assert response.content == b"page"
    response.close()  # what the WSGI server does once the page is sent
    assert events == ["committed", "published"]
    response.close()
    assert events == ["committed", "published"]  # once only


def test_outside_a_request_the_callback_runs_on_commit():
    events = []
    with transaction.atomic():
        on_commit_after_response(lambda: events.append("published"))
        assert events == []
    assert events == ["published"]


def test_a_rolled_back_transaction_publishes_nothing():
    events = []
    with pytest.raises(RuntimeError), transaction.atomic():
        on_commit_after_response(lambda: events.append("published"))
        raise RuntimeError("rolled back")
    assert events == []


def test_a_failing_callback_does_not_keep_the_next_one_from_running(caplog):
    events = []

    def broken():
        raise ConnectionError("broker gone")

    middleware = AfterResponseMiddleware(
        _view_committing(events, broken, lambda: events.append("published"))
    )
    middleware(RequestFactory().post("/")).close()
    assert events == ["committed", "published"]
    assert "A publication after the response failed" in caplog.text


def test_a_view_failing_after_its_commit_still_publishes_what_it_committed():
    events = []
    middleware = AfterResponseMiddleware(
        _view_committing(events, lambda: events.append("published"), then_raise=True)
    )
    with pytest.raises(RuntimeError):
        middleware(RequestFactory().post("/"))
    assert events == ["committed", "published"]


def test_the_test_client_closes_the_response_so_a_submission_is_published(client):
    # Django's test client closes every response, as a WSGI server does: a page that
    # commits publishes before `client.get` returns (the end-to-end tests rely on it).
    events = []
    view = _view_committing(events, lambda: events.append("published"))
    urlconf = type("urls", (), {"urlpatterns": [path("commit/", view)]})
    with override_settings(ROOT_URLCONF=urlconf):
        response = client.get("/commit/")
    assert response.status_code == 200
    assert events == ["committed", "published"]
