"""Datasets: JSON Lines rows -> token sequences with next-token labels -> batches in a seeded,
resumable order.

A file holds one kind of row, told by its fields:
- text, {"text": ...}: documents are tokenized, each followed by the EOS token, concatenated and
  cut into blocks of block_size tokens; every token is a target.
- prompt-completion, {"prompt": ..., "completion": ...}: one sequence per row, prompt tokens then
  completion tokens then EOS, padded to block_size; only the completion and its EOS are targets.
- chat, {"messages": [{"role": ..., "content": ...}, ...]}: one sequence per row rendered with the
  tokenizer's chat template, padded to block_size; only the assistant turns are targets.

Beginning of sequence: text and prompt-completion sequences start with the tokens the tokenizer
itself puts before a text (`tokenizer(text)`: Llama's and Gemma's BOS, nothing for GPT-2 or Qwen;
`text_ids` and `leading_special_ids`), each packed document with its own; chat sequences are the
chat template's rendering alone, which writes the BOS itself where the model wants one. Training,
evaluation, sample prompts, the RL and seq_kd prompts and the playground all encode text this way.

Every sequence stores, at each position, the next token as its label (IGNORE_INDEX where that
token is not a target or is padding), so a model's logits and the labels line up without
shifting. Rows longer than block_size are cut at block_size.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

import torch
from transformers import PreTrainedTokenizerBase

from engine.core.losses import IGNORE_INDEX
from engine.errors import EngineError

DatasetKind = Literal["text", "prompt-completion", "chat"]
CHAT_ROLES = ("system", "user", "assistant", "tool")
TEXT_SAMPLE_PROMPT_TOKENS = 16
"""A text row's sample prompt is its first this many tokens."""

_FORMATS = (
    '{"text": "..."}, {"prompt": "...", "completion": "..."} or '
    '{"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}'
)


@dataclass
class Dataset:
    """The rows of one JSON Lines file, all of one kind."""

    kind: DatasetKind
    rows: list[Any]
    """Strings for text; {'prompt', 'completion'} dicts; lists of {'role', 'content'} messages."""
    path: Path


def _kind_of(row: Any) -> DatasetKind | None:
    if not isinstance(row, dict):
        return None
    if "messages" in row:
        return "chat"
    if "prompt" in row or "completion" in row:
        return "prompt-completion"
    if "text" in row:
        return "text"
    return None


def _row_problem(kind: DatasetKind, row: dict[str, Any]) -> str | None:
    """What is wrong with a row of the given kind, or None."""
    if kind == "text":
        return None if isinstance(row.get("text"), str) else (
            "field 'text' is missing or not a string (text datasets need one {\"text\": \"...\"} object per line)"
        )
    if kind == "prompt-completion":
        for field in ("prompt", "completion"):
            if not isinstance(row.get(field), str):
                return (f"field '{field}' is missing or not a string (prompt-completion datasets need "
                        "'prompt' and 'completion' strings)")
        return None if row["completion"] else "the completion is empty: there is nothing to train on"
    messages = row.get("messages")
    if not isinstance(messages, list) or not messages:
        return "field 'messages' must be a non-empty list of {'role': ..., 'content': ...} objects"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            return f"message {index} needs a 'content' string"
        if message.get("role") not in CHAT_ROLES:
            return f"message {index} has role {message.get('role')!r}; roles are {', '.join(CHAT_ROLES)}"
    if not any(message["role"] == "assistant" for message in messages):
        return "the conversation has no assistant message: there is nothing to train on"
    return None


def read_jsonl(path: str | Path, *, role: str) -> Dataset:
    """Every row of a JSON Lines file; the first row's fields set the kind the others must share.

    Errors name the file and the line and say what a row must look like.
    """
    path = Path(path)
    if not path.is_file():
        raise EngineError(
            f"{role} file {path} does not exist: give the path of a JSON Lines file with one object "
            f"per line, {_FORMATS}"
        )
    kind: DatasetKind | None = None
    rows: list[Any] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise EngineError(f"{path} line {number}: not valid JSON ({error.msg})") from None
            row_kind = _kind_of(row)
            if row_kind is None and kind is not None and isinstance(row, dict):
                row_kind = kind  # a row of this dataset's kind with its fields wrong: say which
            if row_kind is None:
                raise EngineError(f"{path} line {number}: a row must be one of {_FORMATS}")
            if kind is None:
                kind = row_kind
            elif row_kind != kind:
                raise EngineError(
                    f"{path} line {number}: a {row_kind} row in a {kind} dataset (the first row sets "
                    "the kind; every row must have the same fields)"
                )
            problem = _row_problem(kind, row)
            if problem is not None:
                raise EngineError(f"{path} line {number}: {problem}")
            rows.append(row["text"] if kind == "text" else row["messages"] if kind == "chat" else
                        {"prompt": row["prompt"], "completion": row["completion"]})
    if kind is None:
        raise EngineError(f"{role} file {path} has no rows")
    return Dataset(kind, rows, path)


