import io

from PIL import Image

from thumbs.huey_app import huey
from thumbs.storage import get_s3


def resize(data: bytes, size: int) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


@huey.task(retries=2, retry_delay=5)
def make_thumbnail(bucket: str, key: str, size: int = 256) -> str:
    s3 = get_s3()
    original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    thumb_key = f"thumbs/{size}/{key}"
    s3.put_object(Bucket=bucket, Key=thumb_key, Body=resize(original, size), ContentType="image/jpeg")
    return thumb_key


@huey.task()
def purge_variants(bucket: str, key: str) -> int:
    s3 = get_s3()
    removed = 0
    for size in (64, 128, 256, 512):
        s3.delete_object(Bucket=bucket, Key=f"thumbs/{size}/{key}")
        removed += 1
    return removed
