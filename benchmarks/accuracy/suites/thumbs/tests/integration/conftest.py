"""Integration tests: localstack S3 plus a huey consumer
(`huey_consumer thumbs.tasks.huey -w 2 -k thread`) from docker-compose.test.yml."""
import uuid

import pytest

from thumbs.storage import BUCKET, get_s3


@pytest.fixture(scope="session")
def s3():
    client = get_s3()
    existing = {b["Name"] for b in client.list_buckets()["Buckets"]}
    if BUCKET not in existing:
        client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def uploaded_image(s3, jpeg_bytes):
    key = f"uploads/{uuid.uuid4().hex}.jpg"
    s3.put_object(Bucket=BUCKET, Key=key, Body=jpeg_bytes, ContentType="image/jpeg")
    yield key
    s3.delete_object(Bucket=BUCKET, Key=key)  # error: TDL001
