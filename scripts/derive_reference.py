"""Derive the project's region code list from the official files in ../shared/reference.

Run once by a developer when a new decree edition arrives; the output is committed
(ontology/codes/wilayah_lampung.csv) so the project never needs ../shared to run.

    python scripts/derive_reference.py ../shared/reference
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

LEVELS = {2: "provinsi", 5: "kabupaten", 8: "kecamatan", 13: "desa"}
OUT = Path(__file__).resolve().parent.parent / "ontology" / "codes" / "wilayah_lampung.csv"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def main(ref: Path) -> None:
    names_2022 = {
        r["kode"]: r["nama"].strip() for r in read(ref / "kemendagri_2022_6117_wilayah_lampung.csv")
    }
    bps_2024: dict[str, dict[str, str]] = {}
    for r in read(ref / "bps_bridging_2024_lampung.csv"):
        bps_2024.setdefault(r["dagri_code"], r)
    bps_2018 = {r["kode_bps"]: r for r in read(ref / "bps_bridging_2018s1_lampung.csv")}
    rows = []
    current = {r["kode"].strip() for r in read(ref / "kemendagri_2025_wilayah_lampung.csv")}
    for r in read(ref / "kemendagri_2025_wilayah_lampung.csv"):
        code, name = r["kode"].strip(), r["nama"].strip()
        level = LEVELS[len(code)]
        kind = level
        if level == "kabupaten" and name.startswith("Kota "):
            kind = "kota"
        if level == "desa" and code.split(".")[-1].startswith("1"):
            kind = "kelurahan"
        parent = code.rsplit(".", 1)[0] if "." in code else ""
        bridge = bps_2024.get(code)
        bps_code = bridge["bps_code"] if bridge else ""
        old = bps_2018.get(bps_code) if bps_code else None
        # A former Kemendagri code (BPS 2018 bridge) that no longer exists: the region moved
        # (Tanjung Rejo 18.09.07.2022 -> 18.09.09.2010). Codes still in use are not history.
        former = old["kode_dagri"] if old and old["kode_dagri"] not in (code, "") else ""
        if former in current:
            former = ""
        rows.append(
            {
                "kode": code,
                "tingkat": level,
                "jenis": kind,
                "nama": name,
                "induk": parent,
                "nama_2022": names_2022.get(code, ""),
                "kode_bps": bps_code,
                "nama_bps_2024": bridge["text"].strip() if bridge else "",
                "nama_bps_2018": old["nama_bps"].strip() if old else "",
                "kode_lama": former,
            }
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} regions to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference"))
