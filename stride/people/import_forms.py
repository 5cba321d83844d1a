"""The forms of a caseload import: the upload, and mapping a file's columns to Stride's fields."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stride.core.models import Organisation

from . import extracts, matching
from .models import ExtractSource, Program


class ExtractUploadForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=ExtractSource.objects.none(),
        required=False,
        label=_("Source"),
        empty_label=_("A new source"),
        help_text=_("Where the file comes from. A source remembers how its columns map."),
    )
    new_source = forms.CharField(
        label=_("Name of a new source"),
        max_length=100,
        required=False,
        help_text=_("For example, the state eligibility system's nightly file."),
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.all(),
        required=False,
        label=_("Program new cases join"),
    )
    file = forms.FileField(label=_("Extract (CSV or Excel .xlsx)"))
    encoding = forms.ChoiceField(
        label=_("Characters of a CSV file"),
        choices=list(extracts.ENCODINGS.items()),
        initial=extracts.UTF8,
        help_text=_("Stride does not guess: if the file is not UTF-8, it says so."),
    )

    def __init__(self, *args: Any, county: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.county = county
        self.fields["source"].queryset = ExtractSource.objects.filter(county=county)
        self.data_bytes = b""
        self.table: extracts.Table | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("source"):
            name = (data.get("new_source") or "").strip()
            if not name:
                self.add_error("new_source", _("Choose a source, or name a new one."))
            elif ExtractSource.objects.filter(county=self.county, name__iexact=name).exists():
                self.add_error("new_source", _("This county already has a source by this name."))
            if not data.get("program"):
                self.add_error("program", _("Choose the program a new source's cases join."))
        upload = data.get("file")
        if upload is not None and "encoding" in data:
            if upload.size > extracts.MAX_BYTES:
                self.add_error("file", _("The file is too large: split it and import the parts."))
                return data
            self.data_bytes = upload.read()
            table = extracts.read(self.data_bytes, upload.name, data["encoding"])
            if table.problems:
                problem = table.problems[0]
                self.add_error(
                    "file",
                    _("Row %(row)s: %(message)s")
                    % {"row": problem.row, "message": problem.message},
                )
            else:
                self.table = table
        return data


class ColumnMappingForm(forms.Form):
    """One choice per Stride field: which of the file's columns holds it."""

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Not in this file")), *((name, name) for name in header if name)]
        for key, label in matching.FIELDS.items():
            self.fields[key] = forms.ChoiceField(
                label=label, choices=choices, required=key in matching.REQUIRED
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        used: dict[str, str] = {}
        for key, column in data.items():
            if column and column in used:
                self.add_error(key, _("This column is already chosen for another field."))
            used[column] = key
        if not data.get("aid_start") and not data.get("months_on_aid") and not self.errors:
            self.add_error(
                "aid_start", _("Choose the enrollment start or the months on aid (or both).")
            )
        return data
