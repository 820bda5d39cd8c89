import boto3
import pytest
from moto import mock_aws

from thumbs.huey_app import huey
from thumbs.storage import BUCKET


@pytest.fixture(autouse=True)
def immediate_huey():
    """Unit tests run huey tasks inline (in-memory storage, no consumer)."""
    huey.immediate = True
    yield huey
    huey.immediate = False


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def unit_image(s3, jpeg_bytes):
    key = "uploads/cat.jpg"
    s3.put_object(Bucket=BUCKET, Key=key, Body=jpeg_bytes)
    yield key
    s3.delete_object(Bucket=BUCKET, Key=key)
