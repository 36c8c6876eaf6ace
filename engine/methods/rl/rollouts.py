"""The RL methods' data and rollouts: the prompt set (with each prompt's reference answers), the
policy's sampled completions, and their log-probabilities under a model."""

from dataclasses import dataclass

import torch
from transformers import GenerationConfig, PreTrainedTokenizerBase

from engine.core.bos import leading_special_ids
from engine.core.data import Dataset
from engine.core.losses import IGNORE_INDEX
from engine.core.stops import cut_at_stop, generate_exactly
from engine.core.token_logprobs import output_weight_and_bias, token_log_probs
from engine.errors import EngineError
from engine.facts import chat_template_problem
from engine.methods.rl.rewards import RewardSpec, answer_problems
from engine.models import causal_lm_of, final_hidden_states, logit_softcap


@dataclass
class PromptBatch:
    """Prompts of one micro-batch with their reference answers; loss units are prompts."""

    indices: list[int]
    prompt_ids: list[list[int]]
    prompts: list[str]
    answers: list[str | None]

    def to(self, device: torch.device) -> "PromptBatch":
        return self  # token ids stay lists until the completions are sampled on the policy's device

    @property
    def loss_units(self) -> int:
        return len(self.prompt_ids)


@dataclass
class PromptSet:
    """The prompts of a prompt-completion or chat dataset, each with the answer the rewards check."""

    prompt_ids: list[list[int]]
    prompts: list[str]
    answers: list[str | None]

    def __len__(self) -> int:
        return len(self.prompt_ids)

    def batch(self, indices: list[int]) -> PromptBatch:
        return PromptBatch(list(indices), [self.prompt_ids[i] for i in indices], [self.prompts[i] for i in indices],
                           [self.answers[i] for i in indices])


def prompt_set(dataset: Dataset, tokenizer: PreTrainedTokenizerBase, *, max_prompt_tokens: int,
               rewards: list[RewardSpec]) -> tuple[PromptSet, str]:
    """Prompts and answers of a dataset, and a line for the log.

    Prompt-completion rows: the prompt, and the completion as the answer. Chat rows: the
    conversation before the last assistant message, rendered with the chat template's generation
    prompt, and that message's content as the answer. A prompt longer than max_prompt_tokens
    keeps its last max_prompt_tokens tokens (after the tokenizer's BOS, which it keeps). Prompt-
    completion prompts start with the tokenizer's leading special tokens (its BOS, if it adds one)
    as in training data; chat prompts are the template's rendering. Every answer is checked against
    the rewards up front.
    """
    if dataset.kind == "text":
        raise EngineError(
            f"{dataset.path}: RL methods need prompts with reference answers, not plain text: use "
            "prompt-completion rows {\"prompt\": ..., \"completion\": answer} or chat rows whose last "
            "message is the assistant's answer"
        )
    problem = chat_template_problem(bool(tokenizer.chat_template), "the student's tokenizer")
    if dataset.kind == "chat" and problem is not None:
        raise EngineError(f"{dataset.path}: {problem}")
    texts, answers = [], []
    for number, row in enumerate(dataset.rows, start=1):
        if dataset.kind == "prompt-completion":
            text, answer = row["prompt"], row["completion"]
        else:
            last = max(index for index, message in enumerate(row) if message["role"] == "assistant")
            text = tokenizer.apply_chat_template(row[:last], tokenize=False, add_generation_prompt=True) if last else ""
            answer = row[last]["content"]
        problems = answer_problems(rewards, answer)
        if problems:
            raise EngineError(f"{dataset.path} row {number}: {'; '.join(problems)}")
        texts.append(text)
        answers.append(answer)
    encoded = tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
    prefix = leading_special_ids(tokenizer) if dataset.kind == "prompt-completion" else []
    cut = sum(len(prefix) + len(ids) > max_prompt_tokens for ids in encoded)
    empty = sum(not ids for ids in encoded)
    if empty:
        raise EngineError(f"{dataset.path}: {empty} rows have an empty prompt; every row needs a prompt to complete")
    note = f"{len(texts)} {dataset.kind} prompts"
    if cut:
        note += f"; {cut} prompts longer than {max_prompt_tokens} tokens (block_size - max_new_tokens) keep their end"
    kept = max(max_prompt_tokens - len(prefix), 1)
    return PromptSet([prefix + ids[-kept:] for ids in encoded], texts, answers), note


def padding_id(tokenizer: PreTrainedTokenizerBase) -> int:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id


