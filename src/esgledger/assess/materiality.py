"""Double materiality: scores, tiers, sensitivity and year-on-year change (a pure engine).

Plain data in, plain data out; no database, no files. The method, with every
formula, is in ``docs/materiality.md``:

* survey: a topic's score on each axis is the weighted mean, over the
  stakeholder groups that answered it, of the group's mean score
  (weights renormalised over those groups);
* expert: impact = sqrt(mean(scale, scope, irremediability) * likelihood),
  financial = sqrt(magnitude * likelihood), averaged over experts;
* scores are rounded to 4 decimals; a topic's materiality score is the higher
  of its two axes (double materiality: material on either axis); its tier is
  the first threshold the score reaches.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from esgledger.assess.topics import Topic
from esgledger.errors import CalcError

__all__ = [
    "METHODS",
    "TIERS",
    "Change",
    "ExpertScore",
    "Group",
    "MaterialityResult",
    "Method",
    "Response",
    "SensitivityItem",
    "Thresholds",
    "Tier",
    "TopicResult",
    "TopicScore",
    "assess",
    "classify",
    "compare",
    "expert_scores",
    "sensitivity",
    "survey_scores",
    "tier_of",
    "with_previous",
]

Tier = Literal["highly material", "moderately material", "material", "not material"]
TIERS: tuple[Tier, ...] = ("highly material", "moderately material", "material", "not material")
Method = Literal["survey", "expert"]
METHODS: tuple[Method, ...] = ("survey", "expert")
ThresholdName = Literal["highly", "moderately", "material"]
SENSITIVITY_STEP = 0.25
DECIMALS = 4


@dataclass(frozen=True)
class Group:
    """A stakeholder group and its weight in the survey (weights sum to 1)."""

    code: str
    name_en: str
    name_zh: str
    weight: float


@dataclass(frozen=True)
class Response:
    """One respondent's scores (1-5) for one topic."""

    respondent: str
    group: str
    topic: str
    impact: int
    financial: int


@dataclass(frozen=True)
class ExpertScore:
    """One expert's scoring of one topic, every criterion on a 1-5 scale."""

    expert: str
    topic: str
    scale: int
    scope: int
    irremediability: int
    impact_likelihood: int
    magnitude: int
    financial_likelihood: int

    @property
    def impact(self) -> float:
        severity = (self.scale + self.scope + self.irremediability) / 3
        return math.sqrt(severity * self.impact_likelihood)

    @property
    def financial(self) -> float:
        return math.sqrt(self.magnitude * self.financial_likelihood)


@dataclass(frozen=True)
class Thresholds:
    """Lowest scores (1-5 scale) of each tier; a lower score is not material."""

    highly: float = 4.0
    moderately: float = 3.5
    material: float = 3.0

    def __post_init__(self) -> None:
        if not (5 >= self.highly > self.moderately > self.material >= 1):
            raise CalcError(
                "thresholds must satisfy 5 >= highly > moderately > material >= 1, got "
                f"{self.highly} / {self.moderately} / {self.material}"
            )

    def as_dict(self) -> dict[str, float]:
        return {"highly": self.highly, "moderately": self.moderately, "material": self.material}


@dataclass(frozen=True)
class TopicScore:
    """A topic's score on both axes (1-5) and how many answers it rests on."""

    topic: str
    impact: float
    financial: float
    responses: int = 0


@dataclass(frozen=True)
class TopicResult:
    """One topic of an assessment result, ready to render."""

    code: str
    name_en: str
    name_zh: str
    dimension: str
    sse: tuple[str, ...]
    gri: tuple[str, ...]
    impact: float
    financial: float
    score: float
    tier: Tier
    rank: int
    material_on: tuple[str, ...]
    responses: int = 0

    @property
    def is_material(self) -> bool:
        return self.tier != "not material"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "dimension": self.dimension,
            "impact": self.impact,
            "financial": self.financial,
            "score": self.score,
            "tier": self.tier,
            "rank": self.rank,
            "material_on": list(self.material_on),
            "sse": list(self.sse),
            "gri": list(self.gri),
            "responses": self.responses,
        }


@dataclass(frozen=True)
class SensitivityItem:
    """A topic whose tier changes when one threshold moves by ``shift``."""

    topic: str
    threshold: ThresholdName
    shift: float
    tier: Tier
    new_tier: Tier

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "threshold": self.threshold,
            "shift": self.shift,
            "tier": self.tier,
            "new_tier": self.new_tier,
        }


Movement = Literal["new", "dropped", "up", "down", "same"]


