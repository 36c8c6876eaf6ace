"""Registry entries of the continual family.

Continual learning over a task sequence: sequential fine-tuning, replay, LwF, EWC, HFT, weight averaging.

Every entry trains one model on RunSpec.tasks in order (engine.methods.continual.recipe), evaluates it on
every task's validation split before training and after each task, and reports the matrix of
those scores with its summaries (average, backward transfer, forgetting, forward transfer).
"""

from engine.method_info import TOKEN_DATASET_KINDS, MethodInfo, Paper, Requirements

# Task checkpoints, soups and the R matrix are written and read back between tasks by one process.
_CONTINUAL = Requirements(teacher=False, reference=False, dataset_kinds=TOKEN_DATASET_KINDS, tasks=True,
                          data_parallel=False)
_RECIPE = "engine.methods.continual.recipe:run"
_MATRIX = (
    " Before training and after every task the model is evaluated on every task's validation "
    "split (loss and token accuracy), giving the matrix shown as a heatmap with its average, "
    "backward transfer, forgetting and forward transfer."
)

METHODS: list[MethodInfo] = [
    MethodInfo(
        name="cl_sequential",
        family="continual",
        description=(
            "Sequential fine-tuning: the model is trained on each task in turn with the plain "
            "next-token cross-entropy, nothing done against forgetting. It is the baseline that "
            "shows how much of the earlier tasks a model loses, and the one the other continual "
            "methods must beat." + _MATRIX
        ),
        paper=Paper(
            title="Gradient Episodic Memory for Continual Learning (Lopez-Paz & Ranzato, NeurIPS 2017; "
                  "the metrics)",
            url="https://arxiv.org/abs/1706.08840",
        ),
        config="engine.methods.continual.config:CLSequentialConfig",
        recipe=_RECIPE,
        requires=_CONTINUAL,
    ),
    MethodInfo(
        name="cl_replay",
        family="continual",
        description=(
            "Experience replay: every batch of the current task carries a few replayed examples, "
            "either from the tasks already learned or from a general text set (the run's "
            "replay_data), and the loss averages the two cross-entropies. With general replay it "
            "can add GeRe's threshold-based margin loss, which keeps each hidden dimension of the "
            "replayed examples on the same side of the initial model's mean +- one standard "
            "deviation band, to hold on to the model's general abilities." + _MATRIX
        ),
        paper=Paper(
            title="GeRe: Towards Efficient Anti-Forgetting in Continual Learning of LLM via General "
                  "Samples Replay (Zhang et al., 2025)",
            url="https://arxiv.org/abs/2508.04676",
        ),
        config="engine.methods.continual.config:CLReplayConfig",
        recipe=_RECIPE,
        requires=_CONTINUAL,
    ),
    MethodInfo(
        name="cl_lwf",
        family="continual",
        description=(
            "Learning without Forgetting: while learning a task, the model also matches the "
            "softened next-token distribution of a frozen copy of itself taken before the task, "
            "on the task's own tokens (cross-entropy + lambda T^2 KL(old || new)). No data of "
            "earlier tasks is kept." + _MATRIX
        ),
        paper=Paper(title="Learning without Forgetting (Li & Hoiem, ECCV 2016)",
                    url="https://arxiv.org/abs/1606.09282"),
        config="engine.methods.continual.config:CLLwFConfig",
        recipe=_RECIPE,
        requires=_CONTINUAL,
    ),
    MethodInfo(
        name="cl_ewc",
        family="continual",
        description=(
            "Elastic weight consolidation: after each task the engine estimates how much every "
            "weight mattered for it (the diagonal of the Fisher information, from squared "
            "gradients of the log-likelihood) and then penalises moving important weights away "
            "from their values at the end of the task, (lambda / 2) sum F (theta - theta*)^2. "
            "Online form: the Fishers of the tasks add up, the anchor is the latest task's end." + _MATRIX
        ),
        paper=Paper(
            title="Overcoming catastrophic forgetting in neural networks (Kirkpatrick et al., PNAS 2017)",
            url="https://arxiv.org/abs/1612.00796",
        ),
        config="engine.methods.continual.config:CLEWCConfig",
        recipe=_RECIPE,
        requires=_CONTINUAL,
    ),
    MethodInfo(
        name="cl_hft",
        family="continual",
        description=(
            "Half Fine-Tuning: for every task a fresh random half of each transformer layer is "
            "frozen (two of the four attention projections, one or two of the three MLP "
            "projections, one of the two norms), so the frozen half keeps what earlier tasks and "
            "pretraining put there; embeddings and the output layer always train. Needs a "
            "llama-style architecture (Llama, Mistral, Qwen2)." + _MATRIX
        ),
        paper=Paper(
            title="HFT: Half Fine-Tuning for Large Language Models (Hui et al., 2024)",
            url="https://arxiv.org/abs/2404.18466",
        ),
        config="engine.methods.continual.config:CLHFTConfig",
        recipe=_RECIPE,
        requires=_CONTINUAL,
    ),
    MethodInfo(
        name="cl_weight_averaging",
        family="continual",
        description=(
            "Weight averaging after every task: WiSE-FT interpolates the fine-tuned weights with "
            "those the task started from; a uniform model soup averages the models fine-tuned on "
            "every task so far; a greedy soup adds them one by one, best first, only while the "
            "held-out accuracy on the tasks seen so far improves, measured on the last quarter of "
            "each task's validation data, which the reported task matrix leaves out. The next task starts from the "
            "merged model." + _MATRIX
        ),
        paper=Paper(
            title="Model soups: averaging weights of multiple fine-tuned models improves accuracy "
                  "without increasing inference time (Wortsman et al., ICML 2022); WiSE-FT: Robust "
                  "fine-tuning of zero-shot models (Wortsman et al., CVPR 2022, arXiv:2109.01903)",
            url="https://arxiv.org/abs/2203.05482",
        ),
        config="engine.methods.continual.config:CLWeightAveragingConfig",
        recipe=_RECIPE,
        requires=_CONTINUAL,
    ),
]
