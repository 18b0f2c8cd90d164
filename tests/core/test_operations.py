"""Operating the app: /metrics (who may read it, what its labels hold), request ids in
headers, logs and error pages, JSON logs, /readyz, error reporting off by default."""

from __future__ import annotations

import json
import logging
import re
import select
import shlex
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from marketplace.core import logging as logs
from marketplace.extensions import db
from tests import factories
from tests.core import hosts

OUTSIDER = {"REMOTE_ADDR": "203.0.113.9"}


# ---------------------------------------------------------------- /metrics


def test_metrics_are_refused_from_another_address_without_the_token(app_factory):
    client = app_factory().test_client()
    assert client.get("/metrics", environ_base=OUTSIDER).status_code == 404
    # Loopback, but through a proxy on the same host: a visitor's request, refused.
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 404
    # A token where none is configured, or a wrong one.
    bearer = {"Authorization": "Bearer doan-mo"}
    assert client.get("/metrics", environ_base=OUTSIDER, headers=bearer).status_code == 403


def test_metrics_with_the_token_from_anywhere(app_factory):
    client = app_factory(METRICS_TOKEN="bi-mat-do-luong").test_client()
    wrong = client.get(
        "/metrics", environ_base=OUTSIDER, headers={"Authorization": "Bearer sai-roi"}
    )
    assert wrong.status_code == 403
    right = client.get(
        "/metrics", environ_base=OUTSIDER, headers={"Authorization": "Bearer bi-mat-do-luong"}
    )
    assert right.status_code == 200
    assert right.content_type.startswith("text/plain")


def test_metrics_from_loopback_measure_routes_by_name_without_personal_data(
    app_factory, app, vendor
):
    solution = factories.make_solution(vendor, name="Phần mềm nhân sự Hạ Long")
    factories.make_user("enterprise", email="nguyen.van.an@congty.vn")
    db.session.commit()
    client = app_factory().test_client()
    client.get(f"/solutions/{solution.slug}")
    client.get(f"/solutions?q={solution.name}")
    client.post("/auth/login", data={"email": "nguyen.van.an@congty.vn", "password": "sai-1234"})
    client.get("/khong-ton-tai/12345")
    body = client.get("/metrics").get_data(as_text=True)
    for family in (
        "marketplace_http_requests_total",
        "marketplace_http_request_duration_seconds",
        "marketplace_http_request_db_queries",
        "marketplace_cache_lookups_total",
        "marketplace_job_runs_total",
        "marketplace_webhook_events_total",
        "marketplace_outbox_emails",
    ):
        assert f"# TYPE {family}" in body, family
    assert 'endpoint="catalog.detail"' in body or 'endpoint="catalog.solution"' in body
    assert 'endpoint="unmatched"' in body
    assert 'marketplace_outbox_emails{status="queued"}' in body
    labels = " ".join(re.findall(r"\{([^}]*)\}", body))
    for personal in (solution.slug, "nguyen.van.an", "congty", "12345", "127.0.0.1", "Hạ Long"):
        assert personal not in labels, personal


def test_database_queries_per_request_are_observed(app_factory):
    client = app_factory().test_client()
    before = _sample(client, "marketplace_http_request_db_queries_count", endpoint="core.healthz")
    client.get("/healthz")
    after = _sample(client, "marketplace_http_request_db_queries_count", endpoint="core.healthz")
    assert after == before + 1
    total = _sample(client, "marketplace_http_request_db_queries_sum", endpoint="core.healthz")
    assert total >= 1


