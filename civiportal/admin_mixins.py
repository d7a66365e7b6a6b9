class ReadOnlyAdminMixin:
    """An admin for records nobody edits by hand (audit trails, sent notifications): they
    can be listed and opened, never added, changed or deleted, not even by a superuser."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
