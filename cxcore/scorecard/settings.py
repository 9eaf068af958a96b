"""The scorecard's settings: targets and their traffic lights, the finance assumptions behind
the lifetime values, and the small-sample threshold of the change tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxcore import locale_settings as loc
from cxcore import metrics as m
from cxcore.errors import Problem, ValidationError
from cxcore.scorecard.catalogue import METRIC_BY_KEY

if TYPE_CHECKING:
    from cxcore.workspace import WorkspaceSession

TARGETS_SETTING = "scorecard_targets"
FINANCE_SETTING = "scorecard_finance"
DEFAULT_FINANCE = {"gross_margin_pct": 100.0, "annual_discount_rate_pct": 10.0,
                   "clv_horizon_years": float(m.CLV_HORIZON_YEARS)}
SMALL_SAMPLE_SETTING = "small_sample_min"


def targets(session: WorkspaceSession) -> dict[str, dict[str, float | None]]:
    """Targets per metric key: ``{"target": float, "warn_at": float | None}``."""
    stored = session.setting(TARGETS_SETTING, {}) or {}
    return {k: v for k, v in stored.items() if k in METRIC_BY_KEY and isinstance(v, dict)}


def set_targets(session: WorkspaceSession, new_targets: dict[str, dict[str, Any]]) -> None:
    """Replace the workspace's targets (editors and owners). Each entry: ``target`` (number, or
    None to remove it) and optional ``warn_at`` (the yellow limit, on the bad side of the
    target). Unknown metrics and non-numbers are rejected; nothing is stored then."""
    session.require("editor")
    problems: list[Problem] = []
    clean: dict[str, dict[str, float | None]] = {}
    for key, entry in new_targets.items():
        d = METRIC_BY_KEY.get(key)
        if d is None:
            problems.append(Problem(key, "is not a scorecard metric"))
            continue
        target = entry.get("target") if isinstance(entry, dict) else None
        warn_at = entry.get("warn_at") if isinstance(entry, dict) else None
        if target is None:
            continue
        if not isinstance(target, int | float) or isinstance(target, bool) or target != target:
            problems.append(Problem(key, f"target must be a number, not {target!r}"))
            continue
        if warn_at is not None:
            if not isinstance(warn_at, int | float) or isinstance(warn_at, bool):
                problems.append(Problem(key, f"yellow limit must be a number, not {warn_at!r}"))
                continue
            wrong_side = warn_at > target if d.higher_is_better else warn_at < target
            if wrong_side:
                side = "below" if d.higher_is_better else "above"
                problems.append(Problem(key, f"yellow limit {warn_at} must be {side} the "
                                             f"target {target}"))
                continue
        clean[key] = {"target": float(target),
                      "warn_at": None if warn_at is None else float(warn_at)}
    if problems:
        raise ValidationError(problems)
    session.set_setting(TARGETS_SETTING, clean)


def status(key: str, value: float | None,
           workspace_targets: dict[str, dict[str, float | None]]) -> str | None:
    """green / yellow / red for ``value`` against the workspace's target (None: no target)."""
    entry = workspace_targets.get(key)
    d = METRIC_BY_KEY.get(key)
    if not entry or d is None:
        return None
    return m.target_status(value, entry.get("target"), entry.get("warn_at"), d.higher_is_better)



def small_sample_threshold(session: WorkspaceSession) -> int:
    """The fewest answers each period needs before a change is tested (workspace setting
    ``small_sample_min``, default :data:`cxcore.metrics.SMALL_SAMPLE` = 30)."""
    value = session.setting(SMALL_SAMPLE_SETTING, m.SMALL_SAMPLE)
    return int(value) if isinstance(value, int | float) and value >= 2 else m.SMALL_SAMPLE


def set_small_sample_threshold(session: WorkspaceSession, n: int) -> None:
    """Store the small-sample threshold (a whole number from 2 to 10,000; editors+)."""
    session.require("editor")
    if isinstance(n, bool) or not isinstance(n, int | float) or n != int(n) or not 2 <= n <= 10000:
        raise ValidationError(Problem(SMALL_SAMPLE_SETTING, f"must be a whole number from 2 to "
                                                            f"10,000, not {n!r}"))
    session.set_setting(SMALL_SAMPLE_SETTING, int(n))


def save_settings(session: WorkspaceSession, *, new_targets: dict[str, dict[str, Any]],
                  gross_margin_pct: float, annual_discount_rate_pct: float,
                  clv_horizon_years: float, small_sample_min: int, timezone_name: str,
                  currency: str, number_format: str) -> None:
    """Everything the Scorecard's settings form holds, stored in one transaction (editors+):
    :func:`set_targets`, :func:`set_finance_settings`, :func:`set_small_sample_threshold` and
    :func:`cxcore.locale_settings.set_locale`. The first refusal raises ValidationError and
    nothing at all is stored."""
    session.require("editor")
    with session.db.atomic():
        set_targets(session, new_targets)
        set_finance_settings(session, gross_margin_pct, annual_discount_rate_pct,
                             clv_horizon_years)
        set_small_sample_threshold(session, small_sample_min)
        loc.set_locale(session, timezone_name=timezone_name, currency=currency,
                       number_format=number_format)


def finance_settings(session: WorkspaceSession) -> dict[str, float]:
    """Gross margin (%), annual discount rate (%) and the lifetime horizon (years) of the
    CLVs."""
    stored = session.setting(FINANCE_SETTING, {}) or {}
    return {**DEFAULT_FINANCE, **{k: float(v) for k, v in stored.items()
                                  if k in DEFAULT_FINANCE and v is not None}}


def set_finance_settings(session: WorkspaceSession, gross_margin_pct: float,
                         annual_discount_rate_pct: float,
                         clv_horizon_years: float | None = None) -> None:
    """Store the gross margin (0-100 %), annual discount rate (0-100 %) and, when given, the
    CLV lifetime horizon (more than 0, at most 50 years) (editors+)."""
    session.require("editor")
    problems = []
    for field, value in (("gross_margin_pct", gross_margin_pct),
                         ("annual_discount_rate_pct", annual_discount_rate_pct)):
        if not isinstance(value, int | float) or not 0 <= value <= 100:
            problems.append(Problem(field, f"must be a number from 0 to 100, not {value!r}"))
    horizon = finance_settings(session)["clv_horizon_years"] if clv_horizon_years is None \
        else clv_horizon_years
    if not isinstance(horizon, int | float) or not 0 < horizon <= 50:
        problems.append(Problem("clv_horizon_years",
                                f"must be more than 0 and at most 50 years, not {horizon!r}"))
    if problems:
        raise ValidationError(problems)
    session.set_setting(FINANCE_SETTING, {"gross_margin_pct": float(gross_margin_pct),
                                          "annual_discount_rate_pct":
                                              float(annual_discount_rate_pct),
                                          "clv_horizon_years": float(horizon)})

