"""Small real tabular data shipped with the package (see ``data/README.md`` for the sources).

=================  ==============  =======  ========  ==================================
name               task            samples  features  source, licence
=================  ==============  =======  ========  ==================================
``breast-cancer``  classification  569      30        UCI Breast Cancer Wisconsin
                                                      (Diagnostic), CC BY 4.0
``diabetes``       regression      442      10        Efron et al. (2004), via
                                                      scikit-learn, BSD-3-Clause
``iris``           classification  150      4         Fisher's Iris (1936), UCI,
                   (3 classes)                        CC BY 4.0
=================  ==============  =======  ========  ==================================
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from ..errors import InputError
from .csvfile import read_csv
from .table import Table


@dataclass(frozen=True)
class Shipped:
    """One shipped data set: its file under ``data/``, its target column and its task."""

    name: str
    file: str
    target: str
    task: str
    description: str
    licence: str


SHIPPED: dict[str, Shipped] = {s.name: s for s in (
    Shipped("breast-cancer", "breast_cancer.csv", "benign", "classification",
            "Breast Cancer Wisconsin (Diagnostic): 30 features of cell nuclei from a fine "
            "needle aspirate; target 1 = benign, 0 = malignant",
            "CC BY 4.0 (UCI Machine Learning Repository)"),
    Shipped("diabetes", "diabetes.csv", "progression", "regression",
            "Diabetes (Efron et al. 2004): age, sex, BMI, blood pressure and six serum "
            "measurements; target = disease progression one year after baseline",
            "BSD-3-Clause (as distributed by scikit-learn)"),
    Shipped("iris", "iris.csv", "species", "classification",
            "Iris (Fisher 1936): sepal and petal length and width of 150 flowers; target "
            "species 0 = setosa, 1 = versicolor, 2 = virginica (three classes)",
            "CC BY 4.0 (UCI Machine Learning Repository)"),
)}


def load(name: str) -> Table:
    """The shipped data set ``name`` (``breast-cancer``, ``diabetes``, ``iris``) as a
    :class:`Table`."""
    if name not in SHIPPED:
        raise InputError(f"no shipped data set {name!r}; choose one of " + ", ".join(SHIPPED))
    s = SHIPPED[name]
    with resources.as_file(resources.files(__package__) / "data" / s.file) as path:
        table = read_csv(path, s.target, s.task)
    return Table(table.X, table.y, table.feature_names, table.target_name, s.task,
                 source=s.name, meta={"description": s.description, "licence": s.licence})


def load_breast_cancer() -> Table:
    """569 tumours, 30 features, ``benign`` ∈ {0, 1} (357 benign, 212 malignant)."""
    return load("breast-cancer")


def load_iris() -> Table:
    """150 flowers, 4 measurements, ``species`` ∈ {0, 1, 2} (50 of each)."""
    return load("iris")


def load_diabetes() -> Table:
    """442 patients, 10 baseline features, ``progression`` one year later (25 to 346)."""
    return load("diabetes")
