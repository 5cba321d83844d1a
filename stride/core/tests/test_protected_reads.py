"""Code a request passes through reads case records only through the access module.

Every module of every app is scanned (views, forms, template tags, the modules that
present a page or a panel), except the writes and batches named below, each with why.
In them every `<ProtectedModel>.objects` must sit inside:
- `access.visible_to`, `access.get_visible_or_404` or `access.working_caseload` (scoped
  by the person asking), or `access.belonging_to` (scoped by participants already read
  through the access module: an opened case, a caseload);
- the `records` handed to `people.cases.open_case` / `open_own_case`, which pass them
  through the access module;
- a `Prefetch(...)` (the related rows of rows already read), a `.none()` (reads nothing),
  or a subquery tied to the outer row by its own ACCESS_VIA (`participant=OuterRef(...)`).

A second check keeps one way to open a case: nothing but `people/cases.py` (and the
actions that write the event) calls `record_view`, and no views module opens a
participant with `get_visible_or_404` itself.
"""

import ast
from collections.abc import Mapping
from pathlib import Path

from django.apps import apps

STRIDE = Path(__file__).resolve().parents[2]
ACCESS_CALLS = {"visible_to", "get_visible_or_404", "working_caseload", "belonging_to"}
CASE_ACCESSORS = {"open_case", "open_own_case"}
RECORDS_POSITION = 2  # open_case(request, uuid, records); open_own_case(request, records)
SCOPED_BY_PARENT = {"Prefetch"}

# Folders and file names that hold no request's reads.
NOT_SCANNED_FOLDERS = {"tests", "migrations", "management"}  # management: commands, batches
NOT_SCANNED_NAMES = {
    "demo.py": "builds the demo's records, run by seed_demo",
    "actions.py": "writes: an action reads, under a lock, the records it was handed to change",
}
# Modules a request does not pass through, or that are the access path itself.
NOT_SCANNED_MODULES = {
    "people/cases.py": "the accessor itself: its base queryset goes straight into the access module",
    "participation/recount.py": "recounts months after a write or at month end (actions, commands)",
    "participation/acf199.py": "counts a month over the participants its caller read through "
    "access.visible_to (report view) or all (count_participation); benchmarked as is",
    "participation/imports.py": "a write: checks then saves a spreadsheet's rows (import view)",
    "people/matching.py": "a write: the dry run and import of a caseload extract (import "
    "views), read in the importer's county through access.visible_to; it asks only whether a "
    "case number or SSN is taken elsewhere, as open_case does",
    "people/opening.py": "a write: the action that opens an extract's new households together "
    "(matching's import, run by its task); it asks only whether a case number, SSN or person "
    "is taken, as open_case does",
    "benefits/watch.py": "the cliff watch, a batch the worker runs over every active family",
    "portal/invitations.py": "the invitation write, and its welcome link opened signed out",
    "reminders/scheduling.py": "a write: a step's reminder, written in the step's own save",
    "reminders/sending.py": "the worker's send of one message, and a delivery report the "
    "provider signed, found by the provider's id",
    "reminders/tasks.py": "the worker's task that sends one message",
    "measures/county_figures.py": "a county's goals count every family of the county into "
    "monthly numbers for its planning pages (access.planning_counties); no record leaves it",
    "reminders/calendar.py": "the private calendar feed, opened by its secret with nobody "
    "signed in (the views pass it records read through access for the pages and files)",
    "reminders/postcards.py": "prints the postcards its caller read through access.visible_to, "
    "reading the step, appointment or goal each one is about by its id",
    "reminders/inbound.py": "a text the provider signed, found by the number that agreed to "
    "texts; nobody signed in reads anything",
    "reminders/email_status.py": "an email provider's signed delivery report, found by the "
    "message's own key; nobody signed in reads anything",
    "reminders/links.py": "a write: queues a sign-in link for a participant its caller opened "
    "through access (the profile) or found by their own address (the forgot page)",
    "casefile/copies.py": "the task that makes a records copy and its writes: the pages read "
    "a copy through access (copies_of, copy_for), the task asks access for the participant "
    "again in its requester's name",
    "retention/kinds.py": "a write: de-identifies or deletes one household's records for "
    "sweep's purge, or counts them for its dry run, over the households sweep found",
    "retention/sweep.py": "a batch: a county's retention run, asked for by its administrator "
    "(access.retention_counties) or manage.py apply_retention, over the county's closed cases",
    "reminders/onetime.py": "the rules of a sign-in link: whether a number's last word to "
    "Stride was STOP, asked of every consent to that number as the inbound path does",
}


