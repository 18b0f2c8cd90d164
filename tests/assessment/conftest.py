"""Helpers for the readiness self-assessment's tests: answer a step, take the whole test."""

from __future__ import annotations

from marketplace.assessment import questionnaire


def step_data(number: int, level: int | dict = 3, version: str = "2026.1") -> dict:
    """The form of step `number` with every question answered `level` (or per question id)."""
    form = questionnaire.load(version)
    data = {"version": version}
    for q in form.pillars[number - 1].questions:
        data[q.id] = str(level[q.id] if isinstance(level, dict) else level)
    return data


def take(client, level: int | dict = 3, *, steps: int = 6):
    """Start (or resume) and answer `steps` steps; return the last response."""
    client.post("/assessment/start")
    response = None
    for number in range(1, steps + 1):
        response = client.post(f"/assessment/step/{number}", data=step_data(number, level))
        assert response.status_code == 303, response.get_data(as_text=True)[:400]
    return response