def _sample(client, name: str, **labels) -> float:
    body = client.get("/metrics").get_data(as_text=True)
    # prometheus-client writes the labels in alphabetical order.
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in body.splitlines():
        if line.startswith(f"{name}{{{wanted}}}"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_the_cache_hit_ratio_is_counted(app_factory, app, vendor):
    factories.make_solution(vendor, name="Hóa đơn điện tử Sao Mai")
    db.session.commit()
    client = app_factory(PAGE_CACHE_SECONDS=60, CATALOG_CACHE_SECONDS=60).test_client()
    hits = _sample(client, "marketplace_cache_lookups_total", cache="pages", result="hit")
    client.get("/solutions?q=sao+mai")
    client.get("/solutions?q=sao+mai")
    assert _sample(client, "marketplace_cache_lookups_total", cache="pages", result="hit") == (
        hits + 1
    )


def test_webhook_deliveries_are_counted_by_provider_and_outcome(app_factory):
    client = app_factory().test_client()
    labels = [("stripe", "/billing/webhook"), ("bank", "/billing/bank/webhook")]
    before = {
        provider: _sample(
            client, "marketplace_webhook_events_total", provider=provider, outcome="refused"
        )
        for provider, _url in labels
    }
    for _provider, url in labels:
        unsigned = client.post(url, data=b'{"id": "evt_1"}', content_type="application/json")
        assert unsigned.status_code == 400
    for provider, _url in labels:
        after = _sample(
            client, "marketplace_webhook_events_total", provider=provider, outcome="refused"
        )
        assert after == before[provider] + 1, provider


# ---------------------------------------------------------------- request ids


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


@pytest.mark.parametrize(
    "incoming, kept",
    [
        ("lb-7f3a9c.1", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("<script>", False),
        ("a b", False),
        ("", False),
    ],
)
def test_a_safe_incoming_request_id_is_kept_and_an_unsafe_one_replaced(client, incoming, kept):
    echoed = client.get("/healthz", headers={"X-Request-ID": incoming}).headers["X-Request-ID"]
    assert (echoed == incoming) is kept
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,64}", echoed)


@pytest.fixture
def broken(app_factory):
    application = app_factory()

    def boom():
        logging.getLogger("marketplace.test").warning("sắp hỏng")
        raise RuntimeError("hỏng")

    application.add_url_rule("/hong", "boom", boom)
    return application


def test_the_500_page_shows_the_request_id_and_every_log_line_has_it(broken, caplog):
    caplog.set_level(logging.INFO)
    handler = next(h for h in logging.getLogger().handlers if getattr(h, logs._HANDLER_FLAG, 0))
    caplog.handler.addFilter(handler.filters[0])
    response = broken.test_client().get("/hong", headers={"X-Request-ID": "ho-tro-42"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "ho-tro-42"
    page = response.get_data(as_text=True)
    assert "Mã yêu cầu" in page and "ho-tro-42" in page
    ours = [r for r in caplog.records if r.name in ("marketplace.test", broken.logger.name)]
    assert len(ours) >= 2
    assert all(r.request_id == "ho-tro-42" for r in ours)


def test_logs_are_json_lines_when_asked():
    formatter = logs.JsonFormatter()
    record = logging.LogRecord(
        "marketplace.x", logging.ERROR, __file__, 1, "Lỗi %s", ("đơn",), None
    )
    record.request_id = "abc"
    entry = json.loads(formatter.format(record))
    assert entry["message"] == "Lỗi đơn"
    assert entry["request_id"] == "abc" and entry["level"] == "ERROR"
    assert entry["logger"] == "marketplace.x" and entry["time"].endswith("+00:00")


def test_log_format_json_configures_the_handler(app_factory):
    app_factory(LOG_FORMAT="json")
    handler = next(h for h in logging.getLogger().handlers if getattr(h, logs._HANDLER_FLAG, 0))
    try:
        assert isinstance(handler.formatter, logs.JsonFormatter)
    finally:
        app_factory(LOG_FORMAT="text")
    assert not isinstance(handler.formatter, logs.JsonFormatter)


def test_error_reporting_is_off_without_sentry_dsn(app_factory, monkeypatch):
    import sentry_sdk

    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kw: calls.append(kw))
    application = app_factory()
    assert logs.init_sentry(application) is False and calls == []
    application.config["SENTRY_DSN"] = "https://key@sentry.example/1"
    monkeypatch.setitem(logs._sentry, "enabled", False)
    assert logs.init_sentry(application) is True
    assert calls[0]["dsn"] == "https://key@sentry.example/1"
    assert calls[0]["send_default_pii"] is False
    captured = []
    monkeypatch.setattr(sentry_sdk, "capture_exception", captured.append)
    error = RuntimeError("x")
    logs.report_exception(error)
    assert captured == [error]


# ---------------------------------------------------------------- /readyz


def test_readyz_checks_the_database_and_the_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not configured",
        "migrations": "ok",
    }


def test_readyz_is_503_with_a_pending_migration(app, client):
    with db.engine.begin() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        conn.execute(text("UPDATE alembic_version SET version_num = '0017_consents'"))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["migrations"] == "pending"
        assert client.get("/healthz").status_code == 200  # liveness is not readiness
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})


