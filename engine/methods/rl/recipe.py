"""grpo and kdrl: KL-regularised RL with verifiable rewards on the policy's own samples.

Every micro-batch of prompts is completed group_size times by the current policy (sampled under
no_grad in eval mode, then back to train mode), the completions are scored by the config's reward
functions (engine.methods.rl.rewards), optionally calibrated and transformed (InfAlign), turned into
group-normalised advantages, and the policy takes a GRPO step with a k3 KL penalty to the frozen
reference (the initial policy, a registered model, or a soup of checkpoints as in SALSA); kdrl adds
a k2 reverse KL to a frozen teacher. The math lives in engine.methods.rl.losses.

Reproducibility: the completions of a micro-batch are sampled from a seed derived from the run's
seed, the optimizer step, the micro-batch's index and the process's rank (the global RNG is forked, so sampling
draws nothing from it), and InfAlign's reference samples of a prompt from the run's seed and the
prompt's index. A resumed run restores the weights, optimizer, schedule, data position, RNG states
and the objective's step counter from the checkpoint, so it samples the same completions as the
uninterrupted run would have (bit for bit on CPU; GPU kernels may differ in the last bits). The
InfAlign reference rewards are not saved: they are drawn again, identically, when first needed.
"""

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import GenerationConfig, PreTrainedTokenizerBase

