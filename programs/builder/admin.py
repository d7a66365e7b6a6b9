"""The builder's pages hooked into the admin: mixins for `ProgramAdmin` (document upload
and download) and `ProgramVersionAdmin` (rule, screens, examples, compare, download).

Each page opens for users who may view versions; saving needs the right to change them,
and the pages themselves refuse changes to anything but a draft.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path

from .documents import compare_view, download_all_view, download_version_view, upload_view
from .examples import examples_view
from .screens import screen_view, screens_view
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

    def compare_versions(self, request, pk):
        self.builder_rights(request)
        return compare_view(request, pk)

    def download_version(self, request, pk):
        self.builder_rights(request)
        return download_version_view(request, pk)
