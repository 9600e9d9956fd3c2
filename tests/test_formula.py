"""Tests for the derived-metric formula language (esgledger.calc.formula)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esgledger.calc.formula import (
    Bin,
    Call,
    Definition,
    Neg,
    Num,
    Ref,
    Value,
    evaluate,
    order,
    parse,
    to_text,
)
from esgledger.errors import FormulaError
from esgledger.units import convert


def test_parse_references_and_tree() -> None:
    f = parse("energy.total_tce / production.reo")
    assert f.references == {"energy.total_tce", "production.reo"}
    assert f.root == Bin("/", Ref("energy.total_tce"), Ref("production.reo"))


def test_precedence_and_associativity() -> None:
    assert parse("a + b * c").root == Bin("+", Ref("a"), Bin("*", Ref("b"), Ref("c")))
    assert parse("a - b - c").root == Bin("-", Bin("-", Ref("a"), Ref("b")), Ref("c"))
    assert parse("a / b / c").root == Bin("/", Bin("/", Ref("a"), Ref("b")), Ref("c"))
    assert parse("-a * b").root == Bin("*", Neg(Ref("a")), Ref("b"))
    assert parse("(a + b) * c").root == Bin("*", Bin("+", Ref("a"), Ref("b")), Ref("c"))
    assert parse("sum(a, 2) ").root == Call("sum", (Ref("a"), Num(2.0)))


def test_numbers_evaluate_with_precedence() -> None:
    r = evaluate({"x": "2 + 3 * 4 - 10 / 4 / 5", "y": "-(2 - 5) * 2"}, {})
    # 2 + 12 - (10 / 4) / 5 = 14 - 0.5 = 13.5 ; -(-3) * 2 = 6
    assert r["x"].value == pytest.approx(13.5)
    assert r["y"].value == pytest.approx(6.0)
    assert r["x"].unit == "dimensionless"


def test_intensity_in_kgce_per_treo() -> None:
    # 38,000 tce over 12,500 t REO = 3.04 tce/t = 3,040 kgce/tREO
    # (1 tce = 1,000 kgce, GB/T 2589-2020)
    defs = {
        "intensity.energy_per_treo": Definition("energy.total_tce / production.reo", "kgce/tREO")
    }
    r = evaluate(defs, {"energy.total_tce": Value(38_000, "tce"), "production.reo": (12_500, "t")})
    res = r["intensity.energy_per_treo"]
    assert res.unit == "kgce/tREO"
    assert res.value == pytest.approx(38_000 * 1000 / 12_500)
    assert res.inputs == ("energy.total_tce", "production.reo")
    assert res.reason is None


def test_units_carry_through_addition() -> None:
    # 1 MWh + 500 kWh = 1.5 MWh (1 MWh = 1,000 kWh)
    r = evaluate(
        {"e": "a + b", "g": Definition("a + b", "GJ")}, {"a": (1, "MWh"), "b": (500, "kWh")}
    )
    assert r["e"].unit == "MWh"
    assert r["e"].value == pytest.approx(1.5)
    # 1.5 MWh × 3.6 GJ/MWh = 5.4 GJ
    assert r["g"].value == pytest.approx(5.4)


def test_derived_without_unit_keeps_compound_unit() -> None:
    r = evaluate({"x": "fuel / prod"}, {"fuel": (3, "tce"), "prod": (2, "t")})
    assert r["x"].value == pytest.approx(1.5)
    assert convert(1, r["x"].unit, "kgce/t") == pytest.approx(1000)


def test_unit_mismatch_names_formula() -> None:
    with pytest.raises(FormulaError) as err:
        evaluate({"bad": "a + b"}, {"a": (1, "tce"), "b": (1, "t")})
    assert err.value.message == "formula 'bad' (a + b): cannot add tce and t"


def test_declared_unit_of_wrong_dimension() -> None:
    with pytest.raises(FormulaError) as err:
        evaluate({"bad": Definition("a / b", "kgce/t")}, {"a": (1, "tce"), "b": (1, "MWh")})
    assert err.value.message == (
        "formula 'bad' (a / b) gives tce / MWh, which cannot be expressed in kgce/t"
    )


def test_zero_literal_adopts_unit() -> None:
    r = evaluate({"x": "0 + a", "y": "max(0, a - b)"}, {"a": (2, "t"), "b": (5, "t")})
    assert (r["x"].value, r["x"].unit) == (2.0, "t")
    assert (r["y"].value, r["y"].unit) == (0.0, "t")


def test_division_by_zero_is_not_computable() -> None:
    r = evaluate({"x": "a / b", "y": "x * 2"}, {"a": (1, "t"), "b": (0, "t")})
    assert r["x"].value is None
    assert r["x"].reason == "division by zero (b is 0)"
    assert r["y"].value is None
    assert r["y"].reason == "x is not computable (division by zero (b is 0))"


def test_safe_div_fallback() -> None:
    r = evaluate(
        {"x": "safe_div(a, b)", "y": "safe_div(a, b, 7)", "z": "safe_div(a, c)"},
        {"a": (6, "tCO2e"), "b": (0, "t"), "c": (3, "t")},
    )
    assert (r["x"].value, r["x"].unit) == (0.0, "tCO2e / t")
    assert (r["y"].value, r["y"].unit) == (7.0, "tCO2e / t")
    assert r["z"].value == pytest.approx(2.0)


def test_missing_known_input_is_not_computable() -> None:
    r = evaluate({"x": "a / production.reo"}, {"a": (1, "t")}, known={"production.reo"})
    assert r["x"].value is None
    assert r["x"].reason == "no value for production.reo"


def test_coalesce_takes_first_computable() -> None:
    r = evaluate({"x": "coalesce(a, b)"}, {"b": (4, "t")}, known={"a"})
    assert (r["x"].value, r["x"].unit) == (4.0, "t")


def test_sum_min_max() -> None:
    r = evaluate(
        {"s": "sum(a, b, c)", "lo": "min(a, b, c)", "hi": "max(a, b, c)"},
        {"a": (1, "t"), "b": (2000, "kg"), "c": (0.5, "t")},
    )
    # 1 t + 2,000 kg (= 2 t) + 0.5 t = 3.5 t
    assert (r["s"].value, r["s"].unit) == (3.5, "t")
    assert r["lo"].value == pytest.approx(0.5)
    assert r["hi"].value == pytest.approx(2.0)


def test_prev_and_yoy() -> None:
    defs = {
        "i": "e / p",
        "i_yoy": Definition("yoy(i)", "percent"),
        "e_prev": "prev(e)",
    }
    now = {"e": (94, "tce"), "p": (10, "t")}
    before = {"e": (100, "tce"), "p": (10, "t")}
    r = evaluate(defs, now, previous=before)
    # intensity 9.4 vs 10 tce/t: 9.4 / 10 - 1 = -6 %
    assert r["i_yoy"].value == pytest.approx(-6.0)
    assert r["e_prev"].value == pytest.approx(100.0)
    r0 = evaluate(defs, now)
    assert r0["i_yoy"].value is None
    assert r0["i_yoy"].reason == "no previous period for prev(i)"


def test_prev_of_self_is_not_a_cycle() -> None:
    defs = {"running": "coalesce(prev(running), 0) + a"}
    assert order(defs, known={"a"}) == ["running"]


def test_order_is_topological() -> None:
    defs = {"c": "b * 2", "b": "a + 1", "d": "c + b"}
    assert order(defs, known={"a"}) == ["b", "c", "d"]


def test_unknown_reference_names_formula() -> None:
    with pytest.raises(FormulaError) as err:
        order({"x": "a + bogus.code + zz"}, known={"a"})
    assert (
        err.value.message
        == "formula 'x' (a + bogus.code + zz): unknown references 'bogus.code', 'zz'"
    )


def test_cycle_names_path() -> None:
    with pytest.raises(FormulaError) as err:
        order({"a": "b + 1", "b": "c * 2", "c": "a / 3"})
    assert err.value.message == "formula 'a' is part of a cycle: a -> b -> c -> a"
    with pytest.raises(FormulaError) as err:
        evaluate({"s": "s + 1"}, {})
    assert err.value.message == "formula 's' is part of a cycle: s -> s"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a +",
            "formula 'm': expected a number, a metric code, a function or '(', "
            "got end of formula at column 4 of 'a +'",
        ),
        (
            "a b",
            "formula 'm': expected an operator or the end of the formula, "
            "got 'b' at column 3 of 'a b'",
        ),
        ("(a", "formula 'm': expected ')', got end of formula at column 3 of '(a'"),
        ("a $ b", "formula 'm': unexpected character '$' at column 3 of 'a $ b'"),
        (
            "foo(a)",
            "formula 'm': unknown function 'foo' at column 1 "
            "(known: coalesce, max, min, prev, safe_div, sum, yoy)",
        ),
        ("prev(a, b)", "formula 'm': prev() takes exactly 1 argument, got 2"),
        ("safe_div(a)", "formula 'm': safe_div() takes 2 to 3 arguments, got 1"),
        ("yoy(a + b)", "formula 'm': yoy() takes a metric code, got 'a + b'"),
        ("  ", "formula 'm' is empty"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(FormulaError) as err:
        parse(text, name="m")
    assert err.value.message == message


# --- properties -------------------------------------------------------------------

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(a=finite, b=finite)
def test_property_sum_of_two(a: float, b: float) -> None:
    r = evaluate({"s": "x + y"}, {"x": (a, "t"), "y": (b, "t")})
    assert r["s"].value == pytest.approx(a + b, rel=1e-12, abs=1e-9)


@given(a=finite, b=st.floats(min_value=1e-6, max_value=1e9))
def test_property_intensity_conversion(a: float, b: float) -> None:
    r = evaluate({"i": Definition("e / p", "kgce/tREO")}, {"e": (a, "tce"), "p": (b, "t")})
    assert r["i"].value == pytest.approx(a * 1000 / b, rel=1e-9, abs=1e-9)


_codes = st.sampled_from(["a", "b.c", "energy.total_tce", "x_1"])
_leaves = st.one_of(
    _codes.map(Ref),
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(Num),
)


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:  # type: ignore[type-arg]
    return st.one_of(
        children.map(Neg),
        st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: Bin(*t)),
        st.lists(children, min_size=1, max_size=3).map(lambda xs: Call("sum", tuple(xs))),
        _codes.map(lambda c: Call("prev", (Ref(c),))),
    )


@given(tree=st.recursive(_leaves, _extend, max_leaves=12))
def test_property_print_parse_round_trip(tree: object) -> None:
    text = to_text(tree)  # type: ignore[arg-type]
    assert parse(text).root == tree
    assert str(parse(text)) == text


def test_printer_parenthesises_only_when_needed() -> None:
    assert str(parse("((a)) + (b * c)")) == "a + b * c"
    assert str(parse("a - (b - c)")) == "a - (b - c)"
    assert str(parse("-(a + b) * 2.50")) == "-(a + b) * 2.5"


def _reference(node: object) -> float | None:
    """A direct evaluator for number-only trees (None on division by zero)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Neg):
        inner = _reference(node.operand)
        return None if inner is None else -inner
    if isinstance(node, Call):  # sum
        parts = [_reference(a) for a in node.args]
        return None if any(p is None for p in parts) else math.fsum(parts)  # type: ignore[arg-type]
    assert isinstance(node, Bin)
    a, b = _reference(node.left), _reference(node.right)
    if a is None or b is None:
        return None
    if node.op == "/":
        return None if b == 0 else a / b
    return a + b if node.op == "+" else a - b if node.op == "-" else a * b


_small = st.integers(min_value=0, max_value=50).map(lambda n: Num(float(n)))


def _numeric_tree(children: st.SearchStrategy) -> st.SearchStrategy:  # type: ignore[type-arg]
    return st.one_of(
        children.map(Neg),
        st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: Bin(*t)),
        st.lists(children, min_size=1, max_size=3).map(lambda xs: Call("sum", tuple(xs))),
    )


@given(tree=st.recursive(_small, _numeric_tree, max_leaves=10))
def test_property_evaluation_matches_reference(tree: object) -> None:
    text = to_text(tree)  # type: ignore[arg-type]
    got = evaluate({"x": text}, {})["x"]
    want = _reference(tree)
    if want is None:
        assert got.value is None and got.reason is not None
    else:
        assert got.value == pytest.approx(want, rel=1e-9, abs=1e-9)


def test_bad_input_unit_names_the_code() -> None:
    from esgledger.errors import UnitError

    with pytest.raises(UnitError) as err:
        evaluate({"x": "a * 2"}, {"a": (1, "bananas")})
    assert err.value.message == "the value of a: unknown unit 'bananas'"
