"""Verifiable rewards for RL methods (grpo, kdrl): a registry of plain-Python reward functions.

A reward function is `(prompt, completion, answer, **params) -> float`: `prompt` is the text the
policy was given, `completion` the text it generated (special tokens removed), `answer` the
dataset's reference answer (the prompt-completion row's completion, or a chat row's last assistant
message; None when there is none). A run config lists the rewards it adds up as
`[{"name": ..., "weight": ..., "params": {...}}]`; `RewardSpec` validates each entry against the
registry, so an unknown name or a bad parameter is refused before a run starts. Nothing here
imports torch: listing the rewards and validating configs is free.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


def normalise_text(text: str) -> str:
    """Lower case, whitespace runs collapsed to one space, ends stripped."""
    return " ".join(text.split()).lower()


class ExactMatchParams(_Params):
    normalize: bool = Field(
        True,
        description=(
            "Compare after lower-casing and collapsing whitespace runs (ends stripped); false "
            "compares the strings exactly, only stripping leading and trailing whitespace."
        ),
    )


def exact_match(prompt: str, completion: str, answer: str | None, *, normalize: bool = True) -> float:
    """1.0 when the completion equals the reference answer, else 0.0 (0.0 without an answer)."""
    if answer is None:
        return 0.0
    if normalize:
        return float(normalise_text(completion) == normalise_text(answer))
    return float(completion.strip() == answer.strip())


class RegexParams(_Params):
    pattern: str = Field(
        min_length=1, max_length=2000,
        description="Python regular expression the completion must match, e.g. '^<answer>.*</answer>$'.",
    )
    full_match: bool = Field(
        False,
        description=(
            "The whole completion must match the pattern (re.fullmatch); false accepts a match "
            "anywhere (re.search)."
        ),
    )
    ignore_case: bool = Field(False, description="Match without regard to letter case.")

    @model_validator(mode="after")
    def _pattern_compiles(self) -> "RegexParams":
        try:
            re.compile(self.pattern)
        except re.error as error:
            raise ValueError(f"pattern {self.pattern!r} is not a valid regular expression: {error}") from None
        return self


def regex(prompt: str, completion: str, answer: str | None, *, pattern: str, full_match: bool = False,
          ignore_case: bool = False) -> float:
    """1.0 when the completion matches `pattern` (a format check), else 0.0; the answer is not used."""
    compiled = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    match = compiled.fullmatch(completion) if full_match else compiled.search(completion)
    return float(match is not None)


_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?")


def last_number(text: str) -> float | None:
    """The last number written in `text` ('1,234.5', '-3', '.5', '2e-3'), or None."""
    found = _NUMBER.findall(text)
    if not found:
        return None
    return float(found[-1].replace(",", ""))


class NumericParams(_Params):
    abs_tol: float = Field(
        1e-6, ge=0, le=1e12, description="Absolute tolerance: |x - answer| <= abs_tol counts as correct."
    )
    rel_tol: float = Field(
        0.0, ge=0, le=1,
        description="Relative tolerance: |x - answer| <= rel_tol * max(|x|, |answer|) also counts as correct.",
    )


def numeric(prompt: str, completion: str, answer: str | None, *, abs_tol: float = 1e-6,
            rel_tol: float = 0.0) -> float:
    """1.0 when the last number in the completion equals the last number in the answer within
    the tolerances (math.isclose), else 0.0 (also when either has no number)."""
    if answer is None:
        return 0.0
    expected, given = last_number(answer), last_number(completion)
    if expected is None or given is None:
        return 0.0
    return float(math.isclose(given, expected, rel_tol=rel_tol, abs_tol=abs_tol))


def _answer_has_a_number(answer: str | None, params: dict[str, Any]) -> str | None:
    if answer is None or last_number(answer) is None:
        return "the reference answer contains no number, so the numeric reward can never be earned"
    return None


class LengthPenaltyParams(_Params):
    target_length: int = Field(
        ge=0, le=1_000_000,
        description="Length the completion may reach without penalty, in `unit`s.",
    )
    unit: Literal["tokens", "characters"] = Field(
        "tokens",
        description="Measure the completion in generated tokens (EOS included) or in characters of its text.",
    )
    coef: float = Field(
        0.01, ge=0, le=1e6,
        description="Penalty per unit beyond target_length: the reward is -coef * max(0, length - target_length).",
    )


def length_penalty(prompt: str, completion: str, answer: str | None, *, target_length: int, unit: str = "tokens",
                   coef: float = 0.01, completion_tokens: int | None = None) -> float:
    """-coef * max(0, length - target_length): 0 up to the target, then a linear penalty.

    With unit 'tokens' the caller passes completion_tokens (the engine does; score() does it for
    every reward whose `uses_token_count` is set).
    """
    if unit == "tokens":
        if completion_tokens is None:
            raise ValueError("length_penalty with unit 'tokens' needs completion_tokens (the generated token count)")
        length = completion_tokens
    else:
        length = len(completion)
    return -coef * max(0, length - target_length)


@dataclass(frozen=True)
class RewardFunction:
    """A registered reward: its function, what it means, and the class validating its params."""

    name: str
    description: str
    function: Callable[..., float]
    params: type[_Params]
    judges_correctness: bool = False
    """A 0/1 check of the answer (exact_match, numeric): rl/correct_share counts samples that pass
    every such reward of the config."""
    uses_token_count: bool = False
    """score() passes completion_tokens to the function."""
    check_answer: Callable[[str | None, dict[str, Any]], str | None] | None = None
    """What is wrong with a dataset's reference answer for this reward, or None; run up front."""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "judges_correctness": self.judges_correctness,
                "params": self.params.model_json_schema()}


