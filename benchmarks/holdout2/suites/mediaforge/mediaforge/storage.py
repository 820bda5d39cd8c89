import os
from pathlib import PurePosixPath

import boto3

BUCKET = os.environ.get("MEDIAFORGE_BUCKET", "mediaforge-test")


def s3_client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ.get("S3_ENDPOINT_URL", "http://localhost:9000"),
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "minio"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "minio123"),
        region_name="us-east-1",
    )


def rendition_key(asset_key):
    return f"renditions/{PurePosixPath(asset_key).stem}.mp4"


def thumbnail_key(asset_key, index):
    return f"thumbnails/{PurePosixPath(asset_key).stem}/{index}.jpg"
