"""Delivery channels: one module per way an agency receives applications.

Each module exposes `send(delivery) -> str` (a short note for the audit trail),
`ATOMIC`: when true the channel's effect is a database write that the caller commits in
the same transaction as marking the delivery delivered, so it happens exactly once, and
`RELATED`: the relations `send` reads, loaded with the delivery in one query.
Channels raise `TransientDeliveryError` for failures that may pass (timeouts, refused
connections, 5xx) and `PermanentDeliveryError` for those that will not without a change
of configuration (4xx, no address): only the first kind is retried.
"""

from types import ModuleType


class DeliveryError(Exception):
    """A delivery attempt failed; the message is shown to staff as the last error."""


class TransientDeliveryError(DeliveryError):
    """The attempt may succeed later: retry with backoff."""


class PermanentDeliveryError(DeliveryError):
    """Retrying will not help until someone changes something: give up at once."""


def channel_module(kind: str) -> ModuleType:
    # The channel modules import this package for its errors.
    from agencies.routing.channels import email, internal, webhook

    modules = {"internal": internal, "webhook": webhook, "email": email}
    try:
        return modules[kind]
    except KeyError:
        raise PermanentDeliveryError(f"Unknown channel kind {kind!r}.") from None
