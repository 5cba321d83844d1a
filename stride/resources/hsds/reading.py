"""Reading a file: a zip of CSV files or a JSON data package, into tables of rows."""

import codecs
import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from . import flat, versions
from .tables import SPECS, Row, Source, Tables

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# The file as uploaded; a county's directory is a few MB even as JSON.
MAX_FILE_BYTES = 50 * 1024 * 1024


class HsdsError(ValueError):
    """The file is not a data package Stride can read."""


def read_package(data: bytes, filename: str) -> Tables:
    """The tables of a zip of CSV files or of a JSON data package with inline rows.

    Whatever the bytes, the answer is the tables or an HsdsError that says why.
    """
    if len(data) > MAX_FILE_BYTES:
        raise HsdsError(
            _("%(file)s is over %(size)d MB: send the directory as a zip of CSV files.")
            % {"file": filename, "size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise HsdsError(_("%(file)s is empty.") % {"file": filename})
    try:
        tables = _read_tables(data, filename)
    except RecursionError:
        raise HsdsError(
            _("%(file)s nests its JSON too deeply to be a data package.") % {"file": filename}
        ) from None
    return _checked(tables, filename)


def read_files(files: Mapping[str, bytes], filename: str) -> Tables:
    """The tables of loose files: CSV files, and a datapackage.json if there is one.

    `files` is by file name (a folder's files, or the files of an upload); `filename`
    names them all in a message.
    """
    by_name = {PurePosixPath(name).name.lower(): data for name, data in files.items()}
    if not by_name:
        raise HsdsError(_("%(file)s is empty.") % {"file": filename})
    return _checked(_read_members(sorted(by_name), by_name.__getitem__), filename)


def _checked(tables: Tables, filename: str) -> Tables:
    if not any(name in SPECS for name in tables):
        raise HsdsError(
            _(
                "%(file)s holds no directory tables. Put organizations.csv, services.csv "
                "and the other HSDS tables in it, or send your 211's flat export: one CSV "
                "file with ResourceAgencyNum and PublicName columns."
            )
            % {"file": filename}
        )
    return tables


def _read_tables(data: bytes, filename: str) -> Tables:
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _read_zip(data)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _read_members(["datapackage.json"], lambda _name: data)
    if filename.lower().endswith(".csv"):
        name = PurePosixPath(filename).name.lower()
        return _read_members([name], lambda _name: data)
    raise HsdsError(
        _(
            "%(file)s is neither a zip of HSDS CSV files nor a JSON data package. "
            "Export the directory as a .zip or .json file and try that."
        )
        % {"file": filename}
    )


def _load_json(data: bytes, filename: str) -> dict[str, Any]:
    try:
        package = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise HsdsError(
            _("%(file)s nests its JSON too deeply to be a data package.") % {"file": filename}
        ) from None
    except ValueError:  # bad UTF-8, bad JSON, or a number too long to read
        raise HsdsError(
            _("%(file)s isn't valid JSON, so it can't be read as a data package.")
            % {"file": filename}
        ) from None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise HsdsError(
            _("%(file)s isn't a data package: it has no list of resources.") % {"file": filename}
        )
    return package


def _read_zip(data: bytes) -> Tables:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not PurePosixPath(info.filename).name.startswith(".")
            ]
            if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
                raise HsdsError(
                    _("The zip is too big: unpacked, it is over %(size)d MB.")
                    % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)}
                )
            by_name = {PurePosixPath(info.filename).name.lower(): info for info in members}
            return _read_members(sorted(by_name), lambda name: archive.read(by_name[name]))
    except (zipfile.BadZipFile, zlib.error, RuntimeError, OSError, EOFError) as error:
        raise HsdsError(_("The zip file is damaged and can't be opened.")) from error


def _read_members(names: list[str], load: Callable[[str], bytes]) -> Tables:
    """The tables of a package's files, by (lower-case) name, under their 3.0 names.

    Each CSV file is read row by row straight into its 3.0 table, keeping only the
    columns Stride reads, so a big file is never held twice.
    """
    inline: list[versions.RawTable] = []
    warnings: list[str] = []
    version: versions.Version | None = None
    resource_of: dict[str, str] = {}  # a CSV file's name -> its resource's name
    if "datapackage.json" in names:
        package = _load_json(load("datapackage.json"), "datapackage.json")
        version = versions.declared(package)
        inline += _read_inline(package, names, resource_of, warnings)
    csv_files = [name for name in names if name.endswith(".csv")]
    alone = [name for name in names if name.endswith((".csv", ".json"))] == csv_files
    if alone and len(csv_files) == 1:
        header, shown, rows = _read_csv(load(csv_files[0]), csv_files[0])
        if flat.recognises(header):  # a flat 211 export, not HSDS
            wanted = flat.read_columns(header)
            kept = [(at, column) for at, column in enumerate(header) if column in wanted]
            read = versions.Into([], Source(""), kept, {}, {})  # only the columns read
            for line, cells in rows:
                read.add(cells, line)
            flat_rows = read.rows
            return flat.read(
                [column for column in header if column],
                [written for written in shown if written],
                flat_rows,
                csv_files[0],
            )
        first: tuple[list[str], list[str], Iterator[tuple[int, list[str]]]] | None = (
            header,
            shown,
            rows,
        )
    else:
        first = None
    stems = [name[: -len(".csv")] for name in csv_files]
    version = version or versions.guessed(
        [t.also or t.shown for t in inline]
        + [resource_of.get(name) or stem for name, stem in zip(csv_files, stems, strict=True)]
    )
    translation = versions.Translation(version)
    try:
        for table in inline:
            into = translation.table(table.shown, table.columns, table.also)
            if into is not None:
                for row in table.rows:
                    into.add([row.get(column, "") for column in table.columns], row.line)
        for filename, stem in zip(csv_files, stems, strict=True):
            header, _shown, rows = first or _read_csv(load(filename), filename)
            first = None
            into = translation.table(stem, header, resource_of.get(filename, ""))
            for line, cells in rows:
                if into is not None:
                    into.add(cells, line)
    except versions.TwoFiles as two:
        raise HsdsError(
            _("The zip holds two files for %(table)s; keep one.") % {"table": str(two)}
        ) from None
    tables = translation.tables
    tables.warnings = warnings
    return tables


