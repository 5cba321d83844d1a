"""A county's guides for coaches: who reads and keeps them, their versions, their words."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from stride.core.audit import Actor
from stride.core.edits import StaleEdit
from stride.core.models import AuditEvent
from stride.guides import actions, topics
from stride.guides.actions import GuideDetails
from stride.guides.models import Guide

pytestmark = pytest.mark.django_db


def details(title="Starting with what the family wants", **changes) -> GuideDetails:
    values = {
        "title_en": title,
        "body_en": "Ask what a **good year** looks like.",
        "title_es": "Empezar por lo que la familia quiere",
        "body_es": "Pregunte cómo sería un **buen año**.",
        "stages": ["goal"],
    } | changes
    return GuideDetails(**values)


def a_guide(world, *, published=True, county=None, admin=None, **changes) -> Guide:
    return actions.add_guide(
        Actor(admin or world.county_admin),
        county or world.county,
        details(**changes),
        published=published,
    )


def url(name: str, guide: Guide | None = None) -> str:
    return reverse(f"guides:{name}", kwargs={"uuid": guide.uuid} if guide else None)


def in_spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


# Who reads which guides.


def test_the_countys_coaches_and_supervisors_read_its_published_guides(world, client_for):
    guide = a_guide(world)
    for person in (world.coach, world.coach_same_county, world.supervisor, world.county_admin):
        page = client_for(person).get(url("guide", guide))
        assert page.status_code == 200, person
        assert "Starting with what the family wants" in page.content.decode()
        listed = client_for(person).get(url("list")).content.decode()
        assert url("guide", guide) in listed


def test_nobody_reads_another_countys_guides(world, client_for):
    guide = a_guide(world)
    for person in (world.other_county_coach, world.other_county_admin):
        client = client_for(person)
        assert client.get(url("guide", guide)).status_code == 404
        assert url("guide", guide) not in client.get(url("list")).content.decode()
    for person in (world.state_admin, world.sysadmin, world.participant_user):
        assert client_for(person).get(url("guide", guide)).status_code == 403


def test_a_draft_is_seen_only_by_its_countys_administrator(world, client_for):
    draft = a_guide(world, published=False)
    coach = client_for(world.coach)
    assert coach.get(url("guide", draft)).status_code == 404
    assert url("guide", draft) not in coach.get(url("list")).content.decode()
    admin = client_for(world.county_admin).get(url("list")).content.decode()
    assert url("guide", draft) in admin and "Draft" in admin


def test_only_the_countys_administrator_writes_and_keeps_guides(world, client_for):
    guide = a_guide(world)
    for name in ("edit", "history"):
        assert client_for(world.county_admin).get(url(name, guide)).status_code == 200
        assert client_for(world.other_county_admin).get(url(name, guide)).status_code == 404
        assert client_for(world.supervisor).get(url(name, guide)).status_code == 403
    assert client_for(world.coach).get(url("new")).status_code == 403
    posted = client_for(world.other_county_admin).post(
        url("publish", guide), {"version": guide.version}
    )
    assert posted.status_code == 404
    guide.refresh_from_db()
    assert guide.published


def test_the_list_filters_by_stage_instrument_and_area_and_searches_titles(world, client_for):
    goal = a_guide(world, title="Goal talk")
    bridge = a_guide(world, title="Reading the Bridge", stages=[], instruments=["bridge"])
    care = a_guide(world, title="Child care checklist", stages=["plan"], areas=["child_care"])
    client = client_for(world.coach)

    def shown(query: str) -> set[str]:
        page = client.get(url("list") + query).content.decode()
        return {guide.title_en for guide in (goal, bridge, care) if url("guide", guide) in page}

    assert shown("") == {"Goal talk", "Reading the Bridge", "Child care checklist"}
    assert shown("?stage=goal") == {"Goal talk"}
    assert shown("?instrument=bridge") == {"Reading the Bridge"}
    assert shown("?area=child_care") == {"Child care checklist"}
    assert shown("?q=checklist") == {"Child care checklist"}
    assert shown("?q=bridge&stage=goal") == set()


# Writing, versions, restoring.


def test_the_administrator_writes_a_guide_as_a_draft_with_its_first_version(world, client_for):
    page = client_for(world.county_admin).post(
        url("new"),
        {"title_en": "Checking in between meetings", "body_en": "Text once a week.",
         "title_es": "", "body_es": "", "stages": ["do"]},
    )  # fmt: skip
    guide = Guide.objects.get(title_en="Checking in between meetings")
    assert page.status_code == 302 and page["Location"] == url("guide", guide)
    assert guide.county == world.county and not guide.published
    assert guide.codes(topics.Topic.STAGE) == ["do"]
    assert [v.number for v in guide.versions.all()] == [1]
    event = AuditEvent.objects.get(record_id=guide.uuid)
    assert event.action == AuditEvent.Action.CREATE and "body_en" in event.fields


def test_the_spanish_boxes_say_their_language(world, client_for):
    tags = Tags()
    tags.feed(client_for(world.county_admin).get(url("new")).content.decode())
    lang = {attrs.get("name"): attrs.get("lang") for _tag, attrs in tags.elements}
    assert lang["title_es"] == lang["body_es"] == "es"
    assert lang["title_en"] is None and lang["body_en"] is None


def test_a_guide_needs_english_a_whole_spanish_version_and_a_place_to_be_found(world, client_for):
    page = client_for(world.county_admin).post(
        url("new"),
        {"title_en": "", "body_en": "", "title_es": "Sólo título", "body_es": ""},
    )
    form = page.context["form"]
    assert set(form.errors) >= {"title_en", "body_en"}
    page = client_for(world.county_admin).post(
        url("new"),
        {"title_en": "Words", "body_en": "Body", "title_es": "Título", "body_es": ""},
    )
    errors = page.context["form"].errors
    assert "body_es" in errors and "stages" in errors
    assert not Guide.objects.exists()


def test_each_save_keeps_the_earlier_version_and_a_restore_brings_it_back(world, client_for):
    guide = a_guide(world)
    admin = client_for(world.county_admin)
    edited = admin.post(
        url("edit", guide),
        {"title_en": "Starting with the family's own goal", "body_en": "Listen first.",
         "title_es": "", "body_es": "", "stages": ["goal", "plan"], "version": guide.version},
    )  # fmt: skip
    assert edited.status_code == 302
    guide.refresh_from_db()
    assert guide.title_en == "Starting with the family's own goal" and not guide.has_spanish
    assert [v.number for v in guide.versions.all()] == [2, 1]
    history = admin.get(url("history", guide)).content.decode()
    assert "Version 1" in history and "Ask what a <strong>good year</strong> looks like." in history
    restored = admin.post(url("restore", guide), {"number": 1, "version": guide.version})
    assert restored.status_code == 302
    guide.refresh_from_db()
    assert guide.title_en == "Starting with what the family wants"
    assert guide.title_es == "Empezar por lo que la familia quiere"
    latest = guide.versions.first()
    assert latest.number == 3 and latest.restored_from == 1
    assert guide.versions.get(number=2).title_en == "Starting with the family's own goal"
    changes = AuditEvent.objects.filter(record_id=guide.uuid, action=AuditEvent.Action.CHANGE)
    assert changes.count() == 2
    assert "restored_from" in changes.first().fields


def test_an_edit_made_from_an_older_version_is_refused_and_nothing_is_saved(world, client_for):
    guide = a_guide(world)
    actions.change_guide(Actor(world.county_admin), guide, details(title="Newer"), guide.version)
    page = client_for(world.county_admin).post(
        url("edit", guide),
        {"title_en": "Older", "body_en": "Body", "stages": ["goal"], "version": 1},
    )
    assert page.status_code == 200
    assert "Someone else saved changes" in page.content.decode()
    guide.refresh_from_db()
    assert guide.title_en == "Newer" and guide.versions.count() == 2
    with pytest.raises(StaleEdit):
        actions.restore_version(Actor(world.county_admin), guide, 1, 1)


def test_publishing_lets_coaches_see_it_and_is_audited(world, client_for):
    draft = a_guide(world, published=False)
    admin = client_for(world.county_admin)
    admin.post(url("publish", draft), {"version": draft.version, "published": "on"})
    draft.refresh_from_db()
    assert draft.published
    assert client_for(world.coach).get(url("guide", draft)).status_code == 200
    admin.post(url("publish", draft), {"version": draft.version})
    draft.refresh_from_db()
    assert not draft.published
    assert AuditEvent.objects.filter(record_id=draft.uuid, fields=["published"]).count() == 2


# The words on the page.


class Tags(HTMLParser):
    """Every element of a page, with its attributes, and the text inside script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_a_script_or_a_javascript_link_in_a_guide_never_reaches_the_page(world, client_for):
    guide = a_guide(
        world,
        body_en=(
            "<script>alert('x')</script>\n\n[Open](javascript:alert(1)) "
            '[Also](JAVASCRIPT:alert(2)) <a href="javascript:alert(3)">raw</a> '
            "<javascript:alert(4)> <img src=x onerror=alert(5)> ![pic](javascript:alert(6))\n\n"
            "[Safe](https://example.org/)"
        ),
    )
    for page in (
        client_for(world.coach).get(url("guide", guide)),
        client_for(world.county_admin).get(url("history", guide)),
    ):
        tags = Tags()
        tags.feed(page.content.decode())
        assert not any("alert" in text for text in tags.scripts)
        addresses = [
            value.strip().lower()
            for _tag, attrs in tags.elements
            for name, value in attrs.items()
            if name in ("href", "src")
        ]
        assert not any(address.startswith("javascript") for address in addresses)
        assert not any("onerror" in attrs for _tag, attrs in tags.elements)
        assert "https://example.org/" in addresses
    shown = client_for(world.coach).get(url("guide", guide)).content.decode()
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in shown  # shown as words, never run


def test_a_coach_reading_in_spanish_gets_the_spanish_version(world, client_for):
    guide = a_guide(world)
    page = in_spanish(client_for(world.coach)).get(url("guide", guide)).content.decode()
    assert "Pregunte cómo sería un <strong>buen año</strong>." in page
    assert "Ask what" not in page


def test_without_a_spanish_version_it_is_shown_in_english_and_says_so(world, client_for):
    guide = a_guide(world, title_es="", body_es="")
    spanish = in_spanish(client_for(world.coach)).get(url("guide", guide)).content.decode()
    assert "Ask what a <strong>good year</strong> looks like." in spanish
    assert 'lang="en"' in spanish
    assert "no tiene versión en español" in spanish
    english = client_for(world.coach).get(url("guide", guide)).content.decode()
    assert "no Spanish version" not in english
