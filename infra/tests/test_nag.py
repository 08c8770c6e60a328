"""cdk-nag's AwsSolutions rules run at every synthesis and pass: every finding that does not
apply is acknowledged on its resource with a reason."""

import json

import pytest
from aws_cdk import Stack
from aws_cdk import aws_sqs as sqs

from skylocker_infra.app import build_app


def test_every_acknowledged_finding_gives_a_reason(raw):
    acknowledged = [
        (name, lid, rule)
        for name, template in raw.items()
        for lid, resource in template["Resources"].items()
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]
    nag = [entry for entry in acknowledged if entry[2]["id"].startswith("AwsSolutions-")]
    assert len(nag) >= 20, "expected the acknowledgements of skylocker_infra/nag.py"
    for name, lid, rule in acknowledged:
        assert len(rule["reason"]) >= 40, (name, lid, rule)


def test_the_validation_report_is_clean(outdir):
    report = json.loads((outdir / "validation-report.json").read_text())
    assert [p["violations"] for p in report["pluginReports"] if p["violations"]] == []


def test_a_new_finding_fails_the_synthesis(tmp_path):
    # An unencrypted queue without TLS enforcement and without a DLQ: AwsSolutions-SQS2/3/4.
    app = build_app(outdir=str(tmp_path), context={"skylocker:checkOnly": True})
    primary = next(
        c for c in app.node.children if isinstance(c, Stack) and c.stack_name == "Skylocker-Primary"
    )
    sqs.CfnQueue(primary, "Careless")

    with pytest.raises(RuntimeError, match="ValidationFailed") as failed:
        app.synth()
    assert "AwsSolutions-SQS4" in str(failed.value)
    assert "Skylocker-Primary/Careless" in str(failed.value)
