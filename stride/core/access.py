"""The one place that decides who may see and change which case records.

Scopes by role (ARCHITECTURE.md):
- participant: their own household;
- coach: their own caseload (participants currently assigned to them);
- supervisor, county and state administrators: every participant whose team
  or county lies in the subtree of the organisation they belong to (a team,
  a county, office or provider, the agency);
- system administrator: no case records at all.

Case records are anchored on the participant model, which core knows only as
the setting STRIDE_PARTICIPANT_MODEL ("people.Participant"), as Django knows
the user model by AUTH_USER_MODEL: core sits below people and imports nothing
of it. The model must have the fields PARTICIPANT_FIELDS names, which the rules
below filter on (a system check says so at start-up). Every other protected
model names, in ACCESS_VIA, the relation that leads towards a participant,
and `visible_to` follows that chain. Views, the API, exports and tasks call
`visible_to` or `get_visible_or_404`; none writes its own filter.
"""

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from .models import AUDIT_READER_ROLES, AuditEvent, Organisation, Role, User

M = TypeVar("M", bound=models.Model)

NOTHING = Q(pk__in=[])

SUBTREE_ROLES = {Role.SUPERVISOR, Role.COUNTY_ADMIN, Role.STATE_ADMIN}
CASE_EDITOR_ROLES = {Role.COACH, Role.SUPERVISOR, Role.COUNTY_ADMIN}
REASSIGNER_ROLES = {Role.SUPERVISOR, Role.COUNTY_ADMIN}


# The participant's own account, their coach, team and county, and the id in their URLs.
PARTICIPANT_FIELDS = ("user", "coach", "team", "county", "uuid")


def _participant_model() -> type[models.Model]:
    return apps.get_model(settings.STRIDE_PARTICIPANT_MODEL)


@checks.register()
def participant_model_check(**kwargs: Any) -> list[checks.CheckMessage]:
    """The declared participant model exists and has the fields the access rules use."""
    try:
        model = _participant_model()
    except (LookupError, ValueError) as error:
        return [checks.Error(f"STRIDE_PARTICIPANT_MODEL: {error}", id="stride.E001")]
    names = {field.name for field in model._meta.get_fields()}
    return [
        checks.Error(
            f"{model.__name__} has no field {name!r}, which core.access filters on.",
            id="stride.E002",
        )
        for name in PARTICIPANT_FIELDS
        if name not in names
    ]


