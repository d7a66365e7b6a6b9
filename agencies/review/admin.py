"""The caseworker's tool: applications, their review, the audit trail, the dashboards.

Every queryset here goes through `agencies.review.selectors` (`applications_for_user` or
`scope_to_user`), so the list, the detail, actions, downloads and custom pages can only
reach the applications of the user's own agencies; an id from another agency is a 404.
"""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models.fields.json import KT
from django.http import (
    FileResponse,
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from agencies.exports.pdf_export import OUTCOME_LABELS
from agencies.exports.services import EXPORT_PERMISSION
from agencies.review import selectors, services
from agencies.review.audit_display import audit_change_text
from agencies.review.charts import bar_chart_svg
from agencies.review.forms import (
    AssignForm,
    BulkStatusForm,
    CsvUploadForm,
    NoteForm,
    StatusChangeForm,
)
from agencies.review.models import (
    AgencyMembership,
    AuditEvent,
    CityReach,
    ProgramStatusMessage,
    ResidentNotification,
    ReviewDashboard,
)
from agencies.review.queue_filters import OutcomeFilter, WorkFilter
from agencies.review.queue_navigation import queue_neighbours
from agencies.review.workflow import (
    WAITING_ON_AGENCY,
    InvalidStatusTransition,
    Status,
    allowed_transitions,
)
from applicants.answer_display import (
    SENSITIVE_PERMISSION,
    MaskingPolicy,
    answer_groups,
    eligibility_display,
    sensitive_questions,
)
from applicants.contact import preferred_contact
from applicants.models import Application
from civiportal.admin_mixins import ReadOnlyAdminMixin

ASSIGN_PERMISSION = "agencies.assign_applications"
BULK_PERMISSION = "agencies.bulk_update_applications"
DASHBOARD_PERMISSION = "agencies.view_review_dashboard"
REACH_PERMISSION = "agencies.view_reach_report"


class AgencyScopedAdminMixin:
    """Scope a ModelAdmin's queryset to the user's agencies, and answer 404 (never a
    redirect that confirms the id exists) for an object outside them.

    `get_queryset` is what Django's changelist, change, history and delete views and
    every action use, so scoping it scopes them all; custom views use `get_object`.
    """

    agency_path = "agency"

    def get_queryset(self, request):
        return selectors.scope_to_user(
            super().get_queryset(request), user=request.user, agency_path=self.agency_path
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("No such record in your agencies."))
        return obj

    def response_action(self, request, queryset):
        # An action posted with ids outside the user's scope is refused as a whole rather
        # than silently run on the visible part.
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if selected and request.POST.get("select_across") != "1":
            try:
                visible = set(
                    map(str, queryset.filter(pk__in=selected).values_list("pk", flat=True))
                )
            except (ValueError, TypeError):
                raise PermissionDenied from None
            if not set(selected) <= visible:
                raise PermissionDenied
        return super().response_action(request, queryset)


def _days(since) -> int:
    return max(0, (timezone.now() - since).days)


@admin.register(Application)
class ApplicationAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
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
        return _days(application.submitted_at)

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

    def _detail_url(self, application) -> str:
        return reverse("admin:applicants_application_change", args=[application.pk])

    def _application(self, request, object_id, *, change: bool = False) -> Application:
        application = self.get_object(request, object_id)
        allowed = (
            self.has_change_permission(request, application)
            if change
            else self.has_view_permission(request, application)
        )
        if not allowed:
            raise PermissionDenied
        return application

    # --- the detail page ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        application = self._application(request, object_id)
        return self._render_detail(request, application)

    def _answer_rows(self, request, application, screens, revealed: set[str]):
        # Even a caseworker allowed to see sensitive answers sees them masked until an
        # audited "Show": the policy reveals only what was revealed.
        can_sensitive = request.user.has_perm(SENSITIVE_PERMISSION)
        policy = MaskingPolicy(revealed=frozenset(revealed), may_reveal=can_sensitive)
        # The first file of each question links from its answer row; all are listed below.
        files = {}
        for index, (key, _position, _meta) in enumerate(
            selectors.application_files(application=application)
        ):
            files.setdefault(key, index)
        answer_groups_, other_rows = answer_groups(application, policy=policy, screens=screens)
        groups = [
            {
                "title": group.title,
                "rows": [
                    {
                        **asdict(row),
                        "can_reveal": row.masked and can_sensitive,
                        "file_index": files.get(row.key),
                    }
                    for row in group.rows
                ],
            }
            for group in answer_groups_
        ]
        answers = application.answers or {}
        other = [
            asdict(row) for row in other_rows if not selectors.is_file_answer(answers.get(row.key))
        ]
        return groups, other, policy

    def _render_detail(self, request, application, *, revealed=(), forms=None, status=200):
        forms = forms or {}
        screens = selectors.application_screens(application=application)
        groups, other, policy = self._answer_rows(request, application, screens, set(revealed))
        can_change = self.has_change_permission(request, application)
        can_assign = request.user.has_perm(ASSIGN_PERMISSION)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": application,
            "application": application,
            "title": gettext("Application %(reference)s") % {"reference": application.reference},
            "groups": groups,
            "other_answers": other,
            "eligibility": eligibility_display(
                application.eligibility,
                answers=application.answers or {},
                policy=policy,
                sensitive=sensitive_questions(),
            )
            if application.eligibility
            else {},
            "outcome_label": self.eligibility_outcome(application),
            "deliveries": selectors.application_deliveries(application=application),
            "files": [
                {"key": key, "index": n, "meta": meta}
                for n, (key, _i, meta) in enumerate(
                    selectors.application_files(application=application)
                )
            ],
            "history": [
                {"event": event, "change": audit_change_text(event)}
                for event in selectors.application_history(application=application)
            ],
            "contact": preferred_contact(application.submission.applicant),
            "queue": queue_neighbours(self, request, application),
            "resident_updates": list(application.updates.order_by("created_at", "pk")),
            "notifications": selectors.resident_status_updates(application=application),
            "can_change": can_change,
            "can_assign": can_assign,
            "status_form": forms.get("status")
            or (StatusChangeForm(application=application) if can_change else None),
            "assign_form": forms.get("assign")
            or (
                AssignForm(application=application, initial={"assignee": application.assignee_id})
                if can_assign
                else None
            ),
            "note_form": forms.get("note") or (NoteForm() if can_change else None),
            "days_waiting": _days(application.submitted_at)
            if application.status in WAITING_ON_AGENCY
            else None,
        }
        return TemplateResponse(
            request, "admin/agencies/application/review.html", context, status=status
        )

    def status_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        application = self._application(request, object_id, change=True)
        form = StatusChangeForm(request.POST, application=application)
        if form.is_valid():
            try:
                services.application_set_status(
                    application=application,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                    resident_message=form.cleaned_data["resident_message"],
                    requested_documents=form.cleaned_data.get("requested_documents") or [],
                    requested_questions=form.cleaned_data.get("requested_questions") or [],
                )
            except InvalidStatusTransition as error:
                # The queue moved between page load and submit (someone else decided it).
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    gettext("Status changed to %(status)s; the resident will be emailed.")
                    % {"status": application.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._detail_url(application))
        return self._render_detail(request, application, forms={"status": form}, status=400)

    def assign_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        application = self._application(request, object_id, change=True)
        if request.POST.get("assign_to_me"):
            assignee = request.user
        else:
            if not request.user.has_perm(ASSIGN_PERMISSION):
                raise PermissionDenied
            form = AssignForm(request.POST, application=application)
            if not form.is_valid():
                return self._render_detail(request, application, forms={"assign": form}, status=400)
            assignee = form.cleaned_data["assignee"]
        try:
            services.application_assign(
                application=application, assignee=assignee, acting_user=request.user
            )
        except services.InvalidAssignee as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, gettext("Assignment saved."), messages.SUCCESS)
        return HttpResponseRedirect(self._detail_url(application))

    def note_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        application = self._application(request, object_id, change=True)
        form = NoteForm(request.POST)
        if not form.is_valid():
            return self._render_detail(request, application, forms={"note": form}, status=400)
        services.application_add_note(
            application=application, note=form.cleaned_data["note"], acting_user=request.user
        )
        self.message_user(request, gettext("Note added."), messages.SUCCESS)
        return HttpResponseRedirect(self._detail_url(application))

    def reveal_view(self, request, object_id):
        """Show one sensitive answer, once, and record that it was seen. A POST, so a
        reveal is always a deliberate act and never a link that can be prefetched."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        application = self._application(request, object_id)
        if not request.user.has_perm(SENSITIVE_PERMISSION):
            raise PermissionDenied
        key = request.POST.get("key", "")
        if key not in (application.answers or {}):
            raise Http404(gettext("No such answer."))
        services.application_record_sensitive_view(
            application=application, question_key=key, acting_user=request.user
        )
        return self._render_detail(request, application, revealed={key})

    def file_view(self, request, object_id, index):
        application = self._application(request, object_id)
        files = selectors.application_files(application=application)
        if not 0 <= index < len(files):
            raise Http404(gettext("No such file."))
        key, _i, meta = files[index]
        stored_path = str(meta.get("path", ""))
        # The path was written by our upload code, but it is data: never follow one that
        # could leave the uploads area of the storage.
        if not stored_path.startswith("uploads/") or ".." in stored_path.split("/"):
            raise Http404(gettext("No such file."))
        if not default_storage.exists(stored_path):
            raise Http404(gettext("The file is missing from storage."))
        services.application_record_file_download(
            application=application,
            question_key=key,
            file_name=str(meta.get("name", "")),
            acting_user=request.user,
        )
        response = FileResponse(
            default_storage.open(stored_path, "rb"),
            as_attachment=True,
            filename=str(meta.get("name") or "document"),
            content_type=str(meta.get("content_type") or "application/octet-stream"),
        )
        response["Cache-Control"] = "private, no-store"
        return response

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
                services.status_changes_apply_csv(
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
                    preview = services.status_changes_from_csv(
                        agency_scope_user=request.user, csv_file=form.cleaned_data["csv_file"]
                    )
                except services.CsvFileError as error:
                    form.add_error("csv_file", str(error))
        context.update({"form": form, "preview": preview})
        status = 400 if (form.errors or (preview is not None and not preview.ok)) else 200
        return TemplateResponse(
            request, "admin/agencies/application/csv_upload.html", context, status=status
        )

    # --- dashboards ---

    def dashboard_view(self, request):
        if not request.user.has_perm(DASHBOARD_PERMISSION):
            raise PermissionDenied
        dashboard = selectors.review_dashboard(user=request.user)
        chart = bar_chart_svg(
            [(week.strftime("%d %b"), count) for week, count in dashboard.weeks],
            title=gettext("Applications submitted per week"),
            description=gettext("Number of applications submitted each week, last %(n)d weeks.")
            % {"n": len(dashboard.weeks)},
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review dashboard"),
            "dashboard": dashboard,
            "chart": chart,
            "oldest": [(app, _days(app.submitted_at)) for app in dashboard.oldest_waiting],
        }
        return TemplateResponse(request, "admin/agencies/application/dashboard.html", context)

    def reach_view(self, request):
        if not request.user.has_perm(REACH_PERMISSION):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("City-wide reach"),
            "report": selectors.reach_report(),
        }
        return TemplateResponse(request, "admin/agencies/application/reach.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_bulk_upload": self.has_change_permission(request)
            and request.user.has_perm(BULK_PERMISSION),
            "can_dashboard": request.user.has_perm(DASHBOARD_PERMISSION),
        }
        return super().changelist_view(request, extra_context)


# --- the audit trail ---------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, AgencyScopedAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail cannot be edited here."""

    list_display = [
        "created_at",
        "actor_repr",
        "action",
        "application",
        "agency",
        "summary",
        "short_note",
    ]
    list_filter = ["action", ("agency", admin.RelatedOnlyFieldListFilter), "created_at"]
    list_select_related = ["application", "agency"]
    search_fields = ["=application__reference", "actor_repr", "note"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "actor",
        "actor_repr",
        "action",
        "application",
        "agency",
        "object_repr",
        "summary",
        "before",
        "after",
        "note",
    ]
    readonly_fields = fields
    show_full_result_count = False

    def get_actions(self, request):
        return {}

    @admin.display(description=_("change"))
    def summary(self, event):
        return audit_change_text(event) or "—"

    @admin.display(description=_("note"))
    def short_note(self, event):
        return event.note[:80] or "—"


