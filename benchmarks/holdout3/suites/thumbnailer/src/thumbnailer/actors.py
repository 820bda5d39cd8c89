import io
from pathlib import Path

import boto3
import dramatiq
from PIL import Image

from . import broker as _broker  # noqa: F401  (sets the global broker)

THUMB_PREFIX = "thumbs"


def _s3():
    return boto3.client("s3")


@dramatiq.actor(queue_name="thumbnails", max_retries=3, time_limit=60_000)
def make_thumbnail(bucket, key, sizes):
    s3 = _s3()
    original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    written = []
    for size in sizes:
        img = Image.open(io.BytesIO(original))
        img.thumbnail((size, size))
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=85)
        thumb_key = f"{THUMB_PREFIX}/{size}/{key}"
        s3.put_object(Bucket=bucket, Key=thumb_key, Body=out.getvalue(), ContentType="image/jpeg")
        written.append(thumb_key)
    return written


@dramatiq.actor(queue_name="local", store_results=True)
def strip_exif(path):
    path = Path(path)
    with Image.open(path) as img:
        clean = Image.new(img.mode, img.size)
        clean.putdata(list(img.getdata()))
    clean.save(path)
    return str(path)


@dramatiq.actor(queue_name="local")
def make_local_thumbnail(path, sizes):
    path = Path(path)
    for size in sizes:
        with Image.open(path) as img:
            img.thumbnail((size, size))
            img.save(path.with_name(f"{path.stem}_{size}{path.suffix}"))
