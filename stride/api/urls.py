from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False  # one URL per resource: JSON is the only format


router = Router(use_regex_path=False)
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("members", views.MemberViewSet, basename="member")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("steps", views.StepViewSet, basename="step")
router.register("coaching-sessions", views.CoachingSessionViewSet, basename="coaching-session")
router.register("achievements", views.AchievementViewSet, basename="achievement")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("instruments", views.InstrumentViewSet, basename="instrument")
router.register("services", views.ServiceViewSet, basename="service")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("participation", views.MonthResultViewSet, basename="participation")
router.register("hours", views.HoursEntryViewSet, basename="hours")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("careers", views.CareerViewSet, basename="career")
router.register("time-clocks", views.TimeClockViewSet, basename="time-clock")
router.register("benefit-scenarios", views.BenefitScenarioViewSet, basename="benefit-scenario")
router.register("reminders", views.ReminderViewSet, basename="reminder")
router.register("messages", views.MessageViewSet, basename="message")
router.register("fidelity-reviews", views.FidelityReviewViewSet, basename="fidelity-review")
router.register("county-goals", views.CountyGoalViewSet, basename="county-goal")
router.register("self-assessments", views.SelfAssessmentViewSet, basename="self-assessment")
router.register("measures", views.MeasureViewSet, basename="measure")

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
