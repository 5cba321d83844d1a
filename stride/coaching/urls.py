from django.urls import path

from . import meeting_views, views

app_name = "coaching"

urlpatterns = [
    path("participants/<uuid:uuid>/goals/", views.participant_goals, name="participant_goals"),
    path("participants/<uuid:uuid>/goals/new/", views.goal_new, name="goal_new"),
    path("participants/<uuid:uuid>/goal-storming/", views.goal_storming, name="goal_storming"),
    path("participants/<uuid:uuid>/sessions/", views.sessions, name="sessions"),
    path("participants/<uuid:uuid>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<uuid:uuid>/notes/", views.session_notes, name="session_notes"),
    path(
        "sessions/<uuid:uuid>/appointment/cancel/",
        views.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "participants/<uuid:uuid>/achievements/new/",
        views.achievement_new,
        name="achievement_new",
    ),
    path("incentives/", views.incentives, name="incentives"),
    path("my-goals/", views.professional_goals, name="professional_goals"),
    path("my-goals/new/", views.professional_goal_new, name="professional_goal_new"),
    path("achievements/<uuid:uuid>/decide/", views.incentive_decide, name="incentive_decide"),
    path(
        "achievements/<uuid:uuid>/certificate.pdf", views.certificate, name="certificate"
    ),
    path("goals/<uuid:uuid>/", views.goal, name="goal"),
    path("goals/<uuid:uuid>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<uuid:uuid>/steps/new/", views.step_new, name="step_new"),
    path("goals/<uuid:uuid>/obstacles/new/", views.obstacles_new, name="obstacles_new"),
    path("goals/<uuid:uuid>/review/", views.review_new, name="review_new"),
    path("steps/<uuid:uuid>/edit/", views.step_edit, name="step_edit"),
    path("steps/<uuid:uuid>/mark/", views.step_mark, name="step_mark"),
    path("steps/<uuid:uuid>/move/", views.step_move, name="step_move"),
    # Printables (PDF): filled from a goal or a participant, or blank.
    path("goals/<uuid:uuid>/print/worksheet.pdf", views.goal_printout, {"kind": "worksheet"}, name="print_worksheet"),
    path("goals/<uuid:uuid>/print/potholes.pdf", views.goal_printout, {"kind": "potholes"}, name="print_potholes"),
    path("goals/<uuid:uuid>/print/card.pdf", views.goal_printout, {"kind": "card"}, name="print_card"),
    path("participants/<uuid:uuid>/print/roadmap.pdf", views.participant_printout, {"kind": "roadmap"}, name="print_roadmap"),
    path("participants/<uuid:uuid>/print/postcard.pdf", views.participant_printout, {"kind": "postcard"}, name="print_postcard"),
    path("print/blank/<slug:kind>.pdf", views.blank_printout, name="print_blank"),
    # The meeting on one page, and the small endpoints its inline forms post to.
    path("participants/<uuid:uuid>/meeting/", meeting_views.meeting_page, name="meeting"),
    path("participants/<uuid:uuid>/meeting/session/", meeting_views.session_new, name="meeting_session"),
    path("participants/<uuid:uuid>/meeting/summary.pdf", meeting_views.summary, name="meeting_summary"),
    path("participants/<uuid:uuid>/meeting/summary/send/", meeting_views.summary_send, name="meeting_summary_send"),
    path("meeting/steps/<uuid:uuid>/mark/", meeting_views.step_mark, name="meeting_step_mark"),
    path("meeting/steps/<uuid:uuid>/date/", meeting_views.step_date, name="meeting_step_date"),
    path("meeting/goals/<uuid:uuid>/steps/", meeting_views.step_new, name="meeting_step_new"),
    path("meeting/goals/<uuid:uuid>/potholes/", meeting_views.obstacle_new, name="meeting_obstacle_new"),
    path("meeting/goals/<uuid:uuid>/review/", meeting_views.review_new, name="meeting_review"),
]  # fmt: skip
