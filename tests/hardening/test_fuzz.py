"""Property-based fuzzing: the screening API, the export API and every resident form
answer any input with something other than a server error.

Budgets are fixed and examples derandomised, so CI runs the same ~1,000 requests every
time (well under a minute); each target prints its counts in the test output.
"""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencies.exports.api_auth import api_key_create
from applicants.models import Submission
from programs.models import Question
from tests.applicants.conftest import complete_intake
from tests.applicants.test_journey import PROGRAM_ANSWERS, submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NASTY_TEXT = [
    "", " ", "0", "-1", "2147483648", "99999999999999999999999", "1e309", "NaN", "-0.0",
    "2026-02-30", "13/45/2026", "\x00", "a\x00b", "<script>alert(1)</script>", "=cmd|' /C calc'!A0",
    "\ud7ff\ue000", "\U0001d54f" * 50, "x" * 5000, "../../etc/passwd", "%00", "' OR 1=1 --",
]  # fmt: skip
text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)


class Tally:
    """Counts requests and server errors for one target; prints them at the end."""

    def __init__(self, name, capsys):
        self.name, self.capsys, self.requests, self.server_errors = name, capsys, 0, 0

    def check(self, response, what):
        self.requests += 1
        if response.status_code >= 500:
            self.server_errors += 1
        assert response.status_code < 500, f"{what} -> {response.status_code}"

    def report(self):
        with self.capsys.disabled():
            print(
                f"\nfuzz {self.name}: {self.requests} requests, {self.server_errors} server errors"
            )


def fuzz(strategy, examples, action):
    """Run `action` on `examples` derandomised values of `strategy`."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value):
        action(value)

    run()


@pytest.fixture
def quiet_client(client, settings):
    settings.SCREENING_API_RATE_LIMIT_PER_MINUTE = 100_000
    settings.AXES_FAILURE_LIMIT = 100_000
    client.raise_request_exception = False
    return client


def test_fuzz_screening_api(quiet_client, demo_programs, capsys):
    keys = list(Question.objects.values_list("key", flat=True))
    answers = st.dictionaries(st.sampled_from(keys) | text, json_values, max_size=6)
    documents = st.fixed_dictionaries(
        {"answers": answers},
        optional={"programs": json_values, "as_of": json_values, "language": json_values},
    )
    bodies = st.one_of(
        documents.map(json.dumps),
        json_values.map(json.dumps),
        st.binary(max_size=200),
        st.integers(1, 3000).map(lambda depth: "[" * depth + "]" * depth),
    )
    tally = Tally("screening API", capsys)
    try:
        fuzz(
            bodies,
            300,
            lambda body: tally.check(
                quiet_client.post("/api/v1/screen", body, content_type="application/json"), body
            ),
        )
    finally:
        tally.report()
    assert tally.requests >= 300 and tally.server_errors == 0


def test_fuzz_export_api(quiet_client, demo_programs, capsys):
    complete_intake(quiet_client)
    quiet_client.post("/apply/results/", {"programs": ["basic-food"]})
    answer_every_step(quiet_client)
    submit(quiet_client)
    application = Submission.objects.get().applications.get()
    _row, key = api_key_create(agency=application.program.agency, name="Fuzz", created_by=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    params = st.dictionaries(
        st.sampled_from(
            ["program", "status", "submitted_since", "submitted_until", "cursor", "limit"]
        )
        | text,
        text,
        max_size=4,
    )
    reference = st.one_of(st.just(application.reference), text.filter(lambda t: "/" not in t))
    requests = st.one_of(
        params.map(lambda p: ("list", p)),
        reference.map(lambda r: ("detail", r)),
        st.tuples(reference, json_values).map(lambda pair: ("status", pair)),
    )

    def send(request):
        kind, value = request
        if kind == "list":
            response = quiet_client.get("/api/v1/applications", value, **auth)
        elif kind == "detail":
            response = quiet_client.get(f"/api/v1/applications/{quote(value)}", **auth)
        else:
            ref, body = value
            response = quiet_client.post(
                f"/api/v1/applications/{quote(ref)}/status",
                json.dumps(body),
                content_type="application/json",
                **auth,
            )
        tally.check(response, request)

    tally = Tally("export API", capsys)
    try:
        fuzz(requests, 200, send)
    finally:
        tally.report()
    assert tally.requests >= 200 and tally.server_errors == 0


def quote(value: str) -> str:
    from urllib.parse import quote as url_quote

    return url_quote(value, safe="")


FORM_RE = re.compile(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
NAME_RE = re.compile(r'name="([^"]+)"')


def field_names(html: str) -> list[str]:
    names = set()
    for form in FORM_RE.findall(html):
        names.update(NAME_RE.findall(form))
    return sorted(names - {"csrfmiddlewaretoken"})


def answer_every_step(client) -> list[str]:
    """Answer the chosen programs' own questions; the step URLs visited."""
    urls = []
    response = client.get("/apply/questions/")
    while response.headers.get("Location", "").startswith("/apply/questions/"):
        url = response.headers["Location"]
        urls.append(url)
        html = client.get(url).content.decode()
        data = {
            name: PROGRAM_ANSWERS[name.replace("__", ".")]
            for name in field_names(html)
            if name.replace("__", ".") in PROGRAM_ANSWERS
        }
        response = client.post(url, data)
    return urls


