import os
import shutil
import uuid

import boto3
import pytest
from dramatiq import Worker

from thumbnailer.broker import broker

from .helpers import empty_and_delete_bucket


@pytest.fixture
def stub_broker():
    broker.flush_all()
    yield broker
    broker.flush_all()


@pytest.fixture
def stub_worker(stub_broker):
    worker = Worker(stub_broker, worker_timeout=100)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def s3():
    return boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"), region_name="us-east-1")


@pytest.fixture(scope="session")
def media_bucket(s3):
    """Long-lived bucket shared by the whole run (localstack is recreated per CI job)."""
    name = "thumbnailer-media-test"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def upload_bucket(s3):
    name = f"thumbnailer-upload-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    yield name
    empty_and_delete_bucket(s3, name)  # error: TDL001


@pytest.fixture
def media_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("media")
    yield root
    shutil.rmtree(root, ignore_errors=True)
