"""Generate synthetic agency tables for all of Lampung (or some of its kabupaten/kota).

VALUES ARE SYNTHETIC; the region codes and names are the real ones of
``ontology/codes/wilayah_lampung.csv`` (15 kabupaten/kota, 229 kecamatan, 2,651
desa/kelurahan). The same six agency table shapes as the demo in ``data/`` (written by
the shape writers of ``scripts/generate_demo_data.py``), for the kabupaten asked and as
many years (ending in 2024) as asked, into ``--out``:

    disdukcapil_penduduk_desa_jk_Y0_Y1.csv   long, ';', BOM, multi-line header, undotted codes
    dinkes_balita_stunting_desa_Y0_Y1.xlsx   title rows, names only (desa + kecamatan), total row
    disdik_sekolah_kecamatan_Y0_Y1.csv       wide by jenjang, "Kec. " prefixes, kabupaten column
    dinsos_kpm_desa_Y0_Y1.csv                dotted Kemendagri codes
    bps_luas_penduduk_kecamatan_Y0_Y1.csv    BPS export, two-row header, BPS codes, subtotals
    dpupr_air_sanitasi_desa_Y0_Y1.xlsx       codes as text, "67,5%" percentages

plus one mapping per table (``lampung-<demo dataset id>.yaml``, from ``mappings/*.yaml``),
``manifest.json`` (what was written: rows, observations, and the rows a load must reject,
drop or flag), ``problems.csv`` (every deliberate problem) and ``README.md``.

Pesawaran (18.09) keeps the demo's scale, kecamatan effects and deliberate problems; every
other kabupaten gets a derived profile (population from its desa/kelurahan count, seeded
kecamatan effects and areas) and the same kinds of deliberate problems at seeded places.
Names are linked within the whole province (load with ``home_region = 18``): Dinkes rows under
a kecamatan name that occurs in two kabupaten (Bumi Agung, Labuhan Ratu, Pagar Dewa) cannot be
linked from names alone, and are listed as deliberate linking problems.

The two xlsx tables are written with openpyxl's write-only mode: title and header rows keep
their fonts, merges, widths and frozen panes, data rows carry no borders (the demo's cell
borders tripled the time). Deterministic (seeded; fixed xlsx timestamps).

    .venv/bin/python scripts/generate_province_data.py --out /tmp/province --observations 1000000
    .venv/bin/python scripts/generate_province_data.py --out /tmp/two --kabupaten 18.09,18.12 --years 2
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_demo_data as demo  # noqa: E402
from generate_demo_data import (  # noqa: E402
    KAB,
    ROOT,
    SEED,
    WILAYAH,
    Plants,
    Profile,
    Region,
    Scope,
    World,
    Written,
    build_world,
    comma,
    pesawaran_plants,
    pesawaran_profile,
    read_regions,
    undotted,
)

from graph.link.names import NameRules  # noqa: E402

END_YEAR = 2024
PREFIX = "lampung-"  # dataset ids: distinct from the demo's (whose accepted violations name rows)
HOME_REGION = "18"  # names are linked within the province
NAME_COLUMNS = ("nama", "nama_2022", "nama_bps_2024", "nama_bps_2018")
# Per table: the demo mapping it is made from, and the measure cells of one data row.
TABLES = {
    "disdukcapil": "disdukcapil-penduduk-desa",
    "dinkes": "dinkes-stunting-desa",
    "disdik": "disdik-sekolah-kecamatan",
    "dinsos": "dinsos-kpm-desa",
    "bps": "bps-luas-penduduk-kecamatan",
    "dpupr": "dpupr-air-sanitasi-desa",
}
# Measure cells lost to the deliberate problems of one kabupaten, at most (for the estimate).
PLANTED_LOSS = 12


# ---- regions and names -------------------------------------------------------------------
def wilayah_rows() -> list[dict[str, str]]:
    with WILAYAH.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def name_rules() -> NameRules:
    return NameRules.from_yaml(ROOT / "mappings" / "linking" / "name_rules.yaml")


def ambiguous_kecamatan(rows: list[dict[str, str]], rules: NameRules) -> set[str]:
    """Kecamatan whose name (as Dinkes writes it) fits another kecamatan of the province.

    Any of the four name columns counts, and so do names equal but for spaces: the linker
    refuses to choose between such regions.
    """
    codes_of: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["tingkat"] != "kecamatan":
            continue
        for column in NAME_COLUMNS:
            name = rules.normalise(r[column], "kecamatan", strip=False)
            if name:
                codes_of[name].add(r["kode"])
                codes_of["#" + name.replace(" ", "")].add(r["kode"])
    out = set()
    for r in rows:
        if r["tingkat"] == "kecamatan":
            name = rules.normalise(r["nama"].upper(), "kecamatan", strip=False)
            if len(codes_of[name] | codes_of["#" + name.replace(" ", "")]) > 1:
                out.add(r["kode"])
    return out


def ambiguous_desa(rows: list[dict[str, str]], rules: NameRules) -> dict[str, str]:
    """Desa whose official name (as Dinkes writes it) fits another desa of its kecamatan, with
    that other desa: in an official or BPS name, or equal but for spaces. Such rows cannot be
    linked from names alone (e.g. Ujung Gunung Ilir is also the BPS name of kelurahan Ujung Gunung).
    """
    codes_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    label = {}
    for r in rows:
        if r["tingkat"] != "desa":
            continue
        label[r["kode"]] = f"{r['nama']} ({r['kode']})"
        for column in NAME_COLUMNS:
            name = rules.normalise(r[column], "desa", strip=False)
            if name:
                codes_of[(r["induk"], name)].add(r["kode"])
                codes_of[(r["induk"], "#" + name.replace(" ", ""))].add(r["kode"])
    out = {}
    for r in rows:
        if r["tingkat"] == "desa":
            name = rules.normalise(r["nama"], "desa", strip=False)
            fits = codes_of[(r["induk"], name)] | codes_of[(r["induk"], "#" + name.replace(" ", ""))]
            if len(fits) > 1:
                out[r["kode"]] = ", ".join(label[c] for c in sorted(fits - {r["kode"]}))
    return out


def spelling_variant(d: Region, siblings: list[dict[str, str]], rules: NameRules) -> str | None:
    """The desa name written without its spaces ("Suka Maju" -> "Sukamaju"), when the name rules
    link that spelling back to this desa and to no other desa of its kecamatan; else None."""
    words = d.nama.split()
    if len(words) < 2 or words[0].lower() in rules.prefixes.get("desa", ()):
        return None
    if any(w.isdigit() or w.lower() in {"i", "ii", "iii", "iv", "v", "vi"} for w in words):
        return None
    variant = words[0] + "".join(w.lower() for w in words[1:])
    written = rules.normalise(variant, "desa", strip=False)
    key = rules.spelling_key(written)
    exact, same_key = set(), set()
    for r in siblings:
        for column in NAME_COLUMNS:
            name = rules.normalise(r[column], "desa", strip=False)
            if not name:
                continue
            if name == written:
                exact.add(r["kode"])
            if rules.spelling_key(name) == key:
                same_key.add(r["kode"])
    return variant if not exact and same_key == {d.kode} else None


# ---- derived profiles and deliberate problems --------------------------------------------
def kab_rng(kab: str, stream: int) -> np.random.Generator:
    return np.random.default_rng([SEED, int(undotted(kab)), stream])


def derived_profile(kab: Region, kec: list[Region], desa: list[Region]) -> Profile:
    """A kabupaten without real figures here: scale from its desa and kelurahan, seeded character."""
    rng = kab_rng(kab.kode, 0)
    scale = rng.uniform(0.8, 1.25)
    base = np.array([(7500.0 if d.jenis == "kelurahan" else 3400.0) * scale for d in desa])
    total = int(round(base.sum() * rng.uniform(0.95, 1.05)))
    effect = rng.normal(0.0, 0.55, len(kec))
    per_desa = {
        d.kode: (rng.uniform(1.5, 4.0) if d.jenis == "kelurahan" else rng.uniform(5.0, 14.0)) for d in desa
    }
    area = {k.kode: round(sum(a for c, a in per_desa.items() if c.startswith(k.kode + ".")), 2) for k in kec}
    members: dict[str, list[Region]] = defaultdict(list)
    for d in desa:
        members[d.induk].append(d)
    puskesmas = {}
    for k in kec:
        inside = members[k.kode]
        # A large kecamatan has a second puskesmas, named after the first desa it serves.
        split = len(inside) // 2 if len(inside) > 12 else 0
        second = f"Puskesmas {inside[split].nama}" if split else f"Puskesmas {k.nama}"
        puskesmas[k.kode] = (f"Puskesmas {k.nama}", second, split)
    return Profile(
        total=total,
        male=int(round(total * 0.5115)),
        pop_base=base,
        pop_low=0.48 * base,
        pop_high=1.87 * base,
        kec_effect={k.kode: float(e) for k, e in zip(kec, effect, strict=True)},
        kec_area=area,
        total_area=round(sum(area.values()), 2),
        puskesmas=puskesmas,
    )


def derived_plants(
    kab: Region,
    kec: list[Region],
    desa: list[Region],
    years: list[int],
    ambiguous: set[str],
    ambiguous_names: dict[str, str],
    rows: list[dict[str, str]],
    rules: NameRules,
) -> Plants:
    """The demo's kinds of deliberate problems, at seeded desa, kecamatan and years."""
    rng = kab_rng(kab.kode, 1)
    # Desa whose Dinkes rows link (the plants must not land on rows rejected anyway).
    clean = [d for d in desa if d.induk not in ambiguous and d.kode not in ambiguous_names]
    picks = [clean[i] for i in rng.choice(len(clean), size=min(10, len(clean)), replace=False)]
    recent = [y for y in years if y >= 2020] or years

    def year() -> int:
        return int(rng.choice(years))

    def at(i: int) -> tuple[str, int]:
        return picks[i % len(picks)].kode, year()

    plants = Plants(
        dukcapil_odd={at(0): (round(float(rng.uniform(0.45, 0.55)), 2), "")},
        dinkes_stunted_gt_weighed={at(1)},
        dinkes_two_commas={at(2)},
        dinkes_na={at(3)},
        dinkes_empty={at(4)},
        dinsos_future={(picks[5 % len(picks)].kode, int(rng.choice(recent))): 2027},
        dpupr_pct_over_100={at(6): comma(float(rng.uniform(100.5, 112.0))) + "%"},
        dpupr_water_gt_hh={at(7)},
        dpupr_dash={at(8)},
    )
    # A misspelt desa (spaces left out) in one or two years, that the spelling rules link back.
    siblings: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        if r["tingkat"] == "desa" and r["kode"][:5] == kab.kode:
            siblings[r["induk"]].append(r)
    for i in rng.permutation(len(clean)):
        d = clean[int(i)]
        variant = spelling_variant(d, siblings[d.induk], rules)
        if variant:
            spelt = sorted({year() for _ in range(2)})
            plants.dinkes_spelling[d.kode] = (variant, tuple(spelt))
            break
    # Kecamatan: a "±40", dropouts above pupils, names always without "Kec.", BPS 16 % high.
    k1, k2, k3 = (kec[int(i)] for i in rng.choice(len(kec), size=3, replace=len(kec) < 3))
    plants.disdik_plusminus.add((k1.kode, year()))
    plants.disdik_dropout_gt_pupils.add((k2.kode, year()))
    plants.disdik_no_prefix.add(k3.kode)
    with_bps = [k for k in kec if k.kode_bps]
    plants.bps_off[(with_bps[int(rng.integers(len(with_bps)))].kode, year())] = 1.16
    # A desa under the wrong kecamatan (Dinsos): another kecamatan of the kabupaten, unambiguous.
    d = picks[9 % len(picks)]
    others = [k for k in kec if k.kode != d.induk and k.kode not in ambiguous]
    if others:
        wrong = others[int(rng.integers(len(others)))]
        plants.dinsos_wrong_kec[(d.kode, year())] = wrong.nama.upper()
    return plants


