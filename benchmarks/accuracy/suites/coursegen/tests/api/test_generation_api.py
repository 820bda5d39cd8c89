import uuid

from tests.support.api import get_generation_status, trigger_generation


def test_generate_is_accepted(api_client, api_course):
    response = trigger_generation(api_client, api_course["id"])

    assert response.status_code == 202
    assert response.json()["status"] == "queued"


def test_status_of_unknown_course_is_404(api_client):
    response = get_generation_status(api_client, str(uuid.uuid4()))

    assert response.status_code == 404
