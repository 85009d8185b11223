"""A team's verdict (guide/engine/team.py): whether the framework holds however the team
settles its differences, and which differences decide it, checked against brute force."""

import itertools
import random

import pytest

from guide.engine import UNSURE, load_rulebook, score, team
from guide.engine.tally import Tally
from guide.engine.team import team_verdict
from tests.conftest import QUESTIONS

RULEBOOK = load_rulebook(QUESTIONS)


def random_room(rng: random.Random):
    """2-8 members who agree on most questions, differ on up to three, and leave up to two
    open: small enough to try every way of settling it."""
    questions = list(RULEBOOK.questions)
    rng.shuffle(questions)
    contested, kept_open, common = questions[:3], questions[3:5], questions[5:]
    shared = {q.id: rng.choice(q.choice_ids) for q in common}
    members = {}
    for n in range(rng.randint(2, 8)):
        answers = dict(shared)
        for q in contested:
            answers[q.id] = rng.choice((*q.choice_ids[:2], UNSURE))
        members[f"member {n}"] = answers
    return members, [q.id for q in kept_open]


def brute_force(members):
    """holds and decides by trying every settlement and every answer to the open questions."""
    given = {}
    for answers in members.values():
        for q, c in answers.items():
            if c != UNSURE:
                given.setdefault(q, set()).add(c)
    agreed = {q: next(iter(cs)) for q, cs in given.items() if len(cs) == 1}
    split = {q: sorted(cs) for q, cs in given.items() if len(cs) > 1}
    open_ = [q.id for q in RULEBOOK.questions if q.id not in given]
    order = list(split)
    named_all = set()
    named_plain = {}
    for settlement in itertools.product(*(split[q] for q in order)):
        settled = dict(zip(order, settlement, strict=True))
        named_plain[settlement] = score(RULEBOOK, {**agreed, **settled})["recommendation"]
        for combo in itertools.product(
            *[(UNSURE, *RULEBOOK.question(q).choice_ids) for q in open_]
        ):
            answers = {**agreed, **settled, **dict(zip(open_, combo, strict=True))}
            named_all.add(score(RULEBOOK, answers)["recommendation"])
    decides = {
        q: any(
            named_plain[s] != named_plain[(*s[:i], other, *s[i + 1 :])]
            for s in named_plain
            for other in split[q]
            if other != s[i]
        )
        for i, q in enumerate(order)
    }
    leads = {
        q: {c: {named_plain[s] for s in named_plain if s[i] == c} for c in split[q]}
        for i, q in enumerate(order)
    }
    return len(named_all) == 1, named_all, decides, leads


@pytest.mark.parametrize("seed", range(60))
def test_holds_and_decides_agree_with_trying_every_settlement(seed):
    rng = random.Random(seed)
    members, kept_open = random_room(rng)
    for answers in members.values():
        for q in kept_open:
            answers.pop(q, None)
    verdict = team_verdict(RULEBOOK, members)
    holds, named, decides, leads = brute_force(members)
    assert verdict.holds == holds, (members, named)
    if holds:
        assert verdict.recommendation == next(iter(named))
    assert {d.question: d.decides for d in verdict.disagreements} == decides
    assert {
        d.question: {c: set(o) for c, o in d.leads_to.items()} for d in verdict.disagreements
    } == leads


@pytest.mark.parametrize("seed", range(60))
def test_past_the_settlements_it_tries_each_choice_still_leads_where_it_can(seed, monkeypatch):
    """With too many settlements to try one by one, what each choice leads to is still
    exact; a disagreement is never missed among those that decide, and is counted as deciding
    beyond that only when each of its choices can lead to either framework."""
    monkeypatch.setattr(team, "SETTLEMENTS_TRIED", 0)
    members, kept_open = random_room(random.Random(seed))
    for answers in members.values():
        for q in kept_open:
            answers.pop(q, None)
    verdict = team_verdict(RULEBOOK, members)
    holds, _, decides, leads = brute_force(members)
    assert verdict.holds == holds
    for d in verdict.disagreements:
        assert {c: set(o) for c, o in d.leads_to.items()} == leads[d.question]
        if decides[d.question]:
            assert d.decides
        elif d.decides:
            assert all(len(o) == 2 for o in d.leads_to.values()), (members, d)