@dataclass
class TokenBlocks:
    """N sequences of block_size tokens."""

    input_ids: torch.Tensor
    """(N, block_size) token ids fed to the model."""
    attention_mask: torch.Tensor
    """(N, block_size) 1 for real tokens, 0 for padding."""
    labels: torch.Tensor
    """(N, block_size) the next token of each position, IGNORE_INDEX where it is not a target."""

    def __len__(self) -> int:
        return self.input_ids.shape[0]

    def batch(self, indices: torch.Tensor | list[int]) -> "Batch":
        return Batch(self.input_ids[indices], self.attention_mask[indices], self.labels[indices])


@dataclass
class Batch:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor

    def to(self, device: torch.device) -> "Batch":
        return Batch(self.input_ids.to(device), self.attention_mask.to(device), self.labels.to(device))

    @property
    def num_target_tokens(self) -> int:
        return int((self.labels != IGNORE_INDEX).sum())

    @property
    def loss_units(self) -> int:
        """What the loss is a mean over: the real target tokens."""
        return self.num_target_tokens


def _require_eos(tokenizer: PreTrainedTokenizerBase) -> int:
    if tokenizer.eos_token_id is None:
        raise EngineError(
            f"the tokenizer ({tokenizer.name_or_path}) has no eos_token; the data pipeline needs one "
            "to mark where a document or a completion ends: set eos_token in its tokenizer_config.json"
        )
    return tokenizer.eos_token_id


def _pad_id(tokenizer: PreTrainedTokenizerBase) -> int:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else _require_eos(tokenizer)


_PROBE = "a"


def leading_special_ids(tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """The special tokens `tokenizer(text)` puts before a text's own tokens, by the tokenizer's own
    rule (`add_bos_token`, its post-processor): [bos_token_id] for Llama-style tokenizers, [] for
    GPT-2's. Tokens it appends (an add_eos_token tokenizer's EOS) are not included: the data
    pipeline ends documents and completions itself."""
    with_special = tokenizer(_PROBE, verbose=False)["input_ids"]
    plain = tokenizer(_PROBE, add_special_tokens=False, verbose=False)["input_ids"]
    special = set(tokenizer.all_special_ids)
    for start in range(len(with_special) - len(plain) + 1):
        if with_special[start: start + len(plain)] == plain and all(t in special for t in with_special[:start]):
            return list(with_special[:start])
    return []


def text_ids(tokenizer: PreTrainedTokenizerBase, text: str, *, prefix: list[int] | None = None) -> list[int]:
    """A plain text's token ids as the model saw text in pre-training: the tokenizer's leading
    special tokens (its BOS, if it adds one; `prefix` when the caller already has them) then the
    text's own tokens. Not for chat-template renderings, which carry their own BOS."""
    if prefix is None:
        prefix = leading_special_ids(tokenizer)
    return prefix + tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]


def leading_bos_count(ids: list[int], tokenizer: PreTrainedTokenizerBase) -> int:
    """How many tokens at the start of `ids` are its beginning of sequence: the tokenizer's leading
    special tokens (text_ids) where ids start with them, else 1 where ids start with the BOS token (a
    chat template's rendering), else 0."""
    prefix = leading_special_ids(tokenizer)
    if prefix and ids[:len(prefix)] == prefix:
        return len(prefix)
    return int(tokenizer.bos_token_id is not None and ids[:1] == [tokenizer.bos_token_id])


