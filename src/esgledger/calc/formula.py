"""Derived metrics: a small, safe, unit-aware formula language.

A formula such as ``energy.total_tce / production.reo`` is read by a
hand-written tokenizer and a Pratt (precedence-climbing) parser into a tiny
tree of frozen dataclasses; nothing is ever passed to ``eval``. A hand-written
parser was chosen over Python's ``ast`` because metric codes are dotted names
(``ghg.scope1.co2``) that ``ast`` would read as attribute chains, because the
grammar is five rules long, and because it gives exact error columns.

Grammar (lowest to highest precedence)::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := "-" unary | "+" unary | primary
    primary := NUMBER | CODE | NAME "(" [expr ("," expr)*] ")" | "(" expr ")"

Functions: ``prev(x)`` (x in the previous period), ``yoy(x)`` (``x/prev(x) - 1``),
``sum``, ``min``, ``max``, ``safe_div(a, b[, fallback])``, ``coalesce(a, ...)``.

Values carry units through :mod:`esgledger.units`: ``tce / t`` is a valid
intensity and a :class:`Definition` may ask for it in ``kgce/tREO``. A result
that cannot be computed (division by zero, missing input, no previous period)
has ``value=None`` and a ``reason``; malformed formulas, unknown references,
cycles and unit mismatches raise :class:`~esgledger.errors.FormulaError`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from esgledger.errors import FormulaError, UnitError
from esgledger.units import parse_unit, registry

__all__ = [
    "FUNCTIONS",
    "Bin",
    "Call",
    "Definition",
    "Formula",
    "Neg",
    "Node",
    "Num",
    "Ref",
    "Result",
    "Value",
    "evaluate",
    "order",
    "parse",
    "to_text",
]

#: Function name → (minimum, maximum) number of arguments (None: no maximum).
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "coalesce": (1, None),
    "max": (1, None),
    "min": (1, None),
    "prev": (1, 1),
    "safe_div": (2, 3),
    "sum": (1, None),
    "yoy": (1, 1),
}
_PERIOD_FUNCTIONS = frozenset({"prev", "yoy"})


# --- the tree -----------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    """A number literal (never negative: a minus sign is a :class:`Neg`)."""

    value: float


@dataclass(frozen=True)
class Ref:
    """A reference to a metric or indicator code."""

    code: str


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node


@dataclass(frozen=True)
class Bin:
    """A binary operation: ``+``, ``-``, ``*`` or ``/``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """A function call."""

    name: str
    args: tuple[Node, ...]


Node = Num | Ref | Neg | Bin | Call


# --- public data ----------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """A number with its unit (any unit :func:`esgledger.units.parse_unit` reads)."""

    value: float
    unit: str


@dataclass(frozen=True)
class Definition:
    """A derived metric: its formula and, optionally, the unit of its result."""

    formula: str
    unit: str | None = None


@dataclass(frozen=True)
class Result:
    """The value of one derived metric; ``value`` is None when not computable."""

    code: str
    value: float | None
    unit: str
    formula: str
    inputs: tuple[str, ...]
    reason: str | None = None


@dataclass(frozen=True)
class Formula:
    """A parsed formula. ``str(formula)`` is canonical text that parses back to it."""

    text: str
    root: Node
    name: str | None = None
    references: frozenset[str] = field(default=frozenset())
    previous_references: frozenset[str] = field(default=frozenset())

    def __str__(self) -> str:
        return to_text(self.root)


# --- tokenizer --------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)
  | (?P<op>[-+*/(),])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # number | name | op | end
    text: str
    col: int  # 1-based


def _label(text: str, name: str | None) -> str:
    return f"formula {name!r}" if name else f"formula {text!r}"


def _tokens(text: str, name: str | None) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise FormulaError(
                f"{_label(text, name)}: unexpected character {text[pos]!r} "
                f"at column {pos + 1} of {text!r}"
            )
        kind = m.lastgroup or ""
        if kind != "space":
            out.append(_Token(kind, m.group(), pos + 1))
        pos = m.end()
    out.append(_Token("end", "", len(text) + 1))
    return out


# --- parser -----------------------------------------------------------------------

_BINARY = {"+": 10, "-": 10, "*": 20, "/": 20}


