"""What every review admin shares: agency scoping, the review's own permissions, and how
long an application has waited.

Every queryset here goes through `agencies.review.selectors` (`applications_for_user` or
`scope_to_user`), so lists, details, actions, downloads and custom pages can only reach
the applications of the user's own agencies; an id from another agency is a 404.
"""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
)
from django.utils import timezone
from django.utils.translation import gettext

from agencies.review import selectors

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


def days_since(since) -> int:
    return max(0, (timezone.now() - since).days)
