"""A small IAM policy evaluator for identity policies (no network, no moto).

Enough of IAM's evaluation logic to prove that the Lambda role allows exactly the calls the
app makes:

- ``Effect`` Allow/Deny; an explicit Deny wins, no matching Allow is an implicit deny;
- ``Action``/``NotAction`` with wildcards (``s3:Get*``, ``*``), case-insensitive;
- ``Resource``/``NotResource`` with wildcards (``arn:aws:s3:::bucket/*``,
  ``table/name/index/*``), case-sensitive, ``*`` crosses ``/`` and ``:`` as in IAM;
- ``Condition`` operators: String*, Arn*, Bool, Null, Numeric*, the ``...IfExists`` forms,
  and the ``ForAnyValue:``/``ForAllValues:`` set prefixes. An operator this module does not
  know raises :class:`UnsupportedPolicy` (a policy the check cannot judge must not pass).

Policy variables (``${aws:username}``) are refused the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache


class UnsupportedPolicy(ValueError):
    """The policy uses something this evaluator does not implement."""


@dataclass(frozen=True)
class Request:
    """One authorisation request: one action on one resource, with its condition context."""

    action: str
    resource: str
    context: dict = field(default_factory=dict, compare=False, hash=False)

    def __str__(self):
        ctx = "".join(f" {k}={v!r}" for k, v in sorted(self.context.items()) if not k.startswith("aws:"))
        return f"{self.action} on {self.resource}{ctx}"


@dataclass
class Decision:
    allowed: bool
    reason: str  # "allowed", "explicit deny", "implicit deny"
    matched: list = field(default_factory=list)  # [(statement index, sid)] of matching Allow statements


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


@lru_cache(maxsize=4096)
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern:
    if "${" in pattern:
        raise UnsupportedPolicy(f"policy variables are not supported: {pattern!r}")
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(rf"\A{regex}\Z", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    return bool(_wildcard(pattern, ignore_case).match(value))


def action_matches(pattern: str, action: str) -> bool:
    return wildcard_match(pattern, action, ignore_case=True)


def resource_matches(pattern: str, resource: str) -> bool:
    return wildcard_match(pattern, resource)


def _arn_like(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated parts is matched on its own."""
    p_parts, v_parts = pattern.split(":", 5), value.split(":", 5)
    if len(p_parts) != 6 or len(v_parts) != 6:
        return False
    return all(wildcard_match(p, v) for p, v in zip(p_parts, v_parts, strict=True))


def _bool(value) -> str:
    return str(value).lower()


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise UnsupportedPolicy(f"not a number in a Numeric condition: {value!r}") from None


# name -> (match(policy value, context value) -> bool, negated)
_MATCHERS = {
    "StringEquals": (lambda p, v: str(p) == str(v), False),
    "StringNotEquals": (lambda p, v: str(p) == str(v), True),
    "StringEqualsIgnoreCase": (lambda p, v: str(p).lower() == str(v).lower(), False),
    "StringNotEqualsIgnoreCase": (lambda p, v: str(p).lower() == str(v).lower(), True),
    "StringLike": (lambda p, v: wildcard_match(str(p), str(v)), False),
    "StringNotLike": (lambda p, v: wildcard_match(str(p), str(v)), True),
    "ArnEquals": (lambda p, v: _arn_like(str(p), str(v)), False),
    "ArnLike": (lambda p, v: _arn_like(str(p), str(v)), False),
    "ArnNotEquals": (lambda p, v: _arn_like(str(p), str(v)), True),
    "ArnNotLike": (lambda p, v: _arn_like(str(p), str(v)), True),
    "Bool": (lambda p, v: _bool(p) == _bool(v), False),
    "NumericEquals": (lambda p, v: _number(v) == _number(p), False),
    "NumericNotEquals": (lambda p, v: _number(v) == _number(p), True),
    "NumericLessThan": (lambda p, v: _number(v) < _number(p), False),
    "NumericLessThanEquals": (lambda p, v: _number(v) <= _number(p), False),
    "NumericGreaterThan": (lambda p, v: _number(v) > _number(p), False),
    "NumericGreaterThanEquals": (lambda p, v: _number(v) >= _number(p), False),
}


def _context_get(context: dict, key: str):
    """Condition keys are case-insensitive."""
    if key in context:
        return True, context[key]
    lowered = key.lower()
    for k, v in context.items():
        if k.lower() == lowered:
            return True, v
    return False, None


def condition_matches(condition: dict, context: dict) -> bool:
    """All operators and all keys must match (AND); the values of one key are ORed."""
    for operator, keys in (condition or {}).items():
        if not isinstance(keys, dict):
            raise UnsupportedPolicy(f"condition {operator!r} is not a mapping of keys")
        for key, values in keys.items():
            if not _one_condition(operator, key, _as_list(values), context):
                return False
    return True