class _Parser:
    def __init__(self, text: str, name: str | None) -> None:
        self.text = text
        self.name = name
        self.tokens = _tokens(text, name)
        self.i = 0

    def error(self, token: _Token, what: str) -> FormulaError:
        shown = "end of formula" if token.kind == "end" else repr(token.text)
        return FormulaError(
            f"{_label(self.text, self.name)}: {what}, got {shown} "
            f"at column {token.col} of {self.text!r}"
        )

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text or token.kind != "op":
            raise self.error(token, f"expected {text!r}")

    def parse(self) -> Node:
        node = self.expr(0)
        token = self.peek()
        if token.kind != "end":
            raise self.error(token, "expected an operator or the end of the formula")
        return node

    def expr(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            prec = _BINARY.get(token.text) if token.kind == "op" else None
            if prec is None or prec <= min_prec:
                return left
            self.take()
            right = self.expr(prec)  # left-associative: the right side binds tighter
            left = Bin(token.text, left, right)

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "op" and token.text in "+-":
            self.take()
            operand = self.unary()
            return Neg(operand) if token.text == "-" else operand
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return Num(float(token.text))
        if token.kind == "name":
            if self.peek().text == "(" and self.peek().kind == "op":
                return self.call(token)
            return Ref(token.text)
        if token.kind == "op" and token.text == "(":
            node = self.expr(0)
            self.expect(")")
            return node
        raise self.error(token, "expected a number, a metric code, a function or '('")

    def call(self, token: _Token) -> Node:
        name = token.text
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise FormulaError(
                f"{_label(self.text, self.name)}: unknown function {name!r} "
                f"at column {token.col} (known: {known})"
            )
        self.expect("(")
        args: list[Node] = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            args.append(self.expr(0))
            while self.peek().kind == "op" and self.peek().text == ",":
                self.take()
                args.append(self.expr(0))
        self.expect(")")
        lo, hi = FUNCTIONS[name]
        if len(args) < lo or (hi is not None and len(args) > hi):
            want = f"exactly {lo}" if lo == hi else f"{lo} to {hi}" if hi else f"at least {lo}"
            raise FormulaError(
                f"{_label(self.text, self.name)}: {name}() takes {want} "
                f"argument{'s' if (hi or lo) != 1 else ''}, got {len(args)}"
            )
        if name in _PERIOD_FUNCTIONS and not isinstance(args[0], Ref):
            raise FormulaError(
                f"{_label(self.text, self.name)}: {name}() takes a metric code, "
                f"got {to_text(args[0])!r}"
            )
        return Call(name, tuple(args))


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Neg):
        yield from _walk(node.operand)
    elif isinstance(node, Bin):
        yield from _walk(node.left)
        yield from _walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _walk(arg)


def parse(text: str, *, name: str | None = None) -> Formula:
    """Parse ``text``; ``name`` (the metric it defines) appears in error messages."""
    if not text.strip():
        raise FormulaError(f"{_label(text, name)} is empty")
    root = _Parser(text, name).parse()
    refs = frozenset(n.code for n in _walk(root) if isinstance(n, Ref))
    prev = frozenset(
        arg.code
        for n in _walk(root)
        if isinstance(n, Call) and n.name in _PERIOD_FUNCTIONS
        for arg in n.args
        if isinstance(arg, Ref)
    )
    return Formula(text, root, name, refs, prev)


def _current_refs(node: Node) -> Iterator[Ref]:
    """References evaluated in the current period (``yoy`` needs both)."""
    if isinstance(node, Ref):
        yield node
    elif isinstance(node, Neg):
        yield from _current_refs(node.operand)
    elif isinstance(node, Bin):
        yield from _current_refs(node.left)
        yield from _current_refs(node.right)
    elif isinstance(node, Call) and node.name != "prev":
        for arg in node.args:
            yield from _current_refs(arg)


# --- printer ------------------------------------------------------------------------


def _prec(node: Node) -> int:
    if isinstance(node, Bin):
        return _BINARY[node.op]
    if isinstance(node, Neg):
        return 30
    return 40


def _num_text(value: float) -> str:
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    if "inf" in text or "nan" in text:
        raise FormulaError(f"cannot print the number {value!r} in a formula")
    return text


def to_text(node: Node) -> str:
    """Canonical text of a tree, with only the parentheses it needs."""
    if isinstance(node, Num):
        return _num_text(node.value)
    if isinstance(node, Ref):
        return node.code
    if isinstance(node, Neg):
        inner = to_text(node.operand)
        return f"-({inner})" if _prec(node.operand) < 30 else f"-{inner}"
    if isinstance(node, Bin):
        p = _BINARY[node.op]
        left = to_text(node.left)
        right = to_text(node.right)
        if _prec(node.left) < p:
            left = f"({left})"
        if _prec(node.right) <= p:
            right = f"({right})"
        return f"{left} {node.op} {right}"
    return f"{node.name}({', '.join(to_text(a) for a in node.args)})"


# --- dependency order ---------------------------------------------------------------


def _as_definition(item: str | Definition) -> Definition:
    return item if isinstance(item, Definition) else Definition(item)


def _parse_all(definitions: Mapping[str, str | Definition]) -> dict[str, Formula]:
    return {
        code: parse(_as_definition(item).formula, name=code) for code, item in definitions.items()
    }