def protected_models() -> dict[str, str | None]:
    """Each model holding case data, with its ACCESS_VIA (None on Participant)."""
    return {m.__name__: m.ACCESS_VIA for m in apps.get_models() if hasattr(m, "ACCESS_VIA")}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _model_at_root(node: ast.expr) -> str | None:
    """`X` in `X.objects.filter(...).order_by(...)`."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr == "objects" and isinstance(node.value, ast.Name):
                return node.value.id
            node = node.value
        else:
            return None


def _guarded_arguments(node: ast.Call, protected: Mapping[str, str | None]) -> list[ast.AST]:
    """The parts of a call that the rules above let read a protected model."""
    called = _name(node.func)
    if called in ACCESS_CALLS and isinstance(node.func, ast.Attribute):
        return list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "queryset"]
    if called in CASE_ACCESSORS:
        position = RECORDS_POSITION if called == "open_case" else RECORDS_POSITION - 1
        return list(node.args[position : position + 1]) + [
            k.value for k in node.keywords if k.arg == "records"
        ]
    if called in SCOPED_BY_PARENT:
        return list(node.args) + [k.value for k in node.keywords]
    if isinstance(node.func, ast.Attribute) and node.func.attr == "none" and not node.args:
        return [node.func.value]
    if isinstance(node.func, ast.Attribute) and node.func.attr in {"filter", "exclude"}:
        model = _model_at_root(node.func.value)
        via = protected.get(model) if model else None
        correlated = via is not None and any(
            k.arg is not None
            and k.arg.split("__")[0] == via
            and isinstance(k.value, ast.Call)
            and _name(k.value.func) == "OuterRef"
            for k in node.keywords
        )
        if correlated:
            return [node.func.value]
    return []


def unguarded_reads(source: str, protected: Mapping[str, str | None] | set[str]) -> list[int]:
    models = protected if isinstance(protected, Mapping) else dict.fromkeys(protected)
    tree = ast.parse(source)
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for argument in _guarded_arguments(node, models):
                guarded |= {id(inner) for inner in ast.walk(argument)}
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
        and node.value.id in models
        and id(node) not in guarded
    )


def request_modules() -> list[Path]:
    """Every module of every app that a request can pass through."""
    found = []
    for path in sorted(STRIDE.glob("*/**/*.py")):
        relative = path.relative_to(STRIDE)
        if NOT_SCANNED_FOLDERS & set(relative.parts[1:-1]) or path.name in NOT_SCANNED_NAMES:
            continue
        if "/".join(relative.parts) in NOT_SCANNED_MODULES:
            continue
        found.append(path)
    return found


def test_every_module_a_request_passes_through_reads_case_records_through_access():
    protected = protected_models()
    assert {"Participant", "Household", "Member", "Enrollment", "CoachAssignment"} <= set(protected)
    scanned = {str(path.relative_to(STRIDE)) for path in request_modules()}
    # Not only views: the modules that present a page or a panel are scanned too.
    for module in (
        "people/views.py",
        "coaching/today.py",
        "participation/presenting.py",
        "participation/templatetags/participation.py",
        "assessments/summary.py",
        "resources/gaps.py",
        # Each app's part of a records request, and the module that puts them together.
        "people/records.py",
        "coaching/records.py",
        "assessments/records.py",
        "participation/records.py",
        "resources/records.py",
        "careers/records.py",
        "benefits/records.py",
        "reminders/records.py",
        "casefile/compose.py",
        "staff/records_views.py",
        "portal/records_views.py",
    ):
        assert module in scanned
    offenders = {
        module: lines
        for module in sorted(scanned)
        if (lines := unguarded_reads((STRIDE / module).read_text(), protected))
    }
    assert not offenders, f"Direct reads of case records (file: lines): {offenders}"


def test_each_module_left_out_still_exists():
    for module in NOT_SCANNED_MODULES:
        assert (STRIDE / module).exists(), f"{module} is gone: take it off the list"


def test_the_checker_catches_a_direct_read():
    source = "def view(request):\n    return Participant.objects.all()\n"
    assert unguarded_reads(source, {"Participant"}) == [2]
    guarded = "def view(request):\n    return access.visible_to(Participant.objects.all(), request.user)\n"
    assert unguarded_reads(guarded, {"Participant"}) == []


def test_the_checker_knows_each_way_through_the_access_module():
    protected = {"Participant": None, "Step": "goal", "Referral": "participant"}
    allowed = (
        "access.working_caseload(Participant.objects.all(), user)",
        "access.belonging_to(Step.objects.filter(done=True), caseload)",
        "cases.open_case(request, uuid, Participant.objects.select_related('x'))",
        "open_own_case(request, records=Participant.objects.all())",
        "Prefetch('steps', queryset=Step.objects.order_by('pk'))",
        "forms.ModelChoiceField(queryset=Step.objects.none())",
        "Exists(Referral.objects.filter(participant=OuterRef('pk'), open=True))",
    )
    for line in allowed:
        assert unguarded_reads(line, protected) == [], line
    refused = (
        "Step.objects.filter(goal__participant__in=caseload)",
        "cases.open_case(request, Step.objects.all(), uuid)",  # not the records position
        "Step.objects.none().union(Step.objects.all())",
        "Exists(Referral.objects.filter(service=OuterRef('pk')))",  # tied to no participant
        "access.can_edit_cases(Participant.objects.all())",
    )
    for line in refused:
        assert unguarded_reads(line, protected) != [], line


def test_the_checker_reads_template_tags_and_presenting_modules():
    protected = protected_models()
    source = "def panel(user):\n    return HoursEntry.objects.filter(verified=False)\n"
    assert unguarded_reads(source, protected) == [2]
    scanned = {path.name for path in request_modules()}
    assert {"today.py", "presenting.py", "summary.py", "participation.py"} <= scanned
    assert not {"demo.py", "actions.py"} & scanned


# One way to open a case

# Where `record_view` may be called: the accessor, and the actions that write the event.
RECORD_VIEW_CALLERS = {"people/cases.py", "people/actions.py"}


def calls_to(source: str, name: str) -> list[int]:
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and _name(node.func) == name
    )


def participant_opened_by_hand(source: str) -> list[int]:
    """Lines where `get_visible_or_404` is handed a Participant queryset directly."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and _name(node.func) == "get_visible_or_404"
        and node.args
        and _model_at_root(node.args[0]) == "Participant"
    )


