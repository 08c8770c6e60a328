"""The app synthesizes offline: no lookups, CDK's own validation on, regions explicit."""

import json

from conftest import INFRA_DIR, STACKS, resources


def test_every_stack_is_synthesized_with_an_explicit_region(manifest, settings):
    stacks = {
        name: artifact
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert set(stacks) == set(STACKS)
    regions = {name: artifact["environment"].split("/")[-1] for name, artifact in stacks.items()}
    assert regions == {
        "Skylocker-Certificate": "us-east-1",
        "Skylocker-DrFiles": settings.dr_region,
        "Skylocker-Primary": settings.primary_region,
        "Skylocker-DrDatabase": settings.dr_region,
    }
    assert settings.primary_region != settings.dr_region


def test_synthesis_needs_no_context_lookup(manifest):
    assert "missing" not in manifest
    assert not any("missing" in artifact for artifact in manifest["artifacts"].values())


def test_cdk_validation_against_default_rules_is_on_and_passes(outdir):
    context = json.loads((INFRA_DIR / "cdk.json").read_text())["context"]
    assert context["@aws-cdk/core:validateAgainstDefaultRules"] is True
    report = json.loads((outdir / "validation-report.json").read_text())
    conclusions = {plugin["pluginName"]: plugin["conclusion"] for plugin in report["pluginReports"]}
    assert conclusions == {"CloudFormation Validate": "success"}
    for plugin in report["pluginReports"]:
        assert plugin["violations"] == []


def test_stacks_deploy_in_dependency_order(manifest):
    def dependencies(name):
        return set(manifest["artifacts"][name].get("dependencies", []))

    assert "Skylocker-DrFiles" in dependencies("Skylocker-Primary")
    assert "Skylocker-Certificate" in dependencies("Skylocker-Primary")
    assert "Skylocker-Primary" in dependencies("Skylocker-DrDatabase")
    assert not {"Skylocker-Primary", "Skylocker-DrDatabase"} & dependencies("Skylocker-DrFiles")


def stack_output_reads(value) -> list[dict]:
    if isinstance(value, dict):
        if "Fn::GetStackOutput" in value:
            return [value["Fn::GetStackOutput"]]
        return [found for v in value.values() for found in stack_output_reads(v)]
    if isinstance(value, list):
        return [found for v in value for found in stack_output_reads(v)]
    return []


def test_only_the_cloudfront_certificate_crosses_regions_by_reference(raw, settings):
    certificate_outputs = raw["Skylocker-Certificate"]["Outputs"]
    ((output_name, output),) = certificate_outputs.items()
    (certificate_id,) = resources(
        raw["Skylocker-Certificate"], "AWS::CertificateManager::Certificate"
    )
    assert output["Value"] == {"Ref": certificate_id}
    assert stack_output_reads(raw["Skylocker-Primary"]) == [
        {"StackName": "Skylocker-Certificate", "Region": "us-east-1", "OutputName": output_name}
    ]
    for name in ("Skylocker-DrFiles", "Skylocker-DrDatabase", "Skylocker-Certificate"):
        assert stack_output_reads(raw[name]) == []
    for name, template in raw.items():
        assert not [r for r in template["Resources"].values() if "CrossRegion" in r["Type"]], name
        assert not any("Export" in o for o in template.get("Outputs", {}).values()), name


def test_every_checkov_skip_in_the_templates_gives_a_reason(raw):
    skips = [
        (name, lid, skip)
        for name, template in raw.items()
        for lid, resource in template["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips, "expected the documented skips"
    for name, lid, skip in skips:
        assert skip["id"].startswith("CKV"), (name, lid, skip)
        assert len(skip["comment"]) > 40, (name, lid, skip)
