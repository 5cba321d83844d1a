from django.urls import path

from . import views

app_name = "county"

urlpatterns = [
    path("settings/", views.tool_settings, name="settings"),
    path("self-assessment/", views.self_assessments, name="self_assessments"),
    path("self-assessment/new/", views.self_assessment_new, name="self_assessment_new"),
    path("self-assessment/<uuid:uuid>/", views.self_assessment, name="self_assessment"),
    path(
        "self-assessment/<uuid:uuid>/rate/",
        views.self_assessment_rate,
        name="self_assessment_rate",
    ),
    path(
        "self-assessment/<uuid:uuid>/settle/",
        views.self_assessment_settle,
        name="self_assessment_settle",
    ),
]

urlpatterns += [
    path("goals/", views.county_goals, name="goals"),
    path("goals/success/", views.county_success, name="success"),
    path("goals/new/", views.county_goal_new, name="goal_new"),
    path("goals/new/activity/", views.county_activity_goal_new, name="activity_goal_new"),
    path("goals/<uuid:uuid>/", views.county_goal, name="goal"),
    path("goals/client-measures/", views.client_measures, name="client_measures"),
    path("logic-model/", views.logic_model, name="logic_model"),
    path("logic-model/<uuid:uuid>/", views.initiative, name="initiative"),
    path("logic-model/<uuid:uuid>/remove/", views.initiative_remove, name="initiative_remove"),
    path(
        "logic-model/activities/<uuid:uuid>/remove/",
        views.initiative_activity_remove,
        name="initiative_activity_remove",
    ),
]

urlpatterns += [
    path("reviews/", views.staff_reviews, name="reviews"),
    path("reviews/coach/<uuid:uuid>/", views.worker_reviews, name="worker_reviews"),
    path(
        "reviews/coach/<uuid:uuid>/new/<str:kind>/",
        views.worker_review_new,
        name="worker_review_new",
    ),
    path("reviews/program/<uuid:uuid>/", views.program_reviews, name="program_reviews"),
    path("reviews/program/<uuid:uuid>/new/", views.program_review_new, name="program_review_new"),
    path("reviews/<uuid:uuid>/", views.review, name="review"),
    path("reviews/<uuid:uuid>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<uuid:uuid>/goal/<str:item>/", views.review_goal, name="review_goal"),
]