def _order(formulas: Mapping[str, Formula], known: Collection[str]) -> list[str]:
    for code, formula in formulas.items():
        unknown = sorted(r for r in formula.references if r not in formulas and r not in known)
        if unknown:
            refs = ", ".join(repr(r) for r in unknown)
            plural = "s" if len(unknown) > 1 else ""
            raise FormulaError(
                f"formula {code!r} ({formula.text}): unknown reference{plural} {refs}",
                hint="a reference must be another derived metric, an indicator or a metric code",
            )
    done: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = [*path[path.index(code) :], code]
            raise FormulaError(
                f"formula {cycle[0]!r} is part of a cycle: {' -> '.join(cycle)}",
                hint="use prev(x) to refer to the previous period's value",
            )
        state[code] = 1
        deps = sorted(r.code for r in _current_refs(formulas[code].root) if r.code in formulas)
        for dep in deps:
            visit(dep, [*path, code])
        state[code] = 2
        done.append(code)

    for code in sorted(formulas):
        visit(code, [])
    return done


def order(definitions: Mapping[str, str | Definition], known: Collection[str] = ()) -> list[str]:
    """The codes of ``definitions`` in dependency order (dependencies first).

    Raises FormulaError for a reference that is neither a definition nor in
    ``known`` (naming the formula), and for a cycle (naming its path).
    References inside ``prev()`` are to the previous period and never form a cycle.
    """
    return _order(_parse_all(definitions), known)


# --- evaluation --------------------------------------------------------------------


class _NotComputable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _quantity(item: Value | tuple[float, str]) -> Any:
    value, unit = (item.value, item.unit) if isinstance(item, Value) else item
    return float(value) * parse_unit(unit)


def _unit_text(q: Any) -> str:
    text = format(q.units, "~")
    return text or "dimensionless"


def _is_zero_literal(node: Node) -> bool:
    return isinstance(node, Num) and node.value == 0


