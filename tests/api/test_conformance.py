"""OpenAPI conformance: Schemathesis fuzzes the served document against the WSGI app.

Every operation of /api/v1/openapi.json gets its documented examples, the coverage phase
(boundary values, missing and wrong parameters, undeclared methods) and generated
requests, valid and invalid, with every check Schemathesis has: no 5xx, documented status
codes, content types and headers, bodies that match their schema, invalid input refused
with 4xx, valid input accepted, 405 with `Allow`. A dedicated run would use a few hundred
examples per operation; here MAX_EXAMPLES keeps the whole file near 20 s of CPU (about a
thousand requests), with a fixed seed so every run sends the same requests.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from marketplace.api import openapi
from marketplace.api.query_schemas import COMPARE_EXAMPLE
from marketplace.catalog.content import FeatureInput, PlanInput
from marketplace.extensions import db
from tests import factories

MAX_EXAMPLES = 30
CONFIG = f"""
seed = 2026
[cache]
enabled = false
[generation]
mode = "all"
max-examples = {MAX_EXAMPLES}
deterministic = true
database = "none"
[checks]
enabled = true
"""
# Schemathesis does not fuzz the document's own address (test_api checks what it serves).
OPERATIONS = {
    "GET /solutions",
    "GET /solutions/{slug}",
    "GET /compare",
    "GET /categories",
    "GET /stats",
    "GET /vendors",
    "GET /vendors/{slug}",
    "GET /suggest",
    "GET /needs",
}


@dataclass
class Finding:
    check: str
    operation: str
    request: str
    title: str
    message: str

    def __str__(self) -> str:
        return f"{self.check} on {self.operation}: {self.title}\n  {self.request}\n  {self.message}"


@dataclass
class FuzzRun:
    findings: list[Finding]
    checks: dict[str, int]
    operations: set[str]
    errors: list[str]


def run_fuzzer(app, *, include_path: str | None = None) -> FuzzRun:
    """Run Schemathesis against `app`'s own document; return what every check found."""
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, config=SchemathesisConfig.from_str(CONFIG)
    )
    if include_path is not None:
        schema = schema.include(path=include_path)
    run = FuzzRun(findings=[], checks={}, operations=set(), errors=[])
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            run.errors.append(repr(getattr(event, "value", getattr(event, "exception", event))))
            continue
        if not isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            continue
        recorder = event.recorder
        if recorder.checks:
            run.operations.add(recorder.label)
        for case_id, checks in recorder.checks.items():
            for check in checks:
                run.checks[check.name] = run.checks.get(check.name, 0) + 1
                if check.status != Status.FAILURE or check.failure_info is None:
                    continue
                interaction = recorder.interactions.get(case_id)
                request = interaction.request if interaction is not None else None
                failure = check.failure_info.failure
                run.findings.append(
                    Finding(
                        check=check.name,
                        operation=failure.operation,
                        request=f"{request.method} {request.uri}" if request else "",
                        title=failure.title,
                        message=failure.message,
                    )
                )
    return run


@pytest.fixture
def fuzz_app(app_factory, app, vendor, other_vendor):
    """An app with a small public catalogue whose slugs are the document's examples."""
    # The examples phase sends the documented slugs: they must name public solutions.
    invoice = factories.make_solution(
        vendor,
        name="Hóa đơn điện tử Sông Hồng",
        features=[FeatureInput("decree_123", "yes"), FeatureInput("x-1", "Có", label="Đào tạo")],
        plans=[
            PlanInput(name="Cơ bản", price_vnd=1_200_000, period="year", trial_days=14),
            PlanInput(name="Trọn đời", price_vnd=9_000_000, period="once"),
        ],
    )
    server = factories.make_solution(
        other_vendor,
        name="Máy chủ đám mây Bạch Đằng",
        category_id=factories.category("may-chu-dam-may").id,
        deployment="hybrid",
        features=[FeatureInput("vcpu", "4 vCPU")],
        plans=[PlanInput(name="VPS", price_vnd=450_000, period="month", trial_days=7)],
    )
    factories.make_solution(vendor, status="draft", name="Bản nháp bí mật")
    vendor.organization.slug = "viettel-hai-phong"  # the document's example of a vendor
    db.session.commit()
    assert [invoice.slug, server.slug] == COMPARE_EXAMPLE
    # Generated runs send hundreds of requests: the limit itself is tested elsewhere.
    return app_factory(API_RATE_LIMIT="100000 per minute")


def test_the_api_conforms_to_its_document(fuzz_app):
    run = run_fuzzer(fuzz_app)
    assert not run.errors, run.errors
    assert not run.findings, "\n".join(str(f) for f in run.findings[:10])
    # It really ran: every operation, every check, hundreds of requests.
    assert run.operations - {"Stateful tests"} == OPERATIONS
    for check in (
        "not_a_server_error",
        "status_code_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "content_type_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "unsupported_method",
    ):
        assert run.checks.get(check, 0) >= 50, (check, run.checks)


def test_the_fuzzer_reports_a_document_that_does_not_match_the_answers(fuzz_app, monkeypatch):
    """A deliberate mismatch (a count documented as a string) must be reported."""
    built = openapi.build_document()

    def mismatched():
        document = copy.deepcopy(built)
        document["components"]["schemas"]["Stats"]["properties"]["solutions"] = {"type": "string"}
        return document

    monkeypatch.setattr(openapi, "build_document", mismatched)
    run = run_fuzzer(fuzz_app, include_path="/stats")
    assert run.operations == {"GET /stats"}
    assert {f.check for f in run.findings} == {"response_schema_conformance"}, run.findings[:3]
    assert all(f.operation == "GET /stats" for f in run.findings)
