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
from pathlib import Path
from typing import Any

import torch
from transformers import PreTrainedTokenizerBase

from engine import distributed
from engine.core.data import read_jsonl
from engine.core.objective import Objective, RunData, RunResult
from engine.core.model_checks import check_run_models
from engine.core.reference import describe_reference, load_reference
from engine.core.stops import cut_at_stop, stop_token_ids
from engine.core.training import Trainer, default_device, disable_dropout, inference_dtype, seed_everything
from engine.errors import EngineError
from engine.events import EventSink
from engine.methods.rl.config import GRPOConfig, KDRLConfig
from engine.methods.rl.losses import (
    calibrated_rewards,
    group_advantages,
    grpo_sequence_losses,
    infalign_transform,
    kd_coefficient,
    kd_weights,
    kdrl_sequence_losses,
)
from engine.methods.rl.rewards import REWARDS, Score, score
from engine.methods.rl.rollouts import (
    PromptBatch,
    PromptSet,
    completion_log_probs,
    padding_id,
    prompt_set,
    sample_completions,
)
from engine.models import (
    check_output_layer_gives_logits,
    load_student,
    load_teacher,
    load_tokenizer,
)
from engine.spec import RunSpec, TrainingConfig

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
        # The checkpoints' own stop tokens (a chat model's end of turn) as well as the tokenizer's EOS.
        self.policy_stops = stop_token_ids(policy, tokenizer)
        self.reference_stops = stop_token_ids(reference, tokenizer)
        self.stop_ids = list(dict.fromkeys(self.policy_stops + self.reference_stops))
        self.pad_id = padding_id(tokenizer)
        self.judges_correctness = any(REWARDS[reward.name].judges_correctness for reward in config.rewards)
        self.step = 0
        """Optimizer steps completed (the loop's step once end_step has run)."""
        self.micro_batch = 0
        self.rank = distributed.ranks_from_environment().rank
        self.reference_rewards: dict[int, torch.Tensor] = {}

    def _text(self, completion: list[int]) -> str:
        """A completion's text, without its stop token (a chat model's end of turn need not be special)."""
        return self.tokenizer.decode(cut_at_stop(completion, self.stop_ids, keep_stop=False), skip_special_tokens=True)

    def _score(self, prompts: list[str], answers: list[str | None], completions: list[list[int]],
               group_size: int) -> list[Score]:
        scores = []
        for b, completion in enumerate(completions):
            text = self._text(completion)
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
                max_new_tokens=config.max_new_tokens, eos_id=self.reference_stops, pad_id=self.pad_id,
                seed=_reference_seed(self.run_seed, index), temperature=config.temperature, top_p=config.top_p,
                vocab_size=len(self.tokenizer),
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
            eos_id=self.policy_stops, pad_id=self.pad_id,
            seed=_sampling_seed(self.run_seed, step, self.micro_batch, self.rank),
            temperature=config.temperature, top_p=config.top_p, vocab_size=len(self.tokenizer),
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

        # Every model scores over the tokenizer's vocabulary (the first len(tokenizer) output rows), the
        # distribution the completions were sampled from: models padded to different sizes compare exactly.
        vocab_size = len(self.tokenizer)
        log_probs, mask = completion_log_probs(self.policy, batch.prompt_ids, completions, group,
                                               pad_id=self.pad_id, chunk_size=config.chunk_size,
                                               temperature=config.temperature, vocab_size=vocab_size)
        with torch.no_grad():
            reference_log_probs, _ = completion_log_probs(self.reference, batch.prompt_ids, completions, group,
                                                          pad_id=self.pad_id, chunk_size=config.chunk_size,
                                                          temperature=config.temperature, vocab_size=vocab_size)
        if self.kd_teacher is None:
            losses, kl = grpo_sequence_losses(log_probs, reference_log_probs, advantages, mask, kl_coef=config.kl_coef)
        else:
            assert isinstance(config, KDRLConfig)
            with torch.no_grad():
                teacher_log_probs, _ = completion_log_probs(self.kd_teacher, batch.prompt_ids, completions, group,
                                                            pad_id=self.pad_id, chunk_size=config.chunk_size,
                                                            temperature=config.temperature, vocab_size=vocab_size)
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
                eos_id=stop_token_ids(model, self.tokenizer), pad_id=self.pad_id, seed=0, greedy=True,
                vocab_size=len(self.tokenizer),
            )
            batch_scores = self._score(batch.prompts, batch.answers, completions, 1)
            scores += batch_scores
            for prompt, answer, completion, result in zip(batch.prompts, batch.answers, completions, batch_scores):
                text = self._text(completion)
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
    if config.disable_dropout:
        disable_dropout(policy)
    reference = load_reference(spec, tokenizer, inference_dtype(training)).to(device)
    events.log("info", f"reference model: {describe_reference(spec)}")
    models = [(policy, "student"), (reference, "reference")]
    teacher = None
    if isinstance(config, KDRLConfig):
        teacher = load_teacher(spec, tokenizer, inference_dtype(training)).to(device)
        models.append((teacher, "teacher"))
    check_run_models(spec, tokenizer, student=policy, teacher=teacher, reference=reference)
    for model, role in models:
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
    return Trainer(
        spec=spec, training=training, model=policy, tokenizer=tokenizer,
        data=RunData(train_set, validation_set, []), objective=objective, events=events, cancel=cancel,
    ).fit()