# ---- the world of several kabupaten ------------------------------------------------------
def combine(worlds: list[World]) -> World:
    """Concatenate the worlds of kabupaten written one after the other (desa and kecamatan order)."""
    out: World = {}
    for key in ("male", "female", "pop", "weighed", "stunted", "households", "water", "sani", "pkh", "bpnt"):
        out[key] = {y: np.concatenate([w[key][y] for w in worlds]) for y in worlds[0][key]}
    for key in ("kpop", "bps"):
        out[key] = {y: np.concatenate([w[key][y] for w in worlds]) for y in worlds[0][key]}
    out["schools"] = {
        y: {k: np.concatenate([w["schools"][y][k] for w in worlds]) for k in worlds[0]["schools"][y]}
        for y in worlds[0]["schools"]
    }
    out["z"] = np.concatenate([w["z"] for w in worlds])
    out["kz"] = np.concatenate([w["kz"] for w in worlds])
    return out


def years_for(observations: int, desa: int, kec: int, kec_bps: int, unlinkable: int, kabs: int) -> int:
    """The fewest years (ending in 2024) whose tables hold at least ``observations`` figures
    (``unlinkable``: desa whose Dinkes rows cannot be linked by name)."""
    per_year = 11 * desa + 6 * kec + kec_bps - 3 * unlinkable
    n = 1
    while n * per_year + kec_bps - PLANTED_LOSS * kabs < observations:
        n += 1
    return n


