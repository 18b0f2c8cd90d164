"""Write marketplace/core/data/former_provinces.csv: each 2025 commune's former province.

The 2025 commune-level units keep the official (GSO) code of one of the communes they
absorbed, so the unit's code looked up in the pre-2025 dataset gives the former province.
Eleven new units carry a code the old list lacks (island districts without communes, a few
re-coded wards); they take the province of the nearest lower old code, and are marked
``range`` in the file so a reviewer can check them.

Run in a throwaway environment with both dataset versions unpacked (they cannot be installed
side by side), e.g.::

    pip download --no-deps vietnam-provinces==0.6.0 vietnam-provinces==2025.10.1 -d /tmp/vp
    unzip vietnam_provinces-0.6.0-*.whl -d /tmp/vp/old
    unzip vietnam_provinces-2025.10.1-*.whl -d /tmp/vp/new
    python tools/former_provinces.py /tmp/vp/old /tmp/vp/new > marketplace/core/data/former_provinces.csv
"""

from __future__ import annotations

import bisect
import csv
import json
import sys
from pathlib import Path


def main(old_root: str, new_root: str) -> None:
    """Print the CSV of new commune code → former province on standard output."""
    rel = Path("vietnam_provinces/data/nested-divisions.json")
    old = json.loads((Path(old_root) / rel).read_text(encoding="utf-8"))
    new = json.loads((Path(new_root) / rel).read_text(encoding="utf-8"))
    old_ward: dict[int, tuple[int, str]] = {}
    for province in old:
        for district in province["districts"]:
            for ward in district["wards"]:
                old_ward[ward["code"]] = (province["code"], province["name"])
    old_codes = sorted(old_ward)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["commune_code", "former_province_code", "former_province_name", "method"])
    for province in new:
        for ward in sorted(province["wards"], key=lambda w: w["code"]):
            code = ward["code"]
            if code in old_ward:
                former, method = old_ward[code], "code"
            else:
                nearest = old_codes[bisect.bisect_left(old_codes, code) - 1]
                former, method = old_ward[nearest], "range"
            out.writerow([f"{code:05d}", f"{former[0]:02d}", former[1], method])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
