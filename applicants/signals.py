"""Signals other apps listen to. `applicants` sends, it never calls into `agencies`."""

from django.dispatch import Signal

# Sent inside the transaction that creates a submission, with `submission` and its new
# `applications` (saved, programs attached, so receivers need not read them back). Receivers
# write in that same transaction (the routing outbox), so a receiver that fails rolls the
# whole submission back: nothing is accepted that would not be delivered.
submission_created = Signal()