# ---- mappings, manifest, README ----------------------------------------------------------
def regional(text: str, years: list[int], label: str) -> str:
    span = f"{years[0]}–{years[-1]}"
    return (
        text.replace("Kabupaten Pesawaran", label)
        .replace("Pesawaran Regency", "Lampung Province")
        .replace("2020–2024", span)
        .replace("Data demo: nilai sintetis", "Data uji skala provinsi: nilai sintetis")
        .replace("Demo data: synthetic values", "Province-scale test data: synthetic values")
    )


def write_mapping(out: Path, table: str, written: Written, scope: Scope) -> Path:
    """The demo's mapping of this table, pointed at the generated file, with its own dataset id."""
    source = ROOT / "mappings" / f"{TABLES[table]}.yaml"
    m = yaml.safe_load(source.read_text(encoding="utf-8"))
    ds = m["dataset"]
    ds["id"] = PREFIX + ds["id"]
    for part in ("title", "description"):
        ds[part] = {
            lang: regional(" ".join(text.split()), scope.years, scope.label)
            for lang, text in ds[part].items()
        }
    ds["keywords"] = list(ds.get("keywords", [])) + ["Provinsi Lampung", "data sintetis"]
    m["source"]["path"] = written.name
    if table == "disdik":
        m["region"]["parent"] = {"column": "Kabupaten/Kota"}
    if table == "bps":
        # Kabupaten subtotals are "Jumlah ..." rows and the last total names the province;
        # no "kota" here: Kota Agung is a kecamatan.
        m["source"]["drop_rows"][0]["matches"] = r"^\s*(jumlah|total|provinsi|kabupaten|kab\.)\b"
        m["source"]["drop_rows"][0]["reason"] = (
            "baris jumlah kabupaten/provinsi / regency and province totals"
        )
        area, projection = m["measures"][0], m["measures"][1]
        area["period"] = {"year": {"value": scope.years[-1]}}
        measures = [area]
        for y in scope.years:
            measures.append(
                {**projection, "column": f"Proyeksi Penduduk (jiwa) {y}", "period": {"year": {"value": y}}}
            )
        m["measures"] = measures
    path = out / f"{ds['id']}.yaml"
    header = (
        f"# Generated by scripts/generate_province_data.py from mappings/{source.name}:\n"
        f"# the same shape, for {written.name}. VALUES ARE SYNTHETIC; codes and names are real.\n"
        f"# Load with home_region = {HOME_REGION} (names are linked within the province).\n"
    )
    body = yaml.safe_dump(m, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + body, encoding="utf-8")
    return path


