"""Beginning of sequence: the tokenizer's own rule for what comes before a text.

`tokenizer(text)` puts the tokenizer's leading special tokens before a text (Llama's and Gemma's
BOS, nothing for GPT-2 or Qwen); training data, evaluation, sample prompts, the RL and seq_kd
prompts and the playground all encode plain text this way (text_ids), and a prompt cut from the
left keeps its BOS (keep_end). Chat renderings carry the BOS their template writes.
"""

from transformers import PreTrainedTokenizerBase

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