def participant_filter(user: User) -> Q:
    """A filter on Participant for the participants `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.role == Role.PARTICIPANT:
        return Q(user=user)
    if user.role == Role.COACH:
        return Q(coach=user)
    if user.role in SUBTREE_ROLES and user.organisation is not None:
        subtree = Organisation.objects.filter(path__startswith=user.organisation.path).values("pk")
        return Q(team__in=subtree) | Q(county__in=subtree)
    return NOTHING


def staff_filter(user: User) -> Q:
    """A filter on User for the staff whose professional goals `user` may see.

    Their own; a supervisor also those of the coaches and supervisors on the
    teams they supervise.
    """
    if not user.is_authenticated or not user.is_active or user.role not in CASE_EDITOR_ROLES:
        return NOTHING
    own = Q(pk=user.pk)
    if user.role == Role.SUPERVISOR and user.organisation is not None:
        return own | Q(
            organisation__path__startswith=user.organisation.path,
            role__in=[Role.COACH, Role.SUPERVISOR],
        )
    return own


def visible_to(queryset: models.QuerySet[M], user: User) -> models.QuerySet[M]:
    """Narrow `queryset` to the records `user` may see."""
    model = queryset.model
    if not hasattr(model, "ACCESS_VIA"):
        raise TypeError(f"{model.__name__} declares no ACCESS_VIA: it has no access rule.")
    # mypy can't narrow a model class by hasattr; ACCESS_VIA exists past the check above.
    via: str | None = model.ACCESS_VIA  # type: ignore[attr-defined]
    if via is None:
        return queryset.filter(participant_filter(user))
    field = model._meta.get_field(via)
    # ACCESS_VIA always names a relation, so the field has a related model.
    related_model = cast(type[models.Model], field.related_model)
    related = visible_to(related_model._default_manager.all(), user)
    if isinstance(field, models.ForeignObjectRel) and field.one_to_many:
        # A reverse relation (a household's participants): visible when any is.
        return queryset.filter(Exists(related.filter(**{field.field.name: OuterRef("pk")})))
    rule = Q(**{f"{via}__in": related.values("pk")})
    staff_via: str | None = getattr(model, "STAFF_VIA", None)
    if staff_via is not None:
        # Records that belong either to a participant or to a staff member.
        rule |= Q(**{f"{staff_via}__in": User.objects.filter(staff_filter(user)).values("pk")})
    return queryset.filter(rule)


def path_to_participant(model: type[models.Model]) -> str:
    """The lookup from `model` to its participant, following ACCESS_VIA ("" on Participant)."""
    steps: list[str] = []
    while (via := getattr(model, "ACCESS_VIA", None)) is not None:
        steps.append(via)
        model = cast(type[models.Model], model._meta.get_field(via).related_model)
    if not hasattr(model, "ACCESS_VIA"):
        raise TypeError(f"{model.__name__} declares no ACCESS_VIA: it has no access rule.")
    return "__".join(steps)


def belonging_to(
    queryset: models.QuerySet[M],
    participants: models.Model | models.QuerySet[Any] | Sequence[models.Model],
) -> models.QuerySet[M]:
    """Narrow `queryset` to the records of `participants`: one participant, or several (a
    queryset or a list), that the caller has already read through this module (an opened
    case, a working caseload, `visible_to`). Domain modules working on them read this way."""
    path = path_to_participant(queryset.model)
    if isinstance(participants, models.Model):
        return queryset.filter(**{path or "pk": participants if path else participants.pk})
    return queryset.filter(**{f"{path or 'pk'}__in": participants})


def working_caseload(queryset: models.QuerySet[M], user: User) -> models.QuerySet[M]:
    """Narrow a Participant queryset to the caseloads `user` works day to day (their Today).

    A coach's own participants; a supervisor's, every caseload on the teams they
    supervise; anyone else's, the participants assigned to them.
    """
    visible = visible_to(queryset, user)
    if user.is_authenticated and user.role == Role.SUPERVISOR:
        return visible
    return visible.filter(coach=user.pk)


def get_visible_or_404(queryset: models.QuerySet[M], user: User, **lookup: Any) -> M:
    """Fetch one record `user` may see; anything else, existing or not, is a 404."""
    try:
        return visible_to(queryset, user).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None


def visible_participant_ids(user: User) -> models.QuerySet[models.Model, dict[str, Any]]:
    return _participant_model()._default_manager.filter(participant_filter(user)).values("uuid")


def audit_events_visible_to(user: User) -> models.QuerySet[AuditEvent]:
    """Audit events about participants in scope, for supervisors and administrators."""
    if not user.is_authenticated or user.role not in AUDIT_READER_ROLES:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(participant__in=visible_participant_ids(user))


def can_read_audit(user: User) -> bool:
    return user.is_authenticated and user.role in AUDIT_READER_ROLES


def can_edit_cases(user: User) -> bool:
    return user.is_authenticated and user.role in CASE_EDITOR_ROLES


def can_reassign(user: User) -> bool:
    return user.is_authenticated and user.role in REASSIGNER_ROLES


def can_see_team(user: User) -> bool:
    """A supervisor's view of their team, coach by coach (staff shell, measures)."""
    return user.is_authenticated and user.role == Role.SUPERVISOR


def can_approve_incentives(user: User) -> bool:
    return user.is_authenticated and user.role in REASSIGNER_ROLES


def can_set_professional_goals(user: User) -> bool:
    return user.is_authenticated and user.role in CASE_EDITOR_ROLES