REWARDS: dict[str, RewardFunction] = {
    reward.name: reward
    for reward in [
        RewardFunction(
            name="exact_match",
            description=(
                "1 when the completion equals the reference answer (by default after lower-casing and "
                "collapsing whitespace), else 0."
            ),
            function=exact_match, params=ExactMatchParams, judges_correctness=True,
        ),
        RewardFunction(
            name="regex",
            description=(
                "1 when the completion matches a regular expression (anywhere, or the whole "
                "completion with full_match), else 0: a format check; the answer is not used."
            ),
            function=regex, params=RegexParams,
        ),
        RewardFunction(
            name="numeric",
            description=(
                "1 when the last number in the completion equals the last number in the reference "
                "answer within abs_tol / rel_tol, else 0 (GSM8K-style answers such as '#### 42')."
            ),
            function=numeric, params=NumericParams, judges_correctness=True, check_answer=_answer_has_a_number,
        ),
        RewardFunction(
            name="length_penalty",
            description=(
                "A negative reward for length beyond a target: -coef * max(0, length - "
                "target_length), the length in generated tokens or in characters."
            ),
            function=length_penalty, params=LengthPenaltyParams, uses_token_count=True,
        ),
    ]
}


def list_rewards() -> list[dict[str, Any]]:
    """Every reward's name, description and parameter JSON Schema (no torch import)."""
    return [reward.to_json() for reward in REWARDS.values()]


class RewardSpec(BaseModel):
    """One reward of a run: which function, its weight in the total, its parameters."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description=f"Registered reward function: one of {', '.join(REWARDS)}.")
    weight: float = Field(
        1.0, ge=-1e6, le=1e6, description="Factor of this reward in the total reward (a sum over the rewards)."
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="The function's parameters (see its schema: python -m engine methods lists the rewards).",
    )
    label: str | None = Field(
        None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$",
        description=(
            "Name of this reward in the metrics (rl/reward/<label>); default: the function's name. "
            "Needed to tell apart two rewards of the same function."
        ),
    )

    @model_validator(mode="after")
    def _known_function_and_valid_params(self) -> "RewardSpec":
        if self.name not in REWARDS:
            raise ValueError(f"unknown reward {self.name!r}; known rewards: {', '.join(sorted(REWARDS))}")
        try:
            self.params = REWARDS[self.name].params.model_validate(self.params).model_dump()
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in e['loc']) or 'params'}: {e['msg']}" for e in error.errors()
            )
            fields = ", ".join(REWARDS[self.name].params.model_fields)
            raise ValueError(
                f"reward {self.name!r} params are invalid ({problems}); its params are: {fields}"
            ) from None
        return self

    @property
    def metric_label(self) -> str:
        return self.label or self.name


def check_reward_labels(rewards: list[RewardSpec]) -> None:
    """Each reward's metric label must be unique (raises ValueError otherwise)."""
    labels = [reward.metric_label for reward in rewards]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ValueError(
            f"rewards {', '.join(repeated)} appear more than once: give each a distinct 'label' "
            "(it names the reward's metric rl/reward/<label>)"
        )


@dataclass
class Score:
    """One completion's rewards: the weighted total, each reward's raw value, and correctness."""

    total: float
    parts: dict[str, float]
    """Raw (unweighted) value of each reward, by metric label."""
    correct: bool | None
    """Passes every correctness reward (exact_match, numeric); None when the config has none."""


def score(rewards: list[RewardSpec], prompt: str, completion: str, answer: str | None,
          completion_tokens: int | None = None) -> Score:
    """Evaluate every reward of the config on one completion."""
    parts: dict[str, float] = {}
    total = 0.0
    correct: bool | None = None
    for reward in rewards:
        function = REWARDS[reward.name]
        extra = {"completion_tokens": completion_tokens} if function.uses_token_count else {}
        value = float(function.function(prompt, completion, answer, **reward.params, **extra))
        parts[reward.metric_label] = value
        total += reward.weight * value
        if function.judges_correctness:
            correct = (correct is not False) and value > 0
    return Score(total, parts, correct)


def answer_problems(rewards: list[RewardSpec], answer: str | None) -> list[str]:
    """What each reward finds wrong with a dataset row's reference answer (empty when fine)."""
    problems = []
    for reward in rewards:
        check = REWARDS[reward.name].check_answer
        problem = check(answer, reward.params) if check is not None else None
        if problem is not None:
            problems.append(f"reward {reward.metric_label!r}: {problem}")
    return problems
