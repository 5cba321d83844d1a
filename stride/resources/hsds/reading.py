"""Reading a file: a zip of CSV files or a JSON data package, into tables of rows."""

import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from .tables import SPECS, Row, Tables

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
    if not any(name in SPECS for name in tables):
        raise HsdsError(
            _(
                "%(file)s holds no directory tables. Put organizations.csv, services.csv "
                "and the other HSDS tables in it."
            )
            % {"file": filename}
        )
    return tables


def _read_tables(data: bytes, filename: str) -> Tables:
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _read_zip(data)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _read_json_package(_load_json(data, filename), {})
    raise HsdsError(
        _(
            "%(file)s is neither a zip of HSDS CSV files nor a JSON data package. "
            "Export the directory as a .zip or .json file and try that."
        )
        % {"file": filename}
    )


def _table_name(name: str) -> str:
    name = re.sub(r"[\s-]+", "_", name.strip().lower())
    for candidate in (name, f"{name}s", f"{name}es"):
        if candidate in SPECS:
            return candidate
    return name


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
    tables: Tables = {}
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
            named: dict[str, str] = {}
            descriptor = by_name.get("datapackage.json")
            if descriptor is not None:
                package = _load_json(archive.read(descriptor), "datapackage.json")
                for resource in package["resources"]:
                    if isinstance(resource, dict) and isinstance(resource.get("path"), str):
                        path = PurePosixPath(resource["path"]).name.lower()
                        named[path] = _table_name(
                            str(resource.get("name") or PurePosixPath(path).stem)
                        )
                tables.update(_read_json_package(package, by_name))
            for filename, info in sorted(by_name.items()):
                if not filename.endswith(".csv"):
                    continue
                name = named.get(filename) or _table_name(filename[: -len(".csv")])
                if name in tables:
                    raise HsdsError(
                        _("The zip holds two files for %(table)s; keep one.") % {"table": name}
                    )
                tables[name] = _read_csv(archive.read(info), filename)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, OSError, EOFError) as error:
        raise HsdsError(_("The zip file is damaged and can't be opened.")) from error
    return tables


def _read_csv(raw: bytes, filename: str) -> list[Row]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # saved by a spreadsheet on Windows
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        rows = []
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            values = {column: cell for column, cell in zip(header, cells, strict=False) if column}
            rows.append(Row({column: values.get(column, "") for column in header if column}, line))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            reason = _("a cell is longer than %(limit)s characters") % {
                "limit": f"{csv.field_size_limit():,}"
            }
        elif "NUL" in str(error):
            reason = _("it holds a null character")
        else:
            reason = _("check its quotes and commas")
        raise HsdsError(
            _("%(file)s, row %(row)d, can't be read as CSV: %(reason)s.")
            % {"file": filename, "row": reader.line_num, "reason": reason}
        ) from error
    return rows


def _read_json_package(package: Mapping[str, Any], files: Mapping[str, object]) -> Tables:
    tables: Tables = {}
    for number, resource in enumerate(package["resources"]):
        if not isinstance(resource, dict):
            continue
        path = resource.get("path")
        name = _table_name(
            str(resource.get("name") or (PurePosixPath(path).stem if isinstance(path, str) else ""))
            or f"resource {number + 1}"
        )
        data = resource.get("data")
        if data is None:
            if isinstance(path, str) and PurePosixPath(path).name.lower() in files:
                continue  # the CSV file is read on its own
            raise HsdsError(
                _(
                    "The package's %(table)s table points at %(path)s, which isn't in it. "
                    "Send the zip with the CSV files, or a datapackage.json with its rows inside."
                )
                % {"table": name, "path": path or "?"}
            )
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
        tables[name] = rows
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
