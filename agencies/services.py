"""Business actions of agencies: routing submissions to agencies' channels, review."""

from applicants.models import Submission


def deliveries_create_for_submission(*, submission: Submission) -> None:
    """Write the outbox rows that route each application of `submission` to its agency,
    and queue their delivery once the surrounding transaction commits.

    Must be called inside the transaction that creates the submission (the transactional
    outbox): the submission and its deliveries commit together or not at all.
    Implemented by the routing work (issue 6); until then routing is a no-op.
    """
