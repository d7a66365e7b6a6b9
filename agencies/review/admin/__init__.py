"""The caseworker's tool, by family: the queue and its bulk actions (`queue`), the detail
page and per-application actions (`detail`), dashboards (`reports`), and the records beside
them (`records`); `scoping` holds the agency scoping they all use. Importing the modules
registers their admins."""

from agencies.review.admin import queue, records, reports  # noqa: F401
