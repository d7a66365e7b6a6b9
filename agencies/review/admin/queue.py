"""The caseworker's queue: the application list, its bulk actions (start review, change
status, assign to me, a CSV of status changes) and the URLs of the review pages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models.fields.json import KT
from django.http import (
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from agencies.exports.pdf_export import OUTCOME_LABELS
from agencies.exports.services import EXPORT_PERMISSION
from agencies.review import csv_updates, selectors, services
from agencies.review.admin.detail import ApplicationDetailViews
from agencies.review.admin.reports import ReviewReportViews
from agencies.review.admin.scoping import (
    BULK_PERMISSION,
    DASHBOARD_PERMISSION,
    AgencyScopedAdminMixin,
    days_since,
)
from agencies.review.forms import (
    BulkStatusForm,
    CsvUploadForm,
)
from agencies.review.queue_filters import OutcomeFilter, WorkFilter
from agencies.review.workflow import (
    WAITING_ON_AGENCY,
    Status,
    allowed_transitions,
)
from applicants.models import Application


@admin.register(Application)
class ApplicationAdmin(
    ApplicationDetailViews, ReviewReportViews, AgencyScopedAdminMixin, admin.ModelAdmin
):
    list_display = [
        "reference",
        "applicant_name",
        "program",
        "submitted_at",
        "eligibility_outcome",
        "status_flag",
        "assignee",
        "days_waiting",
    ]
    list_display_links = ["reference"]
    list_filter = [
        ("program", admin.RelatedOnlyFieldListFilter),
        WorkFilter,
        "status",
        OutcomeFilter,
        ("assignee", admin.RelatedOnlyFieldListFilter),
        "submitted_at",
    ]
    search_fields = [
        "=reference",
        "=submission__reference",
        "submission__applicant__email",
        "answers__applicant.name__first",
        "answers__applicant.name__last",
        "answers__contact.email",
    ]
    list_per_page = 50
    list_max_show_all = 200
    show_full_result_count = False
    actions = ["start_review", "change_status", "assign_to_me"]
    change_list_template = "admin/agencies/application/change_list.html"

    # --- scoping and permissions ---

    def get_queryset(self, request):
        queryset = selectors.applications_for_user(user=request.user).annotate(
            name_first=KT("answers__applicant.name__first"),
            name_last=KT("answers__applicant.name__last"),
            outcome=KT("eligibility__outcome"),
        )
        match = getattr(request, "resolver_match", None)
        if match and match.url_name and match.url_name.endswith("changelist"):
            # The list never shows answers; loading every frozen answer set would be waste.
            queryset = queryset.defer("answers", "eligibility")
        return queryset

    def get_ordering(self, request):
        # Oldest waiting first: `waiting_rank` is annotated by applications_for_user.
        return ["waiting_rank", "submitted_at", "pk"]

    def has_add_permission(self, request):
        return False  # applications come only from residents' submissions

    def has_delete_permission(self, request, obj=None):
        return False  # an application is a record; it is withdrawn or decided, not deleted

    def has_export_permission(self, request):
        # Actions declared with permissions=["export"] are offered only to those who may
        # run them (agencies/exports/admin.py adds the CSV export).
        return request.user.has_perm(EXPORT_PERMISSION)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # --- list columns ---

    @admin.display(description=_("applicant"))
    def applicant_name(self, application):
        return " ".join(filter(None, [application.name_first, application.name_last])) or "—"

    @admin.display(description=_("eligibility at submission"), ordering="outcome")
    def eligibility_outcome(self, application):
        # `outcome` is annotated by get_queryset, so the list never loads the whole result.
        return OUTCOME_LABELS.get(application.outcome, application.outcome or "—")

    @admin.display(description=_("status"), ordering="status")
    def status_flag(self, application):
        # A resident's answer to a request is what the caseworker asked for: make it stand out.
        if application.status == Status.RESUBMITTED:
            label = format_html(
                '<strong class="resubmitted">{}</strong>',
                gettext("Resubmitted: response received"),
            )
        else:
            label = application.get_status_display()
        if application.renews_id:
            return format_html('{} <span class="renewal-flag">{}</span>', label, gettext("Renewal"))
        return label

    @admin.display(description=_("days waiting"), ordering="submitted_at")
    def days_waiting(self, application):
        if application.status not in WAITING_ON_AGENCY:
            return "—"
        return days_since(application.submitted_at)

    # --- actions ---

    def _report_bulk(self, request, result):
        if result.changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d application changed.",
                    "%(count)d applications changed.",
                    len(result.changed),
                )
                % {"count": len(result.changed)},
                messages.SUCCESS,
            )
        if result.skipped:
            details = "; ".join(f"{app.reference}: {reason}" for app, reason in result.skipped[:20])
            self.message_user(
                request,
                ngettext(
                    "%(count)d application not changed: %(details)s",
                    "%(count)d applications not changed: %(details)s",
                    len(result.skipped),
                )
                % {"count": len(result.skipped), "details": details},
                messages.WARNING,
            )

    @admin.action(description=_("Start review of selected applications"), permissions=["change"])
    def start_review(self, request, queryset):
        result = services.applications_bulk_set_status(
            applications=queryset,
            status=Status.IN_REVIEW,
            note="",
            acting_user=request.user,
        )
        self._report_bulk(request, result)

    @admin.action(description=_("Change status of selected applications…"), permissions=["change"])
    def change_status(self, request, queryset):
        applications = list(queryset.defer("answers", "eligibility"))
        form = BulkStatusForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            result = services.applications_bulk_set_status(
                applications=applications,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
            self._report_bulk(request, result)
            return None
        return TemplateResponse(
            request,
            "admin/agencies/application/bulk_status.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Change the status of %(count)d applications")
                % {"count": len(applications)},
                "form": form,
                "applications": [
                    (
                        app,
                        [Status(s).label for s in allowed_transitions(app.status)],
                    )
                    for app in applications
                ],
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Assign selected applications to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        done, refused = 0, []
        for application in queryset.defer("answers", "eligibility"):
            try:
                services.application_assign(
                    application=application, assignee=request.user, acting_user=request.user
                )
            except services.InvalidAssignee as error:
                refused.append(f"{application.reference}: {error}")
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d application assigned to you.",
                    "%(count)d applications assigned to you.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(request, "; ".join(refused[:20]), messages.WARNING)

    # --- URLs ---

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        custom = [
            path("dashboard/", wrap(self.dashboard_view), name=f"{prefix}_dashboard"),
            path("reach/", wrap(self.reach_view), name=f"{prefix}_reach"),
            path("bulk-upload/", wrap(self.csv_upload_view), name=f"{prefix}_csv_upload"),
            path("<path:object_id>/status/", wrap(self.status_view), name=f"{prefix}_status"),
            path("<path:object_id>/assign/", wrap(self.assign_view), name=f"{prefix}_assign"),
            path("<path:object_id>/note/", wrap(self.note_view), name=f"{prefix}_note"),
            path("<path:object_id>/reveal/", wrap(self.reveal_view), name=f"{prefix}_reveal"),
            path(
                "<path:object_id>/files/<int:index>/",
                wrap(self.file_view),
                name=f"{prefix}_file",
            ),
        ]
        return custom + super().get_urls()

    # --- CSV bulk update ---

    def csv_upload_view(self, request):
        if not (self.has_change_permission(request) and request.user.has_perm(BULK_PERMISSION)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Update statuses from a CSV file"),
        }
        form = CsvUploadForm()
        preview = None
        if request.method == "POST" and "confirm" in request.POST:
            preview = (
                csv_updates.status_changes_apply_csv(
                    acting_user=request.user, csv_text=request.POST.get("csv_text", "")
                )
                if request.POST.get("csv_text")
                else None
            )
            if preview is not None and preview.ok:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d application updated.",
                        "%(count)d applications updated.",
                        len(preview.rows),
                    )
                    % {"count": len(preview.rows)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:applicants_application_changelist"))
            if preview is None:
                form.add_error(None, gettext("Upload the file again."))
        elif request.method == "POST":
            form = CsvUploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    preview = csv_updates.status_changes_from_csv(
                        agency_scope_user=request.user, csv_file=form.cleaned_data["csv_file"]
                    )
                except csv_updates.CsvFileError as error:
                    form.add_error("csv_file", str(error))
        context.update({"form": form, "preview": preview})
        status = 400 if (form.errors or (preview is not None and not preview.ok)) else 200
        return TemplateResponse(
            request, "admin/agencies/application/csv_upload.html", context, status=status
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_bulk_upload": self.has_change_permission(request)
            and request.user.has_perm(BULK_PERMISSION),
            "can_dashboard": request.user.has_perm(DASHBOARD_PERMISSION),
        }
        return super().changelist_view(request, extra_context)
