"""The review dashboard and the city-wide reach report, and their admin index entries."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.review.admin.scoping import (
    DASHBOARD_PERMISSION,
    REACH_PERMISSION,
    days_since,
)
from agencies.review.charts import bar_chart_svg
from agencies.review.dashboard import review_dashboard
from agencies.review.models import (
    CityReach,
    ReviewDashboard,
)
from agencies.review.reach import reach_report
from civiportal.admin_mixins import ReadOnlyAdminMixin


class ReviewReportViews:
    """Mixed into `ApplicationAdmin`: pages beside the queue."""

    def dashboard_view(self, request):
        if not request.user.has_perm(DASHBOARD_PERMISSION):
            raise PermissionDenied
        dashboard = review_dashboard(user=request.user)
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
            "oldest": [(app, days_since(app.submitted_at)) for app in dashboard.oldest_waiting],
        }
        return TemplateResponse(request, "admin/agencies/application/dashboard.html", context)

    def reach_view(self, request):
        if not request.user.has_perm(REACH_PERMISSION):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("City-wide reach"),
            "report": reach_report(),
        }
        return TemplateResponse(request, "admin/agencies/application/reach.html", context)


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
