"""Django loads only this module for the `agencies` app: importing each sub-domain's
models here registers them with the app (their tables keep the `agencies_` names)."""

from agencies.exports.models import AgencyApiKey, BatchExport, ExportPreset
from agencies.review.models import (
    AgencyMembership,
    AuditEvent,
    CityReach,
    ProgramStatusMessage,
    ResidentNotification,
    ReviewDashboard,
)
from agencies.routing.models import AgencyChannel, AgencyQueueItem, Delivery, DeliveryEvent

__all__ = [
    "AgencyApiKey",
    "AgencyChannel",
    "AgencyMembership",
    "AgencyQueueItem",
    "AuditEvent",
    "BatchExport",
    "CityReach",
    "Delivery",
    "DeliveryEvent",
    "ExportPreset",
    "ProgramStatusMessage",
    "ResidentNotification",
    "ReviewDashboard",
]
