"""Registry entry of lm_train, plain causal language-model training (listed with the distillation
family, whose no-teacher baseline it is)."""

from engine.method_info import TOKEN_DATASET_KINDS, MethodInfo, Paper, Requirements

METHODS: list[MethodInfo] = [
    MethodInfo(
        name="lm_train",
        family="distillation",
        description=(
            "Causal language-model training: the model learns to predict each next token of "
            "the dataset (cross-entropy, mean over real tokens: every token of text data, the "
            "completions of prompt-completion data, the assistant turns of chat data). Use it "
            "for supervised fine-tuning, to train a teacher "
            "from scratch, to fine-tune a model, or as the no-teacher baseline that a "
            "distilled student is compared against."
        ),
        paper=Paper(
            title="A Neural Probabilistic Language Model (Bengio et al., 2003)",
            url="https://www.jmlr.org/papers/v3/bengio03a.html",
        ),
        config="engine.methods.lm.config:LMTrainConfig",
        recipe="engine.methods.lm.recipe:run",
        requires=Requirements(teacher=False, reference=False, dataset_kinds=TOKEN_DATASET_KINDS),
    ),
]