def _one_condition(operator: str, key: str, values: list, context: dict) -> bool:
    present, actual = _context_get(context, key)
    set_op = None
    if ":" in operator:
        set_op, operator = operator.split(":", 1)
        if set_op not in ("ForAnyValue", "ForAllValues"):
            raise UnsupportedPolicy(f"unknown condition set operator {set_op!r}")
    if operator == "Null":
        if set_op:
            raise UnsupportedPolicy(f"{set_op}:Null is not supported")
        want_missing = _bool(values[0]) == "true" if values else True
        return (not present or actual is None) == want_missing
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[: -len("IfExists")]
    if operator not in _MATCHERS:
        raise UnsupportedPolicy(f"unknown condition operator {operator!r} (key {key!r})")
    match, negated = _MATCHERS[operator]

    if set_op:
        actual_values = _as_list(actual) if present else []
        if set_op == "ForAllValues":
            # True when every value of the request matches (also when there is none).
            return all(_single(match, negated, values, v) for v in actual_values)
        return any(_single(match, negated, values, v) for v in actual_values)

    if not present or actual is None:
        # A missing key fails a condition, except under ...IfExists and negated operators.
        return if_exists or negated
    if isinstance(actual, (list, tuple)):
        # A multivalued key under a single-valued operator: IAM compares... nothing useful.
        raise UnsupportedPolicy(f"{operator} on the multivalued key {key!r} needs ForAnyValue/ForAllValues")
    return _single(match, negated, values, actual)


def _single(match, negated: bool, values: list, actual) -> bool:
    hit = any(match(p, actual) for p in values)
    return not hit if negated else hit


# --------------------------------------------------------------------------- statements
def _statements(policy: dict) -> list[dict]:
    statements = policy.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def _check_statement(st: dict) -> None:
    known = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
    unknown = set(st) - known
    if unknown:
        raise UnsupportedPolicy(f"statement {st.get('Sid')!r} has unsupported elements {sorted(unknown)}")
    if st.get("Effect") not in ("Allow", "Deny"):
        raise UnsupportedPolicy(f"statement {st.get('Sid')!r} has Effect {st.get('Effect')!r}")
    if ("Action" in st) == ("NotAction" in st):
        raise UnsupportedPolicy(f"statement {st.get('Sid')!r} needs exactly one of Action/NotAction")
    if ("Resource" in st) == ("NotResource" in st):
        raise UnsupportedPolicy(f"statement {st.get('Sid')!r} needs exactly one of Resource/NotResource")


def statement_applies(st: dict, request: Request) -> bool:
    _check_statement(st)
    if "Action" in st:
        if not any(action_matches(p, request.action) for p in _as_list(st["Action"])):
            return False
    elif any(action_matches(p, request.action) for p in _as_list(st["NotAction"])):
        return False
    if "Resource" in st:
        if not any(resource_matches(p, request.resource) for p in _as_list(st["Resource"])):
            return False
    elif any(resource_matches(p, request.resource) for p in _as_list(st["NotResource"])):
        return False
    return condition_matches(st.get("Condition"), request.context)


class PolicySet:
    """The identity policies of one role: evaluates requests and remembers what was used."""

    def __init__(self, documents: list[dict]):
        self.statements: list[tuple[int, dict]] = []
        for document in documents:
            for st in _statements(document):
                _check_statement(st)
                self.statements.append((len(self.statements), st))
        # (statement index, action pattern) and (statement index, resource pattern) seen used
        self.used_actions: set[tuple[int, str]] = set()
        self.used_resources: set[tuple[int, str]] = set()

    def evaluate(self, request: Request) -> Decision:
        allows, denied = [], False
        for i, st in self.statements:
            if statement_applies(st, request):
                if st["Effect"] == "Deny":
                    denied = True
                else:
                    allows.append((i, st))
        if denied:
            return Decision(False, "explicit deny")
        if not allows:
            return Decision(False, "implicit deny")
        for i, st in allows:
            for p in _as_list(st.get("Action")):
                if action_matches(p, request.action):
                    self.used_actions.add((i, p))
            for p in _as_list(st.get("Resource")):
                if resource_matches(p, request.resource):
                    self.used_resources.add((i, p))
        return Decision(True, "allowed", [(i, st.get("Sid")) for i, st in allows])

    def unused(self, *, ignore_actions=()) -> list[dict]:
        """Allow grants no evaluated request used: per statement, actions and resources.

        ``ignore_actions``: patterns of actions used by AWS services on the role's behalf
        (Lambda writing logs), which no recorder in the app can see.
        """
        out = []
        for i, st in self.statements:
            if st["Effect"] != "Allow" or "Action" not in st or "Resource" not in st:
                continue
            actions = [
                p
                for p in _as_list(st["Action"])
                if (i, p) not in self.used_actions and not any(action_matches(ig, p) for ig in ignore_actions)
            ]
            if not actions and all(
                any(action_matches(ig, p) for ig in ignore_actions) for p in _as_list(st["Action"])
            ):
                continue  # a statement only for AWS-side use
            resources = [p for p in _as_list(st["Resource"]) if (i, p) not in self.used_resources]
            if actions or resources:
                out.append({"sid": st.get("Sid") or f"#{i}", "actions": actions, "resources": resources})
        return out


def evaluate(documents: list[dict], request: Request) -> Decision:
    return PolicySet(documents).evaluate(request)


__all__ = [
    "Decision",
    "PolicySet",
    "Request",
    "UnsupportedPolicy",
    "action_matches",
    "condition_matches",
    "evaluate",
    "resource_matches",
    "wildcard_match",
]
