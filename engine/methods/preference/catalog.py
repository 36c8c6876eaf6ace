"""Registry entries of the alignment family. Alignment from preference pairs: the DPO family, SimPO, BCO."""

from engine.method_info import MethodInfo, Paper, Requirements

_WITH_REFERENCE = Requirements(teacher=False, reference=True, dataset_kinds=("preference",))
_RECIPE = "engine.methods.preference.recipe:run"
_DATA = (
    " Trains on preference pairs, {\"prompt\", \"chosen\", \"rejected\"} per line (prompt a string, "
    "or a list of chat messages for the tokenizer's chat template). The reference is the initial "
    "policy unless 'reference' names another model or a soup; its log-probabilities are cached."
)
_DPO = Paper(
    title="Direct Preference Optimization: Your Language Model is Secretly a Reward Model "
          "(Rafailov et al., NeurIPS 2023)",
    url="https://arxiv.org/abs/2305.18290",
)

METHODS: list[MethodInfo] = [
    MethodInfo(
        name="dpo",
        family="alignment",
        description=(
            "Direct Preference Optimization: fine-tunes the model to prefer the chosen over the "
            "rejected response of each pair, without a reward model or sampling, by raising "
            "beta * (log-ratio to the reference of the chosen response minus that of the rejected) "
            "through -log sigmoid; beta keeps the policy close to the reference." + _DATA
        ),
        paper=_DPO,
        config="engine.methods.preference.config:DPOConfig",
        recipe=_RECIPE,
        requires=_WITH_REFERENCE,
    ),
    MethodInfo(
        name="ipo",
        family="alignment",
        description=(
            "Identity Preference Optimisation: a squared loss that pulls the chosen-minus-rejected "
            "log-ratio margin (per token, as in TRL) toward 1/(2 beta) instead of pushing it to "
            "infinity, so it does not overfit deterministic preferences the way DPO can." + _DATA
        ),
        paper=Paper(
            title="A General Theoretical Paradigm to Understand Learning from Human Preferences "
                  "(Azar et al., AISTATS 2024)",
            url="https://arxiv.org/abs/2310.12036",
        ),
        config="engine.methods.preference.config:IPOConfig",
        recipe=_RECIPE,
        requires=_WITH_REFERENCE,
    ),
    MethodInfo(
        name="dpo_hinge",
        family="alignment",
        description=(
            "DPO with the SLiC hinge loss relu(1 - beta * margin): pairs whose log-ratio margin "
            "already exceeds 1/beta stop contributing, like a support-vector margin." + _DATA
        ),
        paper=Paper(
            title="SLiC-HF: Sequence Likelihood Calibration with Human Feedback (Zhao et al., 2023)",
            url="https://arxiv.org/abs/2305.10425",
        ),
        config="engine.methods.preference.config:DPOHingeConfig",
        recipe=_RECIPE,
        requires=_WITH_REFERENCE,
    ),
    MethodInfo(
        name="dpo_robust",
        family="alignment",
        description=(
            "DPO for noisy preference labels, assuming each label is flipped with probability "
            "label_smoothing: the conservative variant (cDPO) trains on smoothed labels; the robust "
            "variant (rDPO) uses the unbiased loss of Chowdhury et al., whose optimum matches that "
            "of DPO on clean labels." + _DATA
        ),
        paper=Paper(
            title="Provably Robust DPO: Aligning Language Models with Noisy Feedback "
                  "(Chowdhury et al., ICML 2024)",
            url="https://arxiv.org/abs/2403.00409",
        ),
        config="engine.methods.preference.config:DPORobustConfig",
        recipe=_RECIPE,
        requires=_WITH_REFERENCE,
    ),
    MethodInfo(
        name="f_dpo",
        family="alignment",
        description=(
            "f-DPO: DPO under another divergence to the reference than the reverse KL (forward "
            "KL, Jensen-Shannon or an alpha-divergence), trading some alignment for more diverse "
            "generations; with reverse_kl it is DPO." + _DATA
        ),
        paper=Paper(
            title="Beyond Reverse KL: Generalizing Direct Preference Optimization with Diverse "
                  "Divergence Constraints (Wang et al., ICLR 2024)",
            url="https://arxiv.org/abs/2309.16240",
        ),
        config="engine.methods.preference.config:FDPOConfig",
        recipe=_RECIPE,
        requires=_WITH_REFERENCE,
    ),
    MethodInfo(
        name="simpo",
        family="alignment",
        description=(
            "SimPO: reference-free preference optimisation whose reward is the response's average "
            "log-probability per token times beta, with a target margin gamma between chosen and "
            "rejected; no reference model is loaded, which halves the compute of DPO. Trains on "
            "preference pairs, {\"prompt\", \"chosen\", \"rejected\"} per line (prompt a string, or "
            "a list of chat messages)."
        ),
        paper=Paper(
            title="SimPO: Simple Preference Optimization with a Reference-Free Reward (Meng et al., NeurIPS 2024)",
            url="https://arxiv.org/abs/2405.14734",
        ),
        config="engine.methods.preference.config:SimPOConfig",
        recipe=_RECIPE,
        requires=Requirements(teacher=False, reference=False, dataset_kinds=("preference",)),
    ),
    MethodInfo(
        name="bco",
        family="alignment",
        description=(
            "Binary Classifier Optimization: treats each chosen response as a desirable and each "
            "rejected one as an undesirable sample and trains a logistic classifier on the implicit "
            "reward beta * log-ratio, shifted by delta, the running mean of all rewards seen so far "
            "(reported as align/bco_delta). Built for thumbs-up/down data; here fed from pairs. "
            "The optional prompt-classifier weighting of the paper is not included." + _DATA
        ),
        paper=Paper(
            title="Binary Classifier Optimization for Large Language Model Alignment (Jung et al., 2024)",
            url="https://arxiv.org/abs/2404.04656",
        ),
        config="engine.methods.preference.config:BCOConfig",
        recipe=_RECIPE,
        requires=_WITH_REFERENCE,
    ),
]
