"""Signals other apps listen to. `notifications` never imports `applicants` or
`agencies` code; they import it and listen here."""

from django.dispatch import Signal

# Sent with `notification` inside the transaction that marks it sent (the agencies app
# keeps its caseworker-facing record of what the resident was told in step).
notification_sent = Signal()
