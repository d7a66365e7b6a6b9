import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import override

from eligibility import screening_io

OUTCOME_WORDS = {
    "eligible": "likely eligible",
    "ineligible": "likely not eligible",
    "unchecked": "could not be checked",
}


class Command(BaseCommand):
    help = "Screen answers from a JSON file against published programs (same as the API)."

    def add_arguments(self, parser):
        parser.add_argument("--answers", required=True, help="JSON file: {key: value, ...}")
        parser.add_argument("--program", action="append", dest="programs", metavar="SLUG")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--as-of", help="evaluation date, YYYY-MM-DD (default: today)")
        parser.add_argument("--language", default="en")

    def handle(self, *args, **options):
        path = Path(options["answers"])
        try:
            raw = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}", returncode=2) from None
        try:
            answers = screening_io.parse_json(raw)
            payload = {"answers": answers, "language": options["language"]}
            if options["programs"]:
                payload["programs"] = options["programs"]
            if options["as_of"]:
                payload["as_of"] = options["as_of"]
            parsed, results = screening_io.screen_request(payload)
        except screening_io.ScreeningInputError as error:
            lines = [f"{path}: {e['path'].replace('$.answers', '$', 1)}: {e['message']}"
                     for e in error.errors]  # fmt: skip
            raise CommandError("\n".join(lines), returncode=2) from None
        with override(parsed.language):
            body = screening_io.results_json(results, language=parsed.language, as_of=parsed.as_of)
        if options["format"] == "json":
            self.stdout.write(json.dumps(body, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"Screened as of {body['as_of']}")
        for result in body["results"]:
            outcome = OUTCOME_WORDS.get(result["outcome"], "need more information")
            self.stdout.write(f"{result['name']} ({result['slug']}): {outcome}")
            for reason in result["reasons"]:
                self.stdout.write(f"  - {reason}")
            for used in result["tables_used"]:
                self.stdout.write(
                    f"  figures used: {used['title']}, period from {used['effective_from']}"
                    + (f", in effect on {used['read_on']}" if used["read_on"] else "")
                    + f" ({used['source'].get('citation', '')})"
                )
            if result["missing"]:
                self.stdout.write(f"  missing answers: {', '.join(result['missing'])}")
            if result["estimated_value"]:
                value = result["estimated_value"]
                dollars = value["amount_cents"] / 100
                self.stdout.write(f"  estimated value: about ${dollars:,.0f} {value['period']}")
