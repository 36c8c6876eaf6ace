"""Preference datasets: JSON Lines rows of (prompt, chosen, rejected) -> padded token pairs -> batches.

A file holds one kind of row, told by its prompt:
- plain, {"prompt": "...", "chosen": "...", "rejected": "..."}: each sequence is the prompt's
  tokens, then the response's tokens, then EOS; the response and its EOS are the targets.
- chat, {"prompt": [{"role": ..., "content": ...}, ...], "chosen": ..., "rejected": ...}: the
  responses are a string (one assistant message) or a list of assistant messages; the
  conversation prompt + response is rendered with the tokenizer's chat template and the response's
  assistant turns are the targets (engine.core.data.chat_tokens).

Labels follow engine.core.data: position i is labelled with token i + 1 where that token is a target.
A sequence longer than block_size + 1 tokens loses prompt tokens from the left (the same number
for chosen and rejected, so both answer the same context; the prompt's BOS always stays, as in
training and generation, engine.core.data.keep_end, and at least one prompt token, since the first
response token is predicted from the token before it), then, if still too long, the end of its
response. A pair left without a target in either sequence is dropped and counted.
"""

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import torch
from transformers import PreTrainedTokenizerBase

from engine.core.data import (
    CHAT_ROLES,
    _pad_id,
    _render_chat,
    _require_eos,
    chat_tokens,
    keep_end,
    leading_bos_count,
    text_ids,
)
from engine.core.losses import IGNORE_INDEX
from engine.errors import EngineError

PreferenceKind = Literal["plain", "chat"]
PREFERENCE_FORMAT = (
    '{"prompt": "...", "chosen": "...", "rejected": "..."} or, for chat models, '
    '{"prompt": [{"role": "user", "content": "..."}], "chosen": "...", "rejected": "..."}'
)


@dataclass
class PreferenceDataset:
    """The rows of one preference JSON Lines file, all of one kind."""

    kind: PreferenceKind
    rows: list[dict[str, Any]]
    """{'prompt', 'chosen', 'rejected'}; for chat, the responses are lists of assistant messages."""
    path: Path
    sha256: str
    """Hash of the file's bytes (part of the reference cache key)."""


def _message_problem(messages: Any, what: str) -> str | None:
    if not isinstance(messages, list) or not messages:
        return f"{what} must be a non-empty list of {{'role': ..., 'content': ...}} messages"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            return f"{what}: message {index} needs a 'content' string"
        if message.get("role") not in CHAT_ROLES:
            return f"{what}: message {index} has role {message.get('role')!r}; roles are {', '.join(CHAT_ROLES)}"
    return None


def _chat_response(value: Any, name: str) -> tuple[list[dict[str, str]] | None, str | None]:
    """A chat response as a list of assistant messages, or the problem with it."""
    if isinstance(value, str):
        return ([{"role": "assistant", "content": value}], None) if value else (None, f"'{name}' is empty")
    if isinstance(value, dict):
        value = [value]
    problem = _message_problem(value, f"'{name}'")
    if problem is not None:
        return None, problem + " (or a string: the assistant's answer)"
    if any(message["role"] != "assistant" for message in value):
        return None, f"'{name}' may only hold assistant messages (the conversation before it goes in 'prompt')"
    return value, None


def _parse_row(row: Any) -> tuple[PreferenceKind, dict[str, Any]] | str:
    """(kind, row) of a valid row, or what is wrong with it."""
    if not isinstance(row, dict):
        return f"a row must be a JSON object, {PREFERENCE_FORMAT}"
    missing = [name for name in ("prompt", "chosen", "rejected") if name not in row]
    if missing:
        return (f"field '{missing[0]}' is missing (preference datasets need 'prompt', 'chosen' and "
                f"'rejected': {PREFERENCE_FORMAT})")
    prompt = row["prompt"]
    if isinstance(prompt, str):
        for name in ("chosen", "rejected"):
            if not isinstance(row[name], str) or not row[name]:
                return f"field '{name}' must be a non-empty string when 'prompt' is a string"
        return "plain", {"prompt": prompt, "chosen": row["chosen"], "rejected": row["rejected"]}
    problem = _message_problem(prompt, "'prompt'")
    if problem is not None:
        return problem + " (or a string for plain, non-chat data)"
    responses = {}
    for name in ("chosen", "rejected"):
        responses[name], problem = _chat_response(row[name], name)
        if problem is not None:
            return problem
    return "chat", {"prompt": prompt, **responses}


