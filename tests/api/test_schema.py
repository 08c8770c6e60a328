import re

from openapi_spec_validator import validate

CONTRACT_PATHS = {
    "/api/v1/auth/register": {"post"},
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/me": {"get"},
    "/api/v1/files": {"get", "post"},
    "/api/v1/files/{id}": {"get", "patch", "delete"},
    "/api/v1/files/{id}/content": {"get"},
    "/api/v1/files/{id}/versions": {"get"},
    "/api/v1/files/{id}/versions/{vid}/content": {"get"},
    "/api/v1/files/{id}/versions/{vid}/restore": {"post"},
    "/api/v1/trash": {"get"},
    "/api/v1/trash/{id}": {"delete"},
    "/api/v1/trash/{id}/restore": {"post"},
    "/api/v1/folders": {"get", "post"},
    "/api/v1/folders/{id}": {"get", "patch", "delete"},
    "/api/v1/trash/folders": {"get"},
    "/api/v1/trash/folders/{id}": {"delete"},
    "/api/v1/trash/folders/{id}/restore": {"post"},
}


def test_the_served_schema_is_a_valid_openapi_3_document_covering_the_contract(anon, db):
    response = anon.get("/api/v1/schema")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    operations = {
        path: {m for m in item if m in {"get", "post", "patch", "delete", "put"}}
        for path, item in schema["paths"].items()
    }
    assert {path: operations[path] for path in CONTRACT_PATHS} == CONTRACT_PATHS
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_the_file_schema_lists_exactly_the_contracts_fields(anon, db):
    schema = anon.get("/api/v1/schema").json()
    fields = schema["components"]["schemas"]["File"]["properties"]
    assert set(fields) == {
        "id",
        "name",
        "size",
        "content_type",
        "sha256",
        "description",
        "owner",
        "created_at",
        "updated_at",
        "download_url",
        "folder",
        "path",
    }
    assert fields["id"]["format"] == "uuid"


def test_the_file_list_parameters_state_the_contracts_page_sizes_and_orderings(anon, db):
    schema = anon.get("/api/v1/schema").json()
    listed = schema["paths"]["/api/v1/files"]["get"]["parameters"]
    parameters = {p["name"]: p["schema"] for p in listed}
    [page_size] = [p for p in listed if p["name"] == "page_size"]
    assert "at most 500" in page_size["description"]
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "default": 50}
    assert set(parameters["ordering"]["enum"]) >= {
        "name",
        "-name",
        "size",
        "-size",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
    }


def test_the_docs_page_loads_only_same_origin_scripts_under_the_csp(anon, db):
    response = anon.get("/api/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    # The CSP forbids inline code: every script has a src and there is no inline style block.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html
    sources = re.findall(r'<script src="([^"]+)"', html) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', html
    )
    assert len(sources) == 5  # Swagger UI bundle, preset, init script, its stylesheet and ours
    for src in sources:
        assert src.startswith("/"), src  # same origin, nothing from a CDN
        asset = anon.get(src.replace("&amp;", "&"))
        assert asset.status_code == 200, src
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert len(body) > 20, src
    init = anon.get("/api/docs?script=")
    assert init["Content-Type"].startswith("application/javascript")
    assert b"/api/v1/schema" in init.content


def test_the_schema_states_the_trash_list_pages_the_me_quota_and_the_restore_answer(anon, db):
    schema = anon.get("/api/v1/schema").json()
    trash = {p["name"] for p in schema["paths"]["/api/v1/trash"]["get"]["parameters"]}
    assert trash == {"page", "page_size", "owner"}
    assert {"quota_bytes", "used_bytes"} <= set(schema["components"]["schemas"]["Me"]["properties"])
    restore = schema["paths"]["/api/v1/trash/{id}/restore"]["post"]["responses"]
    assert restore["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/File")
    assert "413" in restore
