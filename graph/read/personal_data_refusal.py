"""Why a load holding personal data is refused: where (cells, headers, the file's name),
masked examples, and what to do — the message agency staff read."""

from __future__ import annotations

from graph.errors import CellProblem

__all__ = ["refusal_message"]


def refusal_message(problems: list[CellProblem], shown: int = 3) -> str:
    """Why a load with personal data is refused: where, masked examples, and what to do."""
    cells = [p for p in problems if not _in_a_name(p)]
    columns = sorted({p.column for p in cells})
    examples = "; ".join(_where(p) for p in problems[:shown])
    more = f" (+{len(problems) - shown} lagi / more)" if len(problems) > shown else ""
    todo = []
    if len(cells) < len(problems):
        todo.append(
            "Hapus nomor itu dari judul kolom atau nama berkas / remove the number from the header or "
            "the file name"
        )
    if cells:
        todo.append(
            "Hapus kolom itu dari tabel atau nyatakan di source.personal_data pada pemetaan (di kolom "
            "yang dipetakan: hapus nilainya) / remove those columns from the table or declare them "
            "under source.personal_data in the mapping (in a mapped column: remove the values)"
        )
    where = f"{len(cells)} sel / cells in {', '.join(repr(c) for c in columns)}" if cells else ""
    names = len(problems) - len(cells)
    named = f"{names} judul kolom atau nama berkas / headers or file names" if names else ""
    return (
        f"data pribadi terdeteksi / personal data detected: {', '.join(filter(None, [where, named]))}"
        f" — {examples}{more}. Tidak ada yang diterbitkan / nothing was published. "
        f"{'. '.join(todo)}; see docs/mapping-language.md"
    )


def _in_a_name(p: CellProblem) -> bool:
    """A problem of the header or the file name (``_screen_names``), not of a cell."""
    return p.row == 0 or (p.column == p.value and "judul kolom" in p.reason)


def _where(p: CellProblem) -> str:
    if p.row == 0:
        return f"nama berkas / file name {p.value}"
    if _in_a_name(p):
        return f"{p.file} judul kolom / column header (baris/row {p.row}): {p.value}"
    return f"{p.file} baris/row {p.row}, kolom/column {p.column!r}: {p.value}"
