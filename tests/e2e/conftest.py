"""Fixtures for the end-to-end suite: one shared server per session, fresh experiments per test."""
from __future__ import annotations

import tempfile

import pytest

from bf_helpers import Api, ServerProcess

@pytest.fixture(scope="session")
def server():
    with tempfile.TemporaryDirectory(prefix="bf-e2e-") as tmp:
        srv = ServerProcess(tmp)
        srv.start()
        yield srv
        code = srv.terminate()
        assert code == 0, f"server exited with {code} after SIGTERM:\n{srv.log_tail()}"


@pytest.fixture(scope="session")
def api(server) -> Api:
    return Api(server.url)


@pytest.fixture(scope="session")
def ajax(server) -> Api:
    return Api(server.url, prefix="/ajax-api/2.0/mlflow")


@pytest.fixture
def experiment_id(api) -> str:
    return api.create_experiment()


@pytest.fixture
def run(api, experiment_id) -> dict:
    return api.create_run(experiment_id)


@pytest.fixture
def run_id(run) -> str:
    return run["info"]["run_id"]


@pytest.fixture
def fresh_server_dir():
    with tempfile.TemporaryDirectory(prefix="bf-e2e-own-") as tmp:
        yield tmp