def read_preferences(path: str | Path, *, role: str) -> PreferenceDataset:
    """Every row of a preference JSON Lines file; the first row's kind (plain or chat) is every row's.

    Errors name the file and the line and say what a row must look like.
    """
    path = Path(path)
    if not path.is_file():
        raise EngineError(f"{role} file {path} does not exist: give the path of a JSON Lines file with one "
                          f"preference pair per line, {PREFERENCE_FORMAT}")
    content = path.read_bytes()
    kind: PreferenceKind | None = None
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(content.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise EngineError(f"{path} line {number}: not valid JSON ({error.msg})") from None
        parsed = _parse_row(raw)
        if isinstance(parsed, str):
            raise EngineError(f"{path} line {number}: {parsed}")
        row_kind, row = parsed
        if kind is None:
            kind = row_kind
        elif row_kind != kind:
            raise EngineError(f"{path} line {number}: a {row_kind} row in a {kind} dataset (the first row sets "
                              "the kind: every 'prompt' must be a string, or every one a list of messages)")
        rows.append(row)
    if kind is None:
        raise EngineError(f"{role} file {path} has no rows: write one preference pair per line, {PREFERENCE_FORMAT}")
    return PreferenceDataset(kind, rows, path, hashlib.sha256(content).hexdigest())


@dataclass
class _Sequence:
    prompt: list[int]
    response: list[int]
    targets: list[bool]
    """One flag per response token."""


def _plain_sequence(prompt: str, response: str, tokenizer: PreTrainedTokenizerBase) -> _Sequence:
    prompt_ids = text_ids(tokenizer, prompt)  # after the tokenizer's BOS, if it adds one
    response_ids = tokenizer(response, add_special_tokens=False, verbose=False)["input_ids"] + [_require_eos(tokenizer)]
    return _Sequence(prompt_ids, response_ids, [True] * len(response_ids))


def _chat_sequence(prompt: list[dict[str, str]], response: list[dict[str, str]],
                   tokenizer: PreTrainedTokenizerBase) -> _Sequence:
    """Tokens of prompt + response under the chat template; targets are the response's assistant turns.

    chat_tokens flags every assistant turn, including any inside the prompt; only tokens that
    start after the prompt (rendered with the generation prompt) count here.
    """
    messages = prompt + response
    ids, flags = chat_tokens(messages, tokenizer)
    text = _render_chat(tokenizer, messages, open_turn=False)
    prompt_text = _render_chat(tokenizer, prompt, open_turn=True)
    if not text.startswith(prompt_text):
        raise EngineError(
            f"the chat template of {tokenizer.name_or_path} renders the prompt differently alone than "
            "before a response, so the response cannot be located: use a template without "
            "history-dependent rendering, or plain (string) prompts"
        )
    offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    starts = [start for start, _ in offsets]
    split = next((index for index, start in enumerate(starts) if start >= len(prompt_text)), len(ids))
    return _Sequence(ids[:split], ids[split:], flags[split:])


@dataclass
class PreferenceBatch:
    """A micro-batch of pairs; each side is (B, block_size) like engine.core.data.Batch."""

    chosen_input_ids: torch.Tensor
    chosen_attention_mask: torch.Tensor
    chosen_labels: torch.Tensor
    rejected_input_ids: torch.Tensor
    rejected_attention_mask: torch.Tensor
    rejected_labels: torch.Tensor
    reference_chosen: torch.Tensor | None = None
    """(B,) the reference's summed log-probabilities of the chosen responses, when cached."""
    reference_rejected: torch.Tensor | None = None

    def to(self, device: torch.device) -> "PreferenceBatch":
        return PreferenceBatch(*(None if value is None else value.to(device) for value in self._fields()))

    def _fields(self) -> tuple[torch.Tensor | None, ...]:
        return (self.chosen_input_ids, self.chosen_attention_mask, self.chosen_labels, self.rejected_input_ids,
                self.rejected_attention_mask, self.rejected_labels, self.reference_chosen, self.reference_rejected)

    def __len__(self) -> int:
        return self.chosen_input_ids.shape[0]

    @property
    def loss_units(self) -> int:
        """What the loss is a mean over: the pairs."""
        return len(self)

    @property
    def chosen_lengths(self) -> torch.Tensor:
        """(B,) number of target tokens of each chosen response."""
        return (self.chosen_labels != IGNORE_INDEX).sum(-1)

    @property
    def rejected_lengths(self) -> torch.Tensor:
        return (self.rejected_labels != IGNORE_INDEX).sum(-1)


@dataclass
class PreferencePairs:
    """N preference pairs padded to block_size, usable as RunData.train_blocks (see TrainOrder)."""

    chosen_input_ids: torch.Tensor
    chosen_attention_mask: torch.Tensor
    chosen_labels: torch.Tensor
    rejected_input_ids: torch.Tensor
    rejected_attention_mask: torch.Tensor
    rejected_labels: torch.Tensor
    prompts: list[list[int]] = field(default_factory=list)
    """Each pair's prompt token ids as kept in the block (for sample generations)."""
    reference_chosen: torch.Tensor | None = None
    """(N,) the reference's summed log-probabilities, once attached (engine.methods.preference.reference_cache)."""
    reference_rejected: torch.Tensor | None = None

    def __len__(self) -> int:
        return self.chosen_input_ids.shape[0]

    def batch(self, indices: torch.Tensor | list[int]) -> PreferenceBatch:
        reference = (
            (self.reference_chosen[indices], self.reference_rejected[indices])
            if self.reference_chosen is not None and self.reference_rejected is not None else (None, None)
        )
        return PreferenceBatch(
            self.chosen_input_ids[indices], self.chosen_attention_mask[indices], self.chosen_labels[indices],
            self.rejected_input_ids[indices], self.rejected_attention_mask[indices], self.rejected_labels[indices],
            *reference,
        )

    def with_reference(self, chosen: torch.Tensor, rejected: torch.Tensor) -> "PreferencePairs":
        """These pairs with the reference's per-pair summed log-probabilities attached to every batch."""
        if chosen.shape != (len(self),) or rejected.shape != (len(self),):
            raise ValueError(f"need ({len(self)},) reference log-probabilities, got {tuple(chosen.shape)} "
                             f"and {tuple(rejected.shape)}")
        return replace(self, reference_chosen=chosen.float(), reference_rejected=rejected.float())

    @property
    def chosen_lengths(self) -> torch.Tensor:
        return (self.chosen_labels != IGNORE_INDEX).sum(-1)

    @property
    def rejected_lengths(self) -> torch.Tensor:
        return (self.rejected_labels != IGNORE_INDEX).sum(-1)


def _fit(sequence: _Sequence, prompt_kept: int, block_size: int,
         tokenizer: PreTrainedTokenizerBase) -> tuple[list[int], list[bool]]:
    """(token ids, target flags) with the prompt cut to prompt_kept tokens (its BOS and its last
    tokens, engine.core.data.keep_end) and the whole cut to block_size + 1 tokens (the last one is
    only a label)."""
    prompt = keep_end(sequence.prompt, prompt_kept, tokenizer)
    ids = (prompt + sequence.response)[: block_size + 1]
    targets = ([False] * len(prompt) + sequence.targets)[: block_size + 1]
    return ids, targets


def _fill(row: int, ids: list[int], targets: list[bool], input_ids: torch.Tensor, attention_mask: torch.Tensor,
          labels: torch.Tensor) -> None:
    inputs = ids[: input_ids.shape[1]]
    input_ids[row, : len(inputs)] = torch.tensor(inputs)
    attention_mask[row, : len(inputs)] = 1
    next_ids, next_targets = torch.tensor(ids[1:], dtype=torch.long), torch.tensor(targets[1:], dtype=torch.bool)
    labels[row, : len(next_ids)] = torch.where(next_targets, next_ids, IGNORE_INDEX)


def tokenize_preferences(dataset: PreferenceDataset, tokenizer: PreTrainedTokenizerBase,
                         block_size: int) -> tuple[PreferencePairs, str]:
    """The dataset's pairs padded to block_size, and a line describing them for the run's log."""
    pairs: list[tuple[_Sequence, _Sequence]] = []
    for row in dataset.rows:
        if dataset.kind == "plain":
            pairs.append((_plain_sequence(row["prompt"], row["chosen"], tokenizer),
                          _plain_sequence(row["prompt"], row["rejected"], tokenizer)))
        else:
            pairs.append((_chat_sequence(row["prompt"], row["chosen"], tokenizer),
                          _chat_sequence(row["prompt"], row["rejected"], tokenizer)))

    kept: list[tuple[tuple[list[int], list[bool]], tuple[list[int], list[bool]], list[int]]] = []
    truncated = 0
    for chosen, rejected in pairs:
        prompt_length = len(chosen.prompt)
        room = block_size + 1 - max(len(chosen.response), len(rejected.response))
        prompt_kept = min(prompt_length, max(room, leading_bos_count(chosen.prompt, tokenizer), 1))
        truncated += prompt_kept < prompt_length or room < prompt_kept
        fitted = (_fit(chosen, prompt_kept, block_size, tokenizer), _fit(rejected, prompt_kept, block_size, tokenizer))
        if all(any(targets[1:]) for _, targets in fitted):
            kept.append((*fitted, keep_end(chosen.prompt, prompt_kept, tokenizer)))
    dropped = len(pairs) - len(kept)
    if not kept:
        raise EngineError(f"{dataset.path}: no preference pair keeps a target token of both responses within "
                          f"block_size ({block_size}) tokens: raise training.block_size or shorten the prompts")

    pad_id = _pad_id(tokenizer)
    tensors = []
    for side in (0, 1):
        input_ids = torch.full((len(kept), block_size), pad_id, dtype=torch.long)
        attention_mask = torch.zeros((len(kept), block_size), dtype=torch.long)
        labels = torch.full((len(kept), block_size), IGNORE_INDEX, dtype=torch.long)
        for row, pair in enumerate(kept):
            _fill(row, *pair[side], input_ids, attention_mask, labels)
        tensors += [input_ids, attention_mask, labels]
    note = f"{len(kept)} {dataset.kind} preference pairs padded to {block_size} tokens"
    if truncated:
        note += f"; {truncated} pairs were cut to fit (prompt from the left first, then the responses' ends)"
    if dropped:
        note += f"; {dropped} pairs were left out because a response keeps no target token within block_size"
    return PreferencePairs(*tensors, prompts=[pair[2] for pair in kept]), note


def preference_sample_prompts(dataset: PreferenceDataset, tokenizer: PreTrainedTokenizerBase,
                              count: int) -> list[list[int]]:
    """Token ids of the first `count` rows' prompts (chat: rendered with the generation prompt)."""
    prompts = []
    for row in dataset.rows[:count]:
        if dataset.kind == "plain":
            ids = text_ids(tokenizer, row["prompt"])
        else:
            text = _render_chat(tokenizer, row["prompt"], open_turn=True)
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        if ids:
            prompts.append(ids)
    return prompts
