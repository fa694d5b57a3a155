"""experiments/search, runs/search (filters, order_by, paging), search-datasets."""
import uuid

import pytest

from bf_helpers import assert_error

T0 = 1_700_000_000_000


@pytest.fixture
def search_exp(api):
    """An experiment with four runs (s1..s3 active with data, s4 deleted)."""
    exp_id = api.create_experiment(f"e2e-search-{uuid.uuid4().hex[:8]}", tags=[{"key": "kind", "value": "search"}])
    data = [("s1", 0.5, "0.01", "dev", True), ("s2", 0.25, "0.1", "prod", True), ("s3", 0.75, "0.01", "dev", False)]
    ids = {}
    for i, (name, loss, lr, stage, finish) in enumerate(data):
        run_id = api.create_run(exp_id, run_name=name, start_time=T0 + i * 1000,
                                tags=[{"key": "stage", "value": stage}])["info"]["run_id"]
        api.ok(api.post("/runs/log-batch", {"run_id": run_id,
                                            "metrics": [{"key": "loss", "value": loss, "timestamp": T0, "step": 0}],
                                            "params": [{"key": "lr", "value": lr}]}))
        if finish:
            api.ok(api.post("/runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": T0 + 5000}))
        ids[name] = run_id
    ids["s4"] = api.create_run(exp_id, run_name="s4", start_time=T0 + 4000)["info"]["run_id"]
    api.ok(api.post("/runs/delete", {"run_id": ids["s4"]}))
    return exp_id, ids


def names(resp):
    return [r["info"]["run_name"] for r in resp.get("runs", [])]


def search(api, exp_id, **kw):
    return api.ok(api.post("/runs/search", {"experiment_ids": [exp_id], **kw}))


def test_search_runs_default_order_is_start_time_desc(api, search_exp):
    exp_id, _ = search_exp
    resp = search(api, exp_id)
    assert names(resp) == ["s3", "s2", "s1"]
    run = resp["runs"][0]
    assert run["data"]["metrics"][0]["key"] == "loss"
    assert "inputs" in run


@pytest.mark.parametrize("flt,expected", [
    ("metrics.loss < 0.6", {"s1", "s2"}),
    ("params.lr = '0.01'", {"s1", "s3"}),
    ("tags.stage = 'prod'", {"s2"}),
    ("attributes.status = 'FINISHED'", {"s1", "s2"}),
    ("attributes.run_name LIKE 's%'", {"s1", "s2", "s3"}),
    ("metrics.loss > 0.1 and params.lr = '0.01' and tags.stage = 'dev'", {"s1", "s3"}),
    ("params.lr != '0.01'", {"s2"}),
    ("tags.stage ILIKE 'PR%'", {"s2"}),
    ("metrics.missing > 0", set()),
])
def test_search_runs_filters(api, search_exp, flt, expected):
    exp_id, _ = search_exp
    assert set(names(search(api, exp_id, filter=flt))) == expected


def test_search_runs_filter_run_id_in(api, search_exp):
    exp_id, ids = search_exp
    flt = f"attributes.run_id IN ('{ids['s1']}', '{ids['s3']}')"
    assert set(names(search(api, exp_id, filter=flt))) == {"s1", "s3"}


def test_search_runs_order_by(api, search_exp):
    exp_id, _ = search_exp
    assert names(search(api, exp_id, order_by=["metrics.loss ASC"])) == ["s2", "s1", "s3"]
    assert names(search(api, exp_id, order_by=["metrics.loss DESC"])) == ["s3", "s1", "s2"]
    assert names(search(api, exp_id, order_by=["params.lr DESC", "attributes.start_time ASC"])) == \
        ["s2", "s1", "s3"]


def test_search_runs_view_types(api, search_exp):
    exp_id, _ = search_exp
    assert names(search(api, exp_id, run_view_type="DELETED_ONLY")) == ["s4"]
    assert set(names(search(api, exp_id, run_view_type="ALL"))) == {"s1", "s2", "s3", "s4"}


def test_search_runs_paging_through_all_pages(api, experiment_id):
    created = {api.create_run(experiment_id, start_time=T0 + i)["info"]["run_id"] for i in range(23)}
    seen, token, pages = [], None, 0
    while True:
        body = {"experiment_ids": [experiment_id], "max_results": 5}
        if token:
            body["page_token"] = token
        resp = api.ok(api.post("/runs/search", body))
        pages += 1
        seen += [r["info"]["run_id"] for r in resp.get("runs", [])]
        token = resp.get("next_page_token")
        if not token:
            break
        assert pages < 10
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == created
    assert pages in (5, 6)


