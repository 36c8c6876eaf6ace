"""What ends a generation: the checkpoint's stop tokens, the same in every generation path.

A chat checkpoint ends its turn with a token of its own (<|im_end|>, <end_of_turn>, <|eot_id|>),
listed in its generation_config.json's eos_token_id (an id or a list), which is often not the
tokenizer's eos_token. GRPO/KDRL rollouts, seq_kd's teacher answers, evaluation samples and the
playground all stop at the ids of `stop_token_ids` and cut what follows with `cut_at_stop`.
"""

from collections.abc import Sequence

import torch
from transformers import PreTrainedTokenizerBase


def stop_token_ids(model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """The model's generation_config.eos_token_id (an id or a list) then the tokenizer's EOS,
    without repeats (possibly empty: then only max_new_tokens ends a generation)."""
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if configured is None:
        configured = []
    elif isinstance(configured, torch.Tensor):
        configured = configured.reshape(-1).tolist()
    elif isinstance(configured, int):
        configured = [configured]
    ids: list[int] = []
    for token in [*(int(t) for t in configured), tokenizer.eos_token_id]:
        if token is not None and token not in ids:
            ids.append(token)
    return ids


def cut_at_stop(tokens: Sequence[int], stop_ids: Sequence[int], *, keep_stop: bool) -> list[int]:
    """The tokens up to the first stop id (included when keep_stop), all of them if none occurs."""
    stops = set(stop_ids)
    for index, token in enumerate(tokens):
        if token in stops:
            return list(tokens[: index + 1 if keep_stop else index])
    return list(tokens)
