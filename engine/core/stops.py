"""What ends a generation: the checkpoint's stop tokens, the same in every generation path.

A chat checkpoint ends its turn with a token of its own (<|im_end|>, <end_of_turn>, <|eot_id|>),
listed in its generation_config.json's eos_token_id (an id or a list), which is often not the
tokenizer's eos_token. GRPO/KDRL rollouts, seq_kd's teacher answers, evaluation samples and the
playground all stop at the ids of `stop_token_ids` and cut what follows with `cut_at_stop`.
The paths whose samples a loss assumes (rollouts, seq_kd's answers) generate with
`generate_exactly`: their settings and nothing of the checkpoint's generation defaults.
"""

from collections.abc import Sequence
from typing import Any

import torch
from transformers import GenerationConfig, PreTrainedTokenizerBase

from engine.models import causal_lm_of


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


def generate_exactly(model: torch.nn.Module, generation_config: GenerationConfig, **inputs: Any) -> torch.Tensor:
    """model.generate(**inputs) with `generation_config` and none of the checkpoint's own defaults.

    transformers 5 fills every setting that a GenerationConfig passed to generate() leaves unset
    (None) from the model's generation_config, i.e. its generation_config.json (top_k,
    suppress_tokens, a repetition penalty, ...), and has no switch against it (4.x's
    use_model_defaults=False is gone). So the model's generation config is a bare one for the
    call: only transformers' global defaults fill the gaps (among them top_k=50, so a caller that
    samples sets top_k=0). Not thread-safe for one model, which the engine never shares.
    """
    lm = causal_lm_of(model)
    own = lm.generation_config
    lm.generation_config = GenerationConfig()
    try:
        return model.generate(**inputs, generation_config=generation_config)
    finally:
        lm.generation_config = own
