"""S3 ARNs (spec 3.4+): arn:PARTITION:s3:::BUCKET/KEY and
arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY, parsed as upstream."""

from __future__ import annotations

from ..frozen import frozen_model
from .errors import FetchError

PARTITION_REGION_HINTS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


@frozen_model
class S3Target:
    bucket: str
    key: str
    region: str = ""  # known for access points
    region_hint: str = ""
    access_point: tuple[str, str] | None = None  # (name, account)


def parse_arn(arn: str) -> S3Target:
    fields = arn.split(":", 5)
    if len(fields) != 6 or fields[0] != "arn" or fields[2] != "s3":
        raise FetchError(f"invalid S3 ARN format: {arn}")
    _, partition, _, region, account, resource = fields
    hint = PARTITION_REGION_HINTS.get(partition, "")
    parts = arn.split("/")
    if resource.startswith("accesspoint/"):
        if len(parts) < 4 or parts[2] != "object":
            raise FetchError(f"invalid S3 ARN format: {arn}")
        name = parts[1]
        return S3Target(
            bucket="/".join(parts[:2]),
            key="/".join(parts[3:]),
            region=region,
            region_hint=hint,
            access_point=(name, account),
        )
    if len(parts) < 2:
        raise FetchError(f"invalid S3 ARN format: {arn}")
    bucket = parts[0].split(":")[-1]
    return S3Target(bucket=bucket, key="/".join(parts[1:]), region_hint=hint)