def test_readyz_is_503_when_redis_is_configured_but_unreachable(app_factory):
    response = app_factory(REDIS_URL="redis://127.0.0.1:1/0").test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["redis"] == "unreachable"
    assert response.get_json()["database"] == "ok"


def test_readyz_is_503_when_the_database_is_unreachable(app_factory, tmp_path):
    broken = app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/nope/x.db")
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


# ---------------------------------------------------------------- several processes


def test_a_scrape_adds_up_every_worker_and_the_job_runner_with_a_multiprocess_dir(
    real_hosts, database_url, tmp_path
):
    """PROMETHEUS_MULTIPROC_DIR shared by two server processes (two gunicorn workers) and a
    job runner: a scrape of either worker counts the requests both answered and the runs of
    the runner."""
    shared = tmp_path / "metrics"
    shared.mkdir()
    runner_folder = tmp_path / "runner"
    runner_folder.mkdir()
    runner = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run", "--once"]
        + ["--only", "insights.purge"],
        cwd=hosts.ROOT,
        env=hosts.host_environment(
            database_url, runner_folder, PROMETHEUS_MULTIPROC_DIR=str(shared)
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first, second = real_hosts.start(PROMETHEUS_MULTIPROC_DIR=str(shared))
    output = runner.communicate(timeout=90)[0]
    assert runner.returncode == 0 and "ran insights.purge" in output, output
    for host, times in ((first, 3), (second, 2)):
        for _ in range(times):
            assert host.browser().request("/healthz")[0] == 200

    healthz = 'marketplace_http_requests_total{endpoint="core.healthz",method="GET",status="200"}'
    job = 'marketplace_job_runs_total{job="insights.purge",outcome="ok"}'
    for host in (first, second):
        status, _headers, body = host.browser().request("/metrics")
        assert status == 200
        values = {line.rsplit(" ", 1)[0]: line.rsplit(" ", 1)[1] for line in body.splitlines()}
        assert float(values[healthz]) == 5
        assert float(values[job]) == 1


def _readme_gunicorn_command() -> list[str]:
    """The gunicorn command of README "Production", as an argument list."""
    readme = (hosts.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Production") :]
    start = section.index(".venv/bin/gunicorn")
    end = section.index("\n", section.index("wsgi:app", start))
    return shlex.split(section[start:end].replace("\\\n", " "))


def test_the_readme_gunicorn_command_serves_the_app(database_url, app, tmp_path):
    """README "Production"'s gunicorn line, as written (one worker, a free port): the
    installed gunicorn accepts every option and serves the app."""
    command = _readme_gunicorn_command()
    assert command[0].endswith("gunicorn") and command[-1] == "wsgi:app"
    assert "--no-control-socket" in command
    args = command[1:]
    args[args.index("--bind") + 1] = "127.0.0.1:0"
    args[args.index("--workers") + 1] = "1"
    shared = tmp_path / "metrics"
    shared.mkdir()
    env = hosts.host_environment(
        database_url, tmp_path, PROMETHEUS_MULTIPROC_DIR=str(shared), LOG_FORMAT="json"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *args],
        cwd=hosts.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = []
        deadline = time.monotonic() + 90
        address = None
        while address is None and time.monotonic() < deadline:
            ready, _, _ = select.select([server.stderr], [], [], deadline - time.monotonic())
            line = server.stderr.readline() if ready else ""
            if not line:
                break
            seen.append(line)
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            address = found.group(1) if found else None
        assert address, "".join(seen)
        browser = hosts.Browser(address)
        status, headers, body = browser.request("/healthz", headers={"X-Request-ID": "lb-1"})
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert headers["X-Request-ID"] == "lb-1"
        status, _headers, body = browser.request("/metrics")
        assert status == 200 and "marketplace_http_requests_total" in body
    finally:
        server.terminate()
        server.communicate(timeout=30)
