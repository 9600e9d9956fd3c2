"""The demo assessment reproduces the seed's published tiers from the synthetic survey."""

from __future__ import annotations

from importlib import resources

from esgledger.assess.materiality import assess
from esgledger.assess.synthetic import generate_survey, survey_csv
from esgledger.intake.assessment_files import default_topics, read_survey_files

DATA = resources.files("esgledger.assess").joinpath("data")

# The seed report's 2024 double-materiality tiers (topic codes of our catalogue).
SEED_HIGHLY = {"innovation", "product_quality", "ohs", "climate", "energy"}
SEED_MODERATELY = {
    "training",
    "employment",
    "emissions",
    "customer_service",
    "supply_chain",
    "investor_rights",
    "digital",
    "governance",
    "water",
    "disclosure",
    "data_privacy",
    "compliance",
    "anti_corruption",
    "circular_economy",
    "national_strategy",
    "ip",
    "esg_governance",
    "party_building",
}
SEED_MATERIAL = {"env_compliance", "rural", "community", "green_operations", "biodiversity"}


def demo_result(year):
    files = [str(DATA / "demo_groups.csv"), str(DATA / f"demo_survey_{year}.csv")]
    batch = read_survey_files(files, known_topics=default_topics(), known_groups=[])
    return batch, assess(year, default_topics(), groups=batch.groups, responses=batch.responses)


def test_demo_survey_reproduces_the_seed_tiers():
    batch, res = demo_result(2024)
    tiers = res.by_tier()
    assert {t.code for t in tiers["highly material"]} == SEED_HIGHLY
    assert {t.code for t in tiers["moderately material"]} == SEED_MODERATELY
    assert {t.code for t in tiers["material"]} == SEED_MATERIAL
    assert tiers["not material"] == ()
    assert (len(SEED_HIGHLY), len(SEED_MODERATELY), len(SEED_MATERIAL)) == (5, 18, 5)


def test_demo_survey_is_synthetic_and_about_200_respondents():
    batch, res = demo_result(2024)
    assert res.respondents == 200
    assert all(r.respondent.startswith("SYN-2024-") for r in batch.responses)
    assert {r.group for r in batch.responses} == {g.code for g in batch.groups}
    assert len(batch.groups) == 9
    assert abs(sum(g.weight for g in batch.groups) - 1) < 1e-9


def test_shipped_survey_files_are_the_generators_output():
    topics = default_topics()
    batch, _ = demo_result(2024)
    for year in (2023, 2024):
        text = (DATA / f"demo_survey_{year}.csv").read_text("utf-8")
        assert survey_csv(generate_survey(year, topics, batch.groups)) == text


def test_one_topic_recomputed_by_hand_from_the_file():
    """The worked example of docs/materiality.md: the weighted mean of group means."""
    batch, res = demo_result(2024)
    weights = {g.code: g.weight for g in batch.groups}
    by_group: dict[str, list[int]] = {}
    for r in batch.responses:
        if r.topic == "climate":
            by_group.setdefault(r.group, []).append(r.impact)
    means = {g: sum(v) / len(v) for g, v in by_group.items()}
    expected = sum(weights[g] * m for g, m in means.items()) / sum(weights[g] for g in means)
    assert abs(res.topic("climate").impact - expected) < 5e-5
    # the figures printed in docs/materiality.md
    assert (means["management"], len(by_group["management"])) == (61 / 14, 14)
    assert res.topic("climate").impact == 4.3636
    assert res.topic("climate").financial == 4.2502
    assert res.topic("climate").tier == "highly material"
    assert "climate" not in {s.topic for s in res.sensitivity}


def test_2023_differs_so_the_demo_shows_change():
    _, prev = demo_result(2023)
    _, now = demo_result(2024)
    from esgledger.assess.materiality import compare

    moves = {c.topic: c.movement for c in compare(now.topics, prev.topics) if c.movement != "same"}
    assert moves == {
        "energy": "up",
        "digital": "up",
        "data_privacy": "up",
        "green_operations": "down",
    }
