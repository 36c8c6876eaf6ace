"""Tiny random-weight models of the real decoder families the pinned transformers ships, built from
configs (nothing is downloaded), shared by the architecture tests and the architecture matrix."""

from pathlib import Path
from typing import Any

import torch
from transformers import AutoConfig, AutoModelForCausalLM, PreTrainedModel

_ATTENTION = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
              "max_position_embeddings": 64}
TINY_FAMILIES: dict[str, dict[str, Any]] = {
    "llama": {"model_type": "llama", "num_key_value_heads": 2, **_ATTENTION},
    "qwen2": {"model_type": "qwen2", "num_key_value_heads": 2, **_ATTENTION},
    "qwen3": {"model_type": "qwen3", "num_key_value_heads": 2, "head_dim": 8, **_ATTENTION},
    "mistral": {"model_type": "mistral", "num_key_value_heads": 2, **_ATTENTION},
    "gemma": {"model_type": "gemma", "num_key_value_heads": 2, "head_dim": 8, **_ATTENTION},
    "gemma2": {"model_type": "gemma2", "num_key_value_heads": 2, "head_dim": 8, "sliding_window": 16, **_ATTENTION},
    "gemma3_text": {"model_type": "gemma3_text", "num_key_value_heads": 2, "head_dim": 8, "sliding_window": 16,
                    "final_logit_softcapping": 30.0, **_ATTENTION},
    "phi3": {"model_type": "phi3", "num_key_value_heads": 2, "pad_token_id": 0, **_ATTENTION},
    "olmo2": {"model_type": "olmo2", "num_key_value_heads": 2, **_ATTENTION},
    "gpt2": {"model_type": "gpt2", "n_embd": 32, "n_layer": 2, "n_head": 4, "n_positions": 64},
    "gpt_neox": {"model_type": "gpt_neox", **_ATTENTION},
}
"""Config fields of a tiny model of each family (vocab_size comes from the caller)."""


def family_config(family: str, vocab_size: int) -> dict[str, Any]:
    """The config dict (model_type included) of a tiny `family` model with `vocab_size` embedding rows."""
    return {**TINY_FAMILIES[family], "vocab_size": vocab_size}


def build_tiny_model(family: str, vocab_size: int, seed: int = 0) -> PreTrainedModel:
    """A tiny `family` model with random float32 weights drawn from `seed`."""
    fields = family_config(family, vocab_size)
    torch.manual_seed(seed)
    return AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))


def save_tiny_model(family: str, directory: Path, vocab_size: int, *, seed: int = 0,
                    dtype: torch.dtype = torch.float32, tokenizer: Any = None) -> Path:
    """save_pretrained a tiny `family` model in `dtype` (and `tokenizer` beside it) to `directory`."""
    model = build_tiny_model(family, vocab_size, seed).to(dtype)
    model.save_pretrained(directory)
    if tokenizer is not None:
        tokenizer.save_pretrained(directory)
    return directory


QWEN_REGULAR_TOKENS = 151_643
"""Qwen2.5's regular (byte-level BPE) vocabulary; its 22 special tokens follow, so len() is 151,665."""
QWEN_SPECIAL_TOKENS = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>", "<|box_start|>",
    "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>",
    "<|image_pad|>", "<|video_pad|>", "<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>",
    "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>",
]
QWEN_SMALL_ROWS, QWEN_LARGE_ROWS = 151_936, 152_064
"""Embedding rows of the Qwen2.5 0.5B-3B checkpoints and of the 7B and larger ones, for one tokenizer."""


def qwen_sized_tokenizer(directory: Path) -> Any:
    """A real fast tokenizer with Qwen2.5's sizes, built locally: a word-level vocabulary of
    QWEN_REGULAR_TOKENS words ('w0' ... ; 'w0' also stands for unknown words) then its 22 special
    tokens, EOS and padding <|endoftext|> and no BOS, as Qwen2.5's; saved to `directory`."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.WordLevel({f"w{index}": index for index in range(QWEN_REGULAR_TOKENS)}, unk_token="w0"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|endoftext|>", pad_token="<|endoftext|>",
                                        additional_special_tokens=QWEN_SPECIAL_TOKENS[1:])
    tokenizer.save_pretrained(directory)
    return tokenizer


QWEN2_TINY = {"model_type": "qwen2", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
              "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 64}
"""Qwen2's architecture at a tiny width: with 152,064 rows the embedding is still 2.4M parameters."""


def save_qwen2(directory: Path, rows: int, *, tied: bool, seed: int, tokenizer: Any) -> Path:
    """A tiny random Qwen2 model with `rows` embedding rows (output layer tied to them or not), saved
    with `tokenizer` to `directory`."""
    fields = {**QWEN2_TINY, "vocab_size": rows, "tie_word_embeddings": tied}
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def qwen_words_rows(count: int, seed: int) -> list[dict[str, str]]:
    """Text rows of 20 words of the qwen_sized_tokenizer each, drawn from its last 2,000 regular tokens."""
    generator = torch.Generator().manual_seed(seed)
    words = torch.randint(QWEN_REGULAR_TOKENS - 2_000, QWEN_REGULAR_TOKENS, (count, 20), generator=generator)
    return [{"text": " ".join(f"w{index}" for index in row.tolist())} for row in words]
