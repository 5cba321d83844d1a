from django.urls import include, path
from django.views.i18n import set_language

from stride.staff import views as staff_views

urlpatterns = [
    # The front door, named without an app so that any page may link to it.
    path("", staff_views.home, name="home"),
    path("", include("stride.staff.urls")),
    path("", include("stride.core.urls")),
    path("", include("stride.people.urls")),
    path("", include("stride.coaching.urls")),
    path("", include("stride.assessments.urls")),
    path("", include("stride.resources.urls")),
    path("", include("stride.participation.urls")),
    path("", include("stride.careers.urls")),
    path("", include("stride.benefits.urls")),
    path("county/", include("stride.county.urls")),
    path("guides/", include("stride.guides.urls")),
    path("retention/", include("stride.retention.urls")),
    path("", include("stride.reminders.urls")),
    path("webhooks/", include("stride.webhooks.urls")),
    path("integrations/", include("stride.api.integration_urls")),
    path("", include("stride.portal.urls")),
    path("api/v1/", include("stride.api.urls")),
    path("account/api-tokens/", include("stride.api.token_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]
