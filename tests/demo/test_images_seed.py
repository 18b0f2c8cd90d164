"""The demo's images: every listing and vendor page has a logo, a few listings have
screenshots, all stored through the upload service and served; seeding again adds none."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.catalog import params, queries
from marketplace.catalog.models import Screenshot, Solution, SolutionRevision, VendorProfile
from marketplace.catalog.uploads import upload_path
from marketplace.demo import seed
from marketplace.demo.catalog_seed import seed_catalog
from marketplace.demo.images_seed import initials, seed_listing_images, seed_vendor_logos
from marketplace.demo.quotes_seed import seed_vendor_profiles
from marketplace.extensions import db


def test_the_demo_listings_and_vendors_have_their_images(app, client):
    seed.seed_accounts("demo-hash")
    seed_catalog("demo-hash", images=True)
    seed_vendor_profiles()
    seed_vendor_logos()
    db.session.commit()

    listings = db.session.scalars(select(Solution)).all()
    assert listings and all(s.logo is not None for s in listings)
    assert all(s.logo.purpose == "logo" and s.logo.org_id == s.vendor_id for s in listings)
    assert all(upload_path(s.logo).is_file() for s in listings)
    with_screens = [s for s in listings if s.screenshots]
    vendors = {s.vendor_id for s in listings if s.status == "published"}
    assert len(with_screens) == len(vendors)  # the first published listing of each vendor
    for listing in with_screens:
        assert [shot.caption for shot in listing.screenshots] == [
            "Bảng điều khiển tổng quan",
            "Danh sách chứng từ và báo cáo",
        ]
        assert all(shot.upload.width == 1280 for shot in listing.screenshots)
    profiles = db.session.scalars(select(VendorProfile)).all()
    assert profiles and all(p.logo is not None for p in profiles)

    # The revision drafted by the seed carries the live logo: approving it keeps it.
    revision = db.session.scalar(select(SolutionRevision).limit(1))
    assert revision.content["logo_id"] == revision.solution.logo_id is not None

    # Shown and served.
    shown = with_screens[0]
    page = client.get(f"/solutions/{shown.slug}").get_data(as_text=True)
    for shot in shown.screenshots:
        assert shot.upload.filename in page
        image = client.get(f"/media/{shot.upload.filename}")
        assert image.status_code == 200 and image.content_type.startswith("image/")
    assert shown.logo.filename in page
    # The catalogue's first card shows its logo.
    first_card = queries.run_catalog(params.parse_params({})).items[0]
    first_logo = db.session.get(Solution, first_card.id).logo.filename
    assert first_logo in client.get("/solutions").get_data(as_text=True)

    # Seeding again stores nothing more.
    count = db.session.scalar(select(func.count()).select_from(Screenshot))
    assert seed_listing_images() == 0 and seed_vendor_logos() == 0
    assert db.session.scalar(select(func.count()).select_from(Screenshot)) == count


def test_logo_initials():
    assert initials("Hóa đơn điện tử Sông Hồng") == "HD"
    assert initials("Công ty TNHH Phần mềm Hồng Hà", last=True) == "HH"
    assert initials("Đà Nẵng") == "DN"
    assert initials("!!!") == "?"
