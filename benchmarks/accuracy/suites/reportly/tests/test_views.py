import pytest
from django.urls import reverse


@pytest.mark.usefixtures("celery_live_worker")
def test_rebuild_endpoint_accepts(transactional_db, client, report):  # error: TDL001
    client.force_login(report.owner)

    response = client.post(reverse("reports:rebuild", args=[report.pk]))

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
