"""Images for the demo: each vendor's and each listing's logo, and screenshots of a few
listings, drawn with Pillow and stored through the upload service like a vendor's own.

The demo would otherwise show only the letter placeholders, and nothing would exercise the
stored images: their checks and re-encoding, `/media`, the solution page's gallery, the
cards' and the directory's logos. The pictures hold no text but initials (the font Pillow
carries has no Vietnamese marks); the screenshots' captions say what they show.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from marketplace.accounts.models import Organization, User
from marketplace.catalog.models import Screenshot, Solution, SolutionStatus, VendorProfile
from marketplace.catalog.uploads import store_image
from marketplace.core.text import fold
from marketplace.extensions import db

# One colour per vendor (by its place among the demo vendors): background, accent.
PALETTE = [
    ((13, 71, 161), (100, 181, 246)),
    ((183, 28, 28), (239, 154, 154)),
    ((27, 94, 32), (129, 199, 132)),
    ((230, 81, 0), (255, 204, 128)),
    ((74, 20, 140), (206, 147, 216)),
    ((0, 96, 100), (128, 222, 234)),
    ((62, 39, 35), (188, 170, 164)),
]
CAPTIONS = ("Bảng điều khiển tổng quan", "Danh sách chứng từ và báo cáo")
SCREENSHOT_LISTINGS_PER_VENDOR = 1


def initials(name: str, *, last: bool = False) -> str:
    """Two letters for a logo, unaccented: the first letters of the name's first two words
    (`Hóa đơn Sông Hồng` → `HD`), or with `last` of its last two — a company's name starts
    with its legal form (`Công ty TNHH Phần mềm Hồng Hà` → `HH`)."""
    words = [w for w in fold(name).split() if w[:1].isalnum()]
    chosen = words[-2:] if last else words[:2]
    return "".join(w[0] for w in chosen).upper() or "?"


def _png(image: Image.Image) -> FileStorage:
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    return FileStorage(stream=out, filename="demo.png", content_type="image/png")


def logo_image(
    text: str, colours: tuple[tuple[int, int, int], tuple[int, int, int]]
) -> Image.Image:
    """A square logo: the initials in white on the vendor's colour, an accent stripe."""
    background, accent = colours
    image = Image.new("RGB", (256, 256), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 212, 256, 256), fill=accent)
    font = ImageFont.load_default(size=110)
    draw.text((128, 110), text, fill=(255, 255, 255), font=font, anchor="mm")
    return image


def screenshot_image(
    seed: int, colours: tuple[tuple[int, int, int], tuple[int, int, int]], kind: int
) -> Image.Image:
    """A dashboard-like screen in the vendor's colours: a header, a menu, figure cards and
    either a bar chart (kind 0) or a table (kind 1)."""
    background, accent = colours
    rng = random.Random(seed * 7 + kind)
    image = Image.new("RGB", (1280, 800), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1280, 64), fill=background)
    draw.rectangle((0, 64, 220, 800), fill=(255, 255, 255))
    for i in range(7):
        y = 100 + i * 52
        draw.rounded_rectangle((24, y, 196, y + 28), 6, fill=accent if i == 0 else (226, 230, 236))
    for i in range(3):
        x = 260 + i * 330
        draw.rounded_rectangle((x, 96, x + 300, 216), 12, fill=(255, 255, 255))
        draw.rectangle((x + 24, 124, x + 24 + rng.randint(90, 220), 144), fill=accent)
        draw.rectangle((x + 24, 164, x + 140, 180), fill=(206, 212, 220))
    draw.rounded_rectangle((260, 248, 1240, 760), 12, fill=(255, 255, 255))
    if kind == 0:
        for i in range(12):
            height = rng.randint(80, 420)
            x = 310 + i * 78
            draw.rectangle((x, 720 - height, x + 44, 720), fill=background if i % 3 else accent)
        draw.line((290, 720, 1210, 720), fill=(180, 186, 194), width=2)
    else:
        for i in range(9):
            y = 280 + i * 52
            draw.rectangle((290, y, 1210, y + 1), fill=(226, 230, 236))
            draw.rectangle((300, y + 16, 300 + rng.randint(160, 320), y + 32), fill=(206, 212, 220))
            draw.rounded_rectangle((1080, y + 12, 1190, y + 36), 10, fill=accent)
    return image


def _vendors() -> list[tuple[Organization, User, tuple]]:
    """The demo vendors with their first user (who stores the images) and their colours."""
    found = []
    vendors = db.session.scalars(
        select(Organization).where(Organization.kind == "vendor").order_by(Organization.id)
    ).all()
    for number, org in enumerate(vendors):
        actor = db.session.scalar(
            select(User).where(User.organization_id == org.id).order_by(User.id).limit(1)
        )
        if actor is not None:
            found.append((org, actor, PALETTE[number % len(PALETTE)]))
    return found


def seed_listing_images() -> int:
    """Give the demo listings without one a logo, and the first published listing of each
    vendor two screenshots; return how many images were stored. Run before the listings'
    revisions are drafted, which then carry the images like the live content."""
    stored = 0
    for org, actor, colours in _vendors():
        listings = db.session.scalars(
            select(Solution).where(Solution.vendor_id == org.id).order_by(Solution.id)
        ).all()
        with_screens = 0
        for listing in listings:
            if listing.logo_id is None:
                logo = logo_image(initials(listing.name), colours)
                listing.logo_id = store_image(actor, _png(logo), purpose="logo").id
                stored += 1
            if listing.status != SolutionStatus.PUBLISHED:
                continue
            if with_screens >= SCREENSHOT_LISTINGS_PER_VENDOR:
                continue
            with_screens += 1
            if listing.screenshots:
                continue
            for position, caption in enumerate(CAPTIONS):
                screen = screenshot_image(listing.id, colours, position)
                upload = store_image(actor, _png(screen))
                db.session.add(
                    Screenshot(
                        solution_id=listing.id,
                        upload_id=upload.id,
                        caption=caption,
                        position=position,
                    )
                )
                stored += 1
    db.session.flush()
    return stored


def seed_vendor_logos() -> int:
    """Give the demo vendors' public pages without one a logo; return how many."""
    stored = 0
    for org, actor, colours in _vendors():
        profile = db.session.get(VendorProfile, org.id)
        if profile is not None and profile.logo_id is None:
            logo = logo_image(initials(org.name, last=True), colours)
            profile.logo_id = store_image(actor, _png(logo), purpose="logo").id
            stored += 1
    db.session.flush()
    return stored
