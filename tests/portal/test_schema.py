from django.core.management import call_command


def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path, db):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in ["/api/v1/audiences/", "/api/v1/campaigns/", "/api/v1/insertion-orders/"]:
        assert path in schema


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_declares_its_problem_documents():
    schema = _schema()
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert {"type", "title", "status", "detail", "code", "errors"} <= set(
        schema["components"]["schemas"]["Problem"]["properties"]
    )
    operations = [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if path.startswith("/api/v1/")
    ]
    assert len(operations) >= 20
    for method, path, operation in operations:
        responses = operation["responses"]
        expected = {"400", "401", "403"}  # the X-IAA-OW-ID header, no credentials, not a member
        if "{" in path or (method == "get" and any(p["name"] == "page" for p in operation["parameters"])):
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"413", "415"}
        assert expected <= set(responses), (method, path, sorted(responses))
        for status, response in responses.items():
            if status.startswith("4"):
                assert response["content"] == problem, (method, path, status)
        assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True
        assert any(p["name"] == "X-IAA-OW-ID" and p["in"] == "header" for p in operation["parameters"])
    conflicts = {
        (m, p) for m, p, o in operations if "409" in o["responses"] and o["responses"]["409"]["content"]
    }
    assert {("delete", "/api/v1/audiences/{id}/"), ("post", "/api/v1/audiences/{id}/duplicate/")} <= conflicts


def test_what_can_be_null_is_declared_nullable():
    components = _schema()["components"]["schemas"]

    def nullable(component: str) -> set[str]:
        return {name for name, field in components[component]["properties"].items() if field.get("nullable")}

    assert {"voters", "households", "refreshed_at", "load_progress"} <= nullable("AudienceList")
    assert {"current_version", "voters", "households", "refreshed_at", "load_progress"} <= nullable(
        "AudienceDetail"
    )
    assert {"segment_name", "duplicated_from"} <= nullable("L2OriginOutput")
    assert {"finished_at", "version", "failure_reason"} <= nullable("TransmissionOutput")
    assert {"household_count", "source_created_at", "activated_at"} <= nullable("Version")
    assert {"daily_budget", "total_budget", "max_bid"} <= nullable("CampaignOutput")
    assert {"voters", "excluded", "computed_at"} <= nullable("ReachOutput")
    assert {"campaign_name"} <= nullable("TargetingResultOutput")
