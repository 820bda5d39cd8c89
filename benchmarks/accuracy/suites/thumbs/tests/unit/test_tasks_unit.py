from thumbs.storage import BUCKET
from thumbs.tasks import make_thumbnail, purge_variants


def test_thumbnail_is_written(unit_image, s3):
    result = make_thumbnail(BUCKET, unit_image, size=64)

    assert result.get() == f"thumbs/64/{unit_image}"
    head = s3.head_object(Bucket=BUCKET, Key=f"thumbs/64/{unit_image}")
    assert head["ContentType"] == "image/jpeg"


def test_purge_variants_inline(unit_image):
    assert purge_variants.call_local(BUCKET, unit_image) == 4