def _encoding(raw: bytes) -> str:
    """UTF-16 when the file says so or looks it (every other byte a NUL), else UTF-8."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    start = raw[:200]
    if len(start) >= 4 and start[1::2].count(0) > len(start) // 4 and not start[::2].count(0):
        return "utf-16-le"
    if len(start) >= 4 and start[::2].count(0) > len(start) // 4 and not start[1::2].count(0):
        return "utf-16-be"
    return "utf-8-sig"


def _decodes(raw: bytes, encoding: str) -> bool:
    """The bytes read in this encoding, tried a megabyte at a time (the text is not kept)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(raw), 1 << 20):
            decoder.decode(raw[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(
    raw: bytes, filename: str
) -> tuple[list[str], list[str], Iterator[tuple[int, list[str]]]]:
    """The header (in lower case, and as the file writes it), then its rows' cells one by one.

    The rows are read as they are asked for, each with the row a spreadsheet shows it
    on; a row with nothing in it is passed over. A file that can't be read as CSV
    raises HsdsError, on its header or on the row where reading stops.
    """
    encoding = _encoding(raw)
    errors = "strict"
    if not _decodes(raw, encoding):
        if encoding != "utf-8-sig":
            raise HsdsError(
                _("%(file)s says it is UTF-16 but can't be read as UTF-16; save it as UTF-8.")
                % {"file": filename}
            )
        encoding, errors = "cp1252", "replace"  # saved by a spreadsheet on Windows
    text = io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, errors=errors, newline="")
    reader = csv.reader(text)

    def failed(error: csv.Error) -> HsdsError:
        if "field larger than field limit" in str(error):
            reason = _("a cell is longer than %(limit)s characters") % {
                "limit": f"{csv.field_size_limit():,}"
            }
        elif "NUL" in str(error):
            reason = _("it holds a null character")
        else:
            reason = _("check its quotes and commas")
        return HsdsError(
            _("%(file)s, row %(row)d, can't be read as CSV: %(reason)s.")
            % {"file": filename, "row": reader.line_num, "reason": reason}
        )

    try:
        shown = [cell.strip() for cell in next(reader, [])]
    except csv.Error as error:
        raise failed(error) from error

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for cells in reader:
                line += 1
                if any(cell.strip() for cell in cells):
                    yield line, cells
        except csv.Error as error:
            raise failed(error) from error

    return [cell.lower() for cell in shown], shown, rows()


def _read_inline(
    package: Mapping[str, Any],
    files: list[str],
    resource_of: dict[str, str],
    warnings: list[str],
) -> list[versions.RawTable]:
    """The tables whose rows the package holds; notes which resource each CSV file is."""
    tables: list[versions.RawTable] = []
    for number, resource in enumerate(package["resources"]):
        if not isinstance(resource, dict):
            continue
        path = resource.get("path")
        name = re.sub(
            r"[\s-]+",
            "_",
            str(
                resource.get("name")
                or (PurePosixPath(path).stem if isinstance(path, str) else "")
                or f"resource {number + 1}"
            )
            .strip()
            .lower(),
        )
        data = resource.get("data")
        if data is None:
            filename = PurePosixPath(path).name.lower() if isinstance(path, str) else ""
            if filename in files:
                resource_of[filename] = name  # the CSV file is read on its own
            else:
                warnings.append(
                    _(
                        "The datapackage.json lists the %(table)s table in %(path)s, which "
                        "isn't in the file; the rest was read without it."
                    )
                    % {"table": name, "path": path if isinstance(path, str) else "?"}
                )
            continue
        if not isinstance(data, list):
            raise HsdsError(_("The rows of the %(table)s table must be a list.") % {"table": name})
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        declared = [
            str(item["name"]).strip().lower()
            for item in (fields if isinstance(fields, list) else [])
            if isinstance(item, dict) and "name" in item
        ]
        if data and all(isinstance(item, list) for item in data):
            header = [str(cell).strip().lower() for cell in data[0]]
            objects = [dict(zip(header, item, strict=False)) for item in data[1:]]
        else:
            objects = [item if isinstance(item, dict) else {} for item in data]
        columns = list(
            dict.fromkeys(declared + [str(k).strip().lower() for o in objects for k in o])
        )
        rows = []
        for line, item in enumerate(objects, start=2):  # as in the table's CSV file
            try:
                values = {str(key).strip().lower(): _cell(value) for key, value in item.items()}
            except (RecursionError, ValueError):
                raise HsdsError(
                    _("Row %(row)d of the %(table)s table nests its values too deeply.")
                    % {"row": line, "table": name}
                ) from None
            if not any(value.strip() for value in values.values()):
                continue
            rows.append(Row({column: values.get(column, "") for column in columns}, line))
        tables.append(versions.RawTable(name, rows, columns))
    return tables


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