def can_read_private_answers(user: User, participant: Any) -> bool:
    """Private answers (a triage safety question) are for the participant's coach and supervisors.

    The caller has already reached the participant through `visible_to`.
    """
    return user.is_authenticated and (
        user.role == Role.SUPERVISOR
        or (user.role == Role.COACH and participant.coach_id == user.pk)
    )


def can_edit_session_notes(user: User, session: Any) -> bool:
    """A session's notes are kept by the coach who wrote them, and by supervisors.

    The caller has already reached the session through `visible_to`.
    """
    return user.is_authenticated and (
        (user.role in CASE_EDITOR_ROLES and session.coach_id == user.pk)
        or user.role == Role.SUPERVISOR
    )


def can_request_records(user: User) -> bool:
    """A participant's full record, as a records request (PDF or JSON), is made by those who
    keep their case: their coach, supervisors and county administrators, for the
    participants they may read. The participant asks for their own from their pages."""
    return user.is_authenticated and user.role in CASE_EDITOR_ROLES


def can_see_caseloads(user: User) -> bool:
    return user.is_authenticated and user.role in CASE_EDITOR_ROLES | {Role.STATE_ADMIN}


def can_see_caseloads_or_own(user: User) -> bool:
    """Staff with a caseload, and a participant (who reaches only their own records)."""
    return can_see_caseloads(user) or (user.is_authenticated and user.role == Role.PARTICIPANT)


def can_keep_accounts(user: User) -> bool:
    """The system administrator makes, deactivates and resets staff accounts."""
    return user.is_authenticated and user.role == Role.SYSADMIN


def is_staff_member(user: User) -> bool:
    """Anyone signed in who works here: every role but a participant's."""
    return user.is_authenticated and user.role != Role.PARTICIPANT


def coaches_visible_to(user: User) -> models.QuerySet[User]:
    """Coaches (and coaching supervisors) on the teams inside `user`'s scope."""
    if user.role == Role.COACH:
        return User.objects.filter(pk=user.pk)
    if user.role not in SUBTREE_ROLES or user.organisation is None:
        return User.objects.none()
    return (
        User.objects.filter(
            role__in=[Role.COACH, Role.SUPERVISOR],
            is_active=True,
            organisation__path__startswith=user.organisation.path,
            organisation__kind=Organisation.Kind.TEAM,
        )
        .select_related("organisation")
        .order_by("first_name", "last_name")
    )


def assignable_coaches(user: User) -> models.QuerySet[User]:
    """Staff `user` may give a participant to."""
    if user.role == Role.COACH or user.role in REASSIGNER_ROLES:
        return coaches_visible_to(user)
    return User.objects.none()


def counties_for(user: User) -> models.QuerySet[Organisation]:
    """Counties in which `user` may open a new household."""
    if not can_edit_cases(user) or user.organisation is None:
        return Organisation.objects.none()
    county = user.organisation.county()
    if county is None:
        return Organisation.objects.filter(
            kind=Organisation.Kind.COUNTY, path__startswith=user.organisation.path
        )
    return Organisation.objects.filter(pk=county.pk)


# A county is connected to other systems (webhook subscriptions, integration accounts) by its
# administrator, who reads its records; the system administrator connects every county.
CONNECTION_KEEPER_ROLES = {Role.COUNTY_ADMIN, Role.SYSADMIN}


def can_keep_connections(user: User) -> bool:
    return user.is_authenticated and user.role in CONNECTION_KEEPER_ROLES


def connected_counties(user: User) -> models.QuerySet[Organisation]:
    """The counties whose connections to other systems `user` keeps."""
    counties = Organisation.objects.filter(kind=Organisation.Kind.COUNTY)
    if user.is_authenticated and user.role == Role.SYSADMIN:
        return counties
    if not can_keep_connections(user) or user.organisation is None:
        return Organisation.objects.none()
    county = user.organisation.county()
    return counties.filter(pk=county.pk) if county else Organisation.objects.none()


DIRECTORY_READER_ROLES = {Role.COACH, Role.SUPERVISOR, Role.COUNTY_ADMIN, Role.STATE_ADMIN}
# A county keeps its own map (and career partners and activities). A state administrator
# reads every county's and changes none: their work is roll-out and statewide measures.
DIRECTORY_EDITOR_ROLES = {Role.COUNTY_ADMIN}


