"""Append-only tables: audit trails that an action writes once and nobody rewrites.

A model inherits `AppendOnlyModel` and names its own exception; updates and deletes are
refused on the instance and on querysets alike, so neither the admin, a service nor a
bulk query can change the trail. (Raw SQL and migrations can: the guarantee is for the
application's own code paths, which is what an auditor reads.)
"""

from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise self.model.append_only_error(f"{self.model._meta.verbose_name} rows are final.")

    def delete(self):
        raise self.model.append_only_error(
            f"{self.model._meta.verbose_name} rows cannot be deleted."
        )


class AppendOnlyModel(models.Model):
    append_only_error: type[AppendOnlyError] = AppendOnlyError

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise self.append_only_error(f"{self._meta.verbose_name} rows are final.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only_error(f"{self._meta.verbose_name} rows cannot be deleted.")
