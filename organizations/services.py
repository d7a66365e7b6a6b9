from django.db import transaction

from organizations.models import Agency

AGENCY_PUBLIC_FIELDS = ("contact_email", "website", "phone", "address", "hours", "translations")


@transaction.atomic
def agency_save(*, slug: str, name: str, **public) -> Agency:
    """Create or update an agency by slug: its name and public contact details
    (`AGENCY_PUBLIC_FIELDS`); a detail not given is left as it is. Delivery settings are
    left alone."""
    unknown = set(public) - set(AGENCY_PUBLIC_FIELDS)
    if unknown:
        raise TypeError(f"unknown agency fields: {sorted(unknown)}")
    values = {"name": name, **public}
    agency, created = Agency.objects.get_or_create(slug=slug, defaults=values)
    if not created:
        changed = [field for field, value in values.items() if getattr(agency, field) != value]
        if changed:
            for field in changed:
                setattr(agency, field, values[field])
            agency.save(update_fields=changed)
    return agency
