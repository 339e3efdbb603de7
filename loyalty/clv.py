"""Customer-base model behind "at-risk regulars" and "customer lifetime value".

Pure numpy/scipy, no ORM: the loyalty services feed it plain visit dates and
spends. The models are written from the published papers:

- BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way:
  an alternative to the Pareto/NBD model", Marketing Science 24(2), with
  P(alive) from Fader, Hardie & Lee (2008), "Computing P(alive) using the
  BG/NBD model".
- Gamma-Gamma: Fader & Hardie (2013), "The Gamma-Gamma model of monetary
  value".

Notation follows the papers. Per customer, `x` is the number of repeat
purchase days, `t_x` the time from the first to the last purchase day and `T`
the time from the first purchase day to the end of the observation period,
in units of `unit_days` days (weeks by default). A model fitted in one unit
must be used in the same unit. Money is in integer minor units; floats are
used only for parameters, times, expected counts and probabilities.
"""

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, hyp2f1

type FloatArray = npt.NDArray[np.float64]
type IntArray = npt.NDArray[np.int64]

# The average Gregorian month, so that twelve months make a year.
DAYS_PER_MONTH = 365.25 / 12

# The at-risk rule, applied in `is_at_risk` and nowhere else.
REGULAR_MIN_REPEAT_VISITS = 3
AT_RISK_P_ALIVE_BELOW = 0.5
AT_RISK_OVERDUE_CADENCES = 2


@dataclass(frozen=True)
class CustomerSummary:
    """Per-customer sufficient statistics, one (read-only) element per customer."""

    customer_ids: tuple[int, ...]
    x: IntArray  # repeat purchase days
    t_x: FloatArray  # first to last purchase day, in units
    T: FloatArray  # first purchase day to the end of calibration, in units
    repeat_value_minor: IntArray  # total spend of the repeat days

    @property
    def mean_value_minor(self) -> IntArray:
        """Return the mean spend of a repeat day, rounded; 0 when x == 0."""
        mean = self.repeat_value_minor / np.maximum(self.x, 1)
        return _round_minor(mean)


@dataclass(frozen=True)
class BgNbdParams:
    """BG/NBD: purchase rates ~ Gamma(r, alpha), dropout chances ~ Beta(a, b).

    `alpha` is in the time unit of the data the model was fitted to.
    """

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma spend model; `gamma` is in the money unit it was fitted to."""

    p: float
    q: float
    gamma: float


@dataclass(frozen=True)
class RegularStatus:
    """What a manager reads about one member's visits."""

    visit_days: int
    repeat_visits: int
    cadence_days: float | None  # median days between visit days; None if one
    days_since_last_visit: int
    p_alive: float
    expected_visits_next_30_days: float
    is_at_risk: bool


def _floats(*arrays: npt.ArrayLike) -> list[FloatArray]:
    return [np.asarray(array, dtype=np.float64) for array in arrays]


def _round_minor(values: FloatArray) -> IntArray:
    # Half-up, as `ordering.money` rounds; amounts here are never negative.
    return np.floor(values + 0.5).astype(np.int64)


def _read_only[A: np.generic](array: npt.NDArray[A]) -> npt.NDArray[A]:
    array.setflags(write=False)
    return array


def summarize(
    transactions: Iterable[tuple[int, datetime.date, int]],
    *,
    calibration_end: datetime.date,
    unit_days: int = 7,
) -> CustomerSummary:
    """Summarize (customer_id, date, value_minor) rows up to `calibration_end`.

    Several purchases on one day make one purchase day worth their sum: the
    models count visits, and a second receipt at the same table is not a
    second visit. Rows after `calibration_end` are ignored, so customers who
    first bought later are absent. Dates must be plain dates in the
    restaurant's local time (`timezone.localdate`); that is what makes a day
    one visit. Customers come out in the order of their first row.
    """
    days_by_customer: dict[int, dict[datetime.date, int]] = {}
    for customer_id, day, value_minor in transactions:
        if isinstance(day, datetime.datetime):
            raise TypeError("summarize() needs local dates, not datetimes")
        if day > calibration_end:
            continue
        days = days_by_customer.setdefault(customer_id, {})
        days[day] = days.get(day, 0) + value_minor

    count = len(days_by_customer)
    x = np.zeros(count, dtype=np.int64)
    t_x = np.zeros(count, dtype=np.float64)
    T = np.zeros(count, dtype=np.float64)
    repeat_value = np.zeros(count, dtype=np.int64)
    for index, days in enumerate(days_by_customer.values()):
        ordered = sorted(days)
        x[index] = len(ordered) - 1
        t_x[index] = (ordered[-1] - ordered[0]).days / unit_days
        T[index] = (calibration_end - ordered[0]).days / unit_days
        repeat_value[index] = sum(days[day] for day in ordered[1:])
    return CustomerSummary(
        customer_ids=tuple(days_by_customer),
        x=_read_only(x),
        t_x=_read_only(t_x),
        T=_read_only(T),
        repeat_value_minor=_read_only(repeat_value),
    )


