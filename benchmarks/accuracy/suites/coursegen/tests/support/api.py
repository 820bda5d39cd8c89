"""Calls into the HTTP API under test."""
import httpx


def trigger_generation(client: httpx.Client, course_id: str, *, from_stage: int = 2) -> httpx.Response:
    """POST /api/courses/{id}/generate.

    The API answers 202 straight away and enqueues one DOCUMENT_PROCESSING job per document.
    """
    return client.post(f"/api/courses/{course_id}/generate", json={"fromStage": from_stage})


def get_generation_status(client: httpx.Client, course_id: str) -> httpx.Response:
    return client.get(f"/api/courses/{course_id}/status")
