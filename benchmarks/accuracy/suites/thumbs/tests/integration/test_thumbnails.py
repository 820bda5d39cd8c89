import os
import uuid

import boto3
import pytest

from thumbs.storage import BUCKET, S3_ENDPOINT
from thumbs.tasks import make_thumbnail, purge_variants

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("size", [128, 512])
def test_thumbnail_roundtrip(uploaded_image, s3, size):
    result = make_thumbnail(BUCKET, uploaded_image, size=size)

    thumb_key = result.get(blocking=True, timeout=30)

    assert s3.head_object(Bucket=BUCKET, Key=thumb_key)["ContentLength"] > 0


def test_upload_hook_enqueues_thumbnail(uploaded_image):
    result = make_thumbnail(BUCKET, uploaded_image)

    assert result.id


def test_scheduled_purge_can_be_revoked(uploaded_image):
    result = purge_variants.schedule(args=(BUCKET, uploaded_image), delay=600)
    try:
        assert not result.is_revoked()
    finally:
        result.revoke()


def test_thumbnail_task_signature(uploaded_image):
    task = make_thumbnail.s(BUCKET, uploaded_image, size=64)

    assert task.args == (BUCKET, uploaded_image)
    assert task.kwargs == {"size": 64}


def test_small_thumbnail_and_cleanup(s3, jpeg_bytes):
    key = f"uploads/{uuid.uuid4().hex}.jpg"
    s3.put_object(Bucket=BUCKET, Key=key, Body=jpeg_bytes)
    result = make_thumbnail(BUCKET, key, size=64)
    try:
        if os.environ.get("THUMBS_STRICT") == "1":
            assert result.get(blocking=True, timeout=60) == f"thumbs/64/{key}"
    finally:
        boto3.resource("s3", endpoint_url=S3_ENDPOINT).Bucket(BUCKET).objects.filter(Prefix="thumbs/64/").delete()  # error: TDL001
        s3.delete_object(Bucket=BUCKET, Key=key)  # error: TDL001
