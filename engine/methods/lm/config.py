"""Config of lm_train (torch-free, like engine.spec: the web tier validates with it)."""

from engine.spec import TrainingConfig, _Config, _training_field


class LMTrainConfig(_Config):
    """Causal language-model training: next-token cross-entropy on a text dataset."""

    training: TrainingConfig = _training_field()