@admin.register(AgencyMembership)
class AgencyMembershipAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role", ("agency", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "agency"]
    search_fields = ["user__username", "user__email", "agency__name"]
    autocomplete_fields = ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Without this, staff who may add memberships could join any agency and so widen
        # their own scope.
        if db_field.name == "agency":
            kwargs["queryset"] = selectors.agencies_for_user(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProgramStatusMessage)
class ProgramStatusMessageAdmin(admin.ModelAdmin):
    """Program configuration, no personal data: not scoped to agencies."""

    list_display = ["program", "status", "short_message"]
    list_filter = ["status", "program"]
    list_select_related = ["program"]
    search_fields = ["program__name", "message"]

    @admin.display(description=_("message"))
    def short_message(self, message):
        return message.message[:100]


@admin.register(ResidentNotification)
class ResidentNotificationAdmin(ReadOnlyAdminMixin, AgencyScopedAdminMixin, admin.ModelAdmin):
    agency_path = "application__program__agency"
    list_display = ["application", "status", "language", "created_at", "sent_at", "skipped_reason"]
    list_filter = ["status", "language"]
    list_select_related = ["application"]
    search_fields = ["=application__reference"]
    readonly_fields = [f.name for f in ResidentNotification._meta.fields]


class _IndexLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """An admin index entry that only leads to one of the pages above."""

    permission = ""
    target = ""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.permission)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.go), name=name)]

    def go(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse(self.target))


@admin.register(ReviewDashboard)
class ReviewDashboardAdmin(_IndexLinkAdmin):
    permission = DASHBOARD_PERMISSION
    target = "admin:applicants_application_dashboard"


@admin.register(CityReach)
class CityReachAdmin(_IndexLinkAdmin):
    permission = REACH_PERMISSION
    target = "admin:applicants_application_reach"
