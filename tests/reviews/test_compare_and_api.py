"""Sub-ratings on the comparison page and the star distribution in the API."""

from __future__ import annotations

from marketplace.reviews import queries
from tests import factories
from tests.reviews.conftest import quick_reviews, soup


def test_compare_shows_each_sub_rating_with_counts(client, vendor, count_queries):
    a = factories.make_solution(vendor, name="So sánh A")
    b = factories.make_solution(vendor, name="So sánh B")
    c = factories.make_solution(vendor, name="So sánh C")
    quick_reviews(a, [5, 3])
    quick_reviews(b, [4])
    url = f"/compare?s={a.slug},{b.slug},{c.slug}"
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    rows = {
        tr.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in soup(response).select("tr.aspect-row")
    }
    assert list(rows) == [
        "Điểm “Dễ sử dụng”",
        "Điểm “Tính năng”",
        "Điểm “Hỗ trợ”",
        "Điểm “Đáng giá tiền”",
    ]
    ease = rows["Điểm “Dễ sử dụng”"]
    assert "4,0" in ease[0] and "2 đánh giá" in ease[0]
    assert "4,0" in ease[1] and "1 đánh giá" in ease[1]
    assert ease[2] == "Chưa có đánh giá"
    # features = stars − 1: A (4 + 2) / 2 = 3.0
    assert "3,0" in rows["Điểm “Tính năng”"][0]
    # The sub-ratings come with the listings' rows (Solution.rating_breakdown): no query.
    summary_queries = [s for s in q.statements if "sum(reviews.ease_of_use)" in s]
    assert summary_queries == []


def test_summaries_are_batched(app, vendor, count_queries):
    items = [factories.make_solution(vendor, name=f"Lô {n}") for n in range(3)]
    quick_reviews(items[0], [5, 4])
    quick_reviews(items[2], [1])
    ids = [s.id for s in items]
    with count_queries() as q:
        result = queries.summaries(ids)
    assert q.count == 1
    assert [result[i].count for i in ids] == [2, 0, 1]
    assert result[ids[0]].distribution() == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}


def test_api_distribution_counts_published_reviews(client, vendor, count_queries):
    few = factories.make_solution(vendor, name="API ít")
    many = factories.make_solution(vendor, name="API nhiều")
    quick_reviews(few, [5])
    quick_reviews(many, [5, 5, 4, 2, 1, 1])
    quick_reviews(many, [3, 3], status="hidden")
    body = client.get(f"/api/v1/solutions/{many.slug}").get_json()
    assert body["rating"] == {
        "average": 3.0,
        "count": 6,
        "distribution": {"1": 2, "2": 1, "3": 0, "4": 1, "5": 2},
    }
    urls = [f"/api/v1/solutions/{few.slug}", f"/api/v1/solutions/{many.slug}"]
    counts = []
    for url in urls:
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]
