from django.urls import path

from applicants.navigators import views as navigator
from applicants.views import (
    account,
    applications,
    apply,
    claim,
    guest_access,
    intake,
    renewal,
    results,
)

app_name = "applicants"

urlpatterns = [
    # The journey
    path("apply/", intake.start, name="start"),
    path("apply/continue/", intake.resume, name="resume"),
    path("apply/intake/", intake.intake_resume, name="intake"),
    path(
        "apply/intake/<slug:step>/",
        intake.IntakeWizard.as_view(url_name="applicants:intake_step", done_step_name="done"),
        name="intake_step",
    ),
    path("apply/people/<ref:key>/add/", intake.member_edit, name="member_add"),
    path("apply/people/<ref:key>/<id:index>/", intake.member_edit, name="member_change"),
    path("apply/people/<ref:key>/<id:index>/remove/", intake.member_remove, name="member_remove"),
    path("apply/results/", results.results, name="results"),
    path("apply/questions/", apply.questions, name="questions"),
    path("apply/questions/<slug:step>/", apply.question_step, name="question_step"),
    path("apply/review/", apply.review, name="review"),
    path("apply/submitted/<ref:reference>/", apply.confirmation, name="confirmation"),
    # Following up
    path("my/applications/", applications.my_applications, name="my_applications"),
    path("my/applications/claim/", claim.claim, name="claim"),
    path("status/<str:token>/", applications.guest_status, name="status"),
    path("back/<str:token>/", guest_access.guest_access, name="guest_access"),
    path("my/applications/find/", guest_access.guest_find, name="guest_find"),
    path(
        "my/applications/<ref:reference>/",
        applications.application_detail,
        name="application_detail",
    ),
    path("my/applications/<ref:reference>/renew/", renewal.renew, name="renew"),
    path(
        "my/applications/<ref:reference>/renew/answers/",
        renewal.renew_answers,
        name="renew_answers",
    ),
    # Community navigators (applicants/navigators/views.py)
    path("navigator/", navigator.dashboard, name="navigator_dashboard"),
    path("navigator/clients/add/", navigator.client_add, name="navigator_client_add"),
    path("navigator/clients/link/", navigator.client_link, name="navigator_client_link"),
    path("navigator/clients/<id:pk>/", navigator.client_detail, name="navigator_client"),
    path("navigator/clients/<id:pk>/act/", navigator.client_act, name="navigator_client_act"),
    path("navigator/stop-acting/", navigator.acting_stop, name="navigator_stop_acting"),
    path("navigator/figures/", navigator.figures, name="navigator_figures"),
    path("my/helpers/", navigator.resident_helpers, name="resident_helpers"),
    path(
        "my/helpers/<id:pk>/revoke/",
        navigator.resident_helpers_revoke,
        name="resident_helpers_revoke",
    ),
    # Accounts (the residents' own; the admin keeps admin:login)
    path("account/sign-up/", account.sign_up, name="sign_up"),
    path(
        "account/sign-up/verify/<ref:uidb64>/<ref:token>/",
        account.sign_up_verify,
        name="sign_up_verify",
    ),
    path("account/sign-in/", account.sign_in, name="sign_in"),
    path("account/sign-out/", account.sign_out, name="sign_out"),
    path("account/password-reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password-reset/sent/",
        account.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password-reset/<ref:uidb64>/<ref:token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password-reset/done/",
        account.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
