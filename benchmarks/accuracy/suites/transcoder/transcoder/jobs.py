import os

import boto3

TABLE_NAME = os.environ.get("TRANSCODE_JOBS_TABLE", "transcode-jobs")


def jobs_table():
    dynamodb = boto3.resource(
        "dynamodb",
        endpoint_url=os.environ.get("DYNAMODB_ENDPOINT"),  # DynamoDB Local in tests
        region_name=os.environ.get("AWS_REGION", "eu-west-1"),
    )
    return dynamodb.Table(TABLE_NAME)


def set_state(job_id: str, state: str, **extra) -> None:
    names = {"#s": "state"}
    values = {":s": state}
    expr = "SET #s = :s"
    for i, (key, value) in enumerate(extra.items()):
        names[f"#k{i}"] = key
        values[f":v{i}"] = value
        expr += f", #k{i} = :v{i}"
    jobs_table().update_item(
        Key={"job_id": job_id},
        UpdateExpression=expr,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
        ConditionExpression="attribute_exists(job_id)",
    )