def test_only_people_cases_records_a_view():
    offenders = {
        str(relative): lines
        for path in sorted(STRIDE.glob("*/**/*.py"))
        if "tests" not in (relative := path.relative_to(STRIDE)).parts
        and str(relative) not in RECORD_VIEW_CALLERS
        and (lines := calls_to(path.read_text(), "record_view"))
    }
    assert not offenders, f"Call people.cases.open_case or viewed instead: {offenders}"


def test_no_views_module_opens_a_participant_itself():
    views = sorted(STRIDE.glob("*/views.py")) + sorted(STRIDE.glob("*/*_views.py"))
    assert len(views) >= 10
    offenders = {
        str(path.relative_to(STRIDE)): lines
        for path in views
        if (lines := participant_opened_by_hand(path.read_text()))
    }
    assert not offenders, f"Open the participant with people.cases.open_case: {offenders}"


def test_the_second_check_catches_a_view_recorded_or_opened_by_hand():
    by_hand = (
        "def page(request, uuid):\n"
        "    person = access.get_visible_or_404(\n"
        "        Participant.objects.select_related('member'), request.user, uuid=uuid\n"
        "    )\n"
        "    people_actions.record_view(Actor.from_request(request), person)\n"
    )
    assert calls_to(by_hand, "record_view") == [5]
    assert participant_opened_by_hand(by_hand) == [2]
    through_cases = "def page(request, uuid):\n    person = cases.open_case(request, uuid)\n"
    assert calls_to(through_cases, "record_view") == []
    assert participant_opened_by_hand(through_cases) == []
    other_record = "access.get_visible_or_404(Goal.objects.all(), request.user, uuid=uuid)"
    assert participant_opened_by_hand(other_record) == []
