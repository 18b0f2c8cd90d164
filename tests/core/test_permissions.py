"""Role gates on the signed-in areas, for pages and JSON clients."""

from __future__ import annotations

import pytest

AREAS = {
    "/account/": {"enterprise"},
    "/vendor/": {"vendor"},
    "/moderation/": {"moderator", "admin"},
}


@pytest.mark.parametrize("path", list(AREAS))
def test_anonymous_users_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", list(AREAS))
@pytest.mark.parametrize("role", ["enterprise", "vendor", "moderator", "admin"])
def test_role_gates(client_for, request, path, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(path)
    expected = 200 if role in AREAS[path] else 403
    assert response.status_code == expected


def test_forbidden_page_is_translated(client_for, enterprise):
    c = client_for(enterprise)
    assert "Không có quyền truy cập" in c.get("/vendor/").get_data(as_text=True)
    c.post("/lang", data={"lang": "en"})
    assert "Access denied" in c.get("/vendor/").get_data(as_text=True)


def test_json_clients_get_json_errors(client, client_for, vendor):
    response = client.get("/account/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    response = client_for(vendor).get("/account/", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.get_json() == {
        "error": {"code": "forbidden", "message": response.get_json()["error"]["message"]}
    }
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"


def test_unknown_page_is_a_404_page(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_wrong_method_is_405_not_500(client):
    assert client.delete("/auth/login").status_code == 405


def test_unexpected_error_gives_the_500_page(app_factory):
    application = app_factory()

    @application.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = application.test_client().get("/boom-for-test")
    assert response.status_code == 500
    assert "Lỗi hệ thống" in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
