"""Request parsing, Content-Type checks, routing, /health and /version."""
import json
import uuid

import pytest

from bf_helpers import assert_error, raw_request

CREATE = "/api/2.0/mlflow/experiments/create"


def post_text(api, path, text, content_type="application/json"):
    headers = {"Content-Type": content_type} if content_type is not None else {}
    data = text.encode() if isinstance(text, str) else text
    return api.raw("POST", path, data=data, headers=headers)


@pytest.mark.parametrize("text", ['{"name": "x"', "null", "", "{", b'{"name": "golden-\xff\xfe"}'])
def test_unparseable_body_is_missing_parameter(api, text):
    assert_error(post_text(api, CREATE, text), 400, "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'name'")


@pytest.mark.parametrize("text", ['[{"name": "x"}]', '"hello"', "42"])
def test_non_object_json_body_is_400(api, text):
    # Deliberate divergence: MLflow answers 500 HTML for an array or a non-JSON string body.
    assert_error(post_text(api, CREATE, text), 400, "INVALID_PARAMETER_VALUE")


def test_malformed_log_batch_is_400(api):
    # Deliberate divergence: MLflow answers 500 HTML here.
    assert_error(post_text(api, "/api/2.0/mlflow/runs/log-batch", '{"run_id": '), 400, "INVALID_PARAMETER_VALUE")


def test_double_encoded_body_is_decoded(api):
    name = f"e2e-double-{uuid.uuid4().hex[:8]}"
    api.ok(post_text(api, CREATE, json.dumps(json.dumps({"name": name}))))
    api.ok(api.get("/experiments/get-by-name", {"experiment_name": name}))


@pytest.mark.parametrize("content_type,ok", [
    ("text/plain", False), (None, False), ("APPLICATION/JSON", False),
    ("application/x-www-form-urlencoded", False),
    ("application/json; charset=utf-8", True), ("application/json", True)])
def test_content_type(api, content_type, ok):
    name = f"e2e-ct-{uuid.uuid4().hex[:8]}"
    r = post_text(api, CREATE, json.dumps({"name": name}), content_type)
    if ok:
        api.ok(r)
    else:
        body = assert_error(r, 400, "INVALID_PARAMETER_VALUE")
        assert "Content-Type" in body["message"]
        assert_error(api.get("/experiments/get-by-name", {"experiment_name": name}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_get_reads_query_or_body(api):
    r = api.raw("GET", "/api/2.0/mlflow/experiments/get", data=json.dumps({"experiment_id": "0"}),
                headers={"Content-Type": "application/json"})
    assert api.ok(r)["experiment"]["experiment_id"] == "0"
    exp_id = api.create_experiment()
    r = api.raw("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", data=json.dumps({"experiment_id": exp_id}),
                headers={"Content-Type": "application/json"})
    assert api.ok(r)["experiment"]["experiment_id"] == "0"


def test_post_ignores_query_string(api):
    assert_error(api.raw("POST", CREATE + "?name=from-query", json={}), 400, "INVALID_PARAMETER_VALUE")


def test_wrong_types(api, run_id, experiment_id):
    assert_error(api.post("/runs/log-parameter", {"run_id": 123, "key": "k", "value": "v"}), 400,
                 "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/set-tag", {"run_id": run_id, "key": "k", "value": {"x": 1}}), 400,
                 "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/experiments/search", {"max_results": "many"}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/search", {"experiment_ids": [experiment_id], "max_results": "x"}), 400,
                 "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-metric", {"run_id": run_id, "key": ["k"], "value": 1, "timestamp": 1}), 400,
                 "INVALID_PARAMETER_VALUE")


def test_health_and_version(api):
    r = api.raw("GET", "/health")
    assert r.status_code == 200 and r.text == "OK"
    r = api.raw("HEAD", "/health")
    assert r.status_code == 200
    r = api.raw("GET", "/version")
    assert r.status_code == 200 and r.text.strip()


@pytest.mark.parametrize("path", ["/api/2.0/mlflow/does-not-exist", "/api/2.0/mlflow/experiments/get/",
                                  "/api/2.0mlflow/experiments/search-datasets", "/api/2.0/mlflow/runs/get/x"])
def test_unknown_route_is_404(api, path):
    assert api.raw("GET", path).status_code == 404


@pytest.mark.parametrize("method,path,allowed", [
    ("GET", "/api/2.0/mlflow/experiments/create", "POST"),
    ("POST", "/api/2.0/mlflow/experiments/get", "GET"),
    ("DELETE", "/api/2.0/mlflow/runs/log-metric", "POST"),
    ("PUT", "/ajax-api/2.0/mlflow/runs/get", "GET"),
])
def test_wrong_method_is_405_with_allow(api, method, path, allowed):
    r = api.raw(method, path, json={"experiment_id": "0"} if method != "GET" else None)
    assert r.status_code == 405, (r.status_code, r.text[:200])
    assert allowed in r.headers.get("Allow", ""), r.headers


def test_garbage_request_line_does_not_kill_server(server, api):
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        s.recv(1024)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{")
    r = raw_request(server.url, "GET", "/health")
    assert r.status_code == 200
    assert api.raw("GET", "/health").status_code == 200
