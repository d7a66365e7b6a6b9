"""formtools' session storage for the intake wizard, writing the session only when the
wizard's state changes.

formtools marks the session modified whenever its data is read, so every GET of an intake
step saved the session (an UPDATE per page view). The profile holds the answers (the
wizard keeps no step data), so a page view changes nothing but, sometimes, the current
step: that, and every other real change, still marks the session; a plain read does not,
and a visitor without wizard data gets none stored until something is written.
"""

from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.storage.session import SessionStorage


class ChangedOnlySessionStorage(SessionStorage):
    def __init__(self, *args, **kwargs):
        # Not SessionStorage.__init__: it stores empty data in every new session at once.
        BaseStorage.__init__(self, *args, **kwargs)
        self._unsaved: dict | None = None

    def _empty(self) -> dict:
        return {
            self.step_key: None,
            self.step_data_key: {},
            self.step_files_key: {},
            self.extra_data_key: {},
        }

    def _get_data(self) -> dict:
        data = self.request.session.get(self.prefix)
        if data is None:
            if self._unsaved is None:
                self._unsaved = self._empty()
            data = self._unsaved
        return data

    def _set_data(self, value: dict) -> None:
        self._unsaved = None
        self.request.session[self.prefix] = value  # marks the session modified

    data = property(_get_data, _set_data)

    def _changed(self) -> None:
        self.data = self.data

    def init_data(self) -> None:
        if self.request.session.get(self.prefix) not in (None, self._empty()):
            self.data = self._empty()

    def _set_current_step(self, step) -> None:
        if self.data[self.step_key] != step:
            super()._set_current_step(step)
            self._changed()

    def _set_extra_data(self, extra_data) -> None:
        super()._set_extra_data(extra_data)
        self._changed()

    def set_step_data(self, step, cleaned_data) -> None:
        super().set_step_data(step, cleaned_data)
        self._changed()

    def set_step_files(self, step, files) -> None:
        super().set_step_files(step, files)
        self._changed()
