"""The builder's pages hooked into the admin: mixins for `ProgramAdmin` (document upload
and download) and `ProgramVersionAdmin` (rule, screens, examples, compare, download).

Each page opens for users who may view versions; saving needs the right to change them,
and the pages themselves refuse changes to anything but a draft.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import eligibility_glue
from ..documents.export import referenced_question_keys
from ..models import Question, Screen
from .documents import compare_view, download_all_view, download_version_view, upload_view
from .estimate import estimate_view
from .examples import examples_view
from .forms import EXPECTED_CHOICES
from .screens import screen_view, screens_view
from .sentences import Describer
from .views import rule_builder_view


class ProgramDocumentsMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_document), name="programs_program_upload"),
            path("download/", wrap(self.download_documents), name="programs_program_download"),
            *super().get_urls(),
        ]

    def upload_document(self, request):
        # Importing creates or updates agencies, questions, programs and versions.
        user = request.user
        if not (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and user.has_perm("programs.add_programversion")
        ):
            raise PermissionDenied
        return upload_view(request, user=user)

    def download_documents(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return download_all_view(request)


class VersionBuilderMixin:
    def builder_urls(self):
        wrap = self.admin_site.admin_view
        pages = [
            ("rule", self.rule_builder),
            ("screens", self.screens_builder),
            ("examples", self.examples_builder),
            ("estimate", self.estimate_builder),
            ("compare", self.compare_versions),
            ("download", self.download_version),
        ]
        urls = [
            path(f"<int:pk>/{page}/", wrap(view), name=f"programs_programversion_{page}")
            for page, view in pages
        ]
        urls.append(
            path(
                "<int:pk>/screens/<int:screen_pk>/",
                wrap(self.screen_builder),
                name="programs_programversion_screen",
            )
        )
        return urls

    def builder_rights(self, request) -> bool:
        """Whether the user may change versions (the pages check the version is a draft);
        PermissionDenied when they may not even view them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().has_change_permission(request)

    def rule_builder(self, request, pk):
        return rule_builder_view(request, pk, can_change=self.builder_rights(request))

    def screens_builder(self, request, pk):
        return screens_view(request, pk, can_change=self.builder_rights(request))

    def screen_builder(self, request, pk, screen_pk):
        return screen_view(request, pk, screen_pk, can_change=self.builder_rights(request))

    def examples_builder(self, request, pk):
        return examples_view(request, pk, can_change=self.builder_rights(request))

    def estimate_builder(self, request, pk):
        return estimate_view(request, pk, can_change=self.builder_rights(request))

    def compare_versions(self, request, pk):
        self.builder_rights(request)
        return compare_view(request, pk)

    def download_version(self, request, pk):
        self.builder_rights(request)
        return download_version_view(request, pk)


def _describer(*rules) -> Describer:
    keys = referenced_question_keys(list(rules))
    infos = eligibility_glue.question_infos(Question.objects.filter(key__in=keys))
    return Describer(infos, eligibility_glue.reference_tables())


def _summary(lines, stored, url: str, link_text) -> str:
    """What the admin page shows instead of a JSON textarea: the plain reading, a link to
    the builder page that edits it, and the JSON read-only."""
    stored_json = json.dumps(stored, indent=2, ensure_ascii=False) if stored else ""
    context = {"lines": lines, "stored_json": stored_json, "url": url, "link_text": link_text}
    return render_to_string("programs/builder/_admin_summary.html", context)


def screens_describer(version_id) -> Describer:
    """One describer for every screen of a version (two queries, however many screens)."""
    rules = Screen.objects.filter(version_id=version_id).values_list("visible_if", flat=True)
    return _describer(*rules)


def visibility_summary(screen, describer: Describer | None = None) -> str:
    if not screen or not screen.pk:
        return "—"
    rule = screen.visible_if or {}
    describer = describer or _describer(rule)
    lines = [line for _depth, line in describer.lines(rule, _("Always shown."))]
    url = reverse("admin:programs_programversion_screen", args=[screen.version_id, screen.pk])
    return _summary(lines, rule, url, _("Edit the screen and when it is shown"))


class VersionSummariesMixin:
    """Read-only fields of the version page: each part the builder edits, read in plain
    language with a link to its builder page (the JSON only read-only, folded)."""

    @admin.display(description=gettext_lazy("eligibility rule"))
    def rule_summary(self, obj):
        rule = obj.eligibility_rules or {}
        describer = _describer(rule)
        lines = describer.value_lines(rule.get("values")) if isinstance(rule, dict) else []
        lines += [line for _depth, line in describer.lines(rule)]
        url = reverse("admin:programs_programversion_rule", args=[obj.pk])
        return _summary(lines, rule, url, _("Edit in the rule builder"))

    @admin.display(description=gettext_lazy("estimated value"))
    def estimate_summary(self, obj):
        estimate = obj.estimated_value or {}
        amount = estimate.get("amount") if isinstance(estimate, dict) else None
        rule = obj.eligibility_rules or {}
        lines = [_describer(amount, rule).operand(amount)] if amount else [_("No estimate.")]
        url = reverse("admin:programs_programversion_estimate", args=[obj.pk])
        return _summary(lines, estimate, url, _("Edit in the estimate builder"))

    @admin.display(description=gettext_lazy("example applicants"))
    def examples_summary(self, obj):
        examples = obj.examples or []
        outcomes = dict(EXPECTED_CHOICES)
        lines = [
            _("%(name)s: %(outcome)s")
            % {"name": ex.get("name", ""), "outcome": outcomes.get(ex.get("expected"), "")}
            for ex in examples
            if isinstance(ex, dict)
        ] or [_("No examples yet.")]
        url = reverse("admin:programs_programversion_examples", args=[obj.pk])
        return _summary(lines, examples, url, _("Edit in the examples builder"))
