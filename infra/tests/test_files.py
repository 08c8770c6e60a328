"""Files: the uploads bucket, its replication into the DR region, and deletions → Lambda → SNS."""

from conftest import flatten, only, resources


def files_bucket(primary_raw):
    (item,) = [
        (k, r)
        for k, r in resources(primary_raw, "AWS::S3::Bucket").items()
        if k.startswith("Files")
    ]
    return item


def test_uploads_bucket_is_private_versioned_encrypted_and_accelerated(primary_raw, settings):
    _, bucket = files_bucket(primary_raw)
    props = bucket["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["AccelerateConfiguration"] == {"AccelerationStatus": "Enabled"}
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert (
        flatten(props["BucketName"])
        == f"skylocker-files-${{AWS::AccountId}}-{settings.primary_region}"
    )
    # S3 never deletes a bucket that holds a version: a stack deletion stops on it, while a
    # failed first deploy's empty bucket goes with the rollback and frees the name.
    assert bucket["DeletionPolicy"] == "Delete"


def test_uploads_bucket_lifecycle_aborts_incomplete_multipart_uploads(primary_raw):
    _, bucket = files_bucket(primary_raw)
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    abort = [r for r in rules if "AbortIncompleteMultipartUpload" in r]
    assert abort and abort[0]["Status"] == "Enabled"
    assert abort[0]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] <= 7


def test_uploads_bucket_replicates_with_delete_markers_into_a_versioned_dr_bucket(
    primary_raw, raw, settings
):
    _, bucket = files_bucket(primary_raw)
    replication = bucket["Properties"]["ReplicationConfiguration"]
    (rule,) = replication["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["DeleteMarkerReplication"] == {"Status": "Enabled"}
    destination = flatten(rule["Destination"]["Bucket"])
    replica_name = f"skylocker-files-${{AWS::AccountId}}-{settings.dr_region}"
    assert destination == f"arn:${{AWS::Partition}}:s3:::{replica_name}"
    role = primary_raw["Resources"][replication["Role"]["Fn::GetAtt"][0]]
    assert role["Type"] == "AWS::IAM::Role"

    (replica,) = [
        r
        for k, r in resources(raw["Skylocker-DrFiles"], "AWS::S3::Bucket").items()
        if k.startswith("FilesReplica")
    ]
    assert flatten(replica["Properties"]["BucketName"]) == replica_name
    assert replica["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert replica["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True


def test_only_tls_requests_reach_the_buckets(raw):
    for name in ("Skylocker-Primary", "Skylocker-DrFiles"):
        policies = [
            flatten(p["Properties"]["PolicyDocument"])
            for p in resources(raw[name], "AWS::S3::BucketPolicy").values()
        ]
        assert policies and all('"aws:SecureTransport": "false"' in p for p in policies), name


def test_lambda_from_the_repo_hears_of_removals_and_lifecycle_expirations_and_tells_the_topic(
    primary_raw, outdir, settings
):
    bucket_id, bucket = files_bucket(primary_raw)
    configs = bucket["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]
    # A lifecycle rule's expirations are s3:LifecycleExpiration:* events, not ObjectRemoved.
    assert sorted(config["Event"] for config in configs) == [
        "s3:LifecycleExpiration:*",
        "s3:ObjectRemoved:*",
    ]
    assert len({flatten(config["Function"]) for config in configs}) == 1
    function_id = configs[0]["Function"]["Fn::GetAtt"][0]
    function = primary_raw["Resources"][function_id]
    props = function["Properties"]
    assert props["Handler"] == "delete_alert.handler"
    assert props["Runtime"].startswith("python3.")
    topic_id, _ = only(primary_raw, "AWS::SNS::Topic")
    role_id = next(
        k for k in resources(primary_raw, "AWS::IAM::Role") if k.startswith("InstanceRole")
    )
    digest_id = next(
        k for k in resources(primary_raw, "AWS::SQS::Queue") if k.startswith("LifecycleDigest")
    )
    assert props["Environment"]["Variables"] == {
        "TOPIC_ARN": {"Ref": topic_id},
        "APP_ROLE_ID": {"Fn::GetAtt": [role_id, "RoleId"]},
        "DIGEST_QUEUE_URL": {"Ref": digest_id},
    }
    asset = outdir / f"asset.{props['Code']['S3Key'].removesuffix('.zip')}"
    assert (asset / "delete_alert.py").read_text() == (
        settings.lambda_dir / "delete_alert.py"
    ).read_text()

    permission_id, permission = next(
        (k, r)
        for k, r in resources(primary_raw, "AWS::Lambda::Permission").items()
        if r["Properties"]["Principal"] == "s3.amazonaws.com"
    )
    assert permission["Properties"]["Principal"] == "s3.amazonaws.com"
    assert flatten(
        permission["Properties"]["SourceArn"]
    ) == "arn:${AWS::Partition}:s3:::" + flatten(bucket["Properties"]["BucketName"])
    assert permission_id in bucket["DependsOn"]

    role_policy = [
        flatten(p["Properties"]["PolicyDocument"])
        for k, p in resources(primary_raw, "AWS::IAM::Policy").items()
        if k.startswith("DeleteAlert")
    ]
    assert any("sns:Publish" in p and "${" + topic_id + "}" in p for p in role_policy)
    assert any("sqs:SendMessage" in p and "sqs:DeleteMessage" in p for p in role_policy)


def test_the_lifecycle_digest_is_sent_once_a_day(primary_raw):
    function_id = next(
        k for k in resources(primary_raw, "AWS::Lambda::Function") if k.startswith("DeleteAlert")
    )
    (rule,) = resources(primary_raw, "AWS::Events::Rule").values()
    assert rule["Properties"]["ScheduleExpression"] == "cron(0 7 * * ? *)"
    assert [t["Arn"] for t in rule["Properties"]["Targets"]] == [
        {"Fn::GetAtt": [function_id, "Arn"]}
    ]


def test_replication_publishes_its_metrics_for_the_failure_alarm(primary_raw):
    _, bucket = files_bucket(primary_raw)
    (rule,) = bucket["Properties"]["ReplicationConfiguration"]["Rules"]
    assert rule["Destination"]["Metrics"] == {"Status": "Enabled"}


def test_uploads_bucket_accepts_browser_posts_from_the_app_origin_only(primary_raw, settings):
    _, bucket = files_bucket(primary_raw)
    (rule,) = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [f"https://{settings.app_domain}"]


def test_dr_bucket_accepts_the_same_browser_posts_for_when_it_takes_the_uploads(
    primary_raw, raw, settings
):
    _, bucket = files_bucket(primary_raw)
    (replica,) = [
        r
        for k, r in resources(raw["Skylocker-DrFiles"], "AWS::S3::Bucket").items()
        if k.startswith("FilesReplica")
    ]
    (rule,) = replica["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [f"https://{settings.app_domain}"]
    assert replica["Properties"]["CorsConfiguration"] == bucket["Properties"]["CorsConfiguration"]
