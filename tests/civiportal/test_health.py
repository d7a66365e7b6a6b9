import pytest


@pytest.mark.django_db
def test_healthz_reports_ok_with_database_and_broker_up(client, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "the suite runs on real Redis"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"] == {"ok": True, "detail": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_skips_the_broker_in_embedded_mode(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["detail"].startswith("not configured")


@pytest.mark.django_db
def test_anonymous_callers_cannot_ask_for_a_worker_round_trip(client):
    response = client.get("/healthz?worker=1")
    assert "worker" not in response.json()["checks"]