class _Context:
    def __init__(
        self,
        formulas: Mapping[str, Formula],
        defs: Mapping[str, Definition],
        values: Mapping[str, Value | tuple[float, str]],
        previous: _Context | None,
    ) -> None:
        self.formulas = formulas
        self.defs = defs
        self.values = values
        self.previous = previous
        self.cache: dict[str, Any] = {}  # code -> quantity or _NotComputable

    def lookup(self, code: str) -> Any:
        if code in self.values:
            try:
                return _quantity(self.values[code])
            except UnitError as exc:
                raise UnitError(f"the value of {code}: {exc.message}") from None
        if code in self.formulas:
            got = self.derived(code)
            if isinstance(got, _NotComputable):
                raise _NotComputable(f"{code} is not computable ({got.reason})")
            return got
        raise _NotComputable(f"no value for {code}")

    def derived(self, code: str) -> Any:
        if code not in self.cache:
            formula = self.formulas[code]
            try:
                q = self.node(formula.root, formula)
                unit = self.defs[code].unit
                if unit is not None:
                    q = self.to_unit(q, unit, formula)
                self.cache[code] = q
            except _NotComputable as exc:
                self.cache[code] = exc
        return self.cache[code]

    def to_unit(self, q: Any, unit: str, formula: Formula) -> Any:
        """``q`` converted to the units of ``unit`` (the caller divides by its multiplier)."""
        try:
            target = parse_unit(unit)
        except UnitError as exc:
            raise FormulaError(f"formula {formula.name!r}: {exc.message}") from None
        if q.dimensionality != target.dimensionality:
            raise FormulaError(
                f"formula {formula.name!r} ({formula.text}) gives {_unit_text(q)}, "
                f"which cannot be expressed in {unit}"
            )
        return q.to(target.units)

    def unit_error(self, formula: Formula, what: str, a: Any, b: Any) -> FormulaError:
        return FormulaError(
            f"formula {formula.name or formula.text!r} ({formula.text}): "
            f"cannot {what} {_unit_text(a)} and {_unit_text(b)}"
        )

    def combine(self, a: Any, b: Any, an: Node, bn: Node, formula: Formula, what: str) -> Any:
        """Bring ``b`` into ``a``'s unit for +, -, min, max (a literal 0 adopts the other)."""
        if a.dimensionality == b.dimensionality:
            return a, b.to(a.units)
        if _is_zero_literal(bn):
            return a, a * 0
        if _is_zero_literal(an):
            return b * 0, b
        raise self.unit_error(formula, what, a, b)

    def node(self, node: Node, formula: Formula) -> Any:
        if isinstance(node, Num):
            return registry().Quantity(node.value, "dimensionless")
        if isinstance(node, Ref):
            return self.lookup(node.code)
        if isinstance(node, Neg):
            return -self.node(node.operand, formula)
        if isinstance(node, Bin):
            a = self.node(node.left, formula)
            b = self.node(node.right, formula)
            if node.op in "+-":
                what = "add" if node.op == "+" else "subtract"
                a, b = self.combine(a, b, node.left, node.right, formula, what)
                return a + b if node.op == "+" else a - b
            if node.op == "*":
                return a * b
            if b.magnitude == 0:
                divisor = "" if isinstance(node.right, Num) else f" ({to_text(node.right)} is 0)"
                raise _NotComputable(f"division by zero{divisor}")
            return a / b
        return self.call(node, formula)

    def call(self, node: Call, formula: Formula) -> Any:
        name, args = node.name, node.args
        if name == "prev":
            return self.prev(args[0], formula)
        if name == "yoy":
            now = self.node(args[0], formula)
            before = self.prev(args[0], formula).to(now.units)
            if before.magnitude == 0:
                raise _NotComputable(f"division by zero (prev({to_text(args[0])}) is 0)")
            return (now / before).to("dimensionless") - 1
        if name == "coalesce":
            reasons = []
            for arg in args:
                try:
                    return self.node(arg, formula)
                except _NotComputable as exc:
                    reasons.append(exc.reason)
            raise _NotComputable("; ".join(reasons))
        if name == "safe_div":
            a = self.node(args[0], formula)
            b = self.node(args[1], formula)
            if b.magnitude != 0:
                return a / b
            per = a / b.units  # the unit (and dimension) a / b would have
            if len(args) < 3:
                return registry().Quantity(0.0, per.units)
            fallback = self.node(args[2], formula)
            if fallback.dimensionless and not per.dimensionless:
                return registry().Quantity(float(fallback.to("dimensionless").magnitude), per.units)
            if fallback.dimensionality != per.dimensionality:
                raise self.unit_error(formula, "use as a fallback", fallback, per)
            return fallback.to(per.units)
        # sum, min, max: a literal 0 adopts the unit of the others
        qs = [self.node(arg, formula) for arg in args]
        real = [(q, arg) for q, arg in zip(qs, args, strict=True) if not _is_zero_literal(arg)]
        if not real:
            return registry().Quantity(0.0, "dimensionless")
        first = real[0][0]
        for q, _arg in real[1:]:
            if q.dimensionality != first.dimensionality:
                raise self.unit_error(formula, f"combine in {name}()", first, q)
        unit = first.units
        mags = [float(q.to(unit).magnitude) for q, _arg in real]
        if len(real) < len(qs):
            mags.append(0.0)
        picks: dict[str, Callable[[list[float]], float]] = {
            "sum": math.fsum,
            "min": min,
            "max": max,
        }
        return registry().Quantity(picks[name](mags), unit)

    def prev(self, arg: Node, formula: Formula) -> Any:
        assert isinstance(arg, Ref)
        if self.previous is None:
            raise _NotComputable(f"no previous period for prev({arg.code})")
        try:
            return self.previous.lookup(arg.code)
        except _NotComputable as exc:
            raise _NotComputable(f"previous period: {exc.reason}") from None


def evaluate(
    definitions: Mapping[str, str | Definition],
    values: Mapping[str, Value | tuple[float, str]],
    *,
    previous: Mapping[str, Value | tuple[float, str]] | None = None,
    known: Collection[str] = (),
) -> dict[str, Result]:
    """Evaluate every definition over ``values`` (and ``previous`` for ``prev``/``yoy``).

    A reference must be a definition, a key of ``values`` or ``previous``, or
    in ``known``; a known code without a value makes the result not computable
    (``value=None`` with a ``reason``) rather than an error. Results are in
    dependency order.
    """
    formulas = _parse_all(definitions)
    defs = {code: _as_definition(item) for code, item in definitions.items()}
    names = set(known) | set(values) | set(previous or ())
    codes = _order(formulas, names)
    before = _Context(formulas, defs, previous, None) if previous is not None else None
    ctx = _Context(formulas, defs, values, before)
    out: dict[str, Result] = {}
    for code in codes:
        formula = formulas[code]
        got = ctx.derived(code)
        inputs = tuple(sorted(formula.references))
        unit = defs[code].unit
        if isinstance(got, _NotComputable):
            out[code] = Result(code, None, unit or "", formula.text, inputs, got.reason)
            continue
        if unit is None:
            got = got.to_reduced_units()
            if got.dimensionless:
                got = got.to("dimensionless")
        magnitude = float(got.magnitude)
        if unit is not None:
            magnitude /= float(parse_unit(unit).magnitude)
        if not math.isfinite(magnitude):
            out[code] = Result(
                code, None, unit or _unit_text(got), formula.text, inputs, "result is not finite"
            )
            continue
        out[code] = Result(code, magnitude, unit or _unit_text(got), formula.text, inputs)
    return out
