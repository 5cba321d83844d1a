import pytest
from django.urls import reverse

from stride.core.models import Organisation, User
from stride.guides.demo import every_stage_has_a_guide
from stride.guides.models import Guide
from stride.people.demo import build_demo


def test_the_demo_gives_the_first_county_guides_in_english_and_spanish(db, client_for):
    build_demo(40, progress=lambda line: None)
    first, *others = Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("pk")
    guides = Guide.objects.filter(county=first)
    assert guides.filter(published=True).exclude(title_es="").count() >= 4
    assert guides.filter(published=True, title_es="").exists()  # shown in English, said so
    assert guides.filter(published=False).exists()
    assert not Guide.objects.filter(county__in=others).exists()
    assert all(guide.versions.count() == 1 for guide in guides)
    assert every_stage_has_a_guide()
    coach = client_for(User.objects.get(username="coach"))
    listed = coach.get(reverse("guides:list")).content.decode()
    assert "A review meeting in four questions" in listed
    assert "Preparing for a first interview" not in listed  # a draft


@pytest.mark.django_db
def test_the_menu_offers_guides_to_the_countys_staff_only(world, client_for):
    link = f'href="{reverse("guides:list")}"'
    for person in (world.coach, world.supervisor, world.county_admin):
        page = client_for(person).get(reverse("core:two_factor")).content.decode()
        assert link in page, person
    for person in (world.state_admin, world.sysadmin):
        assert link not in client_for(person).get(reverse("core:two_factor")).content.decode()