def _maximum_likelihood(
    negative_log_likelihood: Callable[[FloatArray], float], start: FloatArray
) -> FloatArray:
    """Return the positive parameters that minimize `negative_log_likelihood`."""

    # Searching over logs keeps every parameter positive without bounds. Far
    # from the optimum the special functions can overflow; such a point is
    # worse than any finite one, so it scores +inf instead of warning.
    def objective(log_params: FloatArray) -> float:
        with np.errstate(all="ignore"):
            value = negative_log_likelihood(np.exp(log_params))
        return value if math.isfinite(value) else math.inf

    result = minimize(
        objective,
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-8, "maxiter": 20_000, "maxfev": 20_000},
    )
    if not result.success:
        raise ArithmeticError(f"the fit did not converge: {result.message}")
    fitted: FloatArray = np.exp(result.x)
    return fitted


def _bgnbd_log_likelihoods(
    params: BgNbdParams, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> FloatArray:
    """Return each customer's BG/NBD log-likelihood (FHL 2005, eq. 6)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    # The "dropped out right after the last purchase" term exists only for
    # x > 0; computing it at x >= 1 keeps betaln(a + 1, b + x - 1) defined.
    x_repeat = np.maximum(x, 1.0)
    shared = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    alive_at_T = betaln(a, b + x) - (r + x) * np.log(alpha + T)
    dropped = betaln(a + 1, b + x_repeat - 1) - (r + x) * np.log(alpha + t_x)
    either = np.logaddexp(alive_at_T, dropped)
    result: FloatArray = shared + np.where(x > 0, either, alive_at_T)
    return result


def bgnbd_log_likelihood(
    params: BgNbdParams, *, x: npt.ArrayLike, t_x: npt.ArrayLike, T: npt.ArrayLike
) -> float:
    """Return the BG/NBD log-likelihood of all the customers' (x, t_x, T)."""
    return float(_bgnbd_log_likelihoods(params, *_floats(x, t_x, T)).sum())


def bgnbd_fit(x: npt.ArrayLike, t_x: npt.ArrayLike, T: npt.ArrayLike) -> BgNbdParams:
    """Fit BG/NBD to the customers' (x, t_x, T) by maximum likelihood.

    The fit needs a few hundred customers: with a handful, a and b run off
    to huge values (no dropout to learn from). Raises `ValueError` if no
    customer has a repeat purchase, when purchase rates cannot be told from
    zero, and `ArithmeticError` if the optimizer does not converge.
    """
    xs, t_xs, Ts = _floats(x, t_x, T)
    if not (xs > 0).any():
        raise ValueError("bgnbd_fit() needs customers with repeat purchases")

    def negative(values: FloatArray) -> float:
        params = BgNbdParams(*(float(value) for value in values))
        return -float(_bgnbd_log_likelihoods(params, xs, t_xs, Ts).sum())

    # alpha is a time scale, so it starts at the data's own scale.
    start = np.log([1.0, max(float(Ts.mean()), 1.0), 1.0, 1.0])
    r, alpha, a, b = _maximum_likelihood(negative, start)
    return BgNbdParams(r=float(r), alpha=float(alpha), a=float(a), b=float(b))


def _bgnbd_p_alive(
    params: BgNbdParams, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> FloatArray:
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    # P(alive) = 1 / (1 + d) with d = a / (b + x - 1) * ((alpha + T) /
    # (alpha + t_x)) ** (r + x) when x > 0 (FHL 2008). d overflows for a
    # frequent customer long gone, so it is kept as a log and passed to
    # expit. With x == 0 there is no d: in BG/NBD a customer can only drop
    # out right after a purchase, so one who never came back is still alive.
    x_repeat = np.maximum(x, 1.0)
    log_d = (
        np.log(a)
        - np.log(b + x_repeat - 1)
        + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    )
    result: FloatArray = np.where(x > 0, expit(-log_d), 1.0)
    return result


def bgnbd_p_alive(
    params: BgNbdParams, *, x: npt.ArrayLike, t_x: npt.ArrayLike, T: npt.ArrayLike
) -> FloatArray:
    """Return each customer's probability of still being a customer at T."""
    return _bgnbd_p_alive(params, *_floats(x, t_x, T))


def bgnbd_expected(
    params: BgNbdParams,
    t: npt.ArrayLike,
    *,
    x: npt.ArrayLike,
    t_x: npt.ArrayLike,
    T: npt.ArrayLike,
) -> FloatArray:
    """Return E[Y(t) | x, t_x, T]: expected purchase days in (T, T + t].

    FHL (2005) eq. 10. Undefined for a == 1 exactly, where the formula's
    limit would be needed; a fitted `a` never lands there in practice.
    """
    ts, xs, t_xs, Ts = _floats(t, x, t_x, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = ts / (alpha + Ts + ts)
    # Eq. 10 has ((alpha + T) / (alpha + T + t)) ** (r + x) times
    # 2F1(r + x, b + x; a + b + x - 1; z), which under- and overflow for
    # large x. Euler's transformation, 2F1(A, B; C; z) =
    # (1 - z) ** (C - A - B) * 2F1(C - A, C - B; C; z), turns the product
    # into (1 - z) ** (a - 1) * 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z),
    # whose terms stay small.
    hypergeometric = hyp2f1(a + b - 1 - r, a - 1, a + b + xs - 1, z)
    unconditional = (
        (a + b + xs - 1) / (a - 1) * (1 - (1 - z) ** (a - 1) * hypergeometric)
    )
    result: FloatArray = unconditional * _bgnbd_p_alive(params, xs, t_xs, Ts)
    return result


def _gamma_gamma_log_likelihoods(
    params: GammaGammaParams, x: FloatArray, repeat_value: FloatArray
) -> FloatArray:
    """Return each customer's log density of their mean repeat spend, x >= 1.

    Spends are Gamma(p, nu) around a customer's own rate nu ~ Gamma(q,
    gamma), so the mean zbar of x spends is Gamma(p x, x nu); integrating nu
    out gives Fader & Hardie's (2013) density of zbar. Written with the total
    x zbar it reads as below; the ln x left over from the change of variable
    does not depend on the parameters but keeps the value comparable.
    """
    p, q, gamma = params.p, params.q, params.gamma
    px = p * x
    result: FloatArray = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(repeat_value)
        + np.log(x)
        - (px + q) * np.log(gamma + repeat_value)
    )
    return result


def gamma_gamma_fit(
    x: npt.ArrayLike, repeat_value_minor: npt.ArrayLike
) -> GammaGammaParams:
    """Fit Gamma-Gamma by maximum likelihood to the customers with x >= 1.

    It takes each customer's total repeat spend rather than the mean: the
    total is an exact integer, while a mean rounded to the minor unit moves
    the fit (on CDNOW, gamma by 0.03 %: the likelihood is flat there).
    Customers without a repeat visit have no repeat spend, and ones whose
    repeat spend is zero (comped meals) have no place in a gamma density;
    both are left out. The model assumes spend per visit does not depend on
    how often a customer comes. Raises `ValueError` if no customer is left,
    and `ArithmeticError` if the optimizer does not converge (a handful of
    customers is too few).
    """
    xs, totals = _floats(x, repeat_value_minor)
    used = (xs >= 1) & (totals > 0)
    if not used.any():
        raise ValueError("gamma_gamma_fit() needs customers with repeat spend")
    xs, totals = xs[used], totals[used]

    def negative(values: FloatArray) -> float:
        params = GammaGammaParams(*(float(value) for value in values))
        return -float(_gamma_gamma_log_likelihoods(params, xs, totals).sum())

    # gamma is a money scale, so it starts at the data's own scale.
    start = np.log([1.0, 1.0, max(float((totals / xs).mean()), 1.0)])
    p, q, gamma = _maximum_likelihood(negative, start)
    return GammaGammaParams(p=float(p), q=float(q), gamma=float(gamma))


def _gamma_gamma_expected(
    params: GammaGammaParams, x: FloatArray, repeat_value: FloatArray
) -> FloatArray:
    # E[Z | x, zbar] = (gamma + x zbar) p / (p x + q - 1): a weighted average
    # of the population mean p gamma / (q - 1) and the customer's own mean
    # that leans on their own as x grows. The mean exists only for q > 1.
    p, q, gamma = params.p, params.q, params.gamma
    result: FloatArray = (gamma + repeat_value) * p / (p * x + q - 1)
    return result


def gamma_gamma_expected_value(
    params: GammaGammaParams, *, x: npt.ArrayLike, repeat_value_minor: npt.ArrayLike
) -> IntArray:
    """Return each customer's expected spend per visit, in minor units.

    A customer with x == 0 gets the population mean. `params` must have been
    fitted in the same minor unit.
    """
    return _round_minor(_gamma_gamma_expected(params, *_floats(x, repeat_value_minor)))


def customer_value(
    *,
    bgnbd: BgNbdParams,
    gamma_gamma: GammaGammaParams,
    x: npt.ArrayLike,
    t_x: npt.ArrayLike,
    T: npt.ArrayLike,
    repeat_value_minor: npt.ArrayLike,
    horizon_months: int = 12,
    monthly_discount_bp: int = 0,
    unit_days: int = 7,
) -> IntArray:
    """Return each customer's expected spend over the next months, in minor units.

    Expected visits times expected spend per visit. With a discount rate
    (basis points per month: 100 = 1 %), the horizon is cut into months and
    the visits expected in month m, E[Y(m)] - E[Y(m - 1)], are discounted by
    (1 + rate) ** m, as if paid at the month's end: a simple discrete
    approximation of continuous discounting. `unit_days` must be the unit
    the BG/NBD model was fitted in.
    """
    xs, t_xs, Ts, totals = _floats(x, t_x, T, repeat_value_minor)
    month = DAYS_PER_MONTH / unit_days
    rate = monthly_discount_bp / 10_000
    visits = np.zeros_like(xs)
    expected_before = np.zeros_like(xs)
    for m in range(1, horizon_months + 1):
        expected_by_m = bgnbd_expected(bgnbd, m * month, x=xs, t_x=t_xs, T=Ts)
        visits += (expected_by_m - expected_before) / (1 + rate) ** m
        expected_before = expected_by_m
    return _round_minor(visits * _gamma_gamma_expected(gamma_gamma, xs, totals))


def is_at_risk(
    *,
    repeat_visits: int,
    p_alive: float,
    days_since_last_visit: int,
    cadence_days: float | None,
) -> bool:
    """Return whether a regular looks lost: the one at-risk rule.

    Only regulars count: with fewer than three repeat visits there is no
    habit to break, and a one-off guest who never returns is the normal
    case, not news. A regular is at risk when either signal fires:
    - the model gives them less than even odds of still being a customer,
      which weighs their gap against how the whole clientele lapses; or
    - they are overdue by more than twice their own median gap, which a
      manager can check by eye ("comes every 9 days, last seen 25 days
      ago") and which catches a steady regular sooner than the model does.
    """
    if repeat_visits < REGULAR_MIN_REPEAT_VISITS:
        return False
    if p_alive < AT_RISK_P_ALIVE_BELOW:
        return True
    return (
        cadence_days is not None
        and days_since_last_visit > AT_RISK_OVERDUE_CADENCES * cadence_days
    )


def regular_status(
    visit_dates: Iterable[datetime.date],
    *,
    today: datetime.date,
    params: BgNbdParams,
    unit_days: int = 7,
) -> RegularStatus:
    """Return what a manager reads about one member, from their visit dates.

    `visit_dates` are local dates, repeats allowed (one day is one visit),
    none after `today`, at least one. `params` must be a BG/NBD fit in
    `unit_days` units, for instance to `summarize` of all members' visits.
    """
    days = sorted(set(visit_dates))
    if not days:
        raise ValueError("regular_status() needs at least one visit")
    if days[-1] > today:
        raise ValueError("regular_status() got a visit after today")
    gaps = [(later - earlier).days for earlier, later in pairwise(days)]
    repeat_visits = len(gaps)
    cadence_days = float(median(gaps)) if gaps else None
    days_since_last_visit = (today - days[-1]).days
    x = float(repeat_visits)
    t_x = (days[-1] - days[0]).days / unit_days
    T = (today - days[0]).days / unit_days
    p_alive = float(bgnbd_p_alive(params, x=x, t_x=t_x, T=T))
    expected = float(bgnbd_expected(params, 30 / unit_days, x=x, t_x=t_x, T=T))
    return RegularStatus(
        visit_days=len(days),
        repeat_visits=repeat_visits,
        cadence_days=cadence_days,
        days_since_last_visit=days_since_last_visit,
        p_alive=p_alive,
        expected_visits_next_30_days=expected,
        is_at_risk=is_at_risk(
            repeat_visits=repeat_visits,
            p_alive=p_alive,
            days_since_last_visit=days_since_last_visit,
            cadence_days=cadence_days,
        ),
    )
