"""One generated function per rule, language and outcome writing all of a result's reasons.

``Evaluation.reasons`` could call each deciding condition's sentence function in turn (see
``explain.py``); a call costs as much as a short sentence. This module writes, once per rule,
language and outcome, a function ``_reasons(D, S)`` (``D``: the deciders, every one a leaf
index; ``S``: the slots) that finds each decider's sentence by a binary search on its index
and writes it inline: a generated sentence's own lines (``sentence_code.SentenceSource``), a
remembered value's lookup, or, for the few sentences that stay closures, a call. The text is
the sentence functions' own, so no reason changes (``tests/eligibility/test_sentence_code.py``
compares the reasons with the closures').
"""

from __future__ import annotations

from itertools import count

_serial = count()


def reasons_functions(explainer, language: str) -> tuple:
    """Per outcome (ineligible, eligible), the function writing all of a result's reasons
    for ``explainer``'s rule (one without groups: every decider a leaf), built once per
    language and kept on the explainer."""
    found = explainer.reasons_by_language.get(language)
    if found is None:
        ineligible, eligible = explainer.sentences(language)
        found = (reasons_function(ineligible), reasons_function(eligible))
        explainer.reasons_by_language[language] = found
    return found


def reasons_function(formatters: list):
    """``_reasons(D, S)`` for a rule's sentence ``formatters`` (per item, None for a group; see
    ``Explainer.formatters``), for rules whose deciders are all leaves."""
    serial = next(_serial)
    namespace: dict[str, object] = {}
    bodies: dict[int, list[str]] = {}
    for index, sentence in enumerate(formatters):
        if sentence is None:
            continue
        source = getattr(sentence, "source", None)
        if sentence.__class__ is tuple:  # a remembered value: (texts, slot)
            name = f"_T{serial}_{index}"
            namespace[name] = sentence[0]
            bodies[index] = [f"out.append({name}[S[{sentence[1]}]])"]
        elif source is not None:  # a generated sentence: its lines, ending in an append
            namespace.update(source.namespace)
            lines = [line[4:] for line in source.body]  # its own indent of one level
            bodies[index] = [*lines, f"out.append({source.result})"]
        else:
            name = f"_F{serial}_{index}"
            namespace[name] = sentence
            bodies[index] = [f"out.append({name}(S))"]
    lines = ["def _reasons(D, S):", "    out = []", "    for i in D:"]
    lines.extend(_search(sorted(bodies), bodies, 2))
    lines.append("    return out")
    code = compile("\n".join(lines) + "\n", f"<eligibility-reasons-{serial}>", "exec")
    exec(code, namespace)  # noqa: S102 - generated from a checked rule, texts are repr()'d
    return namespace["_reasons"]


def _search(indexes: list[int], bodies: dict[int, list[str]], indent: int) -> list[str]:
    """Lines running the body of the one of ``indexes`` that ``i`` is (it is one of them)."""
    pad = "    " * indent
    if not indexes:  # a rule of groups only never comes here; kept valid Python all the same
        return [f"{pad}pass"]
    if len(indexes) == 1:
        return [pad + line for line in bodies[indexes[0]]]
    middle = len(indexes) // 2
    return [
        f"{pad}if i < {indexes[middle]}:",
        *_search(indexes[:middle], bodies, indent + 1),
        f"{pad}else:",
        *_search(indexes[middle:], bodies, indent + 1),
    ]
