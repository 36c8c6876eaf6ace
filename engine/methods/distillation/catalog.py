"""Registry entries of the distillation family: sequence-level KD and the token-level logit KD methods."""

from engine.method_info import TOKEN_DATASET_KINDS, MethodInfo, Paper, Requirements

_DISTILLATION = Requirements(teacher=True, reference=False, dataset_kinds=TOKEN_DATASET_KINDS)
_RECIPE = "engine.methods.distillation.recipe:run"
_SHARED_VOCABULARY = (
    "Teacher and student must share a tokenizer (for models with different vocabularies, use "
    "sequence-level distillation, seq_kd)."
)
_DISTILLM = Paper(
    title="DistiLLM: Towards Streamlined Distillation for Large Language Models (Ko et al., ICML 2024)",
    url="https://arxiv.org/abs/2402.03898",
)

METHODS: list[MethodInfo] = [
    MethodInfo(
        name="seq_kd",
        family="distillation",
        description=(
            "Sequence-level knowledge distillation: the frozen teacher first writes an answer "
            "for every training prompt (greedy by default), then the student is trained with "
            "ordinary cross-entropy on the teacher's answers instead of the dataset's. Only text "
            "passes between the models, so teacher and student may use different tokenizers "
            "and architectures: the way to distil across model families. The teacher's outputs "
            "are kept in the run's directory, so a resumed run does not generate them again."
        ),
        paper=Paper(
            title="Sequence-Level Knowledge Distillation (Kim & Rush, EMNLP 2016)",
            url="https://arxiv.org/abs/1606.07947",
        ),
        config="engine.methods.distillation.config:SequenceKDConfig",
        recipe="engine.methods.distillation.sequence_kd:run",
        # The teacher's answers are generated and written once, by one process.
        requires=Requirements(teacher=True, reference=False, dataset_kinds=TOKEN_DATASET_KINDS,
                              shared_vocabulary=False, data_parallel=False),
    ),
    MethodInfo(
        name="kd_forward_kl",
        family="distillation",
        description=(
            "Knowledge distillation with soft targets: at every token the student matches "
            "the frozen teacher's next-token distribution, softened by a temperature T, "
            "through the forward KL divergence KL(teacher || student) (mode covering: the "
            "student spreads over everything the teacher finds likely), scaled by T^2, mixed "
            "with the ordinary cross-entropy on the gold token. " + _SHARED_VOCABULARY
        ),
        paper=Paper(
            title="Distilling the Knowledge in a Neural Network (Hinton, Vinyals, Dean, 2015)",
            url="https://arxiv.org/abs/1503.02531",
        ),
        config="engine.methods.distillation.config:KDForwardKLConfig",
        recipe="engine.methods.distillation.recipe:run",
        requires=_DISTILLATION,
    ),
    MethodInfo(
        name="kd_reverse_kl",
        family="distillation",
        description=(
            "Logit distillation with the reverse KL divergence KL(student || teacher): mode "
            "seeking, the student concentrates on the teacher's main modes instead of "
            "covering its whole distribution, which suits small students of large teachers. "
            "Computed on the dataset's tokens (no sampling from the student). " + _SHARED_VOCABULARY
        ),
        paper=Paper(
            title="MiniLLM: Knowledge Distillation of Large Language Models (Gu et al., ICLR 2024)",
            url="https://arxiv.org/abs/2306.08543",
        ),
        config="engine.methods.distillation.config:KDReverseKLConfig",
        recipe="engine.methods.distillation.recipe:run",
        requires=_DISTILLATION,
    ),
    MethodInfo(
        name="kd_jsd",
        family="distillation",
        description=(
            "Logit distillation with the generalised Jensen-Shannon divergence of GKD: "
            "beta KL(p || m) + (1 - beta) KL(q || m) with the mixture m = beta p + (1 - beta) q, "
            "bounded and between the two KLs (beta = 0 is the forward KL, 1 the reverse). "
            "This is GKD's supervised (off-policy) form, on the dataset's tokens; the "
            "on-policy part, training on the student's own samples, is not included. "
            + _SHARED_VOCABULARY
        ),
        paper=Paper(
            title="On-Policy Distillation of Language Models: Learning from Self-Generated "
                  "Mistakes (Agarwal et al., ICLR 2024)",
            url="https://arxiv.org/abs/2306.13649",
        ),
        config="engine.methods.distillation.config:KDJSDConfig",
        recipe="engine.methods.distillation.recipe:run",
        requires=_DISTILLATION,
    ),
    MethodInfo(
        name="kd_tvd",
        family="distillation",
        description=(
            "Logit distillation with the total variation distance 1/2 sum |p - q| between the "
            "teacher's and the student's next-token distributions: symmetric and bounded, so "
            "no token can dominate the loss. " + _SHARED_VOCABULARY
        ),
        paper=Paper(
            title="f-Divergence Minimization for Sequence-Level Knowledge Distillation "
                  "(Wen et al., ACL 2023)",
            url="https://arxiv.org/abs/2307.15190",
        ),
        config="engine.methods.distillation.config:KDTVDConfig",
        recipe="engine.methods.distillation.recipe:run",
        requires=_DISTILLATION,
    ),
    MethodInfo(
        name="kd_skew_forward_kl",
        family="distillation",
        description=(
            "Logit distillation with DistiLLM's skew KL, KL(p || lambda p + (1 - lambda) q): "
            "the forward KL against a student distribution mixed with a share lambda of the "
            "teacher's, which keeps the loss and its gradient bounded where the student gives "
            "a likely teacher token almost no probability. " + _SHARED_VOCABULARY
        ),
        paper=_DISTILLM,
        config="engine.methods.distillation.config:KDSkewForwardKLConfig",
        recipe="engine.methods.distillation.recipe:run",
        requires=_DISTILLATION,
    ),
    MethodInfo(
        name="kd_skew_reverse_kl",
        family="distillation",
        description=(
            "Logit distillation with DistiLLM's skew reverse KL, "
            "KL(q || (1 - lambda) p + lambda q): the mode-seeking reverse KL against a teacher "
            "distribution mixed with a share lambda of the student's, for stabler gradients. "
            + _SHARED_VOCABULARY
        ),
        paper=_DISTILLM,
        config="engine.methods.distillation.config:KDSkewReverseKLConfig",
        recipe="engine.methods.distillation.recipe:run",
        requires=_DISTILLATION,
    ),
    MethodInfo(
        name="kd_taid",
        family="distillation",
        description=(
            "TAID, temporally adaptive interpolated distillation: the student learns from an "
            "intermediate teacher softmax((1 - t) student_logits + t teacher_logits) whose "
            "weight t rises from t_start to t_end over training, never slower than linearly "
            "and faster while the loss keeps improving, so a small student is not asked to "
            "match a much larger teacher at once. t is reported as kd/taid_t. " + _SHARED_VOCABULARY
        ),
        paper=Paper(
            title="TAID: Temporally Adaptive Interpolated Distillation for Efficient Knowledge "
                  "Transfer in Language Models (Shing et al., ICLR 2025)",
            url="https://arxiv.org/abs/2501.16937",
        ),
        config="engine.methods.distillation.config:KDTAIDConfig",
        recipe="engine.methods.distillation.recipe:run",
        requires=_DISTILLATION,
    ),
]
