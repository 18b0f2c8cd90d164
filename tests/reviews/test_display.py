"""The reviews section of a solution page: summary, histogram, sorting, filtering, pages,
accessible star inputs, harmless user text, and a constant number of queries."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from marketplace.extensions import db
from marketplace.reviews import services
from marketplace.reviews.models import Review, ReviewReply
from tests import factories
from tests.reviews.conftest import eligible_user, quick_reviews, review_ids, soup, write


def _page(client, solution, **args):
    response = client.get(f"/solutions/{solution.slug}", query_string=args)
    assert response.status_code == 200
    return response


def test_summary_histogram_and_sub_ratings(client, solution):
    quick_reviews(solution, [5, 5, 4, 2])
    page = soup(_page(client, solution))
    section = page.find(id="reviews")
    text = section.get_text(" ", strip=True)
    assert "4,0" in text and "4 đánh giá" in text
    rows = {
        r.select_one(".hist-label").get_text(strip=True): r.select_one(".hist-count").get_text(
            " ", strip=True
        )
        for r in section.select(".hist-row")
    }
    # Text values, not only bars: each row reads "N đánh giá (P%)".
    assert rows["5 sao"].startswith("2") and "50%" in rows["5 sao"]
    assert rows["4 sao"].startswith("1") and rows["3 sao"].startswith("0")
    assert list(rows) == ["5 sao", "4 sao", "3 sao", "2 sao", "1 sao"]
    aspects = section.select_one(".review-aspect-summary").get_text(" ", strip=True)
    for label in ("Dễ sử dụng", "Tính năng", "Hỗ trợ", "Đáng giá tiền"):
        assert label in aspects
    # features = stars − 1 (at least 1): (4 + 4 + 3 + 1) / 4 = 3.0
    assert "3,0" in aspects  # Vietnamese decimals (Babel)


def test_sorts_and_star_filter(client, solution):
    rows = quick_reviews(solution, [3, 5, 1, 4])  # created oldest → newest
    db.session.execute(update(Review).where(Review.id == rows[0].id).values(helpful_count=7))
    db.session.execute(update(Review).where(Review.id == rows[2].id).values(helpful_count=2))
    db.session.commit()
    ids = [r.id for r in rows]
    assert review_ids(_page(client, solution)) == [ids[0], ids[2], ids[3], ids[1]]
    assert review_ids(_page(client, solution, sort="newest")) == [ids[3], ids[2], ids[1], ids[0]]
    assert review_ids(_page(client, solution, sort="highest")) == [ids[1], ids[3], ids[0], ids[2]]
    assert review_ids(_page(client, solution, sort="lowest")) == [ids[2], ids[0], ids[3], ids[1]]
    assert review_ids(_page(client, solution, stars=5)) == [ids[1]]
    assert review_ids(_page(client, solution, stars=2)) == []
    html = _page(client, solution, stars=2).get_data(as_text=True)
    assert "Chưa có nhận xét 2 sao nào." in html


@pytest.mark.parametrize(
    "args",
    [
        {"sort": "x"},
        {"stars": "9"},
        {"stars": "<script>"},
        {"page": "-1"},
        {"page": "999999"},
        {"page": "a" * 300},
        {"sort": "lowest", "stars": "0", "page": "0"},
    ],
)
def test_odd_list_arguments_are_ignored(client, solution, args):
    quick_reviews(solution, [4, 5])
    assert len(review_ids(_page(client, solution, **args))) in (1, 2)


def test_pagination_ten_per_page(client, solution):
    rows = quick_reviews(solution, [4] * 23)
    newest_first = [r.id for r in reversed(rows)]
    assert review_ids(_page(client, solution, sort="newest")) == newest_first[:10]
    assert review_ids(_page(client, solution, sort="newest", page=3)) == newest_first[20:]
    # Past the end shows the last page.
    assert review_ids(_page(client, solution, sort="newest", page=9)) == newest_first[20:]
    nav = soup(_page(client, solution, sort="newest", page=2)).select_one(
        'nav[aria-label="Phân trang nhận xét"]'
    )
    links = {a.get_text(strip=True): a["href"] for a in nav.select("a.page-link")}
    assert "sort=newest" in links["3"] and "page=3" in links["3"]
    assert links["1"].endswith("#reviews")
    assert nav.select_one('[aria-current="page"]').get_text(strip=True) == "2"


def test_vendor_reply_is_shown_under_the_review(client, solution, review, vendor):
    db.session.add(ReviewReply(review_id=review.id, author_id=vendor.id, body="Cảm ơn anh chị."))
    db.session.commit()
    card = soup(_page(client, solution)).find(id=f"review-{review.id}")
    reply = card.select_one(".review-reply")
    assert "Phản hồi của nhà cung cấp" in reply.get_text()
    assert "Cảm ơn anh chị." in reply.get_text() and solution.vendor.name in reply.get_text()


def test_hidden_reviews_are_not_listed(client, solution, review, moderator):
    services.hide_review(moderator, review, "Xúc phạm")
    db.session.commit()
    page = _page(client, solution)
    assert review_ids(page) == []
    assert review.title not in page.get_data(as_text=True)
    assert "Chưa có đánh giá nào" in page.get_data(as_text=True)


HOSTILE = [
    '<script>alert("x")</script>',
    '<a href="javascript:alert(1)">bấm vào đây</a>',
    '<img src=x onerror="alert(1)">',
    "javascript:alert(document.cookie)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_rendered_harmless(client, client_for, solution, vendor, text):
    user = eligible_user(solution)
    review = write(
        user,
        solution,
        title=text[:120],
        body=f"Nội dung có mã độc hại thử nghiệm:\n{text}\nDòng cuối.",
    )
    services.save_reply(vendor, db.session.get(Review, review.id), f"Phản hồi {text}")
    db.session.commit()
    pages = [
        _page(client, solution),
        client_for(vendor).get(f"/reviews/{review.id}/reply"),
        client_for(factories.make_user("moderator")).get(f"/moderation/reviews/{review.id}"),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        page = soup(response)
        card = page.find(id=f"review-{review.id}")
        assert card is not None
        # No markup came through: no script, no handler, no javascript: link, no image.
        assert not card.find_all(["script", "img"])
        assert not [a for a in card.find_all("a") if "javascript" in (a.get("href") or "")]
        assert not [t for t in card.find_all(True) if any(k.startswith("on") for k in t.attrs)]
        assert "<script>alert" not in html and 'onerror="alert' not in html
        # The text is shown as typed, escaped, with its line breaks.
        assert text in card.get_text()
    body = pages[0].get_data(as_text=True)
    assert "&lt;" in body or "javascript:alert(document.cookie)" in body


def test_line_breaks_are_kept_as_text(client, solution, reviewer):
    review = write(reviewer, solution, body="Dòng thứ nhất của nhận xét\nDòng thứ hai")
    card = soup(_page(client, solution)).find(id=f"review-{review.id}")
    text_box = card.select_one(".review-text")
    assert text_box.get_text() == "Dòng thứ nhất của nhận xét\nDòng thứ hai"
    assert not text_box.find("br")  # CSS white-space: pre-line keeps the break


def test_star_inputs_are_accessible_and_work_without_js(client_for, solution, reviewer):
    page = soup(client_for(reviewer).get(f"/solutions/{solution.slug}/review"))
    form = page.select_one("form.review-form")
    fieldsets = form.select("fieldset.star-field")
    assert [f.legend.get_text(" ", strip=True).rstrip(" *") for f in fieldsets] == [
        "Đánh giá chung",
        "Dễ sử dụng",
        "Tính năng",
        "Hỗ trợ",
        "Đáng giá tiền",
    ]
    for fieldset in fieldsets:
        radios = fieldset.select('input[type="radio"]')
        assert [r["value"] for r in radios] == ["1", "2", "3", "4", "5"]
        for radio in radios:
            label = fieldset.find("label", attrs={"for": radio["id"]})
            hidden = label.select_one(".visually-hidden").get_text(strip=True)
            assert hidden == f"{radio['value']} trên 5 sao"
            # Real radio inputs (keyboard: arrows), only styled; never display:none.
            assert "d-none" not in radio.get("class", [])
    assert form.select_one('button[type="submit"]')


def test_constant_queries_on_the_solution_page(client, client_for, solution, count_queries):
    reader = factories.make_user("enterprise")
    voter_client = client_for(reader)
    owner_client = client_for(solution.vendor.members[0])
    quick_reviews(solution, [5, 4, 3])
    url = f"/solutions/{solution.slug}"
    counts = {}
    for size in ("few", "many"):
        if size == "many":
            rows = quick_reviews(solution, [4, 2, 5] * 9)  # 30 in all
            for r in rows[:5]:
                db.session.add(ReviewReply(review_id=r.id, author_id=None, body="Cảm ơn."))
            db.session.commit()
        for who, c in (
            ("anonymous", client),
            ("enterprise", voter_client),
            ("vendor", owner_client),
        ):
            with count_queries() as q:
                assert c.get(url).status_code == 200
            counts[(who, size)] = q.count
    for who in ("anonymous", "enterprise", "vendor"):
        assert counts[(who, "few")] == counts[(who, "many")], counts
    assert counts[("anonymous", "many")] <= 11, counts  # 11: with the programme's rules
