"""Measure the memory and time one image upload costs, each case in a fresh process.

    python -m bench.uploads

For each case the parent writes the input image to a temporary file; a child process
builds the app on a throw-away SQLite database, creates a vendor, reads the file, then
stores it with `store_image` and reports how far its peak resident memory rose above
the resident memory before the call (Linux `VmHWM`, reset first) and the wall-clock
time of that one call. Refused uploads are reported as such (the time is then the time
to refuse). `--repeat N` runs each case N times (the peak is the highest, the time the
median).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = {
    # The attack from the review: a small file declaring a huge canvas.
    "png-8000x5000": ("PNG", (8000, 5000)),
    # Ordinary screenshots and photos.
    "png-1600x1000": ("PNG", (1600, 1000)),
    "jpeg-1600x1000": ("JPEG", (1600, 1000)),
    # A large phone photo: JPEG decodes at a reduced scale.
    "jpeg-6000x4000": ("JPEG", (6000, 4000)),
    # The largest PNG still accepted: PNG cannot be decoded at a reduced scale.
    "png-6000x4000": ("PNG", (6000, 4000)),
}


def make_image(fmt: str, size: tuple[int, int]) -> bytes:
    """Return an image with structure (a gradient with noise in one corner), encoded as `fmt`."""
    from PIL import Image

    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste(Image.effect_noise((256, 256), 60).convert("RGB"), (0, 0))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


def _status_kb(field: str) -> int:
    """Return a memory figure of this process from /proc/self/status, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def child(path: str, purpose: str) -> None:
    """Store the image at `path` once and print the measurements as JSON."""
    from flask_migrate import upgrade
    from werkzeug.datastructures import FileStorage

    from marketplace import create_app
    from marketplace.accounts.models import Organization, User
    from marketplace.catalog.uploads import UploadError, store_image
    from marketplace.config import Config
    from marketplace.extensions import db

    work = tempfile.mkdtemp(prefix="bench-uploads-")
    config = Config(work)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{work}/bench.db"
    config.UPLOAD_FOLDER = f"{work}/uploads"
    app = create_app(config)
    data = Path(path).read_bytes()
    with app.app_context():
        upgrade()
        org = Organization(kind="vendor", name="Nhà cung cấp đo", tax_code="0100109106")
        user = User(email="do@example.vn", name="Đo", role="vendor", organization=org)
        user.password_hash = "x"
        db.session.add_all([org, user])
        db.session.commit()
        # Reset the peak ("high-water mark") so that it measures this one call (Linux ≥ 4.0).
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_kb("VmRSS")
        started = time.perf_counter()
        try:
            upload = store_image(user, FileStorage(io.BytesIO(data), "anh"), purpose=purpose)
            result = f"stored {upload.width}×{upload.height}"
        except UploadError as err:
            result = f"refused: {err.message}"
        elapsed = time.perf_counter() - started
        after = _status_kb("VmHWM")
    print(json.dumps({"peak_mb": (after - before) / 1024, "seconds": elapsed, "result": result}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--purpose", default="screenshot")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median time)")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.purpose)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for name, (fmt, size) in CASES.items():
            path = Path(tmp) / name
            path.write_bytes(make_image(fmt, size))
            runs = [_run_child(path) for _ in range(args.repeat)]
            times = sorted(m["seconds"] for m in runs)
            peak = max(m["peak_mb"] for m in runs)
            kb = path.stat().st_size // 1024
            print(
                f"{name:16} {kb:6d} KB  +{peak:7.1f} MB peak  "
                f"{times[len(times) // 2] * 1000:7.0f} ms (median of {len(runs)})  "
                f"{runs[0]['result']}"
            )


def _run_child(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.uploads", "--child", str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
