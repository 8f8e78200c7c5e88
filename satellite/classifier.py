"""The learned stage: a gradient-boosted tree ensemble that tells ships from clutter among the
CFAR's candidates, run in numpy from the shipped ``model/ship_classifier.npz``.

Why boosted trees: the machine has 2 cores and no GPU, and the candidates are described by a
score of cheap scale-invariant features (:mod:`satellite.features`). Trees on such features
train in seconds (LightGBM, ``scripts/train_ship_detector.py``) and score thousands of
candidates in milliseconds, where a CNN would need a patch per candidate and a runtime of its
own. The trees are stored as flat arrays (feature, threshold, children, leaf value) in an
``.npz`` (no pickle, loaded with ``allow_pickle=False``) and walked level by level for every
candidate at once, so the package needs no LightGBM at run time. The model file is read on
first use and cached; its metadata (training date, split, figures, the SSDD citation) is in
``model/ship_classifier.json`` beside it.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from satellite.features import FEATURES
from surveillance.errors import CoastwatchError

__all__ = ["TreeEnsemble", "ship_classifier", "model_metadata", "from_lightgbm_dump"]

MODEL_FILE = "ship_classifier.npz"
METADATA_FILE = "ship_classifier.json"


@dataclass(frozen=True)
class TreeEnsemble:
    """Binary-logistic boosted trees as flat node arrays (leaves have ``feature == -1``)."""

    feature: npt.NDArray[np.int16]
    threshold: npt.NDArray[np.float64]
    left: npt.NDArray[np.int32]
    right: npt.NDArray[np.int32]
    value: npt.NDArray[np.float64]
    roots: npt.NDArray[np.int32]
    depth: int
    features: tuple[str, ...]
    #: the cascade: after this many trees, a candidate whose margin is below the exit stops
    #: (chosen by the training so that it changes no training decision; 0 = no cascade)
    cascade_trees: int = 0
    cascade_margin: float = -np.inf

    def probability(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """P(ship) for each row of ``x`` (columns in :attr:`features` order).

        A cascade: after the first :attr:`cascade_trees` trees, a candidate whose margin is
        already below :attr:`cascade_margin` keeps that margin, and only the others go
        through the rest. On a big tile of sea clutter most candidates are specks that stop
        there, which makes the stage several times faster.
        """
        return np.asarray(1.0 / (1.0 + np.exp(-self.margin(x))))

    def margin(
        self, x: npt.NDArray[np.float32], *, cascade: bool = True
    ) -> npt.NDArray[np.float64]:
        """The log-odds of a ship for each row of ``x``; ``cascade=False`` walks every tree."""
        if not cascade or self.cascade_trees == 0:
            return self._margin(x, self.roots)
        margin = self._margin(x, self.roots[: self.cascade_trees])
        alive = np.flatnonzero(margin > self.cascade_margin)
        if alive.size and self.roots.size > self.cascade_trees:
            margin[alive] += self._margin(x[alive], self.roots[self.cascade_trees :])
        return margin

    def _margin(
        self, x: npt.NDArray[np.float32], roots: npt.NDArray[np.int32]
    ) -> npt.NDArray[np.float64]:
        """The summed leaf values of the trees at ``roots`` for each row of ``x``."""
        count, width = x.shape
        if count == 0:
            return np.zeros(0)
        values = x.astype(np.float64).ravel()
        # one walker per (tree, candidate), tree-major; only those not yet at a leaf step on
        node = np.repeat(roots, count)
        active = np.flatnonzero(self.feature[node] >= 0)
        while active.size:
            here = node[active]
            feature = self.feature[here]
            goes_left = values[(active % count) * width + feature] <= self.threshold[here]
            step = np.where(goes_left, self.left[here], self.right[here])
            node[active] = step
            active = active[self.feature[step] >= 0]
        return np.asarray(self.value[node].reshape(roots.size, count).sum(axis=0))

    def save(self, path: Path) -> None:
        """Write the ensemble as an ``.npz`` of plain arrays, byte for byte the same for the
        same trees (fixed member times, unlike ``numpy.savez``), so a retrain that changes
        nothing changes no file."""
        arrays = {
            "feature": self.feature,
            "threshold": self.threshold,
            "left": self.left,
            "right": self.right,
            "value": self.value,
            "roots": self.roots,
            "depth": np.int32(self.depth),
            "cascade_trees": np.int32(self.cascade_trees),
            "cascade_margin": np.float64(self.cascade_margin),
            "features": np.array(self.features),
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                member.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(member, "w") as handle:
                    np.lib.format.write_array(handle, np.asarray(array), allow_pickle=False)


def from_lightgbm_dump(dump: dict[str, Any], features: tuple[str, ...]) -> TreeEnsemble:
    """The ensemble of a LightGBM binary model's ``dump_model()`` (splits ``x <= threshold``)."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []

    def add(node: dict[str, Any], level: int) -> tuple[int, int]:
        index = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(index)
        right.append(index)
        value.append(float(node.get("leaf_value", 0.0)))
        if "split_index" not in node:
            return index, level
        if node["decision_type"] != "<=":
            raise CoastwatchError(f"unsupported split {node['decision_type']!r} in the model")
        feature[index] = int(node["split_feature"])
        threshold[index] = float(node["threshold"])
        left[index], depth_left = add(node["left_child"], level + 1)
        right[index], depth_right = add(node["right_child"], level + 1)
        return index, max(depth_left, depth_right)

    roots: list[int] = []
    depth = 0
    for tree in dump["tree_info"]:
        root, tree_depth = add(tree["tree_structure"], 0)
        roots.append(root)
        depth = max(depth, tree_depth)
    return TreeEnsemble(
        np.array(feature, dtype=np.int16),
        np.array(threshold, dtype=np.float64),
        np.array(left, dtype=np.int32),
        np.array(right, dtype=np.int32),
        np.array(value, dtype=np.float64),
        np.array(roots, dtype=np.int32),
        depth,
        features,
    )


@cache
def ship_classifier() -> TreeEnsemble:
    """The shipped model, read from the installed package on first use."""
    source = resources.files("satellite.model").joinpath(MODEL_FILE)
    with resources.as_file(source) as path, np.load(path, allow_pickle=False) as arrays:
        model = TreeEnsemble(
            arrays["feature"],
            arrays["threshold"],
            arrays["left"],
            arrays["right"],
            arrays["value"],
            arrays["roots"],
            int(arrays["depth"]),
            tuple(str(name) for name in arrays["features"]),
            cascade_trees=int(arrays["cascade_trees"]),
            cascade_margin=float(arrays["cascade_margin"]),
        )
    if model.features != FEATURES:
        raise CoastwatchError(
            "the shipped ship classifier was trained on other features than satellite.features",
            hint="run scripts/train_ship_detector.py",
        )
    return model


def model_metadata() -> dict[str, Any]:
    """The shipped model's metadata: training date, split rule, figures, citation."""
    text = resources.files("satellite.model").joinpath(METADATA_FILE).read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded
