"""`{% record_url %}` gives what `{% url %}` gives, under any script prefix."""

from uuid import uuid4

from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from stride.core.templatetags import record_urls


def _rendered(uuid) -> str:
    template = Template("{% load record_urls %}{% record_url 'coaching:goal' uuid %}")
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
    assert record_urls._pattern.cache_info().currsize >= 2
