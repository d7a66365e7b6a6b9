"""Question types of the shared question bank: validation, form fields, display, export.

Everything takes a `programs.models.Question`, a household member field dict, or a dict
with the same keys (see `spec.QuestionSpec`).

Canonical values (stored in `applicants.Answer.value` and frozen in applications):

=================  ======================================================================
type               canonical JSON value
=================  ======================================================================
short_text         str, whitespace collapsed (`validation.max_length`, default 500;
                   optional `pattern`)
long_text          str (`max_length`, default 5000)
number             int, or float when `validation.decimal_places` > 0 (`min`, `max`)
currency           int cents, >= 0, at most $100 million; `min`/`max` are in cents.
                   Input: int = cents (canonical); str = dollars ("$1,234.56"); floats
                   are refused as ambiguous
date               "YYYY-MM-DD"; input also "M/D/YYYY", [month, day, year] or a dict;
                   `min`/`max` are "YYYY-MM-DD" or "today"
yes_no             bool (input also "yes"/"no")
single_choice      one option value (str)
multiple_choice    list of option values, unique, in option order (`min`/`max` count)
email              str, domain lower-cased
phone              "2065550100": 10 US digits ("(206) 555-0100", "+1 206 555 0100")
name               {"first", "middle", "last"}; first and last required
address            {"street", "unit", "city", "state", "zip"}; state a USPS code (states,
                   DC, territories, military), zip "98101" or "98101-1234"
household_members  [{member_field_key: canonical value, ...}, ...]; `max_members`
                   (default 20), optional `min_members`
identifier         str; `pattern` must match in full (`pattern_description` explains it)
file               {"name", "size", "content_type", "path", "sha256"} (`allowed_extensions`,
                   `max_size_bytes`, default 10 MB); `store_upload` makes it
static             None (text shown on the page only)
=================  ======================================================================

Errors are `django.core.exceptions.ValidationError` with translatable messages; name,
address and household errors are keyed by sub-path ("zip", "2.birth_date"); use
`error_paths(question, exc)` to get {"household.members.2.birth_date": [...]} for JSON.
"""

from .csv_cells import export_cells, export_columns
from .display import (
    display_value,
    format_cents,
    format_member,
    format_value,
    initial_for_form,
    mask_value,
)
from .fields import MemberForm, form_field_for, member_form_class
from .spec import US_STATES, QuestionSpec, as_spec, option_label
from .uploads import store_upload
from .values import clean_member, clean_value, error_paths

__all__ = [
    "US_STATES",
    "MemberForm",
    "QuestionSpec",
    "as_spec",
    "clean_member",
    "clean_value",
    "display_value",
    "error_paths",
    "export_cells",
    "export_columns",
    "form_field_for",
    "format_cents",
    "format_member",
    "format_value",
    "initial_for_form",
    "mask_value",
    "member_form_class",
    "option_label",
    "store_upload",
]
