"""The database session store, updating a session in one statement.

Django's store wraps every save in a transaction (in autocommit: BEGIN, UPDATE, COMMIT),
which it needs when it creates a session (to turn a clashing key into another try). An
update is one UPDATE, atomic on its own, so outside a transaction it is sent alone: every
request that changes a session (each form step) makes two round trips fewer. Creating a
session, or saving one inside a transaction, goes through Django's own code.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        if connections[using].in_atomic_block:
            return super().save(must_create=False)
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError as error:
            # The row is gone (expired and cleared, or the session was flushed elsewhere).
            raise UpdateError from error
