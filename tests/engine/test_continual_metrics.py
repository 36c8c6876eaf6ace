"""Continual-learning summaries on small matrices computed by hand."""

import pytest

from engine.methods.continual.metrics import average, backward_transfer, forgetting, forward_transfer, summary

ACCURACY = [
    [0.8, 0.1, 0.2],
    [0.5, 0.9, 0.3],
    [0.6, 0.4, 0.7],
]
LOSS = [
    [1.0, 3.0, 2.5],
    [2.0, 0.5, 2.0],
    [1.5, 1.2, 0.4],
]
INITIAL_ACCURACY = [0.05, 0.15, 0.1]
INITIAL_LOSS = [4.0, 4.5, 5.0]


def test_after_the_whole_sequence_the_summaries_match_the_hand_computed_values():
    assert average(ACCURACY) == pytest.approx((0.6 + 0.4 + 0.7) / 3)
    assert backward_transfer(ACCURACY) == pytest.approx(((0.6 - 0.8) + (0.4 - 0.9)) / 2)
    assert forgetting(ACCURACY, higher_is_better=True) == pytest.approx(((0.8 - 0.6) + (0.9 - 0.4)) / 2)
    assert forward_transfer(ACCURACY, INITIAL_ACCURACY) == pytest.approx(0.075)


def test_forward_transfer_compares_the_score_just_before_each_task_with_the_initial_model():
    assert forward_transfer(ACCURACY, INITIAL_ACCURACY) == pytest.approx(((0.1 - 0.15) + (0.3 - 0.1)) / 2)
    assert forward_transfer(LOSS, INITIAL_LOSS) == pytest.approx(((3.0 - 4.5) + (2.0 - 5.0)) / 2)


def test_for_a_loss_forgetting_is_the_rise_above_the_best_earlier_loss():
    assert forgetting(LOSS, higher_is_better=False) == pytest.approx(((1.5 - 1.0) + (1.2 - 0.5)) / 2)
    assert backward_transfer(LOSS) == pytest.approx(((1.5 - 1.0) + (1.2 - 0.5)) / 2)
    assert average(LOSS) == pytest.approx((1.5 + 1.2 + 0.4) / 3)


def test_forgetting_measures_from_the_best_earlier_row_not_only_the_diagonal():
    # Task 0 improved after task 1 (0.5 -> 0.7) and then fell to 0.6: 0.1 forgotten, while BWT sees +0.1.
    rows = [[0.5, 0.0, 0.0], [0.7, 0.9, 0.0], [0.6, 0.9, 0.8]]
    assert forgetting(rows, higher_is_better=True) == pytest.approx(((0.7 - 0.6) + (0.9 - 0.9)) / 2)
    assert backward_transfer(rows) == pytest.approx(((0.6 - 0.5) + (0.9 - 0.9)) / 2)


def test_running_summaries_cover_only_the_tasks_seen_so_far():
    after_two = summary(ACCURACY[:2], INITIAL_ACCURACY, higher_is_better=True)
    assert after_two == pytest.approx({"average": 0.7, "backward_transfer": -0.3, "forgetting": 0.3,
                                       "forward_transfer": -0.05})
    after_one = summary(LOSS[:1], INITIAL_LOSS, higher_is_better=False)
    assert after_one == {"average": 1.0, "backward_transfer": None, "forgetting": None, "forward_transfer": None}


def test_a_matrix_without_rows_is_refused():
    with pytest.raises(ValueError, match="no row"):
        average([])
