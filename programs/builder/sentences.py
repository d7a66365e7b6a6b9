"""What a rule means, in plain language, for the builder's live check and the version diff.

The resident sees the engine's reasons once answers are known; the admin building the rule
needs the rule itself read aloud: "Any of these: your household's total monthly income is at
or below 185% of the HHS poverty guidelines …". Labels come from the question bank in the
active language; anything these phrases cannot say (arithmetic) is described as a computed
value rather than shown as JSON.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from eligibility.engine.messages import format_list, format_money, subject_from_label

from .row_base import values_in_reading_order

OP_PHRASES = ("eq", "ne", "lt", "lte", "gt", "gte")


def _op_phrase(op: str) -> str:
    # Spelled out so that makemessages sees each phrase.
    return {
        "eq": _("{left} is {right}"),
        "ne": _("{left} is not {right}"),
        "lt": _("{left} is below {right}"),
        "lte": _("{left} is at or below {right}"),
        "gt": _("{left} is above {right}"),
        "gte": _("{left} is at or above {right}"),
    }[op]


class Describer:
    """Sentences for rules over `infos` (`{key: QuestionInfo}`) and `tables` (a TableSet)."""

    def __init__(self, infos: dict, tables) -> None:
        self.infos = infos
        self.tables = tables
        self.language = (get_language() or "en").split("-")[0]
        self.value_labels: dict[str, str] = {}  # the rule's named values, by their labels

    def lines(self, rule, empty: str = "") -> list[tuple[int, str]]:
        """`[(depth, sentence), ...]` in reading order; `empty` says what no rule means
        (by default: open to everyone)."""
        if isinstance(rule, dict):
            self.know_values(rule.get("values"))
        if not isinstance(rule, dict) or not [key for key in rule if key != "values"]:
            return [(0, empty or _("Everyone is eligible: this program has no rule."))]
        out: list[tuple[int, str]] = []
        self._node({k: v for k, v in rule.items() if k != "values"}, 0, out)
        return out

    def _node(self, node, depth: int, out: list) -> None:
        op = (
            next((key for key in node if key != "reason"), None) if isinstance(node, dict) else None
        )
        if op in ("all", "any") and isinstance(node[op], list):
            out.append(
                (depth, _("All of these are true:") if op == "all" else _("Any of these is true:"))
            )
            for child in node[op]:
                self._node(child, depth + 1, out)
            return
        if op == "not":
            out.append((depth, _("This is not true:")))
            self._node(node["not"], depth + 1, out)
            return
        out.append((depth, capfirst(self.condition(node, op))))

    def condition(self, node: dict, op: str | None) -> str:
        args = node.get(op) if op else None
        if op == "is_answered":
            return _("{left} is answered").format(left=self.question(args))
        if not isinstance(args, list) or not args:
            return _("a condition the builder cannot describe")
        left = self.operand(args[0])
        if op in ("in", "not_in"):
            items = [self.literal(args[0], item) for item in args[1]]
            phrase = (
                _("{left} includes {items}") if op == "in" else _("{left} includes none of {items}")
            )
            return phrase.format(left=left, items=format_list(items, self.language))
        if op == "between" and len(args) == 3:
            return _("{left} is between {low} and {high}").format(
                left=left, low=self.operand(args[1], args[0]), high=self.operand(args[2], args[0])
            )
        if op in OP_PHRASES and len(args) == 2:
            return _op_phrase(op).format(left=left, right=self.operand(args[1], args[0]))
        return _("a condition the builder cannot describe")

    # -- operands ----------------------------------------------------------------------------

    def question(self, key) -> str:
        info = self.infos.get(key)
        if info is None:
            return _("the answer to {key}").format(key=key)
        label = info.labels.get(self.language) or info.labels.get("en") or key
        return subject_from_label(label, self.language, mid_sentence=True)

    def literal(self, subject, value) -> str:
        key = subject.get("answer") if isinstance(subject, dict) else None
        info = self.infos.get(key)
        if info is not None and info.option_labels:
            labels = info.option_labels.get(self.language) or info.option_labels.get("en", {})
            if value in labels:
                return labels[value]
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)

    def operand(self, node, subject=None) -> str:
        if not isinstance(node, dict):
            return str(node)
        label = node.get("label")
        if isinstance(label, dict) and label.get("en"):
            return label.get(self.language) or label["en"]
        if "answer" in node:
            return self.question(node["answer"])
        if "age" in node:
            return _("the age from {question}").format(question=self.question(node["age"]))
        if "count" in node:
            return self.count(node)
        if "sum" in node:
            return _("the total {field} of {question}").format(
                field=str(node.get("field", "")).replace("_", " "),
                question=self.question(node["sum"]),
            )
        if "dollars" in node:
            return self.dollars(node["dollars"])
        if "value" in node:
            return self.literal(subject, node["value"])
        if "table" in node:
            return self.table(node)
        if "named" in node:
            label = self.value_labels.get(str(node["named"]))
            if label:
                return subject_from_label(label, self.language, mid_sentence=True)
            return str(node["named"]).replace("_", " ")
        return self.computed(node)

    def know_values(self, values) -> None:
        """Read `{"named": ...}` by the value's label, as residents' reasons do."""
        for name, node in (values or {}).items() if isinstance(values, dict) else ():
            label = node.get("label") if isinstance(node, dict) else None
            if isinstance(label, dict) and label.get("en"):
                self.value_labels[str(name)] = label.get(self.language) or label["en"]

    def computed(self, node: dict) -> str:
        """Arithmetic read aloud, inner parts in parentheses so that the order is plain."""

        def part(inner) -> str:
            text = self.operand(inner)
            computed = isinstance(inner, dict) and not inner.get("label") and _is_computed(inner)
            return f"({text})" if computed else text

        if "of" in node:
            return _("{percent}% of {part}").format(
                percent=node.get("percent", ""), part=part(node["of"])
            )
        if "round" in node:
            rounding = ROUNDING_TEXT.get(node.get("rounding") or "cent", "")
            return _("{part}, {rounding}").format(part=part(node["round"]), rounding=rounding)
        op = next((op for op in ARITHMETIC if isinstance(node.get(op), list)), None)
        if op is None:
            return _("a computed value")
        parts = [part(inner) for inner in node[op]]
        if op in ("min", "max"):
            phrase = _("the smallest of {parts}") if op == "min" else _("the largest of {parts}")
            return phrase.format(parts=format_list(parts, self.language))
        joiner = {
            "add": _(" plus "),
            "sub": _(" minus "),
            "mul": _(" times "),
            "div": _(" divided by "),
        }[op]
        return joiner.join(parts)

    def value_lines(self, values) -> list[str]:
        """One sentence per named value: "Net income is: income minus deductions"."""
        if not isinstance(values, dict):
            return []
        self.know_values(values)
        lines = []
        for name, node in values_in_reading_order(values):
            label = node.get("label") if isinstance(node, dict) else None
            title = (label.get(self.language) or label.get("en")) if isinstance(label, dict) else ""
            unlabelled = {k: v for k, v in node.items() if k != "label"} if label else node
            lines.append(
                _("{name} is: {expression}").format(
                    name=capfirst(title or str(name).replace("_", " ")),
                    expression=self.operand(unlabelled),
                )
            )
        return lines

    def dollars(self, amount) -> str:
        try:
            return format_money(round(float(amount) * 100), self.language)
        except (TypeError, ValueError):
            return str(amount)

    def count(self, node: dict) -> str:
        where = node.get("where")
        household = self.question(node["count"])
        if not isinstance(where, dict) or len(where) != 1:
            return _("the number of people in {question}").format(question=household)
        join = next(iter(where))
        comparisons = where[join] if join in ("all", "any") else [where]
        phrases = [self.member_comparison(c) for c in comparisons if isinstance(c, dict)]
        if not isinstance(comparisons, list) or not phrases or None in phrases:
            return _("the number of people in {question} who match a condition").format(
                question=household
            )
        joiner = _(" or ") if join == "any" else _(" and ")
        return _("the number of people in {question} {condition}").format(
            question=household, condition=joiner.join(phrases)
        )

    def member_comparison(self, comparison: dict) -> str | None:
        op, args = next(iter(comparison.items()), (None, None))
        if not isinstance(args, list) or len(args) != 2 or not isinstance(args[0], dict):
            return None
        member = args[0]
        field = str(member.get("member", member.get("member_age", ""))).replace("_", " ")
        subject = (
            _("whose age") if "member_age" in member else _("whose {field}").format(field=field)
        )
        if op in ("in", "not_in") and isinstance(args[1], list):
            items = format_list([str(item) for item in args[1]], self.language)
            phrase = _("{left} is one of {items}") if op == "in" else _("{left} is not {items}")
            return phrase.format(left=subject, items=items)
        if op not in OP_PHRASES:
            return None
        return _op_phrase(op).format(left=subject, right=self.operand(args[1]))

    def table(self, node: dict) -> str:
        table_id = node.get("table")
        periods = self.tables.periods(table_id) if table_id in self.tables.ids() else []
        title = periods[-1].title_in(self.language) if periods else str(table_id)
        parts = [_("{percent}% of {title}").format(percent=node.get("percent", 100), title=title)]
        if node.get("period"):
            parts.append(_("monthly") if node["period"] == "monthly" else _("yearly"))
        size = node.get("household_size")
        if isinstance(size, dict):
            parts.append(_("for a household of {size}").format(size=self.operand(size)))
        parts.append(self.when(node))
        if node.get("rounding") in ROUNDING_TEXT:
            parts.append(str(ROUNDING_TEXT[node["rounding"]]))
        return ", ".join(parts)

    def when(self, node: dict) -> str:
        if "year" in node:
            return _("as published in {year}").format(year=node["year"])
        when = node.get("in_effect_on")
        if isinstance(when, dict) and when.get("last"):
            return _("in effect on the last {day} (month-day) before screening").format(
                day=when["last"]
            )
        return _("in effect on the screening date")


ARITHMETIC = ("add", "sub", "mul", "div", "min", "max")


def _is_computed(node: dict) -> bool:
    return "of" in node or "round" in node or any(op in node for op in ARITHMETIC)


ROUNDING_TEXT = {
    "up_dollar": gettext_lazy("rounded up to the whole dollar"),
    "down_dollar": gettext_lazy("rounded down to the whole dollar"),
    "nearest_dollar": gettext_lazy("rounded to the nearest dollar"),
    "cent": gettext_lazy("rounded to the cent"),
}
