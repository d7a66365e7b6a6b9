"""Django's admin autodiscovery imports only this module: each sub-domain registers its own
admins (routing: agencies, channels, deliveries; review: applications, audit trail,
dashboards, the resident notification outbox; exports: CSV, PDF, batches, presets, keys)."""

from agencies.exports import admin as exports_admin  # noqa: F401
from agencies.exports import admin_presets  # noqa: F401
from agencies.review import admin as review_admin  # noqa: F401
from agencies.review import (
    admin_home,  # noqa: F401
    admin_notifications,  # noqa: F401
)
from agencies.routing import admin as routing_admin  # noqa: F401