def resident_forms(client) -> list[str]:
    """Every resident form the demo programs give, reached as a resident would."""
    complete_intake(client)
    intake = [f"/apply/intake/{step}/" for step in ("about-you", "contact", "household",
              "household-members", "income", "review")]  # fmt: skip
    members_page = client.get("/apply/intake/household-members/").content.decode()
    people = sorted(set(re.findall(r'href="(/apply/people/[^"?]+)', members_page)))
    choosable = ["basic-food", "utility-discount", "orca-lift", "energy-assistance"]
    client.post("/apply/results/", {"programs": choosable})
    steps = answer_every_step(client)
    accounts = ["/account/sign-in/", "/account/sign-up/", "/account/password-reset/"]
    return [*intake, *people, "/apply/results/", *steps, "/apply/review/", *accounts]


def test_fuzz_every_resident_form(quiet_client, demo_programs, capsys, settings):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 100_000
    forms = {url: field_names(quiet_client.get(url).content.decode()) for url in
             resident_forms(quiet_client)}  # fmt: skip
    assert all(forms.values()), [url for url, names in forms.items() if not names]
    signed_in = type(quiet_client)(raise_request_exception=False)
    signed_in.force_login(UserFactory())
    claim = field_names(signed_in.get("/my/applications/claim/").content.decode())
    posts = st.one_of(
        *[
            st.fixed_dictionaries({name: text | st.lists(text, max_size=3) for name in names}).map(
                lambda data, url=url: (quiet_client, url, data)
            )
            for url, names in forms.items()
        ],
        st.fixed_dictionaries({name: text for name in claim}).map(
            lambda data: (signed_in, "/my/applications/claim/", data)
        ),
    )

    def send(post):
        client, url, data = post
        tally.check(client.post(url, data), (url, data))

    tally = Tally(f"resident forms ({len(forms) + 1} forms)", capsys)
    try:
        fuzz(posts, 500, send)
    finally:
        tally.report()
    assert tally.requests >= 500 and tally.server_errors == 0


def test_fuzz_resident_urls(quiet_client, demo_programs, capsys):
    complete_intake(quiet_client)
    templates = [
        "/my/applications/{}/",
        "/my/applications/{}/pdf/",
        "/apply/submitted/{}/",
        "/apply/questions/{}/",
        "/apply/intake/{}/",
        "/apply/people/{}/add/",
        "/apply/people/household.members/{}/",
        "/apply/people/household.members/{}/remove/",
        "/programs/{}/",
        "/account/password-reset/{}/x/",
        "/account/sign-up/verify/{}/x/",
    ]
    segment = st.one_of(text, st.integers().map(str)).filter(lambda t: t not in ("", ".", ".."))
    urls = st.tuples(st.sampled_from(templates), segment).map(
        lambda pair: pair[0].format(quote(pair[1]))
    )
    tally = Tally("resident URLs", capsys)
    try:
        fuzz(urls, 200, lambda url: tally.check(quiet_client.get(url), url))
    finally:
        tally.report()
    assert tally.requests >= 200 and tally.server_errors == 0
