import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from dramatiq import group

from thumbnailer.actors import make_local_thumbnail, make_thumbnail, strip_exif
from thumbnailer.storage import archive_original

from .helpers import JPEG_1PX, write_sample_images


@pytest.fixture
def pending_thumbnail(stub_broker, stub_worker, s3, media_bucket):
    key = "uploads/pending.jpg"
    s3.put_object(Bucket=media_bucket, Key=key, Body=JPEG_1PX)
    message = make_thumbnail.send(media_bucket, key, [32])
    yield message
    s3.delete_object(Bucket=media_bucket, Key=key)  # error: TDL001


def test_pending_message_targets_thumbnail_queue(pending_thumbnail):
    assert pending_thumbnail.queue_name == "thumbnails"
    assert pending_thumbnail.args[2] == [32]


def test_upload_triggers_thumbnail(stub_broker, stub_worker, s3, upload_bucket):
    s3.put_object(Bucket=upload_bucket, Key="uploads/cat.jpg", Body=JPEG_1PX)
    make_thumbnail.send(upload_bucket, "uploads/cat.jpg", [128, 256])
    assert s3.head_object(Bucket=upload_bucket, Key="uploads/cat.jpg")["ContentLength"] > 0


def test_strip_exif_rewrites_file(stub_broker, stub_worker, media_dir):
    (photo,) = write_sample_images(media_dir, ["holiday.jpg"])
    strip_exif.send(str(photo))
    stub_broker.join(strip_exif.queue_name)
    stub_worker.join()
    assert photo.read_bytes().startswith(b"\xff\xd8")


def test_contact_sheet_group(stub_broker, stub_worker, media_dir):
    paths = write_sample_images(media_dir, [f"frame{i:02}.jpg" for i in range(6)])
    jobs = group([strip_exif.message(str(p)) for p in paths]).run()
    jobs.wait(timeout=10_000)
    assert sorted(jobs.get_results()) == sorted(str(p) for p in paths)


@pytest.mark.parametrize("sizes", [[64], [64, 256]])
def test_rejects_corrupt_images(stub_broker, stub_worker, sizes):
    workdir = Path(tempfile.mkdtemp(prefix="thumbs-"))
    try:
        for name in ("ok.jpg", "truncated.jpg"):
            (workdir / name).write_bytes(JPEG_1PX if name == "ok.jpg" else JPEG_1PX[:40])
            make_local_thumbnail.send(str(workdir / name), sizes)
        assert (workdir / "ok.jpg").exists()
    finally:
        shutil.rmtree(workdir)  # error: TDL001


def test_reprocess_original(request, stub_broker, stub_worker, s3, media_bucket):
    key = "originals/dog.jpg"
    s3.put_object(Bucket=media_bucket, Key=key, Body=JPEG_1PX)
    request.addfinalizer(lambda: s3.delete_object(Bucket=media_bucket, Key=key))  # error: TDL001
    message = make_thumbnail.send_with_options(args=(media_bucket, key, [64, 128]), delay=50)
    assert message.message_id


def test_archive_original_requests_thumbnails(s3, media_bucket):
    key = "uploads/archive-me.jpg"
    s3.put_object(Bucket=media_bucket, Key=key, Body=JPEG_1PX)
    try:
        with mock.patch.object(make_thumbnail, "send") as send:
            archived = archive_original(s3, media_bucket, key)
        send.assert_called_once_with(media_bucket, "archive/uploads/archive-me.jpg", [128, 512])
    finally:
        s3.delete_object(Bucket=media_bucket, Key=key)
        s3.delete_object(Bucket=media_bucket, Key=archived)