@dataclass(frozen=True)
class Change:
    """A topic's tier and scores against the previous assessment."""

    topic: str
    name_en: str
    name_zh: str
    tier: Tier | None
    previous_tier: Tier | None
    impact_change: float | None
    financial_change: float | None
    movement: Movement

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "tier": self.tier,
            "previous_tier": self.previous_tier,
            "impact_change": self.impact_change,
            "financial_change": self.financial_change,
            "movement": self.movement,
        }


@dataclass(frozen=True)
class MaterialityResult:
    """The outcome of one assessment: ranked topics, sensitivity and change."""

    year: int
    method: Method
    thresholds: Thresholds
    topics: tuple[TopicResult, ...]
    sensitivity: tuple[SensitivityItem, ...] = ()
    changes: tuple[Change, ...] = ()
    previous_year: int | None = None
    groups: tuple[Group, ...] = ()
    respondents: int = 0
    synthetic: bool = field(default=False)

    def by_tier(self) -> dict[Tier, tuple[TopicResult, ...]]:
        """Topics of each tier (every tier present, possibly empty), in rank order."""
        return {t: tuple(r for r in self.topics if r.tier == t) for t in TIERS}

    def material_topics(self) -> tuple[TopicResult, ...]:
        """The material topics (any tier but 'not material') with their GRI/SSE mappings."""
        return tuple(r for r in self.topics if r.is_material)

    def topic(self, code: str) -> TopicResult:
        for r in self.topics:
            if r.code == code:
                return r
        raise KeyError(code)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready plain data (the shape of ``esgledger materiality show --json``)."""
        return {
            "year": self.year,
            "method": self.method,
            "thresholds": self.thresholds.as_dict(),
            "synthetic": self.synthetic,
            "respondents": self.respondents,
            "groups": [
                {"code": g.code, "name_en": g.name_en, "name_zh": g.name_zh, "weight": g.weight}
                for g in self.groups
            ],
            "tiers": {t: [r.code for r in rs] for t, rs in self.by_tier().items()},
            "topics": [r.as_dict() for r in self.topics],
            "sensitivity": [s.as_dict() for s in self.sensitivity],
            "previous_year": self.previous_year,
            "changes": [c.as_dict() for c in self.changes],
        }


def tier_of(score: float, thresholds: Thresholds) -> Tier:
    """The tier a materiality score falls in (the first threshold it reaches)."""
    return _tier(score, thresholds.highly, thresholds.moderately, thresholds.material)


def _tier(score: float, highly: float, moderately: float, material: float) -> Tier:
    if score >= highly:
        return "highly material"
    if score >= moderately:
        return "moderately material"
    if score >= material:
        return "material"
    return "not material"


def survey_scores(
    topics: Sequence[Topic], groups: Sequence[Group], responses: Iterable[Response]
) -> list[TopicScore]:
    """Weighted survey scores per topic (topics nobody answered are left out).

    For topic t and axis a: ``score = sum_g(w_g * mean_g) / sum_g(w_g)`` over the
    groups g with at least one answer on t, where ``mean_g`` is the plain mean
    of the group's answers.
    """
    weights = {g.code: g.weight for g in groups}
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for r in responses:
        if r.group not in weights:
            raise CalcError(
                f"response of {r.respondent!r} names group {r.group!r}, which has no weight"
            )
        acc = sums[(r.topic, r.group)]
        acc[0] += r.impact
        acc[1] += r.financial
        acc[2] += 1
    out: list[TopicScore] = []
    for t in topics:
        w_total = imp = fin = 0.0
        n = 0
        for g in groups:
            got = sums.get((t.code, g.code))
            if not got:
                continue
            w_total += g.weight
            imp += g.weight * got[0] / got[2]
            fin += g.weight * got[1] / got[2]
            n += int(got[2])
        if n == 0 or w_total <= 0:
            continue
        out.append(
            TopicScore(t.code, round(imp / w_total, DECIMALS), round(fin / w_total, DECIMALS), n)
        )
    return out


def expert_scores(topics: Sequence[Topic], scores: Iterable[ExpertScore]) -> list[TopicScore]:
    """Expert scores per topic: the mean over experts of each expert's two axis scores."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for s in scores:
        a = acc[s.topic]
        a[0] += s.impact
        a[1] += s.financial
        a[2] += 1
    out = []
    for t in topics:
        if t.code in acc:
            imp, fin, n = acc[t.code]
            out.append(
                TopicScore(t.code, round(imp / n, DECIMALS), round(fin / n, DECIMALS), int(n))
            )
    return out


