"""The seeded generator of the demo's SYNTHETIC stakeholder surveys.

The demo company published its 2024 tiers (5 highly, 18 moderately and 5
material topics) but not its survey answers. This module makes up answers,
labelled synthetic (respondents ``SYN-2024-0001`` ...), whose weighted scores
land every topic in its published tier. A 2023 survey, equally invented, gives
the demo a previous year to compare with. The files shipped in ``data/`` are
this generator's output (written by
``esgledger.intake.assessment_files.write_demo_surveys``); a test checks they
still match it byte for byte.
"""

from __future__ import annotations

import io
import random
from collections.abc import Mapping, Sequence

from esgledger.assess.materiality import Group, Response, Thresholds, survey_scores, tier_of
from esgledger.assess.topics import Topic
from esgledger.errors import CalcError

__all__ = [
    "DEMO_GROUP_SIZES",
    "DEMO_SEEDS",
    "DEMO_TARGETS",
    "generate_survey",
    "survey_csv",
]

#: Respondents per stakeholder group (about 200 in all).
DEMO_GROUP_SIZES: dict[int, dict[str, int]] = {
    2024: {
        "management": 14,
        "government": 12,
        "investors": 20,
        "employees": 62,
        "customers": 26,
        "suppliers": 24,
        "industry": 10,
        "environment": 10,
        "communities": 22,
    },
    2023: {
        "management": 12,
        "government": 10,
        "investors": 18,
        "employees": 55,
        "customers": 22,
        "suppliers": 20,
        "industry": 9,
        "environment": 8,
        "communities": 20,
    },
}
DEMO_SEEDS = {2024: 20240614, 2023: 20230615}

# Target (impact, financial) per topic, in the order the seed lists them.
_T2024: dict[str, tuple[float, float]] = {
    # highly material (published 2024)
    "innovation": (4.35, 4.50),
    "product_quality": (4.30, 4.45),
    "ohs": (4.45, 4.15),
    "climate": (4.30, 4.25),
    "energy": (4.15, 4.30),
    # moderately material
    "training": (3.85, 3.55),
    "employment": (3.82, 3.50),
    "emissions": (3.85, 3.60),
    "customer_service": (3.55, 3.82),
    "supply_chain": (3.60, 3.80),
    "investor_rights": (3.40, 3.80),
    "digital": (3.35, 3.78),
    "governance": (3.55, 3.78),
    "water": (3.75, 3.45),
    "disclosure": (3.50, 3.72),
    "data_privacy": (3.45, 3.70),
    "compliance": (3.50, 3.70),
    "anti_corruption": (3.68, 3.55),
    "circular_economy": (3.68, 3.50),
    "national_strategy": (3.45, 3.66),
    "ip": (3.30, 3.65),
    "esg_governance": (3.45, 3.64),
    "party_building": (3.64, 3.35),
    # material
    "env_compliance": (3.38, 3.25),
    "rural": (3.32, 2.90),
    "community": (3.30, 2.85),
    "green_operations": (3.25, 3.10),
    "biodiversity": (3.22, 2.80),
}
_T2023 = dict(_T2024)
_T2023.update(
    {
        "energy": (3.85, 3.88),  # moderately in the invented 2023 survey
        "digital": (3.20, 3.38),  # material
        "data_privacy": (3.25, 3.40),  # material
        "green_operations": (3.62, 3.30),  # moderately
        "climate": (4.15, 4.05),
    }
)
DEMO_TARGETS: dict[int, dict[str, tuple[float, float]]] = {2024: _T2024, 2023: _T2023}

_TOLERANCE = 0.08
_MAX_TRIES = 500


def _draw(rng: random.Random, mean: float) -> int:
    """A score 1-5 whose expected value is ``mean`` (floor/ceil mix, symmetric spread)."""
    base = int(mean)
    if rng.random() < mean - base:
        base += 1
    if rng.random() < 0.35 and 1 < base < 5:
        base += rng.choice((-1, 1))
    return max(1, min(5, base))


def generate_survey(
    year: int,
    topics: Sequence[Topic],
    groups: Sequence[Group],
    *,
    targets: Mapping[str, tuple[float, float]] | None = None,
    sizes: Mapping[str, int] | None = None,
    seed: int | None = None,
    skip_rate: float = 0.03,
) -> list[Response]:
    """Deterministic synthetic answers whose weighted scores sit near ``targets``.

    Each topic's answers are redrawn (from the same seeded stream) until both
    weighted axis scores are within 0.08 of their targets.
    """
    targets = targets if targets is not None else DEMO_TARGETS[year]
    sizes = sizes if sizes is not None else DEMO_GROUP_SIZES[year]
    rng = random.Random(seed if seed is not None else DEMO_SEEDS[year])
    respondents: list[tuple[str, str]] = []
    n = 0
    for g in groups:
        for _ in range(sizes.get(g.code, 0)):
            n += 1
            respondents.append((f"SYN-{year}-{n:04d}", g.code))
    by_topic: dict[str, list[Response]] = {}
    for t in topics:
        imp_t, fin_t = targets[t.code]
        for _ in range(_MAX_TRIES):
            rows = []
            for who, grp in respondents:
                if rng.random() < skip_rate:
                    continue
                rows.append(Response(who, grp, t.code, _draw(rng, imp_t), _draw(rng, fin_t)))
            (s,) = survey_scores([t], groups, rows)
            if abs(s.impact - imp_t) <= _TOLERANCE and abs(s.financial - fin_t) <= _TOLERANCE:
                by_topic[t.code] = rows
                break
        else:  # pragma: no cover - the shipped targets converge
            raise CalcError(f"synthetic survey did not converge for topic {t.code!r}")
    order = {who: i for i, (who, _) in enumerate(respondents)}
    out = [r for t in topics for r in by_topic[t.code]]
    out.sort(key=lambda r: (order[r.respondent], r.topic))
    th = Thresholds()
    for s in survey_scores(topics, groups, out):
        want = tier_of(max(targets[s.topic]), th)
        if tier_of(max(s.impact, s.financial), th) != want:  # pragma: no cover
            raise CalcError(f"synthetic topic {s.topic!r} missed its tier {want!r}")
    return out


def survey_csv(responses: Sequence[Response]) -> str:
    """The CSV text of a response list (the format of ``data/demo_survey_*.csv``)."""
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["respondent", "group", "topic", "impact", "financial"])
    for r in responses:
        w.writerow([r.respondent, r.group, r.topic, r.impact, r.financial])
    return buf.getvalue()