def directory_counties(user: User) -> models.QuerySet[Organisation]:
    """The counties whose resource map `user` reads: their own, or every county below them."""
    if (
        not user.is_authenticated
        or user.role not in DIRECTORY_READER_ROLES
        or user.organisation is None
    ):
        return Organisation.objects.none()
    county = user.organisation.county()
    if county is not None:
        return Organisation.objects.filter(pk=county.pk)
    return Organisation.objects.filter(
        kind=Organisation.Kind.COUNTY, path__startswith=user.organisation.path
    )


def can_keep_directories(user: User) -> bool:
    """Whether `user`'s role keeps a county's map at all (which county: the function below)."""
    return user.is_authenticated and user.role in DIRECTORY_EDITOR_ROLES


def directory_editable_counties(user: User) -> models.QuerySet[Organisation]:
    """The counties whose resource map `user` keeps: a county administrator's own."""
    if not can_keep_directories(user):
        return Organisation.objects.none()
    return directory_counties(user)


# A county's planning (its self-assessment rounds) holds no case data. Its supervisors and
# administrators take part; the state administrator reads every county's and changes none.
PLANNING_READER_ROLES = {Role.SUPERVISOR, Role.COUNTY_ADMIN, Role.STATE_ADMIN}
PLANNING_RATER_ROLES = {Role.SUPERVISOR, Role.COUNTY_ADMIN}


def planning_counties(user: User) -> models.QuerySet[Organisation]:
    """The counties whose planning `user` reads: their own, or every county below them.

    Anyone else (a coach, the system administrator) reads none, and gets 404 on these pages.
    """
    if (
        not user.is_authenticated
        or user.role not in PLANNING_READER_ROLES
        or user.organisation is None
    ):
        return Organisation.objects.none()
    county = user.organisation.county()
    if county is not None:
        return Organisation.objects.filter(pk=county.pk)
    return Organisation.objects.filter(
        kind=Organisation.Kind.COUNTY, path__startswith=user.organisation.path
    )


def can_rate_county(user: User) -> bool:
    """Whether `user`'s role sends ratings in a self-assessment round (of a county they read)."""
    return user.is_authenticated and user.role in PLANNING_RATER_ROLES


def can_coordinate_county(user: User) -> bool:
    """Whether `user`'s role starts and settles rounds (the county administrator)."""
    return user.is_authenticated and user.role == Role.COUNTY_ADMIN


# Reviews of staff work (fidelity reviews, skills-and-attributes reviews): a supervisor
# reviews the coaches of their team and of the office the team belongs to; a county
# administrator every coach of the county, and its programs (the county and its offices).
# A coach reads their own reviews only; `county.reviews` builds on these two.
REVIEWER_ROLES = {Role.SUPERVISOR, Role.COUNTY_ADMIN}


def reviewable_workers(user: User) -> models.QuerySet[User]:
    """The coaches whose work `user` observes and reviews; nobody for any other role."""
    if (
        not user.is_authenticated
        or not user.is_active
        or user.role not in REVIEWER_ROLES
        or user.organisation is None
    ):
        return User.objects.none()
    root: Organisation | None = user.organisation
    if user.role == Role.COUNTY_ADMIN:
        root = user.organisation.county()
    elif (
        root is not None
        and root.parent is not None
        and root.parent.kind == Organisation.Kind.OFFICE
    ):
        root = root.parent  # the supervisor's team sits in an office: its coaches too
    if root is None:
        return User.objects.none()
    return User.objects.filter(
        role=Role.COACH, is_active=True, organisation__path__startswith=root.path
    )


def reviewable_programs(user: User) -> models.QuerySet[Organisation]:
    """The programs whose fidelity `user` reviews: a county administrator's county and its
    offices; nothing for anyone else."""
    if not user.is_authenticated or not user.is_active or user.role != Role.COUNTY_ADMIN:
        return Organisation.objects.none()
    county = user.organisation.county() if user.organisation is not None else None
    if county is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(pk=county.pk) | Q(kind=Organisation.Kind.OFFICE, path__startswith=county.path)
    )


