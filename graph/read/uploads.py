"""Files agency staff upload: kept under names the server chooses, checked before any reader opens them.

An upload never decides where it is written: the file goes to
``uploads_dir/<dataset>/<stamp>-<random>.<csv|xlsx>``, whatever the client called it,
so no name (``../../etc/passwd``, ``C:\\x``, NUL bytes) can reach the file system; the
name the client sent is kept only as text for the report.

Before the table reader opens a file:

- it must be no larger than ``max_bytes`` (counted while writing, so a client that
  lies about its length is cut off, and nothing half-written is kept);
- a CSV must not be binary (a zip or NUL bytes);
- an XLSX must be a real Office Open XML workbook, and is refused when it holds macros
  (``vbaProject.bin``), links to other workbooks (``externalLinks``), members whose
  names climb out of the archive, too many members, or more unpacked bytes than
  ``max_bytes × 20`` or a member packed more than 200 to 1 (a zip bomb is refused
  from its directory, before anything is unpacked).

Formulas are never evaluated: the reader takes the values Excel saved
(``data_only=True``), and openpyxl parses the XML with defusedxml.

An upload may hold what must not be kept: a table refused for personal data holds the
NIKs it was refused for. Every upload is written readable by the service alone (mode
0600, in folders of mode 0700), and ``on_trial`` holds it while it is checked and loaded:
an upload that becomes a draft is kept; one refused for any reason (personal data, too
many rejected rows, an unsafe file, a broken mapping) is deleted, or, when
``refused_upload_keep_days`` is set, moved to ``uploads_dir/.ditolak/<dataset>/`` for that
many days and deleted by the next upload after them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from graph.errors import UploadRejected

__all__ = [
    "REFUSED_FOLDER",
    "UploadRejected",
    "check_upload",
    "on_trial",
    "remove_expired",
    "remove_rejected",
    "save_upload",
]

SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx"}
MAX_MEMBERS = 10_000
MAX_RATIO = 200
UNPACKED_FACTOR = 20
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ ()-]+")
REFUSED_FOLDER = ".ditolak"  # under uploads_dir; a dataset id never starts with a dot
_PRIVATE_FILE = 0o600
_PRIVATE_FOLDER = 0o700


def display_name(name: str | None) -> str:
    """The client's file name as harmless text (for reports only, never a path)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _SAFE_NAME.sub("_", base)[:120] or "unggahan"


def save_upload(chunks: Iterable[bytes], folder: Path, dataset: str, fmt: str, max_bytes: int) -> Path:
    """Write an upload's bytes to a new file under ``folder/dataset``; returns its path.

    Raises:
        UploadRejected: the upload is larger than ``max_bytes`` (413) or empty.
    """
    if fmt not in SUFFIXES:
        raise UploadRejected(f"format {fmt!r} tidak didukung / unsupported format; use csv or xlsx")
    target = _private_folder(folder / dataset)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = target / f"{stamp}-{secrets.token_hex(6)}{SUFFIXES[fmt]}"
    written = 0
    try:
        # Created readable by the service alone, whatever the umask: it may hold personal data.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_FILE), "wb") as out:
            for chunk in chunks:
                written += len(chunk)
                if written > max_bytes:
                    raise UploadRejected(
                        f"berkas lebih besar dari {max_bytes:,} byte / the file is larger than the limit "
                        f"of {max_bytes:,} bytes; split the table by year or kecamatan",
                        status=413,
                    )
                out.write(chunk)
        if written == 0:
            raise UploadRejected("berkas kosong / the uploaded file is empty")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


# The names save_upload chooses; anything else recorded as a draft's file is not an upload.
_UPLOAD_NAME = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{12}\.(csv|xlsx)$")


def remove_rejected(folder: Path, dataset: str, names: Iterable[str], keep_days: float) -> list[str]:
    """The uploads a rejected draft came from, treated as refused (deleted, or kept
    ``keep_days`` under ``.ditolak``): the Walidata said no, and they may hold what the agency
    should not have sent. Names not chosen by ``save_upload`` (a CLI load's own file) are left."""
    removed = []
    for name in names:
        path = folder / dataset / name
        if _UPLOAD_NAME.match(name) and path.is_file():
            _refused(path, folder, keep_days)
            removed.append(name)
    return removed


def _private_folder(folder: Path) -> Path:
    """A folder of uploads (never uploads_dir itself, which may be shared), for the service alone."""
    folder.mkdir(mode=_PRIVATE_FOLDER, parents=True, exist_ok=True)
    with suppress(PermissionError):  # not ours: its files are private all the same
        folder.chmod(_PRIVATE_FOLDER)  # also one made before uploads were private
    return folder


