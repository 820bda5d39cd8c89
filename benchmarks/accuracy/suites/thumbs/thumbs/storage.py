import os

import boto3

BUCKET = os.environ.get("THUMBS_BUCKET", "media-uploads")
S3_ENDPOINT = os.environ.get("S3_ENDPOINT_URL")  # localstack in CI, unset in production


def get_s3():
    return boto3.client("s3", endpoint_url=S3_ENDPOINT, region_name=os.environ.get("AWS_REGION", "us-east-1"))