def table_manifest(table: str, written: Written, mapping: Path, scope: Scope) -> dict[str, Any]:
    problems = [p for p in scope.problems if p.file == written.name]
    return {
        "table": table,
        "dataset": PREFIX + TABLES[table],
        "mapping": mapping.name,
        "file": written.name,
        "bytes": (scope.out / written.name).stat().st_size,
        "rows": written.rows,
        "observations": written.observations,
        "rejected_rows": sorted({p.row for p in problems if p.rejects_row}),
        "dropped_rows": sorted(p.row for p in problems if p.kind == "dropped"),
        "unparseable": sorted([p.row, p.column, p.value] for p in problems if p.kind == "parsing"),
        "missing": sorted([p.row, p.column] for p in problems if p.kind == "missing"),
        "coherence_rows": sorted({p.row for p in problems if p.kind == "coherence"}),
        "linked_misspellings": sorted(
            {p.row for p in problems if p.kind == "linking" and p.column == "Desa" and not p.rejects_row}
        ),
    }


README = """\
# Synthetic agency tables — Provinsi Lampung ({kab_count} kabupaten/kota)

> **VALUES ARE SYNTHETIC. CODES ARE REAL.** Every number in these tables is made up by
> `scripts/generate_province_data.py` (seeded). Region codes and names are the real
> Kemendagri 2025 codes/names and BPS codes of `ontology/codes/wilayah_lampung.csv`.
> Do not cite these figures as statistics of Lampung or of any kabupaten.

Written by `{command}`.

- Kabupaten/kota: {kab_list}
- Regions: {kec_count} kecamatan, {desa_count} desa/kelurahan; years {y0}–{y1} ({n_years})
- Observations a load should map: **{observations:,}** (see `manifest.json` per table)

The six tables have the shapes of the demo tables (`data/README.md` describes each shape),
with these differences for a province: the Disdik table has a `Kabupaten/Kota` column (its
kecamatan names are linked within it); the BPS table closes each kabupaten with a
`Jumlah <kabupaten>` subtotal and the province with a `Provinsi Lampung` row (both dropped);
kecamatan without a BPS code ({no_bps}) are not in the BPS table. The xlsx tables are
written in openpyxl's write-only mode (no cell borders on data rows). Pesawaran keeps the
demo's scale and deliberate problems; other kabupaten have a derived scale (population from
their desa and kelurahan count) and the same kinds of problems at seeded places.

| file | mapping | rows | observations | bytes |
| --- | --- | ---: | ---: | ---: |
{table_rows}

## Loading

Names are linked within the province, so the instance's home region is Lampung (`18`).
Use a store of its own; the first load into an empty store writes the ontology and the
region codes first (or run `onecenter init` once). From the project folder, the Dukcapil
table first (the other tables' rules compare with its population), then the others:

```sh
export ONECENTER_HOME_REGION=18 ONECENTER_STORE_PATH={out}/store
{load_lines}
```

`onecenter load MAPPING --dry-run` says first what a load would do, publishing nothing.
Tables with a deliberate violation are *held* (exit 1; `var/reports/koherensi-*.csv` names
their rows, as `problems.csv` does), the others are published; publish a held one with
`onecenter publish DATASET --accept-violations "synthetic data"`.

## Deliberate problems

Every one is listed in `problems.csv` (kind, file, row, column, value, expected finding,
whether the row must be rejected); `manifest.json` gives, per table, the rows a load must
reject, the rows it drops, the unparseable and missing cells and the rows with coherence
problems.

| kind | count |
| --- | ---: |
{problem_rows}

Dinkes names its desa and kecamatan, not its kabupaten: the {ambiguous_count} kecamatan
whose name fits another kecamatan of Lampung ({ambiguous_names}; equal but for spaces counts)
cannot be told apart, so their {ambiguous_rows:,} Dinkes rows are rejected and sent to review,
never guessed. So are the {same_name_rows:,} rows of the desa whose name fits another desa of
its kecamatan in the reference list ({same_name_desa}).
"""


