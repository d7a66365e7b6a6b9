"""Resident journey benchmark: server time per request of the intake steps, the screener
results page with 50 published programs and submitting, against a minimal page (the
main baseline) and a bare Django view in the same run (the ratios are what to watch;
absolute times depend on the machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civiportal \
    .venv/bin/python bench/bench_journey.py [--programs 50] [--requests 200] [--quick]
        [--catalog]

It works in a scratch database (<name>_bench_journey, created and dropped here). The 50
programs are the six demo programs (real rules, screens and questions) copied under new
slugs. Requests go through Django's full stack in process (middleware, sessions, CSRF
off as for the test client, templates), measured from the client call to the response:
the time the server spends, without network or browser.

The bare view is requested without a session cookie, so it touches nothing: no session
is loaded and no query is made (checked here; the acting-navigator middleware would read
a resident's session). The minimal page reads a resident's session and renders the shell:
the cheapest real page. Submitting (choose three programs, answer their questions,
review, submit) is repeated --submissions times, counting the submit POST's queries
(the headline's `submit_queries` is the most any submission after the first made; the
first also creates the agencies' internal queues, and is `submit_queries_first`);
Celery messages go to an in-memory broker so only the request's own work is counted.
The bare view, the minimal page and the results page are requested in turns (one of
each, --requests times), so a change in the shared machine's load during the run weighs
on each alike and the headline ratio holds; the intake steps are timed one after another.
`--quick` (40 requests each, 3 submissions) runs the same comparisons in well under two
minutes. `--catalog` publishes the real programs instead of copies: the six demo programs
and the Washington starter catalog (programs/catalog/washington/), 26 in all. The last
line holds the headline figures as name=value pairs.
"""

import argparse
import copy
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

from bench.common import headline, machine_line, recreate_database, scratch_database  # noqa: E402
from bench.load_test import CHOSEN, FIELD_RE, PROGRAM_ANSWERS, TOKEN_RE  # noqa: E402


def bare(request):
    return HttpResponse("ok")


def minimal_page(request):
    """The cheapest real page: the session read and the accessible shell rendered."""
    from django.shortcuts import render

    request.session.get("applicants.applicant_id")
    return render(request, "base.html", {})


# This module doubles as the benchmark's URLconf (imported as bench.bench_journey once
# Django is set up): the portal plus one bare view.
if __name__ != "__main__":
    urlpatterns = [
        path("bench/bare/", bare),
        path("bench/page/", minimal_page),
        path("", include("civiportal.urls")),
    ]

INTAKE = {
    "about-you": {
        "applicant__name_0": "Ana",
        "applicant__name_2": "Díaz",
        "applicant__birth_date_0": "4",
        "applicant__birth_date_1": "12",
        "applicant__birth_date_2": "1990",
    },
    "contact": {
        "contact__email": "ana@example.org",
        "home__address_0": "100 Pine St",
        "home__address_2": "Seattle",
        "home__address_3": "WA",
        "home__address_4": "98101",
    },
    "household": {"household__size": "3"},
    "household-members": {},
    "income": {"income__monthly_gross": "2,100"},
}


def fifty_programs(count: int) -> dict:
    demo = json.loads((ROOT / "programs" / "demo" / "programs.json").read_text())
    programs = []
    for n in range(count):
        program = copy.deepcopy(demo["programs"][n % len(demo["programs"])])
        program["slug"] = f"{program['slug']}-{n}"
        program["name"] = f"{program['name']} {n}"
        programs.append(program)
    return {**demo, "programs": programs}


def catalog_programs() -> dict:
    """The six demo programs and the Washington starter catalog, as `load_demo` loads them."""
    from programs.documents.files import document_paths

    demo = json.loads((ROOT / "programs" / "demo" / "programs.json").read_text())
    catalog = [
        entry
        for path in document_paths(ROOT / "programs" / "catalog" / "washington")
        for entry in json.loads(path.read_text())["programs"]
    ]
    return {**demo, "programs": demo["programs"] + catalog}


def timed(call, repeat: int) -> list[float]:
    samples = []
    for _n in range(repeat):
        start = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), response.status_code
    return samples


def in_turns(calls: list, repeat: int) -> list[list[float]]:
    """`timed` for several requests, taken in turns (one of each, `repeat` times), so that
    a change in the machine's load during the run weighs on each alike and the ratios
    between them hold. Each is made once first, unmeasured, to warm what it caches."""
    for call in calls:
        call()
    samples: list[list[float]] = [[] for _call in calls]
    for _n in range(repeat):
        for sample, call in zip(samples, calls, strict=True):
            sample.extend(timed(call, 1))
    return samples


def p95(samples: list[float]) -> float:
    return sorted(samples)[int(0.95 * (len(samples) - 1))]


def chosen_slugs(programs: int) -> list[str]:
    """The load test's three programs, under the slugs `fifty_programs` gave them."""
    demo = json.loads((ROOT / "programs" / "demo" / "programs.json").read_text())
    order = [program["slug"] for program in demo["programs"]]
    slugs = [f"{slug}-{order.index(slug)}" for slug in CHOSEN]
    if order.index(CHOSEN[-1]) >= programs:
        sys.exit(f"--programs must be at least {len(order)}")
    return slugs


def resident():
    """A new guest resident's client, past the shared intake."""
    from django.test import Client

    client = Client()
    for step, values in INTAKE.items():
        data = {f"{step}-{k}": v for k, v in values.items()}
        data["intake_wizard-current_step"] = step
        assert client.post(f"/apply/intake/{step}/", data).status_code == 302, step
    return client