# A county's guides for coaches (stride/guides) hold no case data. The staff of a county read
# its published guides and its administrator keeps them; nobody reads another county's, and
# the state and system administrators, who work in no county, read none.
GUIDE_READER_ROLES = {Role.COACH, Role.SUPERVISOR, Role.COUNTY_ADMIN}


def can_read_guides(user: User) -> bool:
    return user.is_authenticated and user.role in GUIDE_READER_ROLES


def can_keep_guides(user: User) -> bool:
    return user.is_authenticated and user.role == Role.COUNTY_ADMIN


def guide_counties(user: User) -> models.QuerySet[Organisation]:
    """The county whose guides `user` reads: the one their team, office or county lies in.

    Lazy and without a query of its own (the county is found by its path inside the
    query that reads the guides), so a page's panel of guides costs one query."""
    if not can_read_guides(user) or user.organisation_id is None:
        return Organisation.objects.none()
    own = Organisation.objects.filter(pk=user.organisation_id, path__startswith=OuterRef("path"))
    return Organisation.objects.filter(kind=Organisation.Kind.COUNTY).filter(Exists(own))


def guide_editable_counties(user: User) -> models.QuerySet[Organisation]:
    """The county whose guides `user` keeps: a county administrator's own."""
    if not can_keep_guides(user):
        return Organisation.objects.none()
    return guide_counties(user)


# A state's caseload extract comes in through a county administrator, for their county. A
# row that may be someone already in Stride is settled by a supervisor (or the administrator)
# who can see that person.
MATCH_SETTLER_ROLES = {Role.SUPERVISOR, Role.COUNTY_ADMIN}


def can_import_caseloads(user: User) -> bool:
    return user.is_authenticated and user.role == Role.COUNTY_ADMIN


def caseload_import_counties(user: User) -> models.QuerySet[Organisation]:
    """The counties whose caseload extracts `user` imports: a county administrator's own."""
    if not can_import_caseloads(user) or user.organisation is None:
        return Organisation.objects.none()
    county = user.organisation.county()
    return Organisation.objects.filter(pk=county.pk) if county else Organisation.objects.none()


# The federal exiters file (people.exiters) holds the SSNs of a county's families who left
# aid: its county administrator makes and downloads it, for that county only.
def can_make_exiters_files(user: User) -> bool:
    return user.is_authenticated and user.role == Role.COUNTY_ADMIN


def exiters_file_counties(user: User) -> models.QuerySet[Organisation]:
    """The counties whose federal exiters file `user` makes: a county administrator's own."""
    if not can_make_exiters_files(user) or user.organisation is None:
        return Organisation.objects.none()
    county = user.organisation.county()
    return Organisation.objects.filter(pk=county.pk) if county else Organisation.objects.none()


def can_settle_matches(user: User) -> bool:
    return user.is_authenticated and user.role in MATCH_SETTLER_ROLES


# Retention of a county's closed cases (stride/retention): its administrator keeps the
# county's policy and runs it. A legal hold is placed and lifted by a supervisor or the
# administrator on a participant they can read; anyone who can read the participant sees
# that a hold stands.
HOLD_KEEPER_ROLES = {Role.SUPERVISOR, Role.COUNTY_ADMIN}


def can_keep_retention(user: User) -> bool:
    return user.is_authenticated and user.role == Role.COUNTY_ADMIN


def retention_counties(user: User) -> models.QuerySet[Organisation]:
    """The county whose retention `user` keeps: a county administrator's own."""
    if not can_keep_retention(user) or user.organisation is None:
        return Organisation.objects.none()
    county = user.organisation.county()
    return Organisation.objects.filter(pk=county.pk) if county else Organisation.objects.none()


def can_keep_holds(user: User) -> bool:
    return user.is_authenticated and user.role in HOLD_KEEPER_ROLES
