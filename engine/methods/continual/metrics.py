"""Continual-learning metrics from the matrix R of evaluations after each task.

R[i][j] is a score (accuracy or loss) on task j's validation split after training on tasks
0..i, and b[j] the initial model's score on task j, before any training. The summaries follow
Lopez-Paz & Ranzato 2017 ("Gradient Episodic Memory for Continual Learning", arXiv:1706.08840,
section 5: ACC, BWT, FWT) and, for forgetting, Chaudhry et al. 2018 ("Riemannian Walk for
Incremental Learning", arXiv:1801.10112, eq. 5). They are pure functions of plain lists, so the
recipe, the tests and anyone reading an exported cl_matrix.json compute the same numbers.

Every function takes the rows finished so far (T = len(rows) >= 1, each row covering every task
of the sequence) and summarises the tasks seen so far, 0..T-1: after the last task that is the
whole sequence. A summary that needs two finished tasks is None before that.
"""

from typing import Sequence

Matrix = Sequence[Sequence[float]]


def _finished(rows: Matrix) -> int:
    if not rows:
        raise ValueError("the R matrix has no row yet: evaluate after at least one finished task")
    return len(rows)


def average(rows: Matrix) -> float:
    """ACC = (1/T) sum_{j<T} R[T-1][j]: the last row's mean over the T tasks seen so far."""
    tasks = _finished(rows)
    return sum(rows[-1][:tasks]) / tasks


def backward_transfer(rows: Matrix) -> float | None:
    """BWT = (1/(T-1)) sum_{j<T-1} (R[T-1][j] - R[j][j]); None when T < 2.

    The change on each earlier task since just after it was learned. For accuracy a negative BWT
    is forgetting; for a loss a positive one is.
    """
    tasks = _finished(rows)
    if tasks < 2:
        return None
    return sum(rows[-1][j] - rows[j][j] for j in range(tasks - 1)) / (tasks - 1)


def forgetting(rows: Matrix, *, higher_is_better: bool) -> float | None:
    """F = (1/(T-1)) sum_{j<T-1} [best_{i<T-1} R[i][j] - R[T-1][j]], signed so that positive = forgot.

    best is the max over the earlier rows i = 0..T-2 for a score that rises (accuracy) and the
    min for one that falls (loss); for a loss the term is R[T-1][j] - min_{i<T-1} R[i][j]. The
    last task (j = T-1) is left out: it cannot have been forgotten yet. None when T < 2.
    """
    tasks = _finished(rows)
    if tasks < 2:
        return None
    total = 0.0
    for j in range(tasks - 1):
        earlier = [rows[i][j] for i in range(tasks - 1)]
        total += max(earlier) - rows[-1][j] if higher_is_better else rows[-1][j] - min(earlier)
    return total / (tasks - 1)


def forward_transfer(rows: Matrix, initial: Sequence[float]) -> float | None:
    """FWT = (1/(T-1)) sum_{0<j<T} (R[j-1][j] - b[j]); None when T < 2.

    How much training on the tasks before j changed the score on task j before it was trained,
    against the initial model's b[j].
    """
    tasks = _finished(rows)
    if tasks < 2:
        return None
    return sum(rows[j - 1][j] - initial[j] for j in range(1, tasks)) / (tasks - 1)


def summary(rows: Matrix, initial: Sequence[float], *, higher_is_better: bool) -> dict[str, float | None]:
    """The four summaries of the tasks seen so far, keyed as in cl_matrix.json."""
    return {
        "average": average(rows),
        "backward_transfer": backward_transfer(rows),
        "forgetting": forgetting(rows, higher_is_better=higher_is_better),
        "forward_transfer": forward_transfer(rows, initial),
    }