from engine import distributed
from engine.spec import RunSpec, TrainingConfig
from engine.core.data import Dataset, read_jsonl
from engine.errors import EngineError
from engine.events import EventSink
from engine.core.losses import IGNORE_INDEX
from engine.models import (
    check_block_size, check_output_layer_gives_logits, check_same_vocabulary, final_hidden_states, load_student,
    load_teacher, load_tokenizer,
)
from engine.core.reference import check_reference_matches, describe_reference, load_reference
from engine.methods.rl.rewards import REWARDS, RewardSpec, Score, answer_problems, score
from engine.methods.rl.config import GRPOConfig, KDRLConfig
from engine.methods.rl.losses import (
    calibrated_rewards, grpo_sequence_losses, group_advantages, infalign_transform, kd_coefficient, kd_weights,
    kdrl_sequence_losses,
)
from engine.core.token_logprobs import output_weight_and_bias, token_log_probs
from engine.core.training import (
    Objective, RunData, RunResult, default_device, inference_dtype, seed_everything, train,
)


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
    keeps its last max_prompt_tokens tokens. Every answer is checked against the rewards up front.
    """
    if dataset.kind == "text":
        raise EngineError(
            f"{dataset.path}: RL methods need prompts with reference answers, not plain text: use "
            "prompt-completion rows {\"prompt\": ..., \"completion\": answer} or chat rows whose last "
            "message is the assistant's answer"
        )
    if dataset.kind == "chat" and not tokenizer.chat_template:
        raise EngineError(
            f"{dataset.path} holds chat rows but the tokenizer ({tokenizer.name_or_path}) has no chat "
            "template: use a chat model's tokenizer or convert the rows to prompt-completion pairs"
        )
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
    cut = sum(len(ids) > max_prompt_tokens for ids in encoded)
    empty = sum(not ids for ids in encoded)
    if empty:
        raise EngineError(f"{dataset.path}: {empty} rows have an empty prompt; every row needs a prompt to complete")
    note = f"{len(texts)} {dataset.kind} prompts"
    if cut:
        note += f"; {cut} prompts longer than {max_prompt_tokens} tokens (block_size - max_new_tokens) keep their end"
    return PromptSet([ids[-max_prompt_tokens:] for ids in encoded], texts, answers), note


def _pad_id(tokenizer: PreTrainedTokenizerBase) -> int:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id


@torch.no_grad()
def sample_completions(
    model: torch.nn.Module, prompts: list[list[int]], *, num_samples: int, max_new_tokens: int, eos_id: int,
    pad_id: int, seed: int, temperature: float = 1.0, top_p: float = 1.0, greedy: bool = False,
) -> list[list[int]]:
    """num_samples completions of each prompt, grouped by prompt (prompt 0's first), each cut after
    its first EOS (kept). Sampled with a forked RNG seeded by `seed`, the model in eval mode."""
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
    generation_config = GenerationConfig(
        do_sample=not greedy, max_new_tokens=max_new_tokens, num_return_sequences=num_samples, pad_token_id=pad_id,
        eos_token_id=eos_id, **sampling,
    )
    was_training = model.training
    model.eval()
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        output = model.generate(input_ids=input_ids, attention_mask=attention_mask,
                                generation_config=generation_config, use_model_defaults=False)
    model.train(was_training)
    completions = []
    for tokens in output[:, width:].tolist():
        completions.append(tokens[: tokens.index(eos_id) + 1] if eos_id in tokens else tokens)
    return completions


def completion_log_probs(
    model: torch.nn.Module, prompts: list[list[int]], completions: list[list[int]], group_size: int, *,
    pad_id: int, chunk_size: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, L) log-probabilities of each completion's tokens under `model`, and their (B, L) mask.

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
    return token_log_probs(hidden, weight, bias, labels, chunk_size=chunk_size), labels != IGNORE_INDEX


_SEED_RANGE = 2**63  # torch.manual_seed takes seeds below 2**64


def _sampling_seed(run_seed: int, step: int, micro_batch: int, rank: int) -> int:
    return (((run_seed * 1_000_003 + step) * 4099 + micro_batch) * 1031 + rank) % _SEED_RANGE


def _reference_seed(run_seed: int, prompt_index: int) -> int:
    return ((run_seed * 1_000_033 + prompt_index) * 4111 + 2**40) % _SEED_RANGE


class GRPO(Objective):
    """GRPO (Shao et al. 2024) on verifiable rewards; KDRL when given a teacher (see rl_losses).

    Loss of an optimizer step: the mean over its prompts of the mean over each prompt's group of
    the per-sequence losses (each a mean over the sequence's own tokens), so loss units are prompts.
    Its value (train/loss) stays near 0 by construction, the advantages of a group summing to 0;
    only its gradient carries the signal, so watch rl/reward_mean, not train/loss.

    Metrics (per step, means over its samples unless said otherwise): rl/reward_mean (total raw
    reward, before any transform), rl/reward_std (within-group standard deviation of it, unbiased
    as for the advantages, mean over groups), rl/reward/<label> (each reward's raw, unweighted
    value), rl/kl (k3 to the reference,
    mean over each completion's tokens then over completions), rl/completion_length (generated
    tokens, EOS included), rl/correct_share (share of completions that score 1 on every exact_match
    and numeric reward of the config; only when there is one), rl/calibrated_reward_mean (InfAlign's
    C), and for kdrl rl/teacher_kl (k2 to the teacher, same means as rl/kl, over every completion),
    rl/kd_coef (the step's teacher-KL weight) and rl/kd_masked_share (the share of completions the
    teacher KL is applied to: 1 with kd_mask 'none').
    """

    def __init__(self, *, policy: torch.nn.Module, reference: torch.nn.Module, tokenizer: PreTrainedTokenizerBase,
                 config: GRPOConfig, run_seed: int, output_dir: Path, events: EventSink,
                 teacher: torch.nn.Module | None = None):
        self.policy, self.reference, self.tokenizer, self.config = policy, reference, tokenizer, config
        self.kd_teacher = teacher
        self.run_seed, self.output_dir, self.events = run_seed, output_dir, events
        self.chunk_size = config.chunk_size
        self.eos_id, self.pad_id = tokenizer.eos_token_id, _pad_id(tokenizer)
        self.judges_correctness = any(REWARDS[reward.name].judges_correctness for reward in config.rewards)
        self.step = 0
        """Optimizer steps completed (the loop's step once end_step has run)."""
        self.micro_batch = 0
        self.rank = distributed.ranks_from_environment().rank
        self.reference_rewards: dict[int, torch.Tensor] = {}

    def _score(self, prompts: list[str], answers: list[str | None], completions: list[list[int]],
               group_size: int) -> list[Score]:
        scores = []
        for b, completion in enumerate(completions):
            text = self.tokenizer.decode(completion, skip_special_tokens=True)
            scores.append(score(self.config.rewards, prompts[b // group_size], text, answers[b // group_size],
                                completion_tokens=len(completion)))
        return scores

    def _reference_rewards(self, batch: PromptBatch, position: int) -> torch.Tensor:
        """InfAlign's K reference-model rewards of one prompt, drawn once per prompt and kept."""
        index = batch.indices[position]
        if index not in self.reference_rewards:
            config = self.config
            samples = sample_completions(
                self.reference, [batch.prompt_ids[position]], num_samples=config.calibration_samples,
                max_new_tokens=config.max_new_tokens, eos_id=self.eos_id, pad_id=self.pad_id,
                seed=_reference_seed(self.run_seed, index), temperature=config.temperature, top_p=config.top_p,
            )
            scores = self._score([batch.prompts[position]], [batch.answers[position]], samples,
                                 config.calibration_samples)
            self.reference_rewards[index] = torch.tensor([s.total for s in scores], dtype=torch.float64)
        return self.reference_rewards[index]

    def loss(self, batch: PromptBatch, num_units: int) -> tuple[torch.Tensor, dict[str, float]]:
        config, group = self.config, self.config.group_size
        step = self.step + 1
        completions = sample_completions(
            self.policy, batch.prompt_ids, num_samples=group, max_new_tokens=config.max_new_tokens,
            eos_id=self.eos_id, pad_id=self.pad_id,
            seed=_sampling_seed(self.run_seed, step, self.micro_batch, self.rank),
            temperature=config.temperature, top_p=config.top_p,
        )
        self.micro_batch += 1
        scores = self._score(batch.prompts, batch.answers, completions, group)
        num_prompts = batch.loss_units
        raw = torch.tensor([s.total for s in scores], dtype=torch.float64).view(num_prompts, group)
        extra: dict[str, float] = {}
        rewards = raw
        if config.reward_transform == "infalign_ctrl":
            calibrated = torch.stack([
                calibrated_rewards(raw[p], self._reference_rewards(batch, p)) for p in range(num_prompts)
            ])
            rewards = infalign_transform(calibrated, t=config.transform_t, mode=config.transform_mode)
            extra["rl/calibrated_reward_mean"] = calibrated.mean().item()
        device = next(self.policy.parameters()).device
        advantages = group_advantages(rewards, scale=config.scale_rewards, eps=config.advantage_eps)
        advantages = advantages.reshape(-1).float().to(device)

        log_probs, mask = completion_log_probs(self.policy, batch.prompt_ids, completions, group,
                                               pad_id=self.pad_id, chunk_size=config.chunk_size)
        with torch.no_grad():
            reference_log_probs, _ = completion_log_probs(self.reference, batch.prompt_ids, completions, group,
                                                          pad_id=self.pad_id, chunk_size=config.chunk_size)
        if self.kd_teacher is None:
            losses, kl = grpo_sequence_losses(log_probs, reference_log_probs, advantages, mask, kl_coef=config.kl_coef)
        else:
            assert isinstance(config, KDRLConfig)
            with torch.no_grad():
                teacher_log_probs, _ = completion_log_probs(self.kd_teacher, batch.prompt_ids, completions, group,
                                                            pad_id=self.pad_id, chunk_size=config.chunk_size)
            correct = torch.tensor([s.total >= config.kd_reward_threshold for s in scores]).view(num_prompts, group)
            weights = kd_weights(correct, config.kd_mask).reshape(-1).to(device)
            losses, kl, teacher_kl = kdrl_sequence_losses(
                log_probs, reference_log_probs, teacher_log_probs, advantages, mask, weights,
                kl_coef=config.kl_coef, kd_coef=self.kd_coef(step),
            )
            extra["rl/teacher_kl"] = teacher_kl.mean().item()
            extra["rl/kd_masked_share"] = weights.mean().item()

        extra |= {
            "rl/reward_mean": raw.mean().item(),
            "rl/reward_std": raw.std(-1).mean().item(),
            "rl/kl": kl.mean().item(),
            "rl/completion_length": float(sum(len(c) for c in completions)) / len(completions),
        }
        for label in scores[0].parts:
            extra[f"rl/reward/{label}"] = sum(s.parts[label] for s in scores) / len(scores)
        if self.judges_correctness:
            extra["rl/correct_share"] = sum(bool(s.correct) for s in scores) / len(scores)
        # The loss sums the prompts' group means; every metric is this micro-batch's mean weighted
        # by its share of the step's prompts, so the loop's sums over micro-batches are step means.
        share = num_prompts / num_units
        loss = losses.view(num_prompts, group).mean(-1).sum() / num_units
        return loss, {name: value * share for name, value in extra.items()}

    def kd_coef(self, step: int) -> float:
        assert isinstance(self.config, KDRLConfig)
        return kd_coefficient(step, start=self.config.kd_coef_start, end=self.config.kd_coef_end,
                              decay=self.config.kd_coef_decay)

    def end_step(self, step: int, max_steps: int, values: dict[str, float]) -> dict[str, float]:
        self.step, self.micro_batch = step, 0
        return {"rl/kd_coef": self.kd_coef(step)} if self.kd_teacher is not None else {}

    def state_dict(self) -> dict[str, Any]:
        return {"step": self.step}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.step = state.get("step", 0)

    @torch.no_grad()
    def evaluate(self, model: torch.nn.Module, data: RunData, training: TrainingConfig) -> dict[str, float]:
        """Greedy completions of the first eval_batches x batch_size validation prompts, scored.

        eval/reward_mean (total raw reward), eval/reward/<label>, eval/correct_share (with an
        exact_match or numeric reward), and unless training.eval_samples is 0 a 'samples' artifact:
        a JSON list of {prompt, completion, answer, reward} for every evaluated prompt.
        """
        prompts: PromptSet = data.validation_blocks
        count = min(len(prompts), training.batch_size * training.eval_batches)
        samples, scores = [], []
        for start in range(0, count, training.batch_size):
            batch = prompts.batch(list(range(start, min(start + training.batch_size, count))))
            completions = sample_completions(
                model, batch.prompt_ids, num_samples=1, max_new_tokens=self.config.max_new_tokens,
                eos_id=self.eos_id, pad_id=self.pad_id, seed=0, greedy=True,
            )
            batch_scores = self._score(batch.prompts, batch.answers, completions, 1)
            scores += batch_scores
            for prompt, answer, completion, result in zip(batch.prompts, batch.answers, completions, batch_scores):
                text = self.tokenizer.decode(completion, skip_special_tokens=True)
                samples.append({"prompt": prompt, "completion": text, "answer": answer, "reward": result.total})
        metrics = {"eval/reward_mean": sum(s.total for s in scores) / len(scores)}
        for label in scores[0].parts:
            metrics[f"eval/reward/{label}"] = sum(s.parts[label] for s in scores) / len(scores)
        if self.judges_correctness:
            metrics["eval/correct_share"] = sum(bool(s.correct) for s in scores) / len(scores)
        if training.eval_samples:
            path = self.output_dir / "samples" / f"step-{self.step}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(samples, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            self.events.artifact(f"samples-step-{self.step}", "samples", str(path), self.step, path.stat().st_size)
        return metrics


def run(spec: RunSpec, events: EventSink, cancel: threading.Event) -> RunResult:
    config = spec.method_config
    assert isinstance(config, GRPOConfig)
    training = config.training
    seed_everything(spec.seed)

    device = default_device()
    tokenizer = load_tokenizer(spec)
    if tokenizer.eos_token_id is None:
        raise EngineError(
            f"the tokenizer ({tokenizer.name_or_path}) has no eos_token, which marks where a sampled "
            "completion ends: set eos_token in its tokenizer_config.json"
        )
    policy = load_student(spec, tokenizer, training).to(device)
    reference = load_reference(spec, tokenizer, inference_dtype(training)).to(device)
    check_reference_matches(reference, policy)
    events.log("info", f"reference model: {describe_reference(spec)}")
    models = [(policy, "student"), (reference, "reference")]
    teacher = None
    if isinstance(config, KDRLConfig):
        teacher = load_teacher(spec, tokenizer, inference_dtype(training)).to(device)
        check_same_vocabulary(teacher, policy)
        models.append((teacher, "teacher"))
    for model, role in models:
        check_block_size(model, training.block_size, role)
        check_output_layer_gives_logits(model, role)

    max_prompt_tokens = training.block_size - config.max_new_tokens
    train_set, note = prompt_set(read_jsonl(spec.train_data.path, role="training data"), tokenizer,
                                 max_prompt_tokens=max_prompt_tokens, rewards=config.rewards)
    events.log("info", f"training data: {note} from {spec.train_data.path}")
    validation_set = None
    if spec.validation_data is not None:
        validation_set, note = prompt_set(read_jsonl(spec.validation_data.path, role="validation data"), tokenizer,
                                          max_prompt_tokens=max_prompt_tokens, rewards=config.rewards)
        events.log("info", f"validation data: {note} from {spec.validation_data.path}")
    else:
        events.log("info", "no validation data: the eval/ metrics will not be reported")

    objective = GRPO(policy=policy, reference=reference, tokenizer=tokenizer, config=config, run_seed=spec.seed,
                     output_dir=Path(spec.output_dir), events=events, teacher=teacher)
    return train(
        spec=spec, training=training, model=policy, tokenizer=tokenizer,
        data=RunData(train_set, validation_set, []), objective=objective, events=events, cancel=cancel,
    )