@contextmanager
def on_trial(path: Path, folder: Path, keep_refused_days: float) -> Iterator[Path]:
    """Hold a saved upload (``save_upload``) while it is checked and loaded.

    When the block raises (the file or the table is refused, the store is busy), the file is
    deleted, or moved to ``folder/.ditolak/<dataset>/`` for ``keep_refused_days`` days when
    that is more than 0; the exception goes on. Refused uploads kept past their days are
    deleted first.
    """
    remove_expired(folder, keep_refused_days)
    try:
        yield path
    except BaseException:
        _refused(path, folder, keep_refused_days)
        raise


def _refused(path: Path, folder: Path, keep_days: float) -> None:
    if keep_days <= 0 or not path.exists():
        path.unlink(missing_ok=True)
        return
    kept = _private_folder(_private_folder(folder / REFUSED_FOLDER) / path.parent.name) / path.name
    os.replace(path, kept)
    kept.chmod(_PRIVATE_FILE)
    os.utime(kept)  # its days count from the refusal


def remove_expired(folder: Path, keep_days: float) -> list[Path]:
    """Delete the refused uploads kept longer than ``keep_days``; returns them."""
    refused = folder / REFUSED_FOLDER
    if not refused.is_dir():
        return []
    oldest = time.time() - keep_days * 86400
    gone = []
    for path in refused.glob("*/*"):
        # Uploads are checked before the upload lock: another one may delete the same file.
        with suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime <= oldest:
                path.unlink(missing_ok=True)
                gone.append(path)
    return gone


def check_upload(path: Path, fmt: str, max_bytes: int) -> None:
    """Refuse a saved upload that is not what its format says or is unsafe to open.

    Raises:
        UploadRejected: with what was found and what to do.
    """
    with path.open("rb") as f:
        head = f.read(65536)
    is_zip = head.startswith(b"PK\x03\x04")
    if fmt == "csv":
        if is_zip:
            raise UploadRejected(
                "berkas ini arsip zip (mungkin .xlsx), bukan CSV / this file is a zip archive (an .xlsx?), "
                "not CSV; upload it to a dataset whose mapping reads xlsx, or save it as CSV"
            )
        if b"\x00" in head:
            raise UploadRejected(
                "berkas ini biner, bukan teks CSV / this file is binary, not CSV text; save the table as CSV"
            )
        return
    if not is_zip:
        raise UploadRejected(
            "berkas ini bukan buku kerja .xlsx / this file is not an .xlsx workbook (old .xls, or a CSV "
            "renamed?); save it from Excel as .xlsx"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadRejected(
            f"arsip .xlsx rusak / the .xlsx archive is damaged ({exc}); save it again"
        ) from None
    _check_members(members, max_bytes)


def _check_members(members: list[zipfile.ZipInfo], max_bytes: int) -> None:
    names = {m.filename for m in members}
    if len(members) > MAX_MEMBERS:
        raise UploadRejected(f"arsip berisi {len(members)} bagian / the archive has too many parts")
    for m in members:
        parts = PurePosixPath(m.filename.replace("\\", "/")).parts
        if m.filename.startswith(("/", "\\")) or ".." in parts or ":" in m.filename:
            raise UploadRejected(
                f"arsip berisi nama bagian berbahaya {m.filename!r} / the archive has a part whose name "
                "leaves the archive; this is not a workbook Excel writes"
            )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadRejected(
            "arsip ini bukan buku kerja Excel / this archive is not an Excel workbook; save it as .xlsx"
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRejected(
            "buku kerja berisi makro / the workbook contains macros; save it as a plain .xlsx without them"
        )
    if any(n.startswith("xl/externalLinks/") for n in names):
        raise UploadRejected(
            "buku kerja bertaut ke berkas lain / the workbook links to other workbooks; in Excel use "
            "Data > Edit Links > Break Link (values stay), then upload again"
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > max_bytes * UNPACKED_FACTOR:
        raise UploadRejected(
            f"isi arsip terlalu besar setelah dibuka ({unpacked:,} byte) / the workbook unpacks to "
            f"{unpacked:,} bytes, over the limit; split the table"
        )
    for m in members:
        if m.file_size > 1_000_000 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise UploadRejected(
                f"bagian {m.filename!r} dipadatkan tidak wajar ({m.file_size:,} byte dari "
                f"{m.compress_size:,}) / a part is packed too tightly to be a real sheet (a zip bomb?)"
            )
