"""The optional WAF (skylocker:waf): rate-based rules on the log-in page and the API."""

from conftest import only, resources, synth_with


def test_no_web_acl_unless_asked_for(primary_raw):
    assert resources(primary_raw, "AWS::WAFv2::WebACL") == {}


def test_the_flag_puts_rate_limits_on_log_in_and_api_in_front_of_the_load_balancer(tmp_path):
    primary = synth_with(tmp_path, {"skylocker:waf": True})["Skylocker-Primary"]
    acl_id, acl = only(primary, "AWS::WAFv2::WebACL")
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert acl["Properties"]["DefaultAction"] == {"Allow": {}}
    rules = {}
    for rule in acl["Properties"]["Rules"]:
        statement = rule["Statement"]["RateBasedStatement"]
        match = statement["ScopeDownStatement"]["ByteMatchStatement"]
        assert rule["Action"] == {"Block": {}}
        assert statement["AggregateKeyType"] == "IP"
        assert match["PositionalConstraint"] == "STARTS_WITH"
        rules[match["SearchString"]] = statement["Limit"]
    assert set(rules) == {"/accounts/login/", "/api/"}
    assert rules["/accounts/login/"] < rules["/api/"]
    _, association = only(primary, "AWS::WAFv2::WebACLAssociation")
    balancer_id, _ = only(primary, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert association["Properties"] == {
        "ResourceArn": {"Ref": balancer_id},
        "WebACLArn": {"Fn::GetAtt": [acl_id, "Arn"]},
    }
