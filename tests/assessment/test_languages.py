"""The questionnaire in the page's language: Vietnamese by default, English on request
(the questions, answers, pillar names, levels and title come from the file's `_en` twins)."""

from __future__ import annotations

from html import unescape

from marketplace.assessment import questionnaire
from tests.assessment.conftest import take
from tests.assessment.test_dashboard import _assessed


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.get_data(as_text=True))


def test_in_english_a_step_shows_the_english_question_and_answers(client_for, enterprise):
    c = client_for(enterprise)
    c.post("/lang", data={"lang": "en"})
    c.post("/assessment/start")
    page = _page(c, "/assessment/step/1")
    assert "Step 1/6: Customer experience" in page
    assert "Through which channels do customers find out about you and buy from you?" in page
    assert "Only in the shop or by phone; no online channel" in page
    assert "In a notebook or the phone's contacts" in page
    assert "2. Strategy" in page  # the steps' list
    assert "Khách hàng tìm hiểu" not in page and "Chỉ tại cửa hàng" not in page
    assert "Trải nghiệm khách hàng" not in page


def test_in_vietnamese_a_step_is_unchanged(client_for, enterprise):
    c = client_for(enterprise)
    c.post("/assessment/start")
    page = _page(c, "/assessment/step/1")
    assert "Bước 1/6: Trải nghiệm khách hàng" in page
    assert "Khách hàng tìm hiểu và mua hàng của bạn qua những kênh nào?" in page
    assert "Chỉ tại cửa hàng hoặc qua điện thoại, không có kênh trực tuyến" in page
    assert "Through which channels" not in page and "Customer experience" not in page


def test_in_english_the_result_history_and_intro_are_english(client_for, enterprise):
    c = client_for(enterprise)
    last = take(c, 2)
    result_url = last.headers["Location"]
    c.post("/lang", data={"lang": "en"})
    page = _page(c, result_url)
    for name in ("Customer experience", "Strategy", "Data and information assets"):
        assert f">{name}</th>" in page
    assert "2 – Started" in page and ">Started<" in page  # pillar table and overall level
    # The answers table: the English question with the English answer of level 2.
    assert "How do customers pay you?" in page
    assert "By payment QR code, matched in the banking app" in page
    assert "Trải nghiệm khách hàng" not in page and "Bắt đầu" not in page
    assert "Khách hàng thanh toán" not in page
    history = _page(c, "/assessment/history")
    assert ">Organisation and culture</th>" in history
    assert "Tổ chức và văn hóa" not in history
    intro = _page(c, "/assessment")
    assert "Digital transformation readiness self-assessment (small and medium" in intro
    assert "Technology and infrastructure" in intro and "level 2 – Started" in intro
    # Back in Vietnamese, the same result reads as before.
    c.post("/lang", data={"lang": "vi"})
    page = _page(c, result_url)
    assert ">Trải nghiệm khách hàng</th>" in page and "2 – Bắt đầu" in page
    assert "Khách hàng thanh toán cho bạn như thế nào?" in page
    assert "Có mã QR thanh toán, đối chiếu qua ứng dụng ngân hàng" in page
    assert "Customer experience" not in page and "How do customers pay you?" not in page
    intro = _page(c, "/assessment")
    assert "Tự đánh giá mức độ sẵn sàng chuyển đổi số (doanh nghiệp nhỏ và vừa" in intro


def test_the_answer_with_a_colon_reads_as_text(client_for, enterprise):
    c = client_for(enterprise)
    page = _page(c, take(c, 5).headers["Location"])
    assert "Dữ liệu được quản trị như tài sản: danh mục, chất lượng" in page
    assert "{'" not in page


def test_the_dashboard_shows_pillar_names_in_the_pages_language_and_the_api_in_its_own(app, client):
    for _ in range(5):
        _assessed(230)
    client.post("/lang", data={"lang": "en"})
    page = _page(client, "/dashboard")
    assert ">Customer experience</th>" in page and ">Data and information assets</th>" in page
    assert ">Trải nghiệm khách hàng</th>" not in page
    # The API answers in its `lang` (Vietnamese by default), never the visitor's session.
    body = client.get("/api/v1/stats?include=dashboard").get_json()
    assert body["readiness"]["pillars"][0]["label"] == "Trải nghiệm khách hàng"


def test_outside_a_request_the_texts_are_vietnamese(app):
    form = questionnaire.load("2026.1")
    assert form.pillar("culture").label == "Tổ chức và văn hóa doanh nghiệp"
    assert form.level_label(5) == "Dẫn dắt"
    assert form.questions()[0].answer_label(0).startswith("Chỉ tại cửa hàng")
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("en"):
            assert form.pillar("culture").label == "Organisation and culture"
            assert form.level_label(5) == "Leading"
            assert questionnaire.level_label(0) == "Not yet digital"
            assert questionnaire.pillar_label("data") == "Data and information assets"
            assert form.label.startswith("Digital transformation readiness")
