"""The precedent library: valid files, and the advisor agreeing with real teams' decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import engine, precedents
from advisor.facts import compute_facts, workload_data
from advisor.precedents import Precedent, PrecedentError
from advisor.recommendation import ConfidenceLevel, Recommendation
from advisor.workload import Broker, parse_workload

LIBRARY = precedents.load_precedents()

# Where the advisor and the team disagree, and why the disagreement is kept rather than tuned
# away. Each is below "high" confidence (checked below).
DISAGREEMENTS = {
    "d-netflix-dyno-queues-delay-queue": (
        "Netflix put its own multi-datacentre replication layer (Dynomite) over Redis; the "
        "advisor counts open-source Redis's lack of cross-region replication against it and does "
        "not credit in-house infrastructure."
    ),
    "m-doordash-celery-rabbitmq-to-kafka": (
        "The workload keeps Celery, whose Kafka transport is experimental; DoorDash replaced "
        "Celery together with RabbitMQ, which a workload cannot say. The advisor answers Redis "
        "at low confidence and names Kafka's leave-reason pros."
    ),
    "m-trello-websockets-rabbitmq-to-kafka": (
        "Trello's team knew Redis and the updates go to browsers, both of which favour Redis "
        "Pub/Sub; the post's one stated reason (partitions) is not enough to outweigh them. "
        "Trello had used Redis Pub/Sub before RabbitMQ, which the workload does not record."
    ),
}


def _agrees(precedent: Precedent, rec: Recommendation) -> bool:
    """The advisor's first choice is the team's, or it offers the hybrid the team built."""
    if rec.winner == precedent.chosen:
        return True
    if rec.hybrid is None or not precedent.also_uses:
        return False
    built = {precedent.chosen, *precedent.also_uses}
    return {part.broker for part in rec.hybrid.parts} == built


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[Precedent, Recommendation]]:
    return {p.id: (p, engine.recommend(p.workload)) for p in LIBRARY}


def test_the_library_has_at_least_30_decisions_for_every_broker() -> None:
    assert len(LIBRARY) >= 30
    chosen = [p.chosen for p in LIBRARY]
    assert all(chosen.count(b) >= 6 for b in Broker), chosen
    assert sum(1 for p in LIBRARY if p.left is not None) >= 8


def test_every_precedent_names_its_source_and_reasons() -> None:
    for item in LIBRARY:
        assert item.source.startswith(("https://", "http://")), item.id
        assert 1995 <= item.year <= 2026, item.id
        assert item.reasons and all(len(r) > 20 for r in item.reasons), item.id
        if item.left is not None:
            assert item.workload.leaving == item.left, item.id


def test_the_advisor_agrees_with_at_least_90_percent(
    outcomes: dict[str, tuple[Precedent, Recommendation]],
) -> None:
    missed = {pid for pid, (p, rec) in outcomes.items() if not _agrees(p, rec)}
    assert missed == set(DISAGREEMENTS), "update DISAGREEMENTS with the reason for each change"
    assert (len(outcomes) - len(missed)) / len(outcomes) >= 0.9


def test_a_disagreement_is_never_at_high_confidence(
    outcomes: dict[str, tuple[Precedent, Recommendation]],
) -> None:
    for pid in DISAGREEMENTS:
        precedent, rec = outcomes[pid]
        assert rec.confidence.level is not ConfidenceLevel.HIGH, (pid, rec.confidence)
        # The team's choice is never ruled out.
        assert not rec.assessment(precedent.chosen).knocked_out, pid


def test_a_precedent_matches_itself_on_every_aspect_it_states() -> None:
    for item in LIBRARY:
        own = compute_facts(workload_data(item.workload))
        stated = sum(
            weight
            for _fact, fields, weight, _compare in precedents.FEATURES
            if item.workload.model_fields_set.intersection(fields)
        )
        best = round(stated / (stated + precedents.SPARSENESS_PENALTY), 3)
        assert precedents.similarity(own, item) == best, item.id
        assert 0 < best < 1


def test_the_recommendation_lists_three_precedents_nearest_first() -> None:
    rec = engine.recommend(
        parse_workload({"task_framework": "sidekiq", "languages": ["ruby"], "workers": 50})
    )
    assert len(rec.precedents) == 3
    scores = [p.similarity for p in rec.precedents]
    assert scores == sorted(scores, reverse=True)
    assert rec.precedents[0].broker is Broker.REDIS
    assert all(p.source.startswith("http") for p in rec.precedents)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id: x\n", "Field required"),
        ("[1, 2]\n", "expected a mapping"),
        ("id: bad\norganisation: A\n", "Field required"),
        ("a: [\n", "invalid YAML"),
    ],
)
def test_a_bad_precedent_file_is_named_with_its_problem(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PrecedentError) as caught:
        precedents.load_precedents_from(tmp_path)
    assert caught.value.path == str(path)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def _shipped_text(precedent: Precedent) -> str:
    folder = Path(precedents.paths.assets_dir()) / "precedents"
    return (folder / f"{precedent.id}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda text: text.replace("source: http", "source: javascript:http"), "source"),
        (lambda text: text + "\nextra_field: 1\n", "extra_field"),
        (
            lambda text: text.replace("workload:\n", "workload:\n  ordering: sideways\n", 1),
            "workload",
        ),
    ],
)
def test_a_precedent_with_an_invalid_field_is_refused(
    tmp_path: Path, change: object, expected: str
) -> None:
    item = LIBRARY[0]
    (tmp_path / f"{item.id}.yaml").write_text(change(_shipped_text(item)), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(PrecedentError) as caught:
        precedents.load_precedents_from(tmp_path)
    assert any(problem.startswith(expected) for problem in caught.value.problems), caught.value


def test_a_precedent_whose_id_is_not_its_file_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "renamed.yaml").write_text(_shipped_text(LIBRARY[0]), encoding="utf-8")
    with pytest.raises(PrecedentError, match="differs from the file name"):
        precedents.load_precedents_from(tmp_path)
