def test_task_enqueued_by_a_web_request_runs_on_a_real_worker(celery_worker, admin_client):
    """/healthz?worker=1 (staff only) sends a ping task through Redis and waits for the
    worker's answer, which names the worker: proof it did not run in process."""
    response = admin_client.get("/healthz?worker=1")
    assert response.status_code == 200, response.content
    worker_check = response.json()["checks"]["worker"]
    assert worker_check == {"ok": True, "detail": celery_worker.hostname}