def keep_end(ids: list[int], count: int, tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """A prompt cut from the left to `count` tokens that keeps its beginning of sequence
    (leading_bos_count): the BOS, then the prompt's last tokens. A model sees every text after its
    BOS in training and generation, so a cut prompt must not lose it. At least the BOS stays."""
    if len(ids) <= count:
        return list(ids)
    head = leading_bos_count(ids, tokenizer)
    tail = max(count - head, 0)
    return list(ids[:head]) + (list(ids[len(ids) - tail:]) if tail else [])


def pack_texts(texts: list[str], tokenizer: PreTrainedTokenizerBase, block_size: int) -> TokenBlocks:
    """Tokenize documents, each after the tokenizer's leading special tokens (its BOS, if any) and
    followed by EOS, join them and cut the stream into blocks of block_size."""
    eos_id = _require_eos(tokenizer)
    prefix = leading_special_ids(tokenizer)
    stream: list[int] = []
    for ids in tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]:
        stream.extend(prefix)
        stream.extend(ids)
        stream.append(eos_id)
    pad_id = _pad_id(tokenizer)

    # Block k holds stream[k*B : k*B + B] and predicts stream[k*B + 1 : k*B + B + 1], so every
    # transition of the stream is trained on exactly once.
    num_blocks = max(1, -(-(len(stream) - 1) // block_size))
    padded = torch.full((num_blocks * block_size + 1,), pad_id, dtype=torch.long)
    padded[: len(stream)] = torch.tensor(stream, dtype=torch.long)
    is_real = torch.zeros(num_blocks * block_size + 1, dtype=torch.bool)
    is_real[: len(stream)] = True

    input_ids = padded[:-1].view(num_blocks, block_size)
    attention_mask = is_real[:-1].view(num_blocks, block_size).long()
    labels = padded[1:].clone()
    labels[~is_real[1:]] = IGNORE_INDEX
    return TokenBlocks(input_ids.clone(), attention_mask, labels.view(num_blocks, block_size))


def _sequences_to_blocks(
    sequences: list[tuple[list[int], list[bool]]], tokenizer: PreTrainedTokenizerBase, block_size: int,
    dataset: Dataset,
) -> tuple[TokenBlocks, int]:
    """One padded row per (token ids, is-target flags) sequence, cut at block_size.

    Position i is labelled with token i + 1 when that token is a target. Sequences left without
    any target by the cut are dropped; their number is returned.
    """
    kept = [(ids[:block_size + 1], targets[:block_size + 1]) for ids, targets in sequences]
    kept = [(ids, targets) for ids, targets in kept if any(targets[1:])]
    if not kept:
        raise EngineError(
            f"{dataset.path}: no row keeps a target token within block_size ({block_size}) tokens: "
            "raise training.block_size or shorten the prompts"
        )
    input_ids = torch.full((len(kept), block_size), _pad_id(tokenizer), dtype=torch.long)
    attention_mask = torch.zeros((len(kept), block_size), dtype=torch.long)
    labels = torch.full((len(kept), block_size), IGNORE_INDEX, dtype=torch.long)
    for row, (ids, targets) in enumerate(kept):
        inputs = ids[:block_size]
        input_ids[row, : len(inputs)] = torch.tensor(inputs)
        attention_mask[row, : len(inputs)] = 1
        next_ids, next_targets = torch.tensor(ids[1:]), torch.tensor(targets[1:], dtype=torch.bool)
        labels[row, : len(next_ids)] = torch.where(next_targets, next_ids, IGNORE_INDEX)
    return TokenBlocks(input_ids, attention_mask, labels), len(sequences) - len(kept)


def prompt_completion_tokens(
    example: dict[str, str], tokenizer: PreTrainedTokenizerBase
) -> tuple[list[int], list[bool]]:
    """The tokenizer's leading special tokens (its BOS, if any), prompt, completion and EOS token
    ids, and which of them are targets (completion and EOS)."""
    prompt = text_ids(tokenizer, example["prompt"])
    completion = tokenizer(example["completion"], add_special_tokens=False)["input_ids"]
    return prompt + completion + [_require_eos(tokenizer)], [False] * len(prompt) + [True] * (len(completion) + 1)


def _render_chat(tokenizer: PreTrainedTokenizerBase, messages: list[dict[str, str]], *, open_turn: bool) -> str:
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=open_turn)


def chat_tokens(messages: list[dict[str, str]], tokenizer: PreTrainedTokenizerBase) -> tuple[list[int], list[bool]]:
    """A conversation's token ids under the chat template, and which are targets (assistant turns).

    An assistant turn is the text the template adds between the conversation before it (rendered
    with the generation prompt, e.g. "<|im_start|>assistant\n") and the conversation up to and
    including it: its content and end-of-turn marker. Tokens that start inside that text are
    targets. This works with any template that renders a conversation's beginning as a prefix of
    the whole, which is checked.
    """
    if not tokenizer.chat_template:
        raise EngineError(
            f"the tokenizer ({tokenizer.name_or_path}) has no chat template, which chat datasets need: "
            "use the tokenizer of a chat model, set 'chat_template' in its tokenizer_config.json, or "
            "convert the rows to prompt-completion pairs"
        )
    text = _render_chat(tokenizer, messages, open_turn=False)
    spans = []
    for index, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = _render_chat(tokenizer, messages[:index], open_turn=True) if index else ""
        through = _render_chat(tokenizer, messages[: index + 1], open_turn=False)
        if not (text.startswith(through) and through.startswith(before)):
            raise EngineError(
                f"the chat template of {tokenizer.name_or_path} renders the beginning of a "
                "conversation differently from the whole conversation, so assistant turns cannot be "
                "located: use a template without history-dependent rendering, or prompt-completion data"
            )
        spans.append((len(before), len(through)))
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    targets = [any(start <= token_start < end for start, end in spans) for token_start, _ in encoded["offset_mapping"]]
    return encoded["input_ids"], targets


def tokenize_dataset(
    dataset: Dataset, tokenizer: PreTrainedTokenizerBase, block_size: int
) -> tuple[TokenBlocks, str]:
    """The dataset's token blocks, and a line describing them for the run's log."""
    if dataset.kind == "text":
        blocks = pack_texts(dataset.rows, tokenizer, block_size)
        return blocks, f"{len(blocks)} packed blocks of {block_size} tokens"
    encode: Callable[[Any, PreTrainedTokenizerBase], tuple[list[int], list[bool]]] = (
        chat_tokens if dataset.kind == "chat" else prompt_completion_tokens
    )
    sequences = [encode(row, tokenizer) for row in dataset.rows]
    blocks, dropped = _sequences_to_blocks(sequences, tokenizer, block_size, dataset)
    cut = sum(len(ids) > block_size + 1 for ids, _ in sequences)
    note = f"{len(blocks)} {dataset.kind} rows padded to {block_size} tokens"
    if cut:
        note += f"; {cut} rows were cut at block_size"
    if dropped:
        note += f"; {dropped} rows were left out because no target token fits in block_size"
    return blocks, note


def sample_prompts(dataset: Dataset, tokenizer: PreTrainedTokenizerBase, count: int) -> list[list[int]]:
    """Token ids of the first `count` rows' prompts, for greedy sample generations.

    Text rows give their first TEXT_SAMPLE_PROMPT_TOKENS tokens, prompt-completion rows their
    prompt (both after the tokenizer's BOS, if it adds one, as in training), chat rows the
    conversation before the first assistant turn with the generation prompt.
    """
    prompts = []
    prefix = leading_special_ids(tokenizer)
    for row in dataset.rows[:count]:
        if dataset.kind == "text":
            ids = text_ids(tokenizer, row, prefix=prefix)[:len(prefix) + TEXT_SAMPLE_PROMPT_TOKENS]
        elif dataset.kind == "prompt-completion":
            ids = text_ids(tokenizer, row["prompt"], prefix=prefix)
        else:
            first_answer = next(index for index, message in enumerate(row) if message["role"] == "assistant")
            text = _render_chat(tokenizer, row[:first_answer], open_turn=True) if first_answer else ""
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        if ids:
            prompts.append(ids)
    return prompts


class TrainOrder:
    """Endless batches of training blocks (or of any examples with `batch(indices)`): a fresh
    seeded permutation every epoch.

    The position (epoch, index into that epoch's permutation) is the whole state, so a resumed
    run continues with exactly the batches the uninterrupted run would have seen.
    """

    def __init__(self, blocks: Any, batch_size: int, seed: int, *, rank: int = 0, world_size: int = 1):
        self.blocks = blocks
        self.batch_size = batch_size
        self.seed = seed
        self.rank, self.world_size = rank, world_size
        self.epoch = 0
        self.index = 0
        self._permutation = self._permute(0)

    def _permute(self, epoch: int) -> torch.Tensor:
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        return torch.randperm(len(self.blocks), generator=generator)

    def next_batch(self) -> Any:
        """The next batch_size examples; in a run of world_size processes, rank r gets the r-th
        slice of the next batch_size x world_size, so all ranks together see one global batch."""
        indices = []
        while len(indices) < self.batch_size * self.world_size:
            if self.index == len(self.blocks):
                self.epoch, self.index = self.epoch + 1, 0
                self._permutation = self._permute(self.epoch)
            indices.append(int(self._permutation[self.index]))
            self.index += 1
        return self.blocks.batch(indices[self.rank * self.batch_size: (self.rank + 1) * self.batch_size])

    def state_dict(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "index": self.index, "num_blocks": len(self.blocks)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if state["num_blocks"] != len(self.blocks):
            raise EngineError(
                f"the checkpoint was trained on {state['num_blocks']} blocks of training data but "
                f"this run has {len(self.blocks)}: resume with the same training data, tokenizer "
                "and block_size"
            )
        self.epoch, self.index = state["epoch"], state["index"]
        self._permutation = self._permute(self.epoch)


def validation_batches(blocks: TokenBlocks, batch_size: int, max_batches: int) -> Iterator[Batch]:
    """The first max_batches batches of the validation blocks, always in the same order."""
    for start in range(0, min(len(blocks), batch_size * max_batches), batch_size):
        yield blocks.batch(list(range(start, min(start + batch_size, len(blocks)))))
