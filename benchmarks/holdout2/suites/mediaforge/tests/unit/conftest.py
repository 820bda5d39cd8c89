import shutil
import uuid

import pytest

from mediaforge.storage import BUCKET
from tests.support.media import SAMPLE_MOV


@pytest.fixture
def uploaded_asset(s3):
    key = f"uploads/{uuid.uuid4().hex}.mov"
    s3.put_object(Bucket=BUCKET, Key=key, Body=SAMPLE_MOV)
    yield key
    s3.delete_object(Bucket=BUCKET, Key=key)  # error: TDL001


@pytest.fixture
def thumb_dir(tmp_path):
    path = tmp_path / "thumbs"
    path.mkdir()
    yield path
    shutil.rmtree(path)  # error: TDL001