def classify(
    topics: Sequence[Topic], scores: Sequence[TopicScore], thresholds: Thresholds
) -> tuple[TopicResult, ...]:
    """Tier and rank every scored topic (rank 1 = highest materiality score)."""
    by_code = {t.code: t for t in topics}
    rows = []
    for s in scores:
        t = by_code.get(s.topic)
        if t is None:
            raise CalcError(f"score for unknown topic {s.topic!r}")
        score = max(s.impact, s.financial)
        on = tuple(
            axis
            for axis, v in (("impact", s.impact), ("financial", s.financial))
            if v >= thresholds.material
        )
        rows.append((t, s, score, on))
    rows.sort(key=lambda r: (-r[2], -(r[1].impact + r[1].financial), r[0].code))
    return tuple(
        TopicResult(
            code=t.code,
            name_en=t.name_en,
            name_zh=t.name_zh,
            dimension=t.dimension,
            sse=t.sse,
            gri=t.gri,
            impact=s.impact,
            financial=s.financial,
            score=score,
            tier=tier_of(score, thresholds),
            rank=i,
            material_on=on,
            responses=s.responses,
        )
        for i, (t, s, score, on) in enumerate(rows, start=1)
    )


def sensitivity(
    results: Sequence[TopicResult], thresholds: Thresholds, step: float = SENSITIVITY_STEP
) -> tuple[SensitivityItem, ...]:
    """Topics whose tier changes when any one threshold moves by -step or +step."""
    items = []
    names: tuple[ThresholdName, ...] = ("highly", "moderately", "material")
    for name in names:
        for delta in (-step, step):
            moved = thresholds.as_dict()
            moved[name] = round(moved[name] + delta, 6)
            for r in results:
                new = _tier(r.score, moved["highly"], moved["moderately"], moved["material"])
                if new != r.tier:
                    items.append(SensitivityItem(r.code, name, delta, r.tier, new))
    return tuple(items)


def compare(current: Sequence[TopicResult], previous: Sequence[TopicResult]) -> tuple[Change, ...]:
    """Each topic's change against the previous assessment (current rank order, then dropped)."""
    prev = {p.code: p for p in previous}
    order = {t: i for i, t in enumerate(TIERS)}
    out = []
    for r in current:
        p = prev.get(r.code)
        if p is None:
            out.append(Change(r.code, r.name_en, r.name_zh, r.tier, None, None, None, "new"))
            continue
        d = order[p.tier] - order[r.tier]
        movement: Movement = "up" if d > 0 else "down" if d < 0 else "same"
        out.append(
            Change(
                r.code,
                r.name_en,
                r.name_zh,
                r.tier,
                p.tier,
                round(r.impact - p.impact, DECIMALS),
                round(r.financial - p.financial, DECIMALS),
                movement,
            )
        )
    current_codes = {r.code for r in current}
    for p in previous:
        if p.code not in current_codes:
            out.append(Change(p.code, p.name_en, p.name_zh, None, p.tier, None, None, "dropped"))
    return tuple(out)


def assess(
    year: int,
    topics: Sequence[Topic],
    *,
    groups: Sequence[Group] = (),
    responses: Sequence[Response] = (),
    expert: Sequence[ExpertScore] = (),
    method: Method = "survey",
    thresholds: Thresholds | None = None,
    previous: MaterialityResult | None = None,
    synthetic: bool = False,
) -> MaterialityResult:
    """Run one assessment from plain data and return its result."""
    th = thresholds or Thresholds()
    if method == "survey":
        if not responses:
            raise CalcError(f"no survey responses for {year}", hint="import them first")
        scores = survey_scores(topics, groups, responses)
        respondents = len({r.respondent for r in responses})
    elif method == "expert":
        if not expert:
            raise CalcError(f"no expert scores for {year}", hint="import them first")
        scores = expert_scores(topics, expert)
        respondents = len({s.expert for s in expert})
    else:
        raise CalcError(f"unknown method {method!r}: expected survey or expert")
    results = classify(topics, scores, th)
    changes: tuple[Change, ...] = ()
    if previous is not None:
        changes = compare(results, previous.topics)
    return MaterialityResult(
        year=year,
        method=method,
        thresholds=th,
        topics=results,
        sensitivity=sensitivity(results, th),
        changes=changes,
        previous_year=previous.year if previous else None,
        groups=tuple(groups) if method == "survey" else (),
        respondents=respondents,
        synthetic=synthetic,
    )


def with_previous(result: MaterialityResult, previous: MaterialityResult) -> MaterialityResult:
    """``result`` with its change list computed against ``previous``."""
    return replace(
        result, changes=compare(result.topics, previous.topics), previous_year=previous.year
    )