def write_readme(out: Path, scope: Scope, manifest: dict[str, Any], command: str) -> None:
    kinds: defaultdict[str, int] = defaultdict(int)
    for p in scope.problems:
        kinds[p.kind + (" (row rejected)" if p.rejects_row else "")] += 1
    ambiguous = sorted({k.nama for k in scope.kec if k.kode in scope.ambiguous_kec})
    tables = manifest["tables"]
    text = README.format(
        kab_count=len(scope.kabupaten),
        command=command,
        kab_list=", ".join(f"{k.kode} {k.nama}" for k in scope.kabupaten),
        kec_count=len(scope.kec),
        desa_count=len(scope.desa),
        y0=scope.years[0],
        y1=scope.years[-1],
        n_years=len(scope.years),
        observations=manifest["observations"],
        no_bps=", ".join(f"{k.nama} {k.kode}" for k in scope.kec if not k.kode_bps) or "none",
        table_rows="\n".join(
            f"| `{t['file']}` | `{t['mapping']}` | {t['rows']:,} | {t['observations']:,} | {t['bytes']:,} |"
            for t in tables
        ),
        out=out,
        load_lines="\n".join(f".venv/bin/onecenter load {out}/{t['mapping']}" for t in tables),
        problem_rows="\n".join(f"| {k} | {n:,} |" for k, n in sorted(kinds.items())),
        ambiguous_count=len(scope.ambiguous_kec),
        ambiguous_names=", ".join(ambiguous) or "none in these kabupaten",
        ambiguous_rows=sum(p.rejects_row and p.column == "Kecamatan" for p in scope.problems),
        same_name_rows=len(scope.years) * len(scope.ambiguous_desa),
        same_name_desa="; ".join(
            f"{d.nama} {d.kode} also fits {scope.ambiguous_desa[d.kode]}"
            for d in scope.desa
            if d.kode in scope.ambiguous_desa
        )
        or "none here",
    )
    (out / "README.md").write_text(text, encoding="utf-8", newline="\n")


