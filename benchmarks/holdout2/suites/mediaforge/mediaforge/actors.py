from pathlib import Path

import dramatiq

from . import broker as _broker  # noqa: F401  (installs the global broker)
from .ffmpeg import extract_frames, transcode_file
from .storage import BUCKET, rendition_key, s3_client, thumbnail_key


def _download(s3, asset_key, workdir):
    local = Path(workdir) / Path(asset_key).name
    s3.download_file(BUCKET, asset_key, str(local))
    return local


@dramatiq.actor(queue_name="media", max_retries=0, store_results=True)
def ingest_upload(asset_key, workdir):
    """Entry point for a new upload: fans out to transcoding and thumbnails."""
    transcode.send(asset_key, workdir)
    generate_thumbnails.send(asset_key, workdir)
    return {"asset": asset_key, "scheduled": ["transcode", "thumbnails"]}


@dramatiq.actor(queue_name="media", max_retries=0, store_results=True)
def transcode(asset_key, workdir):
    s3 = s3_client()
    local = _download(s3, asset_key, workdir)
    output = transcode_file(local, Path(workdir) / f"{local.stem}.mp4")
    key = rendition_key(asset_key)
    s3.upload_file(str(output), BUCKET, key)
    return key


@dramatiq.actor(queue_name="media", max_retries=0)
def generate_thumbnails(asset_key, out_dir):
    s3 = s3_client()
    local = _download(s3, asset_key, out_dir)
    for index, frame in enumerate(extract_frames(local, Path(out_dir))):
        s3.upload_file(str(frame), BUCKET, thumbnail_key(asset_key, index))
