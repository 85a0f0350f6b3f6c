"""How good a model is: accuracy for classification, R² for regression (numpy, no graph).

* accuracy = (1/N) Σ_i [ŷ_i = y_i] with ŷ_i = [μ_i ≥ 1/2] for a probability μ_i (or
  [z_i ≥ 0] for a logit z_i, the same boundary); with K classes ŷ_i = argmax_k z_ik;
* the confusion matrix C_jk = #{i : y_i = j, ŷ_i = k} (rows: the true class);
* R² = 1 − Σ_i (y_i − μ_i)² / Σ_i (y_i − ȳ)², the fraction of the target's variance the
  model explains (1 is perfect, 0 is as good as predicting the mean ȳ, and it can be < 0).
"""

from __future__ import annotations

import numpy as np


def accuracy(output: np.ndarray, y: np.ndarray, logits: bool = False) -> float:
    """Fraction of examples whose predicted class (threshold ½, or 0 for logits; the largest
    of K outputs) is ``y``."""
    return float(np.mean(predicted_class(output, logits) == np.asarray(y).reshape(-1)))


def predicted_class(output: np.ndarray, logits: bool = False) -> np.ndarray:
    """ŷ for each row: ``argmax`` of K outputs (logits or probabilities), else the threshold."""
    output = np.asarray(output, dtype=np.float64)
    if output.ndim == 2 and output.shape[1] > 1:
        return np.argmax(output, axis=1).astype(np.float64)
    return (output.reshape(-1) >= (0.0 if logits else 0.5)).astype(np.float64)


def confusion_matrix(output: np.ndarray, y: np.ndarray, classes: int,
                     logits: bool = False) -> list[list[int]]:
    """``C[j][k]``: how many examples of class ``j`` were predicted as ``k``."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y).reshape(-1).astype(np.int64),
                       predicted_class(output, logits).astype(np.int64)), 1)
    return matrix.tolist()


def r2_score(prediction: np.ndarray, y: np.ndarray) -> float:
    """R² = 1 − SS_res/SS_tot; ``nan`` when ``y`` is constant (SS_tot = 0)."""
    prediction = np.asarray(prediction, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    if ss_tot == 0.0:
        return float("nan")
    return 1.0 - float(np.sum((y - prediction) ** 2)) / ss_tot


def metric_name(task: str) -> str:
    """The metric reported beside the loss: ``accuracy`` or ``r2``."""
    return "accuracy" if task == "classification" else "r2"


def score(task: str, output: np.ndarray, y: np.ndarray, logits: bool = False) -> float:
    """Accuracy (classification) or R² (regression) of ``output`` against ``y``."""
    if task == "classification":
        return accuracy(output, y, logits=logits)
    return r2_score(output, y)
