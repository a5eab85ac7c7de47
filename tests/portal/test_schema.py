from django.core.management import call_command


def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path, db):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in ["/api/v1/audiences/", "/api/v1/campaigns/", "/api/v1/insertion-orders/"]:
        assert path in schema
