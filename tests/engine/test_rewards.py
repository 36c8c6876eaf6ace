"""The verifiable reward functions, their registry and the validation of a config's reward list."""

import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from engine.methods.rl.rewards import (
    REWARDS,
    RewardSpec,
    answer_problems,
    check_reward_labels,
    exact_match,
    last_number,
    length_penalty,
    list_rewards,
    numeric,
    regex,
    score,
)
from tests.engine.helpers import ENGINE_ENV, REPO_ROOT


@pytest.mark.parametrize("completion, answer, normalize, expected", [
    ("Paris", "Paris", True, 1.0),
    ("  paris\n", "Paris", True, 1.0),
    ("New   York\tCity", "new york city", True, 1.0),
    ("New York", "New York City", True, 0.0),
    ("paris", "Paris", False, 0.0),
    ("  Paris \n", "Paris", False, 1.0),
    ("New  York", "New York", False, 0.0),
    ("anything", None, True, 0.0),
])
def test_exact_match_compares_with_the_reference_answer(completion, answer, normalize, expected):
    assert exact_match("Q?", completion, answer, normalize=normalize) == expected


@pytest.mark.parametrize("completion, params, expected", [
    ("<answer>42</answer>", {"pattern": r"<answer>\d+</answer>"}, 1.0),
    ("so <answer>42</answer> done", {"pattern": r"<answer>\d+</answer>"}, 1.0),
    ("so <answer>42</answer> done", {"pattern": r"<answer>\d+</answer>", "full_match": True}, 0.0),
    ("<answer>42</answer>", {"pattern": r"<answer>\d+</answer>", "full_match": True}, 1.0),
    ("<ANSWER>42</ANSWER>", {"pattern": r"<answer>\d+</answer>"}, 0.0),
    ("<ANSWER>42</ANSWER>", {"pattern": r"<answer>\d+</answer>", "ignore_case": True}, 1.0),
    ("", {"pattern": "x"}, 0.0),
])
def test_regex_checks_the_format_anywhere_or_in_full(completion, params, expected):
    assert regex("Q?", completion, "ignored", **params) == expected


@pytest.mark.parametrize("text, number", [
    ("The answer is 42.", 42.0),
    ("3 apples and 5 pears, so 8", 8.0),
    ("#### 1,234", 1234.0),
    ("it is -3.5 degrees", -3.5),
    ("about .5 of it", 0.5),
    ("rate 2e-3 per s", 0.002),
    ("no number here", None),
    ("", None),
])
def test_last_number_finds_the_last_written_number(text, number):
    assert last_number(text) == number


@pytest.mark.parametrize("completion, answer, params, expected", [
    ("so the total is 72", "Natalia sold 48 + 24 = 72 clips.\n#### 72", {}, 1.0),
    ("so the total is 72.0000001", "#### 72", {}, 1.0),
    ("so the total is 72.01", "#### 72", {}, 0.0),
    ("so the total is 72.01", "#### 72", {"abs_tol": 0.05}, 1.0),
    ("so the total is 101", "#### 100", {"rel_tol": 0.02}, 1.0),
    ("so the total is 103", "#### 100", {"rel_tol": 0.02}, 0.0),
    ("72 is not it, 71 is", "#### 72", {}, 0.0),
    ("I do not know", "#### 72", {}, 0.0),
    ("72", None, {}, 0.0),
])
def test_numeric_compares_the_last_number_within_tolerance(completion, answer, params, expected):
    assert numeric("Q?", completion, answer, **params) == expected


@pytest.mark.parametrize("completion, tokens, params, expected", [
    ("short", 3, {"target_length": 5, "unit": "tokens", "coef": 0.5}, 0.0),
    ("short", 5, {"target_length": 5, "unit": "tokens", "coef": 0.5}, 0.0),
    ("longer", 9, {"target_length": 5, "unit": "tokens", "coef": 0.5}, -2.0),
    ("abcdefgh", 1, {"target_length": 5, "unit": "characters", "coef": 0.1}, -0.3),
    ("abc", 1, {"target_length": 0, "unit": "characters", "coef": 1.0}, -3.0),
])
def test_length_penalty_is_linear_beyond_the_target(completion, tokens, params, expected):
    assert length_penalty("Q?", completion, None, completion_tokens=tokens, **params) == pytest.approx(expected)


def test_length_penalty_in_tokens_needs_the_token_count():
    with pytest.raises(ValueError, match="completion_tokens"):
        length_penalty("Q?", "text", None, target_length=1, unit="tokens")


