import time

from rq.registry import StartedJobRegistry


def wait_for_queue(queue, timeout=30.0, interval=0.1):
    """Poll until nothing is queued on `queue` and nothing from it is running."""
    started = StartedJobRegistry(queue=queue)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if queue.count == 0 and started.count == 0:
            return
        time.sleep(interval)
    raise TimeoutError(f"queue {queue.name!r} still busy after {timeout}s")
