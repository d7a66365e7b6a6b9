"""Signals other apps listen to. `applicants` sends, it never calls into `agencies`."""

from django.dispatch import Signal

# Sent inside the transaction that creates a submission, with `submission`. Receivers
# write in that same transaction (the routing outbox), so a receiver that fails rolls the
# whole submission back: nothing is accepted that would not be delivered.
submission_created = Signal()
