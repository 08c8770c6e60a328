"""Downloads: CloudFront in front of the bucket through OAC, signed URLs only, HTTPS only."""


from conftest import flatten, only, resources, synth_with


def test_distribution_reads_the_bucket_through_origin_access_control(primary_raw):
    _, distribution = only(primary_raw, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    files_id = next(k for k in resources(primary_raw, "AWS::S3::Bucket") if k.startswith("Files"))
    assert origin["DomainName"] == {"Fn::GetAtt": [files_id, "RegionalDomainName"]}
    oac_id, oac = only(primary_raw, "AWS::CloudFront::OriginAccessControl")
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    policy = next(
        p
        for p in resources(primary_raw, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": files_id}
    )
    text = flatten(policy["Properties"]["PolicyDocument"])
    assert "cloudfront.amazonaws.com" in text and "AWS:SourceArn" in text


def test_downloads_need_a_signature_from_the_trusted_key_group_over_https_only(primary_raw):
    _, distribution = only(primary_raw, "AWS::CloudFront::Distribution")
    behavior = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    assert behavior["AllowedMethods"] == ["GET", "HEAD"]
    group_id, group = only(primary_raw, "AWS::CloudFront::KeyGroup")
    assert behavior["TrustedKeyGroups"] == [{"Ref": group_id}]
    key_id, key = only(primary_raw, "AWS::CloudFront::PublicKey")
    assert group["Properties"]["KeyGroupConfig"]["Items"] == [{"Ref": key_id}]
    assert key["Properties"]["PublicKeyConfig"]["EncodedKey"] == {"Ref": "DownloadsPublicKey"}
    parameter = primary_raw["Parameters"]["DownloadsPublicKey"]
    assert parameter["Type"] == "String" and "BEGIN PUBLIC KEY" in parameter["AllowedPattern"]


def test_distribution_answers_on_the_custom_domain_with_the_us_east_1_certificate(
    primary_raw, raw, settings
):
    _, distribution = only(primary_raw, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    assert config["Aliases"] == [settings.downloads_domain]
    assert config["ViewerCertificate"]["SslSupportMethod"] == "sni-only"
    assert config["ViewerCertificate"]["MinimumProtocolVersion"].startswith("TLSv1.2")
    imported = config["ViewerCertificate"]["AcmCertificateArn"]["Fn::GetStackOutput"]
    assert imported["StackName"] == "Skylocker-Certificate" and imported["Region"] == "us-east-1"
    certificate_id, certificate = only(
        raw["Skylocker-Certificate"], "AWS::CertificateManager::Certificate"
    )
    assert raw["Skylocker-Certificate"]["Outputs"][imported["OutputName"]]["Value"] == {
        "Ref": certificate_id
    }
    assert certificate["Properties"]["DomainName"] == settings.downloads_domain


def test_private_key_stays_out_of_the_templates_and_is_read_from_secrets_manager(raw, primary_raw):
    for template in raw.values():
        assert "PRIVATE KEY" not in flatten(template)
    policies = " ".join(
        flatten(p["Properties"]["PolicyDocument"])
        for p in resources(primary_raw, "AWS::IAM::Policy").values()
    )
    assert ":secret:skylocker/cloudfront-private-key-" in policies


def test_a_new_key_generation_replaces_the_signing_key_resource_for_a_rotation(
    primary_raw, tmp_path
):
    # CloudFront cannot change a public key's PEM in place (CloudFormation fails the update),
    # so rotating the key (a new DownloadsPublicKey) must come with a new key resource.
    rotated = synth_with(tmp_path, {"skylocker:downloadsKeyGeneration": 2})["Skylocker-Primary"]

    old_id, old_key = only(primary_raw, "AWS::CloudFront::PublicKey")
    new_id, new_key = only(rotated, "AWS::CloudFront::PublicKey")
    assert new_id != old_id
    assert (
        new_key["Properties"]["PublicKeyConfig"]["Name"]
        != old_key["Properties"]["PublicKeyConfig"]["Name"]
    )
    assert new_key["Properties"]["PublicKeyConfig"]["EncodedKey"] == {"Ref": "DownloadsPublicKey"}
    _, group = only(rotated, "AWS::CloudFront::KeyGroup")
    assert group["Properties"]["KeyGroupConfig"]["Items"] == [{"Ref": new_id}]
    (key_id_parameter,) = [
        p
        for p in resources(rotated, "AWS::SSM::Parameter").values()
        if p["Properties"]["Name"] == "/skylocker/env/SKYLOCKER_CLOUDFRONT_KEY_ID"
    ]
    assert key_id_parameter["Properties"]["Value"] == {"Ref": new_id}
    # Everything else stays put: the rotation replaces no other resource.
    assert set(rotated["Resources"]) - {new_id} == set(primary_raw["Resources"]) - {old_id}
