from celery import shared_task


# The one task someone waits on (the deep health check), hence the one with a result.
@shared_task(bind=True, name="civiportal.ping", ignore_result=False)
def ping(self):
    """Answer with the name of the worker that ran it, so a deep health check can tell
    a real worker from eager in-process execution."""
    return {"hostname": self.request.hostname or "eager"}