def test_score_adds_weighted_rewards_keeps_raw_parts_and_judges_correctness():
    rewards = [
        RewardSpec(name="numeric", weight=2.0),
        RewardSpec(name="regex", weight=0.5, params={"pattern": "^The answer"}),
        RewardSpec(name="length_penalty", weight=1.0, params={"target_length": 4, "coef": 0.25}),
    ]

    right = score(rewards, "Q?", "The answer is 7", "#### 7", completion_tokens=6)
    wrong = score(rewards, "Q?", "It is 8", "#### 7", completion_tokens=3)

    assert right.parts == {"numeric": 1.0, "regex": 1.0, "length_penalty": -0.5}
    assert right.total == pytest.approx(2.0 + 0.5 - 0.5) and right.correct is True
    assert wrong.parts == {"numeric": 0.0, "regex": 0.0, "length_penalty": 0.0}
    assert wrong.total == 0.0 and wrong.correct is False
    assert score(rewards[1:], "Q?", "The answer", None, completion_tokens=1).correct is None


def test_a_sample_is_correct_only_when_every_correctness_reward_passes():
    rewards = [RewardSpec(name="exact_match"), RewardSpec(name="numeric")]
    assert score(rewards, "Q", "7", "7", completion_tokens=1).correct is True
    assert score(rewards, "Q", "7.0", "7", completion_tokens=1).correct is False  # numeric yes, exact no


def test_unknown_reward_names_are_refused_naming_the_known_ones():
    with pytest.raises(ValidationError, match="unknown reward 'f1'; known rewards: exact_match, length_penalty, "
                                              "numeric, regex"):
        RewardSpec(name="f1")


@pytest.mark.parametrize("spec, message", [
    ({"name": "regex"}, r"reward 'regex' params are invalid \(pattern: Field required\); its params are: pattern"),
    ({"name": "regex", "params": {"pattern": "(unclosed"}}, "is not a valid regular expression"),
    ({"name": "numeric", "params": {"tolerance": 0.1}}, "tolerance: Extra inputs are not permitted"),
    ({"name": "numeric", "params": {"abs_tol": -1}}, "abs_tol: Input should be greater than or equal to 0"),
    ({"name": "length_penalty", "params": {"target_length": 5, "unit": "words"}}, "unit: Input should be 'tokens'"),
])
def test_bad_reward_params_are_refused_with_the_field_and_the_known_params(spec, message):
    with pytest.raises(ValidationError, match=message):
        RewardSpec.model_validate(spec)


def test_params_get_their_defaults_filled_in():
    assert RewardSpec(name="numeric").params == {"abs_tol": 1e-6, "rel_tol": 0.0}


def test_two_rewards_of_one_function_need_distinct_labels():
    twice = [RewardSpec(name="regex", params={"pattern": "a"}), RewardSpec(name="regex", params={"pattern": "b"})]
    with pytest.raises(ValueError, match="rewards regex appear more than once: give each a distinct 'label'"):
        check_reward_labels(twice)
    twice[1].label = "has_b"
    check_reward_labels(twice)
    assert set(score(twice, "Q", "ab", None).parts) == {"regex", "has_b"}


def test_answers_without_a_number_are_reported_for_the_numeric_reward():
    rewards = [RewardSpec(name="numeric", label="result"), RewardSpec(name="exact_match")]
    assert answer_problems(rewards, "#### 12") == []
    assert answer_problems(rewards, "twelve") == [
        "reward 'result': the reference answer contains no number, so the numeric reward can never be earned"
    ]


def test_the_reward_list_is_torch_free_and_describes_every_function():
    listed = {reward["name"]: reward for reward in list_rewards()}
    assert set(listed) == set(REWARDS) == {"exact_match", "regex", "numeric", "length_penalty"}
    assert all(reward["description"] and reward["params"]["type"] == "object" for reward in listed.values())
    assert listed["regex"]["params"]["required"] == ["pattern"]
    assert json.loads(json.dumps(listed))["numeric"]["judges_correctness"] is True

    code = ("import sys, engine.methods.rl.rewards as r, engine.methods.rl.config\nr.list_rewards()\n"
            "print('torch' in sys.modules)")
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=ENGINE_ENV, capture_output=True,
                               text=True, timeout=60, check=False)
    assert completed.stdout.strip() == "False", completed.stderr