def test_search_runs_errors(api, search_exp):
    exp_id, _ = search_exp

    def bad(**kw):
        assert_error(api.post("/runs/search", {"experiment_ids": [exp_id], **kw}), 400, "INVALID_PARAMETER_VALUE")

    bad(filter="metrics.loss < 'abc'")
    bad(filter="params.lr = 0.01")
    bad(filter="foo.bar = 'x'")
    bad(filter="tags.stage = 'dev' OR tags.stage = 'prod'")
    bad(filter="tags.stage = 'dev")
    bad(order_by=["metrics.loss UP"])
    bad(order_by=["bogus.col ASC"])
    bad(order_by="metrics.loss")
    bad(page_token="garbage")
    bad(max_results=50001)
    # Deliberate divergence: MLflow answers 500 for a duplicated order_by field.
    bad(order_by=["metrics.loss", "metrics.loss DESC"])


def test_search_runs_without_experiments_is_empty(api):
    assert api.ok(api.post("/runs/search", {})) == {}


def test_search_experiments(api, search_exp):
    exp_id, _ = search_exp
    name = api.ok(api.get("/experiments/get", {"experiment_id": exp_id}))["experiment"]["name"]
    resp = api.ok(api.post("/experiments/search", {"max_results": 100, "filter": f"name = '{name}'"}))
    assert [e["experiment_id"] for e in resp["experiments"]] == [exp_id]
    resp = api.ok(api.post("/experiments/search", {"max_results": 1000, "filter": "tags.kind = 'search'"}))
    assert exp_id in [e["experiment_id"] for e in resp["experiments"]]
    resp = api.ok(api.get("/experiments/search", {"max_results": 100, "filter": "name LIKE 'e2e-search-%'"}))
    assert exp_id in [e["experiment_id"] for e in resp["experiments"]]


def test_search_experiments_paging_and_order(api):
    prefix = f"e2e-page-{uuid.uuid4().hex[:6]}"
    ids = [api.create_experiment(f"{prefix}-{i:02d}") for i in range(7)]
    seen, token = [], None
    for _ in range(10):
        body = {"max_results": 3, "filter": f"name LIKE '{prefix}%'", "order_by": ["name ASC"]}
        if token:
            body["page_token"] = token
        resp = api.ok(api.post("/experiments/search", body))
        seen += [e["experiment_id"] for e in resp.get("experiments", [])]
        token = resp.get("next_page_token")
        if not token:
            break
    assert seen == ids
    desc = api.ok(api.get("/experiments/search", [("max_results", "3"), ("filter", f"name LIKE '{prefix}%'"),
                                                  ("order_by", "name DESC")]))
    assert [e["experiment_id"] for e in desc["experiments"]] == ids[::-1][:3]


def test_search_experiments_view_type(api):
    exp_id = api.create_experiment()
    api.ok(api.post("/experiments/delete", {"experiment_id": exp_id}))
    active = api.ok(api.post("/experiments/search", {"max_results": 50000}))
    assert exp_id not in [e["experiment_id"] for e in active.get("experiments", [])]
    deleted = api.ok(api.post("/experiments/search", {"max_results": 50000, "view_type": "DELETED_ONLY"}))
    assert exp_id in [e["experiment_id"] for e in deleted["experiments"]]
    every = api.ok(api.post("/experiments/search", {"max_results": 50000, "view_type": 3}))
    assert exp_id in [e["experiment_id"] for e in every["experiments"]]


def test_search_experiments_errors(api):
    def bad(body):
        assert_error(api.post("/experiments/search", body), 400, "INVALID_PARAMETER_VALUE")

    bad({})
    bad({"max_results": 3, "page_token": "garbage"})
    bad({"max_results": 100, "filter": "name = golden-main"})
    bad({"max_results": 100, "filter": "bogus = 'x'"})
    bad({"max_results": 100, "filter": "name = 'a' OR name = 'b'"})
    bad({"max_results": 100, "filter": "name = 'x"})
    bad({"max_results": 100, "filter": "tags.team > 'a'"})
    bad({"max_results": 100, "order_by": ["bogus ASC"]})
    bad({"max_results": 100, "order_by": ["name SIDEWAYS"]})
    bad({"max_results": 100, "order_by": "name ASC"})
    bad({"max_results": 50001})
    bad({"max_results": 2.5})
    assert_error(api.get("/experiments/search"), 400, "INVALID_PARAMETER_VALUE")


def test_search_datasets(api, ajax, experiment_id, run_id):
    api.ok(api.post("/runs/log-inputs", {"run_id": run_id, "datasets": [
        {"tags": [{"key": "mlflow.data.context", "value": "training"}],
         "dataset": {"name": "ds", "digest": "abc", "source_type": "local", "source": "{}"}}]}))
    resp = ajax.ok(ajax.post("/experiments/search-datasets", {"experiment_ids": [experiment_id]}))
    assert resp["dataset_summaries"] == [{"experiment_id": experiment_id, "name": "ds", "digest": "abc",
                                          "context": "training"}]
    assert_error(ajax.post("/experiments/search-datasets", {"experiment_ids": [str(i) for i in range(21)]}),
                 400, "INVALID_PARAMETER_VALUE")
    # Only the /ajax-api/2.0 route exists, as in MLflow.
    assert api.post("/experiments/search-datasets", {"experiment_ids": [experiment_id]}).status_code == 404
