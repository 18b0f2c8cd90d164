"""Post moderator decisions the way the pages do: with the content version they showed."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

_DECISION = re.compile(r"^(/moderation/(?:solutions|revisions)/\d+)/[a-z]+$")


def seen_version(client, page_url: str) -> str:
    """Open a listing's or revision's moderation page and return the version it carries."""
    response = client.get(page_url)
    assert response.status_code == 200, (page_url, response.status_code)
    field = BeautifulSoup(response.get_data(as_text=True), "html.parser").find(
        "input", attrs={"name": "version"}
    )
    assert field is not None, f"no version field on {page_url}"
    return field["value"]


def decide(client, decision_url: str, reason: str = "", **data):
    """Open the decision's page, then post the decision with the version it showed."""
    page_url = _DECISION.match(decision_url).group(1)
    version = seen_version(client, page_url)
    return client.post(decision_url, data={"reason": reason, "version": version, **data})
