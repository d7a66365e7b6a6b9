"""Export presets in the admin: a column picker instead of typed question keys.

Adding a preset asks for the program, then lists its questions (text, key, program) as
checkboxes with a position number each; editing one shows the same list with its columns
ticked in their saved order. Anyone who may export may keep presets; the list, the pages
and the choices are scoped to the user's agencies (another agency's preset is a 404).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.exports.models import ExportPreset
from agencies.exports.picker_forms import ColumnPickerForm, PresetProgramForm
from agencies.exports.presets import PresetScope, column_choices, export_preset_save
from agencies.exports.selection import ExportError
from agencies.exports.services import EXPORT_PERMISSION
from agencies.review.admin.scoping import AgencyScopedAdminMixin


@admin.register(ExportPreset)
class ExportPresetAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "agency", "program", "column_count", "updated_at"]
    list_select_related = ["agency", "program"]

    def _may_export(self, request) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)

    def has_module_permission(self, request):
        return self._may_export(request)

    def has_view_permission(self, request, obj=None):
        return self._may_export(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    @admin.display(description=_("columns"))
    def column_count(self, preset):
        return len(preset.question_keys) or gettext("all")

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self._picker(request, preset=None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        preset = self.get_object(request, object_id)
        if not self.has_change_permission(request, preset):
            raise PermissionDenied
        return self._picker(request, preset=preset)

    def _render(self, request, context, *, status=200):
        return TemplateResponse(
            request,
            "exports/admin/preset_picker.html",
            {**self.admin_site.each_context(request), "opts": self.opts, **context},
            status=status,
        )

    def _picker(self, request, *, preset):
        program_form = PresetProgramForm(
            request.GET if "program" in request.GET else None,
            user=request.user,
            initial={"program": PresetProgramForm.value_for(preset) if preset else None},
        )
        scope = program_form.scope() if program_form.is_bound else None
        if scope is None and preset is not None and not program_form.errors:
            scope = PresetScope(agency=preset.agency, program=preset.program)
        title = gettext("Choose the columns of %(name)s") % {"name": preset} if preset else None
        if scope is None:
            return self._render(
                request,
                {"title": title or _("New export preset"), "program_form": program_form},
                status=400 if program_form.errors else 200,
            )
        same = preset and (preset.agency_id, preset.program_id) == (
            scope.agency.pk,
            getattr(scope.program, "pk", None),
        )
        form = ColumnPickerForm(
            request.POST if request.method == "POST" else None,
            choices=column_choices(scope=scope, chosen=list(preset.question_keys) if same else []),
            initial={
                "name": preset.name if preset else "",
                "drop_empty_columns": preset.drop_empty_columns if preset else False,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                saved = export_preset_save(
                    user=request.user,
                    scope=scope,
                    name=form.cleaned_data["name"],
                    question_keys=form.question_keys(),
                    drop_empty_columns=form.cleaned_data["drop_empty_columns"],
                    preset=preset,
                )
            except ExportError as error:
                form.add_error(error.path if error.path in form.fields else None, str(error))
            else:
                self.message_user(
                    request,
                    gettext("Preset “%(name)s” saved with %(count)d columns.")
                    % {"name": saved.name, "count": len(saved.question_keys)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:agencies_exportpreset_changelist"))
        context = {
            "title": title or gettext("New export preset for %(program)s") % {"program": scope},
            "scope": scope,
            "program_form": program_form,
            "form": form,
        }
        return self._render(request, context, status=400 if form.errors else 200)