def write_problems(out: Path, scope: Scope) -> None:
    with (out / "problems.csv").open("w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["kind", "file", "row", "column", "value", "finding", "rejects_row"])
        for p in scope.problems:
            wr.writerow([p.kind, p.file, p.row, p.column, p.value, p.finding, int(p.rejects_row)])


# ---- main --------------------------------------------------------------------------------
def generate(
    out: Path,
    kabupaten: list[str] | None = None,
    years: int | None = None,
    observations: int | None = None,
    command: str = "",
    log: Callable[[str], object] = print,
) -> dict[str, Any]:
    """Write the tables, mappings, manifest, problems and README into ``out``; the manifest."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    rows = wilayah_rows()
    rules = name_rules()
    province, kabs, kec, desa = read_regions(kabupaten)
    ambiguous = ambiguous_kecamatan(rows, rules) & {k.kode for k in kec}
    codes = {d.kode for d in desa}
    same_name = {c: other for c, other in ambiguous_desa(rows, rules).items() if c in codes}
    year_list = plan_years(kabs, kec, desa, ambiguous, same_name, years, observations, log)
    scope = Scope(
        out=out,
        years=year_list,
        province=province,
        kabupaten=kabs,
        kec=kec,
        desa=desa,
        profiles={},
        plants=Plants(),
        label=f"Provinsi {province.nama}",
        province_layout=True,
        stream_xlsx=True,
        ambiguous_kec=ambiguous,
        ambiguous_desa=same_name,
    )
    w = build_province_world(scope, rows, rules)
    log(f"world built in {time.perf_counter() - started:.1f} s")

    tables = write_tables(scope, w, log)
    manifest = {
        "generator": "scripts/generate_province_data.py",
        "synthetic": True,
        "seed": SEED,
        "home_region": HOME_REGION,
        "kabupaten": [k.kode for k in kabs],
        "years": year_list,
        "kecamatan": len(kec),
        "desa": len(desa),
        "observations": sum(t["observations"] for t in tables),
        "tables": tables,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_problems(out, scope)
    write_readme(out, scope, manifest, command)
    if observations is not None and manifest["observations"] < observations:
        raise SystemExit(
            f"only {manifest['observations']:,} observations; fewer than the {observations:,} asked"
        )
    total_bytes = sum(t["bytes"] for t in tables)
    log(
        f"wrote {manifest['observations']:,} observations in 6 tables ({total_bytes / 1e6:.1f} MB) "
        f"and their mappings into {out} in {time.perf_counter() - started:.1f} s"
    )
    return manifest


def plan_years(
    kabs: list[Region],
    kec: list[Region],
    desa: list[Region],
    ambiguous: set[str],
    same_name: dict[str, str],
    years: int | None,
    observations: int | None,
    log: Callable[[str], object],
) -> list[int]:
    """The years to write (``years`` of them, or enough for ``observations``), the estimate logged."""
    unlinkable = sum(d.induk in ambiguous or d.kode in same_name for d in desa)
    kec_bps = sum(bool(k.kode_bps) for k in kec)
    if years is None:
        n = years_for(observations or 1_000_000, len(desa), len(kec), kec_bps, unlinkable, len(kabs))
    else:
        n = years
    year_list = list(range(END_YEAR - n + 1, END_YEAR + 1))
    per_year = 11 * len(desa) + 6 * len(kec) + kec_bps
    log(
        f"{len(kabs)} kabupaten/kota, {len(kec)} kecamatan ({kec_bps} with a BPS code), {len(desa)} desa; "
        f"{n} years {year_list[0]}-{year_list[-1]}: estimate {n * per_year + kec_bps:,} figures written, "
        f"~{n * (per_year - 3 * unlinkable) + kec_bps - PLANTED_LOSS * len(kabs):,}+ observations to map"
    )
    return year_list


def build_province_world(scope: Scope, rows: list[dict[str, str]], rules: NameRules) -> World:
    """Each kabupaten's profile, deliberate problems and world (into ``scope``); the worlds joined.

    Pesawaran keeps the demo's profile, problems and seed; the others get derived ones."""
    worlds = []
    for kab in scope.kabupaten:
        k_kec = [k for k in scope.kec if k.induk == kab.kode]
        k_desa = [d for d in scope.desa if d.kode.startswith(kab.kode + ".")]
        if kab.kode == KAB:
            profile = pesawaran_profile(k_kec)
            scope.plants.update(pesawaran_plants(k_kec))
            rng = np.random.default_rng(SEED)
        else:
            profile = derived_profile(kab, k_kec, k_desa)
            scope.plants.update(
                derived_plants(
                    kab, k_kec, k_desa, scope.years, scope.ambiguous_kec, scope.ambiguous_desa, rows, rules
                )
            )
            rng = kab_rng(kab.kode, 2)
        scope.profiles[kab.kode] = profile
        worlds.append(build_world(k_kec, k_desa, scope.years, profile, rng))
    return combine(worlds)


def write_tables(scope: Scope, w: World, log: Callable[[str], object]) -> list[dict[str, Any]]:
    """The six tables and their mappings; their manifest entries."""
    tables = []
    for table, writer in zip(TABLES, demo.WRITERS, strict=True):
        t0 = time.perf_counter()
        written = writer(scope, w)
        if table == "dinsos":
            scope.problems.extend(scope.added_later)
            scope.added_later.clear()
        mapping = write_mapping(scope.out, table, written, scope)
        entry = table_manifest(table, written, mapping, scope)
        tables.append(entry)
        log(
            f"{time.perf_counter() - t0:6.1f} s  {written.rows:9,} rows  {written.observations:11,} observations  "
            f"{entry['bytes'] / 1e6:7.1f} MB  {written.name}"
        )
    return tables


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--years", type=int, help="years ending in 2024 (default 5)")
    size.add_argument(
        "--observations", type=int, help="as many years as give at least this many observations"
    )
    parser.add_argument(
        "--kabupaten",
        nargs="+",
        help="Kemendagri codes of kabupaten/kota, comma- or space-separated (default: all of Lampung)",
    )
    args = parser.parse_args(argv)
    kabupaten = (
        [c.strip() for arg in args.kabupaten for c in arg.split(",") if c.strip()] if args.kabupaten else None
    )
    years = args.years if args.years is not None or args.observations is not None else 5
    if years is not None and years < 1:
        parser.error("--years must be at least 1")
    try:
        generate(
            args.out,
            kabupaten,
            years,
            args.observations,
            command=" ".join(["generate_province_data.py", *sys.argv[1:]]),
        )
    except ValueError as exc:
        parser.error(str(exc))


if __name__ == "__main__":
    main()
