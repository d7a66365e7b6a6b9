"""Question types: canonical values, errors, display, masks and CSV cells."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from programs.question_types import (
    clean_value,
    display_value,
    error_paths,
    export_cells,
    export_columns,
    format_value,
    initial_for_form,
    mask_value,
    store_upload,
)
from tests.factories import QuestionFactory


def q(type_, key="q", **extra):
    return {"key": key, "type": type_, "label": key, **extra}


def messages(exc_info):
    return " ".join(exc_info.value.messages)


CHOICES = [
    {"value": "rent", "label": "Rent", "translations": {"es": "Alquiler"}},
    {"value": "food", "label": "Food", "translations": {"es": {"label": "Comida"}}},
    {"value": "heat", "label": "Heat"},
]
HOUSEHOLD = q(
    "household_members",
    key="household.members",
    member_fields=[
        {"key": "name", "type": "name", "label": "Name"},
        {"key": "birth_date", "type": "date", "label": "Date of birth",
         "translations": {"es": {"label": "Fecha de nacimiento"}}},
        {"key": "relationship", "type": "single_choice", "label": "Relationship",
         "options": [{"value": "self", "label": "Self"}, {"value": "child", "label": "Child"}]},
        {"key": "income", "type": "currency", "label": "Income", "required": False},
    ],
    validation={"max_members": 3},
)  # fmt: skip


def person(first, birth="1990-01-01", relationship="self", income=None):
    return {
        "name": {"first": first, "last": "Diaz"},
        "birth_date": birth,
        "relationship": relationship,
        "income": income,
    }


# --- text, number, currency ---------------------------------------------------------------


def test_text_collapses_whitespace_and_enforces_max_length():
    assert clean_value(q("short_text"), "  Ana   Maria ") == "Ana Maria"
    assert clean_value(q("long_text"), "a\r\nb") == "a\nb"
    with pytest.raises(ValidationError, match="5 characters or fewer"):
        clean_value(q("short_text", validation={"max_length": 5}), "abcdef")


def test_empty_values_are_none_unless_required():
    assert clean_value(q("short_text"), "  ") is None
    assert clean_value(q("name"), {"first": "", "last": ""}) is None
    with pytest.raises(ValidationError) as exc:
        clean_value(q("currency"), "", required=True)
    assert exc.value.code == "required"


def test_number_whole_and_decimal():
    assert clean_value(q("number"), "1,234") == 1234
    assert clean_value(q("number"), 3) == 3
    with pytest.raises(ValidationError, match="whole number"):
        clean_value(q("number"), "2.5")
    decimal = q("number", validation={"decimal_places": 1})
    assert clean_value(decimal, "2.5") == 2.5
    with pytest.raises(ValidationError, match="1 decimal places"):
        clean_value(decimal, "2.55")
    with pytest.raises(ValidationError, match="Enter a number"):
        clean_value(q("number"), True)
    with pytest.raises(ValidationError, match="Enter a number"):
        clean_value(q("number"), "NaN")
    bounded = q("number", validation={"min": 1, "max": 20})
    with pytest.raises(ValidationError, match="20 or less"):
        clean_value(bounded, 21)
    with pytest.raises(ValidationError, match="1 or more"):
        clean_value(bounded, 0)


@pytest.mark.parametrize(
    ("raw", "cents"),
    [("$1,234.56", 123456), ("2900", 290000), ("2900.5", 290050), (".99", 99), (290050, 290050)],
)
def test_currency_accepts_dollars_text_and_cents(raw, cents):
    assert clean_value(q("currency"), raw) == cents


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("-5", "negative"),
        (-500, "negative"),
        ("12.345", "decimal_places"),
        ("12.3.4", "invalid"),
        ("abc", "invalid"),
        (12.5, "invalid"),
        ("1000000000", "too_large"),
    ],
)
def test_currency_rejects_bad_amounts(raw, code):
    with pytest.raises(ValidationError) as exc:
        clean_value(q("currency"), raw)
    assert exc.value.code == code


def test_currency_bounds_are_cents_and_messages_in_dollars():
    with pytest.raises(ValidationError, match=r"\$5,000 or less"):
        clean_value(q("currency", validation={"max": 500000}), "5000.01")


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["2024-02-29", "2/29/2024", [2, 29, 2024], {"month": "2", "day": "29", "year": "2024"}]
)
def test_date_formats_give_iso(raw):
    assert clean_value(q("date"), raw) == "2024-02-29"


@pytest.mark.parametrize("raw", ["2025-02-30", "2023-02-29", "2/30/2025"])
def test_impossible_dates_are_rejected(raw):
    with pytest.raises(ValidationError) as exc:
        clean_value(q("date"), raw)
    assert exc.value.code == "impossible_date"
    assert "real date" in messages(exc)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (["", "4", "1990"], "missing_month"),
        (["13", "4", "1990"], "invalid_month"),
        (["4", "1", "90"], "invalid_year"),
        ("next tuesday", "invalid"),
    ],
)
def test_date_part_errors_say_which_part(raw, code):
    with pytest.raises(ValidationError) as exc:
        clean_value(q("date"), raw)
    assert exc.value.code == code


def test_date_bounds_accept_today():
    today = datetime.date.today()
    past_only = q("date", validation={"max": "today", "min": "1900-01-01"})
    assert clean_value(past_only, today.isoformat()) == today.isoformat()
    with pytest.raises(ValidationError, match="today or in the past"):
        clean_value(past_only, (today + datetime.timedelta(days=2)).isoformat())
    with pytest.raises(ValidationError, match="on or after 1950-01-01"):
        clean_value(q("date", validation={"min": "1950-01-01"}), "1949-12-31")


# --- choices, yes/no ----------------------------------------------------------------------


def test_yes_no():
    assert clean_value(q("yes_no"), "yes") is True
    assert clean_value(q("yes_no"), False) is False
    with pytest.raises(ValidationError, match="yes or no"):
        clean_value(q("yes_no"), "maybe")


def test_choices_validate_and_order():
    single = q("single_choice", options=CHOICES)
    assert clean_value(single, "food") == "food"
    with pytest.raises(ValidationError, match="“car” is not one of the choices"):
        clean_value(single, "car")
    multiple = q("multiple_choice", options=CHOICES)
    assert clean_value(multiple, ["heat", "rent", "heat"]) == ["rent", "heat"]
    with pytest.raises(ValidationError, match="“boat”"):
        clean_value(multiple, ["rent", "boat"])
    with pytest.raises(ValidationError, match="no more than 1"):
        clean_value(q("multiple_choice", options=CHOICES, validation={"max": 1}), ["rent", "food"])


# --- email, phone, identifier -------------------------------------------------------------


def test_email_lowercases_domain_only():
    assert clean_value(q("email"), " Ana.Diaz@Example.ORG ") == "Ana.Diaz@example.org"
    with pytest.raises(ValidationError, match="right format"):
        clean_value(q("email"), "ana@")


@pytest.mark.parametrize(
    "raw", ["(206) 555-0100", "+1 206 555 0100", "206.555.0100", "12065550100"]
)
def test_phone_normalises(raw):
    assert clean_value(q("phone"), raw) == "2065550100"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("555-0100", "invalid_length"),
        ("(106) 555-0100", "invalid_number"),
        ("206-CALL-NOW", "invalid"),
    ],
)
def test_phone_rejects(raw, code):
    with pytest.raises(ValidationError) as exc:
        clean_value(q("phone"), raw)
    assert exc.value.code == code


def test_identifier_pattern_is_full_match_with_description():
    ident = q(
        "identifier",
        validation={"pattern": r"\d{3}-\d{2}-\d{4}", "pattern_description": "3 digits, 2, then 4"},
    )
    assert clean_value(ident, " 123-45-6789 ") == "123-45-6789"
    with pytest.raises(ValidationError, match="3 digits, 2, then 4"):
        clean_value(ident, "123-45-67890")
    with pytest.raises(ValidationError, match="3 digits"):
        clean_value(ident, "x123-45-6789")


def test_the_pattern_is_described_in_the_residents_language():
    ident = q(
        "identifier",
        validation={"pattern": r"[0-9]{6,12}", "pattern_description": "6 to 12 digits"},
        translations={"es": {"pattern_description": "de 6 a 12 dígitos"}},
    )
    untranslated = q("identifier", validation=ident["validation"])
    with translation.override("es"):
        with pytest.raises(ValidationError) as spanish:
            clean_value(ident, "12a")
        assert messages(spanish) == "Ingréselo en el formato correcto: de 6 a 12 dígitos."
        # No Spanish words yet: the English ones, in the Spanish sentence.
        with pytest.raises(ValidationError) as fallback:
            clean_value(untranslated, "12a")
        assert messages(fallback) == "Ingréselo en el formato correcto: 6 to 12 digits."
    with translation.override("en"), pytest.raises(ValidationError) as english:
        clean_value(ident, "12a")
    assert messages(english) == "Enter it in the right format: 6 to 12 digits."


# --- name, address ------------------------------------------------------------------------


def test_name_requires_first_and_last_keyed_by_part():
    assert clean_value(q("name"), {"first": " Ana ", "last": "Diaz"}) == {
        "first": "Ana", "middle": "", "last": "Diaz"
    }  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        clean_value(q("name", key="applicant.name"), {"first": "Ana", "middle": "M"})
    assert error_paths(q("name", key="applicant.name"), exc.value) == {
        "applicant.name.last": ["Enter a last name."]
    }
    with pytest.raises(ValidationError, match="Unknown fields: nickname"):
        clean_value(q("name"), {"first": "A", "last": "B", "nickname": "C"})


ADDRESS = {"street": "600 4th Ave", "unit": "", "city": "Seattle", "state": "wa", "zip": "98104"}


def test_address_normalises_state_and_zip_plus_four():
    assert clean_value(q("address"), ADDRESS)["state"] == "WA"
    assert clean_value(q("address"), {**ADDRESS, "zip": "981041234"})["zip"] == "98104-1234"
    assert clean_value(q("address"), {**ADDRESS, "zip": "98104-1234"})["zip"] == "98104-1234"
    assert clean_value(q("address"), {**ADDRESS, "state": "PR"})["state"] == "PR"


@pytest.mark.parametrize(
    ("change", "part", "text"),
    [
        ({"zip": "ABCDE"}, "zip", "5 digits"),
        ({"zip": "9810"}, "zip", "5 digits"),
        ({"state": "XX"}, "state", "“XX” is not a US state"),
        ({"city": ""}, "city", "Enter a city"),
    ],
)
def test_address_errors_name_the_part(change, part, text):
    with pytest.raises(ValidationError) as exc:
        clean_value(q("address"), {**ADDRESS, **change})
    assert list(exc.value.error_dict) == [part]
    assert text in messages(exc)


# --- household members --------------------------------------------------------------------


def test_household_members_clean_each_field():
    cleaned = clean_value(
        HOUSEHOLD, [person("Ana", income="$2,900"), person("Leo", "3/4/2015", "child")]
    )
    assert cleaned[1] == {
        "name": {"first": "Leo", "middle": "", "last": "Diaz"},
        "birth_date": "2015-03-04",
        "relationship": "child",
        "income": None,
    }
    assert cleaned[0]["income"] == 290000


def test_household_member_error_names_person_and_field():
    with pytest.raises(ValidationError) as exc:
        clean_value(HOUSEHOLD, [person("Ana"), person("Leo", birth="2023-02-29")])
    paths = error_paths(HOUSEHOLD, exc.value)
    assert list(paths) == ["household.members.2.birth_date"]
    assert paths["household.members.2.birth_date"][0].startswith(
        "Person 2 (Leo), Date of birth: Enter a real date."
    )


def test_household_member_errors_in_spanish_use_spanish_field_label():
    with translation.override("es"), pytest.raises(ValidationError) as exc:
        clean_value(HOUSEHOLD, [{**person("Ana"), "relationship": "cousin"}])
    assert "Fecha de nacimiento" not in messages(exc)
    assert "“cousin”" in messages(exc)
    with translation.override("es"), pytest.raises(ValidationError) as exc:
        clean_value(HOUSEHOLD, [person("Ana", birth="1990-13-01")])
    assert "Fecha de nacimiento" in messages(exc)


def test_a_member_fields_pattern_is_described_in_the_residents_language():
    badge = {
        "key": "badge",
        "type": "identifier",
        "label": "Badge number",
        "validation": {"pattern": "[0-9]{4}", "pattern_description": "4 digits"},
        "translations": {"es": {"label": "Número de placa", "pattern_description": "4 dígitos"}},
    }
    household = q("household_members", member_fields=[badge])
    with translation.override("es"):
        with pytest.raises(ValidationError) as exc:
            clean_value(household, [{"badge": "12a"}])
        assert "Número de placa: Ingréselo en el formato correcto: 4 dígitos." in messages(exc)
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            clean_value(household, [{"badge": "12a"}])
        assert "Badge number: Enter it in the right format: 4 digits." in messages(exc)


def test_household_too_many_members_and_missing_required_member_field():
    with pytest.raises(ValidationError) as exc:
        clean_value(HOUSEHOLD, [person(str(n)) for n in range(4)])
    assert exc.value.code == "too_many_members"
    assert "at most 3" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        clean_value(HOUSEHOLD, [{"name": {"first": "Ana", "last": "D"}, "relationship": "self"}])
    assert "household.members.1.birth_date" in error_paths(HOUSEHOLD, exc.value)


def test_household_default_max_is_twenty():
    unbounded = {**HOUSEHOLD, "validation": {}}
    assert len(clean_value(unbounded, [person(str(n)) for n in range(20)])) == 20
    with pytest.raises(ValidationError, match="at most 20"):
        clean_value(unbounded, [person(str(n)) for n in range(21)])


# --- files --------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    # Django's setting_changed handler points default storage at the new MEDIA_ROOT.
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


PDF = b"%PDF-1.7\n" + b"0" * 100


def test_store_upload_saves_under_uploads_uuid_with_safe_name(media):
    meta = store_upload(
        q("file"), SimpleUploadedFile("../../My Pay stub!.PDF", PDF, "application/pdf")
    )
    assert meta["name"] == "My_Pay_stub.pdf"
    assert meta["path"].startswith("uploads/") and meta["path"].endswith("/My_Pay_stub.pdf")
    assert (media / meta["path"]).read_bytes() == PDF
    assert meta["size"] == len(PDF) and meta["content_type"] == "application/pdf"
    assert clean_value(q("file"), meta) == meta


@pytest.mark.parametrize(
    ("upload", "validation", "code"),
    [
        (
            SimpleUploadedFile("big.pdf", PDF, "application/pdf"),
            {"max_size_bytes": 50},
            "too_large",
        ),
        (SimpleUploadedFile("run.exe", b"MZ" * 10, "application/pdf"), {}, "invalid_extension"),
        (SimpleUploadedFile("fake.pdf", b"MZ" * 10, "application/pdf"), {}, "content_mismatch"),
        (
            SimpleUploadedFile("pic.png", PDF, "image/png"),
            {"allowed_extensions": ["pdf"]},
            "invalid_extension",
        ),
    ],
)
def test_store_upload_rejects(media, upload, validation, code):
    with pytest.raises(ValidationError) as exc:
        store_upload(q("file", validation=validation), upload)
    assert exc.value.code == code
    assert not (media / "uploads").exists()


def test_default_max_upload_is_ten_megabytes():
    meta = {"name": "a.pdf", "size": 10 * 1024 * 1024 + 1, "content_type": "application/pdf",
            "path": "uploads/" + "a" * 32 + "/a.pdf", "sha256": "0" * 64}  # fmt: skip
    with pytest.raises(ValidationError, match="smaller than 10 MB"):
        clean_value(q("file"), meta)
    with pytest.raises(ValidationError) as exc:
        clean_value(q("file"), {**meta, "size": 10, "path": "../etc/passwd"})
    assert exc.value.code == "invalid_path"


def test_static_has_no_value():
    assert clean_value(q("static"), "anything") is None
    assert export_columns(q("static")) == []


# --- display, mask, export ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "value", "english", "spanish"),
    [
        (q("currency"), 290000, "$2,900", "$2,900"),
        (q("currency"), 290050, "$2,900.50", "$2,900.50"),
        (q("date"), "2026-03-12", "March 12, 2026", "12 de marzo de 2026"),
        (q("yes_no"), True, "Yes", "Sí"),
        (q("single_choice", options=CHOICES), "rent", "Rent", "Alquiler"),
        (q("multiple_choice", options=CHOICES), ["rent", "food"], "Rent, Food", "Alquiler, Comida"),
        (q("phone"), "2065550100", "(206) 555-0100", "(206) 555-0100"),
        (q("number"), 1234, "1,234", "1,234"),
        (q("name"), {"first": "Ana", "middle": "M", "last": "Diaz"}, "Ana M Diaz", "Ana M Diaz"),
    ],
)
def test_format_value_in_english_and_spanish(question, value, english, spanish):
    assert format_value(question, value) == english
    assert format_value(question, value, language="es") == spanish
    with translation.override("es"):
        assert format_value(question, value) == spanish


def test_format_address_household_and_empty():
    address = clean_value(q("address"), {**ADDRESS, "unit": "Apt 4"})
    assert format_value(q("address"), address) == "600 4th Ave, Apt 4, Seattle, WA 98104"
    assert format_value(HOUSEHOLD, [person("A"), person("B"), person("C")]) == "3 people"
    assert format_value(HOUSEHOLD, [person("A")]) == "1 person"
    assert format_value(q("currency"), None) == ""


@pytest.mark.parametrize(
    ("question", "raw"),
    [
        (q("currency"), "$2,900.50"),
        (q("currency"), "2900"),
        (q("phone"), "+1 206 555 0100"),
        (q("number"), "12345"),
        (q("email"), "Ana@Example.org"),
    ],
)
def test_clean_of_formatted_value_round_trips(question, raw):
    value = clean_value(question, raw)
    assert clean_value(question, format_value(question, value)) == value


@pytest.mark.parametrize(
    ("question", "raw"),
    [
        (q("currency"), "$2,900.50"),
        (q("date"), "2024-02-29"),
        (q("phone"), "2065550100"),
        (q("yes_no"), False),
        (q("number", validation={"decimal_places": 2}), "3.25"),
    ],
)
def test_clean_of_initial_for_form_round_trips(question, raw):
    value = clean_value(question, raw)
    assert clean_value(question, initial_for_form(question, value)) == value


def test_format_value_is_plain_text_escaped_by_templates():
    from django.template import Context, Template

    rendered = Template("{{ v }}").render(Context({"v": format_value(q("short_text"), "<b>x</b>")}))
    assert rendered == "&lt;b&gt;x&lt;/b&gt;"


def test_mask_and_display_value():
    phone = q("phone", sensitive=True)
    assert mask_value(phone, "2065550100") == "•••• 0100"
    assert mask_value(q("identifier"), "123456789") == "•••• 6789"
    assert mask_value(q("date"), "1990-01-01") == "Hidden"
    assert display_value(phone, "2065550100", can_view_sensitive=False) == "•••• 0100"
    assert display_value(phone, "2065550100", can_view_sensitive=True) == "(206) 555-0100"
    not_sensitive = q("date")
    assert display_value(not_sensitive, "1990-01-01", can_view_sensitive=False) == "January 1, 1990"
    assert display_value(q("date", sensitive=True), "1990-01-01", can_view_sensitive=False) == (
        "Hidden"
    )


def test_export_columns_and_cells():
    assert export_columns(q("currency", key="income")) == ["income"]
    assert export_cells(q("currency", key="income"), 290000) == {"income": "2900.00"}
    assert export_cells(q("currency", key="income"), None) == {"income": ""}
    assert export_cells(q("multiple_choice", key="m", options=CHOICES), ["rent", "heat"]) == {
        "m": "rent; heat"
    }
    assert export_columns(q("name", key="n")) == ["n.first", "n.middle", "n.last"]
    assert export_cells(q("address", key="a"), clean_value(q("address"), ADDRESS)) == {
        "a.street": "600 4th Ave",
        "a.unit": "",
        "a.city": "Seattle",
        "a.state": "WA",
        "a.zip": "98104",
    }
    assert export_cells(q("file", key="f"), {"name": "stub.pdf"}) == {"f": "stub.pdf"}
    assert export_cells(q("yes_no", key="y"), False) == {"y": "no"}


def test_export_household_flattens_members_and_unions_by_count():
    members = clean_value(
        HOUSEHOLD, [person("Ana", income="100"), person("Leo", relationship="child")]
    )
    columns = export_columns(HOUSEHOLD, members)
    assert columns[:5] == [
        "household.members.count",
        "household.members.1.name.first",
        "household.members.1.name.middle",
        "household.members.1.name.last",
        "household.members.1.birth_date",
    ]
    assert "household.members.2.relationship" in columns
    assert "household.members.3.relationship" not in columns
    assert "household.members.3.relationship" in export_columns(HOUSEHOLD, members=3)
    cells = export_cells(HOUSEHOLD, members)
    assert list(cells) == columns
    assert cells["household.members.count"] == "2"
    assert cells["household.members.1.income"] == "100.00"
    assert cells["household.members.2.name.first"] == "Leo"


def test_export_masks_sensitive_without_permission():
    ident = q("identifier", key="ssn", sensitive=True)
    assert export_cells(ident, "123456789", can_view_sensitive=False) == {"ssn": "•••• 6789"}
    assert export_cells(ident, "123456789") == {"ssn": "123456789"}


@pytest.mark.django_db
def test_works_with_question_rows_and_their_translations():
    question = QuestionFactory(
        key="income.monthly_gross",
        type="currency",
        label="Monthly income",
        translations={"es": {"label": "Ingresos mensuales"}},
        sensitive=True,
    )
    assert clean_value(question, "$1,000") == 100000
    assert display_value(question, 100000, can_view_sensitive=False) == "Hidden"
    with translation.override("es"):
        from programs.question_types import form_field_for

        assert form_field_for(question).label == "Ingresos mensuales"
