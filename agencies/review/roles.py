"""The staff roles, as Django groups with exactly these permissions.

Groups say what someone may do; `AgencyMembership` says for which agencies. A caseworker
with every permission here still sees only their own agencies' applications.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

PROGRAM_ADMIN = "Program admin"
CASEWORKER = "Caseworker"
SUPERVISOR = "Agency supervisor"
CITY_ADMIN = "City admin"

_CASEWORKER_PERMISSIONS = [
    "applicants.view_application",
    "applicants.change_application",
    "programs.view_sensitive_answers",
    "agencies.view_auditevent",
    "organizations.view_agency",
    "agencies.view_delivery",
    "notifications.view_notification",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    PROGRAM_ADMIN: [
        f"programs.{verb}_{model}"
        for model in ("program", "programversion", "question", "screen", "screenquestion")
        for verb in ("view", "add", "change")
    ]
    + [
        "programs.delete_screen",
        "programs.delete_screenquestion",
        "organizations.view_agency",
        "agencies.view_programstatusmessage",
        "agencies.add_programstatusmessage",
        "agencies.change_programstatusmessage",
        "agencies.delete_programstatusmessage",
        "eligibility.view_screeningfailure",
    ],
    CASEWORKER: _CASEWORKER_PERMISSIONS,
    SUPERVISOR: [
        *_CASEWORKER_PERMISSIONS,
        "agencies.assign_applications",
        "agencies.bulk_update_applications",
        "agencies.view_review_dashboard",
        "agencies.export_applications",
        "agencies.view_agencymembership",
    ],
    CITY_ADMIN: [
        "agencies.view_reach_report",
        "organizations.view_agency",
        "programs.view_program",
    ],
}


@transaction.atomic
def roles_setup() -> dict[str, list[str]]:
    """Create or update the role groups so each holds exactly its permissions.

    Idempotent. Permissions of models not installed (yet) are skipped and returned, so a
    later run after their migrations picks them up.
    """
    missing: dict[str, list[str]] = {}
    for name, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                missing.setdefault(name, []).append(code)
            else:
                wanted.append(permission)
        group.permissions.set(wanted)
    return missing
