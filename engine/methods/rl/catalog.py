"""Registry entries of KL-regularised reinforcement learning with verifiable rewards: GRPO and KDRL.

Both are in the "alignment" family. InfAlign's calibrate-and-transform reward is an option of
both (reward_transform: infalign_ctrl), and SALSA's soup reference is the run spec's `reference`.
"""

from engine.method_info import MethodInfo, Paper, Requirements

_RL_DATA = ("prompt-completion", "chat")
_REWARDS = (
    "Each prompt is completed group_size times by the current policy; the completions are scored by "
    "the config's verifiable rewards (exact_match, regex, numeric, length_penalty; the dataset's "
    "completion, or a chat row's last assistant message, is the reference answer). The "
    "completions' log-probabilities (policy, reference and teacher) are scored at the sampling "
    "temperature, log_softmax(logits / temperature), as TRL does. "
)
_OPTIONS = (
    "The KL reference is the initial policy unless the run names one: a registered model, or a "
    "uniform soup of SFT checkpoints as in SALSA (Chegini et al. 2024). reward_transform "
    "'infalign_ctrl' replaces each reward by InfAlign's calibrated and transformed reward "
    "(Balashankar et al. 2024): its mid-rank among calibration_samples reference-model samples of "
    "the prompt, through exp(t C) for best-of-N or -exp(-t C) for worst-of-N inference."
)

METHODS: list[MethodInfo] = [
    MethodInfo(
        name="grpo",
        family="alignment",
        description=(
            "GRPO, group relative policy optimisation: reinforcement learning with verifiable "
            "rewards and no value model. " + _REWARDS + "Each reward minus its group's mean, over "
            "the group's standard deviation, is the advantage of every token of that completion; "
            "the policy maximises the advantage-weighted log-probability of its samples minus "
            "kl_coef times a KL penalty (k3 estimator) to a frozen reference. " + _OPTIONS
        ),
        paper=Paper(
            title="DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language Models "
                  "(Shao et al., 2024)",
            url="https://arxiv.org/abs/2402.03300",
        ),
        config="engine.methods.rl.config:GRPOConfig",
        recipe="engine.methods.rl.recipe:run",
        requires=Requirements(teacher=False, reference=True, dataset_kinds=_RL_DATA),
    ),
    MethodInfo(
        name="kdrl",
        family="alignment",
        description=(
            "KDRL: GRPO plus knowledge distillation on the policy's own samples. " + _REWARDS +
            "Besides the GRPO objective the policy is pulled toward a frozen teacher by the reverse "
            "KL(policy || teacher) on its completions (k2 estimator), with a weight that decays "
            "linearly from kd_coef_start to kd_coef_end; reward-guided masking can restrict the "
            "teacher term to incorrect completions or to groups with no correct one. Teacher and "
            "student must share a tokenizer. " + _OPTIONS
        ),
        paper=Paper(
            title="KDRL: Post-Training Reasoning LLMs via Unified Knowledge Distillation and "
                  "Reinforcement Learning (Xu et al., 2025)",
            url="https://arxiv.org/abs/2506.02208",
        ),
        config="engine.methods.rl.config:KDRLConfig",
        recipe="engine.methods.rl.recipe:run",
        requires=Requirements(teacher=True, reference=True, dataset_kinds=_RL_DATA),
    ),
]
