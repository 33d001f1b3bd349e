"""The k rule: which k of the sweep becomes the model, and the sentence saying why.

With `k: auto`, among the ks of `k_min`..`k_max`:

1. a k is *actionable* when its smallest segment holds at least `min_segment_share` of the
   customers (a segment of a few customers is no audience), and *stable* when its stability
   (adjusted Rand between fits on random halves) reaches `min_stability`;
2. of the ks both actionable and stable, the highest silhouette wins (ties: the smaller k);
3. when no actionable k is stable, the data has no segmentation it reproduces: the smallest
   actionable k is taken and the rule says so (a partition of one population, not groups);
4. when no k is actionable, the rule fails naming the settings to change.

Without a stability measurement (`stability_runs: 0`) step 1 checks the share only. With
`k: <n>` the rule takes n and records how n fares against both thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from customer_segmentation.segmentation.config import SegmentationConfig, config_key

_SILHOUETTE_TIE_TOLERANCE = 1e-9


class KRuleError(ValueError):
    """No k of the sweep satisfies the k rule's minimum segment share."""


class Scored(Protocol):
    """What the rule reads of one k: its smallest share, stability and silhouette."""

    @property
    def k(self) -> int:
        """The number of clusters."""
        ...

    @property
    def smallest_share(self) -> float:
        """The smallest cluster's share of the rows."""
        ...

    @property
    def stability(self) -> float | None:
        """Mean adjusted Rand index between half fits (None: not measured)."""
        ...

    @property
    def silhouette(self) -> float:
        """The squared-Euclidean silhouette of the kept fit."""
        ...


@dataclass(frozen=True)
class KChoice:
    """The chosen k, why, and per k whether it met each threshold (None: not measured)."""

    k: int
    reason: str
    meets_min_share: dict[int, bool]
    meets_stability: dict[int, bool | None]


def _percent(share: float) -> str:
    """A share as a percentage with one decimal."""
    return f"{100 * share:.1f}%"


def _ks(ks: Sequence[int]) -> str:
    """List ks as text."""
    return ", ".join(str(k) for k in ks) or "none"


def choose_k(scores: Sequence[Scored], config: SegmentationConfig) -> KChoice:
    """Apply the k rule (module docstring) to the sweep's scores."""
    share_ok = {s.k: s.smallest_share >= config.min_segment_share for s in scores}
    stable = {
        s.k: None if s.stability is None else s.stability >= config.min_stability for s in scores
    }
    by_k = {s.k: s for s in scores}
    if not config.is_auto_k:
        return KChoice(int(config.k), _fixed_reason(by_k[int(config.k)], config), share_ok, stable)
    in_range = [k for k in sorted(by_k) if config.k_min <= k <= config.k_max]
    actionable = [k for k in in_range if share_ok[k]]
    if not actionable:
        shares = ", ".join(f"k={k}: {_percent(by_k[k].smallest_share)}" for k in in_range)
        raise KRuleError(
            f"no k in {config.k_min}..{config.k_max} gives every segment at least "
            f"{_percent(config.min_segment_share)} of the customers (smallest segments: "
            f"{shares}); lower {config_key('min_segment_share')}, change `k_min`/`k_max`, "
            f"or fix `k`"
        )
    measured = all(stable[k] is not None for k in actionable)
    eligible = [
        k for k in actionable if (stable[k] or not measured) and math.isfinite(by_k[k].silhouette)
    ]
    thresholds = f"every segment >= {_percent(config.min_segment_share)} of customers"
    if measured:
        thresholds += f" and stability >= {config.min_stability:g}"
    if eligible:
        best = max(by_k[k].silhouette for k in eligible)
        chosen = min(k for k in eligible if by_k[k].silhouette >= best - _SILHOUETTE_TIE_TOLERANCE)
        reason = (
            f"k rule: of k {config.k_min}..{config.k_max}, k {_ks(eligible)} have {thresholds}; "
            f"k={chosen} has the highest silhouette among them ({by_k[chosen].silhouette:.3f})"
        )
        if not measured:
            reason += " (stability not measured: `stability_runs: 0`)"
        return KChoice(chosen, reason, share_ok, stable)
    chosen = actionable[0]
    if not measured:
        reason = (
            f"k rule: no k in {config.k_min}..{config.k_max} has a finite silhouette; took "
            f"k={chosen}, the smallest k with {thresholds}"
        )
        return KChoice(chosen, reason, share_ok, stable)
    most = max(actionable, key=lambda k: (by_k[k].stability or 0.0, -k))
    reason = (
        f"k rule: no k in {config.k_min}..{config.k_max} with every segment >= "
        f"{_percent(config.min_segment_share)} of customers reaches stability "
        f"{config.min_stability:g} (highest {by_k[most].stability or 0.0:.3f} at k={most}); "
        f"took k={chosen}, the smallest such k: the data has no segmentation it reproduces, "
        f"so read the segments as a partition of one population, not as distinct groups"
    )
    return KChoice(chosen, reason, share_ok, stable)


def _fixed_reason(score: Scored, config: SegmentationConfig) -> str:
    """Say that k was fixed and how it fares against the rule's thresholds."""
    notes = []
    if score.smallest_share < config.min_segment_share:
        notes.append(
            f"its smallest segment holds {_percent(score.smallest_share)} of customers "
            f"(below min_segment_share {_percent(config.min_segment_share)})"
        )
    if score.stability is not None and score.stability < config.min_stability:
        notes.append(
            f"its stability {score.stability:.3f} is below min_stability {config.min_stability:g}"
        )
    text = f"k fixed at {score.k} by {config_key('k')}"
    return text + ("; " + "; ".join(notes) if notes else "")