@torch.no_grad()
def sample_completions(
    model: torch.nn.Module, prompts: list[list[int]], *, num_samples: int, max_new_tokens: int,
    eos_id: int | list[int], pad_id: int, seed: int, temperature: float = 1.0, top_p: float = 1.0,
    greedy: bool = False, vocab_size: int | None = None,
) -> list[list[int]]:
    """num_samples completions of each prompt, grouped by prompt (prompt 0's first), each cut after
    its first stop token (kept). eos_id: the stop token, or all of them (engine.core.stops's
    stop_token_ids: the checkpoint's generation_config eos ids and the tokenizer's EOS). Sampled
    with a forked RNG seeded by `seed`, the model in eval mode. With `vocab_size` V (the tokenizer's
    size), the rows a checkpoint pads its output layer with beyond V are never sampled: they are no
    tokens, and completion_log_probs(vocab_size=V) scores the distribution over the first V."""
    stop_ids = [eos_id] if isinstance(eos_id, int) else list(eos_id)
    device = next(model.parameters()).device
    width = max(len(prompt) for prompt in prompts)
    input_ids = torch.full((len(prompts), width), pad_id, dtype=torch.long, device=device)
    attention_mask = torch.zeros_like(input_ids)
    for row, prompt in enumerate(prompts):  # left padding: every prompt ends where generation starts
        input_ids[row, width - len(prompt):] = torch.tensor(prompt, device=device)
        attention_mask[row, width - len(prompt):] = 1
    # A complete generation config, without the model's own defaults (a checkpoint's
    # generation_config.json may set top_k, a repetition penalty, ...): the completions must be
    # samples of softmax(logits / temperature) within top_p, the distribution the loss assumes.
    sampling = {} if greedy else {"temperature": temperature, "top_p": top_p, "top_k": 0}
    rows = causal_lm_of(model).get_output_embeddings().weight.shape[0]
    padding_rows = list(range(vocab_size, rows)) if vocab_size is not None and rows > vocab_size else None
    generation_config = GenerationConfig(
        do_sample=not greedy, max_new_tokens=max_new_tokens, num_return_sequences=num_samples, pad_token_id=pad_id,
        eos_token_id=stop_ids or None, suppress_tokens=padding_rows, **sampling,
    )
    was_training = model.training
    model.eval()
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        output = generate_exactly(model, generation_config, input_ids=input_ids, attention_mask=attention_mask)
    model.train(was_training)
    completions = []
    for tokens in output[:, width:].tolist():
        completions.append(cut_at_stop(tokens, stop_ids, keep_stop=True))
    return completions


def completion_log_probs(
    model: torch.nn.Module, prompts: list[list[int]], completions: list[list[int]], group_size: int, *,
    pad_id: int, chunk_size: int, temperature: float = 1.0, vocab_size: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, L) log-probabilities of each completion's tokens under `model`, and their (B, L) mask.

    The log-probabilities are those of the distribution the completions were sampled from,
    log_softmax(logits / temperature), as TRL's GRPOTrainer scores them: the policy, the reference
    (and kdrl's teacher) are all scored at the sampling temperature, so the KL terms compare the
    sampled distributions.

    With `vocab_size` V (the tokenizer's size) the distribution is over token ids 0..V-1 only: the
    output layer is cut to its first V rows, as the chunked distillation loss cuts it, so the rows a
    checkpoint pads its embedding with never enter the softmax, and models padded differently (a
    Qwen2.5 7B kdrl teacher, 152,064 rows, and a 0.5B policy, 151,936, with one 151,665-token
    vocabulary) score the same tokens exactly. Every completion token must then be below V
    (sample_completions with the same vocab_size).

    Sequence b is prompt b // group_size followed by completion b, right-padded, so positions start
    at 0 as in training data; position i is labelled with token i + 1 where that token belongs to
    the completion. Computed chunk by chunk from the final hidden states (full logits never held).
    """
    device = next(model.parameters()).device
    sequences = [prompts[b // group_size] + completion for b, completion in enumerate(completions)]
    width = max(len(sequence) for sequence in sequences)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long, device=device)
    attention_mask = torch.zeros_like(input_ids)
    labels = torch.full_like(input_ids, IGNORE_INDEX)
    for b, sequence in enumerate(sequences):
        input_ids[b, : len(sequence)] = torch.tensor(sequence, device=device)
        attention_mask[b, : len(sequence)] = 1
        start = len(prompts[b // group_size]) - 1
        labels[b, start: len(sequence) - 1] = torch.tensor(completions[b], device=device)
    hidden = final_hidden_states(model, input_ids, attention_mask)
    weight, bias = output_weight_and_bias(model)
    if vocab_size is not None:
        if weight.shape[0] < vocab_size:
            raise EngineError(f"the output layer has {weight.shape[0]} rows, fewer than the {vocab_size} tokens of the "
                              "vocabulary: use a model of the run's tokenizer")
        weight, bias = weight[:vocab_size], bias[:vocab_size] if bias is not None else None
    log_probs = token_log_probs(hidden, weight, bias, labels, chunk_size=chunk_size, temperature=temperature,
                                softcap=logit_softcap(model))
    return log_probs, labels != IGNORE_INDEX
