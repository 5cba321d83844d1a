"""`{% record_url %}` gives what `{% url %}` gives, under any script prefix, and `label`
what `get_FIELD_display` gives, in the page's language."""

from uuid import uuid4

from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import translation

from stride.coaching.models import Goal
from stride.core.templatetags import records


def _rendered(uuid) -> str:
    template = Template("{% load records %}{% record_url 'coaching:goal' uuid %}")
    return template.render(Context({"uuid": uuid}))


def test_a_record_url_is_the_reversed_url_for_each_record():
    for uuid in (uuid4(), uuid4()):
        assert _rendered(uuid) == reverse("coaching:goal", args=[uuid])
        assert _rendered(str(uuid)) == reverse("coaching:goal", args=[uuid])


def test_a_record_url_follows_the_script_prefix_it_is_served_under():
    uuid = uuid4()
    try:
        set_script_prefix("/county/")
        assert _rendered(uuid) == f"/county/goals/{uuid}/" == reverse("coaching:goal", args=[uuid])
    finally:
        set_script_prefix("/")
    assert _rendered(uuid) == f"/goals/{uuid}/"
    assert records._pattern.cache_info().currsize >= 2


def test_a_label_is_the_choice_display_in_the_pages_language():
    goal = Goal(status=Goal.Status.ACHIEVED, life_area="learning", term="short")
    template = Template('{% load records %}{{ goal|label:"status" }}/{{ goal|label:"life_area" }}')
    for language in ("en", "es"):
        with translation.override(language):
            shown = template.render(Context({"goal": goal}))
            assert shown == f"{goal.get_status_display()}/{goal.get_life_area_display()}"
    assert template.render(Context({"goal": Goal(status="unknown")})).startswith("unknown/")