def submissions(count: int, slugs: list[str]) -> tuple[list[float], list[int]]:
    """Choose three programs, answer their questions, review and submit, `count` times,
    each time as a new resident (one resident may not apply twice while an application is
    open): (ms, queries) of each submit POST."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], []
    for _n in range(count):
        client = resident()
        response = client.post("/apply/results/", {"programs": slugs})
        assert response.status_code == 302, response.status_code
        location = client.get(response.headers["Location"]).headers.get("Location", "")
        while location.startswith("/apply/questions/"):
            html = client.get(location).content.decode()
            names = set(FIELD_RE.findall(html)) - {"csrfmiddlewaretoken"}
            answers = {n: PROGRAM_ANSWERS[n] for n in names if n in PROGRAM_ANSWERS}
            location = client.post(location, answers).headers.get("Location", "")
        assert location == "/apply/review/", location
        token = TOKEN_RE.search(client.get(location).content.decode()).group(1)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.post("/apply/review/", {"submit_token": token})
            times.append((time.perf_counter() - start) * 1000)
        assert response.headers["Location"].startswith("/apply/submitted/"), response
        queries.append(len(captured))
    return times, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="40 requests, 3 submissions")
    parser.add_argument(
        "--catalog", action="store_true", help="the 26 real programs instead of --programs copies"
    )
    args = parser.parse_args()
    if args.quick:
        args.requests, args.submissions = 40, 3

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/civiportal")
    name, url = scratch_database(base_url, suffix="bench_journey")
    admin_url = urlunparse(urlparse(base_url)._replace(path="/postgres"))
    recreate_database(admin_url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civiportal.settings")
    # Tasks are published to an in-memory broker and never run: a submission's time and
    # queries are the request's own.
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_RESULT_BACKEND"] = "cache+memory://"
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, setup_test_environment

        settings.ROOT_URLCONF = "bench.bench_journey"
        settings.DEBUG = False
        setup_test_environment()
        call_command("migrate", verbosity=0)
        from programs.services import program_document_import

        if args.catalog:
            document = catalog_programs()
            args.programs, slugs = len(document["programs"]), list(CHOSEN)
        else:
            document, slugs = fifty_programs(args.programs), chosen_slugs(args.programs)
        program_document_import(data=document, publish=True)

        client = resident()
        stranger = Client()  # no session cookie: the bare view loads no session
        with CaptureQueriesContext(connections["default"]) as bare_queries:
            bare_response = stranger.get("/bench/bare/")
        assert len(bare_queries) == 0, [q["sql"] for q in bare_queries]
        assert "Cookie" not in bare_response.get("Vary", ""), "the bare view used a session"
        rows = []
        for step in INTAKE:
            rows.append(
                (
                    f"intake step GET {step}",
                    timed(lambda s=step: client.get(f"/apply/intake/{s}/"), args.requests),
                )
            )
        income = {f"income-{k}": v for k, v in INTAKE["income"].items()}
        income["intake_wizard-current_step"] = "income"
        rows.append(
            (
                "intake step POST income",
                timed(lambda: client.post("/apply/intake/income/", income), args.requests),
            )
        )
        rows.append(
            ("intake review GET", timed(lambda: client.get("/apply/intake/review/"), args.requests))
        )
        # The headline's pages in turns: their ratio holds while the machine's load moves.
        # (The intake steps are not: visiting them in turns would move the wizard, and
        # write the session, on every request.)
        bare_ms, page_ms, results_ms = in_turns(
            [
                lambda: stranger.get("/bench/bare/"),
                lambda: client.get("/bench/page/"),
                lambda: client.get("/apply/results/"),
            ],
            args.requests,
        )
        rows = [
            ("bare Django view (same middleware, no session, no query)", bare_ms),
            ("minimal page (session + base.html)", page_ms),
            *rows,
            ("results page GET", results_ms),
        ]
        submit_ms, submit_queries = submissions(args.submissions, slugs)
        rows.append(("submit POST (3 programs)", submit_ms))

        bare_median = statistics.median(bare_ms)
        print(machine_line())
        print(
            f"{args.programs} published programs, {args.requests} requests each, "
            f"{args.submissions} submissions\n"
        )
        page_median = statistics.median(page_ms)
        print("| request | median ms | p95 ms | x minimal page | x bare view |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, samples in rows:
            median = statistics.median(samples)
            print(
                f"| {label} | {median:.2f} | {p95(samples):.2f} | {median / page_median:.1f} "
                f"| {median / bare_median:.1f} |"
            )
        print(f"\nsubmit POST queries: {', '.join(map(str, submit_queries))}")
        # The headline is the steady state: the first submission to an agency with no
        # channel yet also creates its internal queue, once per agency (reported apart).
        steady_queries = max(submit_queries[1:] or submit_queries)
        print(
            headline(
                {
                    "results/minimal": f"{statistics.median(results_ms) / page_median:.1f}",
                    "submit_queries": steady_queries,
                    "submit_queries_first": submit_queries[0],
                    "minimal_ms": f"{page_median:.2f}",
                    "results_ms": f"{statistics.median(results_ms):.2f}",
                    "submit_ms": f"{statistics.median(submit_ms):.1f}",
                    "submit_p95_ms": f"{p95(submit_ms):.1f}",
                    "bare_ms": f"{bare_median:.2f}",
                }
            )
        )
        for connection in connections.all():
            connection.close()
    finally:
        recreate_database(admin_url, name, drop_only=True)


if __name__ == "__main__":
    main()
