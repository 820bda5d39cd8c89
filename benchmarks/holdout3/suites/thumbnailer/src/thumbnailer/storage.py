from .actors import make_thumbnail

DEFAULT_SIZES = (128, 512)


def archive_original(s3, bucket, key, sizes=DEFAULT_SIZES):
    """Copy an upload under ``archive/`` and ask for fresh thumbnails of the archived copy."""
    archived = f"archive/{key}"
    s3.copy_object(Bucket=bucket, Key=archived, CopySource={"Bucket": bucket, "Key": key})
    make_thumbnail.send(bucket, archived, list(sizes))
    return archived
