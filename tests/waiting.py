"""The one way tests wait for a worker, a browser or a broker: poll until true."""

import time


def wait_for(predicate, timeout: float = 20, interval: float = 0.1, *, what: str = "condition"):
    """The first truthy value of `predicate()`, polled until `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} not met within {timeout}s")
