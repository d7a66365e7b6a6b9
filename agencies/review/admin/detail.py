"""The application detail page and its per-application actions: status, assignment,
notes, revealing sensitive answers, uploaded files."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from agencies.review import selectors, services
from agencies.review.admin.scoping import (
    ASSIGN_PERMISSION,
    days_since,
)
from agencies.review.audit_display import audit_change_text
from agencies.review.forms import (
    AssignForm,
    NoteForm,
    StatusChangeForm,
)
from agencies.review.queue_navigation import queue_neighbours
from agencies.review.workflow import (
    WAITING_ON_AGENCY,
    InvalidStatusTransition,
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


class ApplicationDetailViews:
    """Mixed into `ApplicationAdmin`; every object goes through its scoped `get_object`."""

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
        policy = MaskingPolicy(revealed=frozenset(revealed))
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
            {**asdict(row), "can_reveal": row.masked and can_sensitive}
            for row in other_rows
            if not selectors.is_file_answer(answers.get(row.key))
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
            "days_waiting": days_since(application.submitted_at)
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