@pytest.mark.parametrize("seed", range(30))
def test_past_the_settlements_it_tries_larger_rooms_keep_every_reach_and_every_decider(
    seed, monkeypatch
):
    """Rooms of six to eight disagreements, two to four answers each, worked out both ways:
    every settlement tried (exact), and the extreme search. Where each choice leads is the
    same; every disagreement that decides is still said to, and one that does not is said to
    only when each of its choices can lead to either framework."""
    rng = random.Random(500 + seed)
    questions = list(RULEBOOK.questions)
    rng.shuffle(questions)
    contested = questions[: rng.randint(6, 8)]
    members = {f"member {n}": {} for n in range(4)}
    for q in contested:
        picks = rng.sample(q.choice_ids, rng.randint(2, min(4, len(q.choice_ids))))
        for n, answers in enumerate(members.values()):
            answers[q.id] = picks[n % len(picks)]
    for q in questions[8:]:
        choice = rng.choice(q.choice_ids)
        for answers in members.values():
            if rng.random() < 0.8:
                answers[q.id] = choice
    monkeypatch.setattr(team, "SETTLEMENTS_TRIED", 10**9)
    exact = team_verdict(RULEBOOK, members)
    monkeypatch.setattr(team, "SETTLEMENTS_TRIED", 0)
    searched = team_verdict(RULEBOOK, members)
    assert exact.exact and not searched.exact
    assert (searched.holds, searched.recommendation) == (exact.holds, exact.recommendation)
    truth = {d.question: d for d in exact.disagreements}
    for d in searched.disagreements:
        assert d.leads_to == truth[d.question].leads_to
        if truth[d.question].decides:
            assert d.decides
        elif d.decides:
            assert all(len(o) == 2 for o in d.leads_to.values())


def test_a_room_apart_on_every_question_is_worked_out_in_bounded_work(monkeypatch):
    """Four members who each give a different answer wherever they can: some 10^11 ways to
    settle their differences. The verdict costs a few thousand trials of one answer, not
    one a settlement."""
    trials = 0
    real_trial = Tally.trial

    def counted(self, *args):
        nonlocal trials
        trials += 1
        assert trials <= 20_000, "the verdict tries settlements one by one"
        return real_trial(self, *args)

    monkeypatch.setattr(Tally, "trial", counted)
    members = {
        f"member {n}": {q.id: q.choice_ids[n % len(q.choice_ids)] for q in RULEBOOK.questions}
        for n in range(4)
    }
    verdict = team_verdict(RULEBOOK, members)
    assert len(verdict.disagreements) == len(RULEBOOK.questions)
    assert not verdict.holds
    assert all(d.leads_to and all(d.leads_to.values()) for d in verdict.disagreements)


def test_a_team_that_agrees_gets_the_single_person_verdict():
    rng = random.Random(3)
    for _ in range(30):
        answers = {
            q.id: rng.choice((*q.choice_ids, UNSURE))
            for q in RULEBOOK.questions
            if rng.random() < 0.6
        }
        verdict = team_verdict(RULEBOOK, {"ana": answers, "bo": dict(answers)})
        alone = score(RULEBOOK, answers)
        assert not verdict.disagreements
        assert verdict.holds == alone["outlook"]["holds"]
        if verdict.holds:
            assert verdict.recommendation == alone["recommendation"]


def test_settling_a_disagreement_makes_it_agreed_and_keeps_who_said_what():
    members = {
        "ana": {"admin": "yes", "forms": "many", "auth": "full"},
        "bo": {"admin": "no", "forms": "many", "auth": "full"},
    }
    verdict = team_verdict(RULEBOOK, members)
    admin = next(d for d in verdict.disagreements if d.question == "admin")
    assert admin.answers == {"no": ("bo",), "yes": ("ana",)}
    settled = team_verdict(RULEBOOK, members, settled={"admin": "yes"})
    assert settled.agreed["admin"] == "yes" and not settled.disagreements


def test_the_disagreements_that_decide_come_first():
    members = {
        "ana": {"architecture": "microservice", "admin": "yes", "team_knows": "flask"},
        "bo": {"architecture": "monolith", "admin": "no", "team_knows": "flask"},
    }
    verdict = team_verdict(RULEBOOK, members)
    flags = [d.decides for d in verdict.disagreements]
    assert flags == sorted(flags, reverse=True)


@pytest.mark.parametrize("seed", range(40))
def test_the_open_questions_that_could_change_it_together_do_so_answered_together(seed):
    """``together``: when no disagreement decides and the framework does not hold, answering
    those open questions one way (the rest left open) names the other framework; otherwise
    there are none."""
    rng = random.Random(1000 + seed)
    members, _ = random_room(rng)
    left_open = rng.sample([q.id for q in RULEBOOK.questions], 4)
    for answers in members.values():
        for q in left_open:
            answers.pop(q, None)
    verdict = team_verdict(RULEBOOK, members)
    if verdict.holds or any(d.decides for d in verdict.disagreements):
        assert verdict.together == ()
        return
    assert verdict.together and set(verdict.together) <= set(verdict.open)
    split = [d.question for d in verdict.disagreements]
    settlements = [
        dict(zip(split, s, strict=True))
        for s in itertools.product(*[list(d.answers) for d in verdict.disagreements])
    ]
    # No disagreement decides: with the open questions open, every settlement names one.
    (now,) = {score(RULEBOOK, {**verdict.agreed, **s})["recommendation"] for s in settlements}
    named = {
        score(RULEBOOK, {**verdict.agreed, **s, **dict(zip(verdict.together, combo, strict=True))})[
            "recommendation"
        ]
        for s in settlements
        for combo in itertools.product(*[RULEBOOK.question(q).choice_ids for q in verdict.together])
    }
    assert named - {now}, (members, verdict.together)
