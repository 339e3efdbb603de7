"""The customer-base model against the published CDNOW figures, and by hand.

The CDNOW data and figures come from Fader, Hardie & Lee (2005) and Fader &
Hardie's Gamma-Gamma note, via `lifetimes` 0.11.3 (see data/README.md).
"""

import csv
import datetime
from pathlib import Path

import numpy as np
import pytest
from scipy.special import hyp2f1

from loyalty.clv import (
    DAYS_PER_MONTH,
    BgNbdParams,
    CustomerSummary,
    GammaGammaParams,
    bgnbd_expected,
    bgnbd_fit,
    bgnbd_log_likelihood,
    bgnbd_p_alive,
    customer_value,
    gamma_gamma_expected_value,
    gamma_gamma_fit,
    is_at_risk,
    regular_status,
    summarize,
)

DATA = Path(__file__).parent / "data"
CALIBRATION_END = datetime.date(1997, 9, 30)  # end of week 39
PUBLISHED = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)


def _cents(text: str) -> int:
    # Every amount in the CDNOW files has exactly two decimals.
    whole, fraction = text.split(".")
    return int(whole) * 100 + int(fraction)


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def cdnow_transactions() -> list[tuple[int, datetime.date, int]]:
    rows = []
    with (DATA / "CDNOW_sample.txt").open() as file:
        for line in file:
            _master_id, customer_id, day, _cds, dollars = line.split()
            date = datetime.date(int(day[:4]), int(day[4:6]), int(day[6:]))
            rows.append((int(customer_id), date, _cents(dollars)))
    return rows


@pytest.fixture(scope="module")
def cdnow(cdnow_transactions) -> CustomerSummary:
    return summarize(cdnow_transactions, calibration_end=CALIBRATION_END)


@pytest.fixture(scope="module")
def summary_file() -> dict[str, np.ndarray]:
    rows = _read_csv("cdnow_summary.csv")
    return {
        "id": np.array([int(row["ID"]) for row in rows]),
        "x": np.array([int(row["frequency"]) for row in rows]),
        "t_x": np.array([float(row["recency"]) for row in rows]),
        "T": np.array([float(row["T"]) for row in rows]),
    }


@pytest.fixture(scope="module")
def fitted(summary_file) -> BgNbdParams:
    return bgnbd_fit(summary_file["x"], summary_file["t_x"], summary_file["T"])


# CDNOW: published figures


def test_summarize_reproduces_the_cdnow_calibration_summary(cdnow, summary_file):
    # given the 6,919 transactions, summarized to the end of week 39
    # then every customer matches the published summary, to its 2 decimals
    assert cdnow.customer_ids == tuple(range(1, 2358))
    assert cdnow.x.tolist() == summary_file["x"].tolist()
    assert np.round(cdnow.t_x, 2).tolist() == summary_file["t_x"].tolist()
    assert np.round(cdnow.T, 2).tolist() == summary_file["T"].tolist()


def test_summarize_reproduces_the_cdnow_mean_repeat_values(cdnow):
    # given the published mean value of each customer's repeat purchase days
    rows = _read_csv("cdnow_summary_with_transactions.csv")
    zbar_cents = [_cents(row["zbar"]) for row in rows]

    # then the rounded means match to the cent, for all 2,357 customers
    assert cdnow.mean_value_minor.tolist() == zbar_cents
    assert int(cdnow.repeat_value_minor[0]) == 2973 + 1496  # 1997-01-18, -08-02


def test_bgnbd_fit_reproduces_the_published_parameters(fitted):
    # then r, alpha, a, b match Fader, Hardie & Lee (2005) to 3 decimals
    assert round(fitted.r, 3) == 0.243
    assert round(fitted.alpha, 3) == 4.414
    assert round(fitted.a, 3) == 0.793
    assert round(fitted.b, 3) == 2.426


def test_bgnbd_fit_from_the_transactions_matches_too(cdnow):
    # when fitted to the summary computed here (t_x, T not rounded)
    params = bgnbd_fit(cdnow.x, cdnow.t_x, cdnow.T)

    # then
    assert (round(params.r, 3), round(params.alpha, 3)) == (0.243, 4.414)
    assert (round(params.a, 3), round(params.b, 3)) == (0.793, 2.426)


def test_bgnbd_fit_is_the_maximum(fitted, summary_file):
    # given the log-likelihood at the fit and at the published (rounded) values
    data = {key: summary_file[key] for key in ("x", "t_x", "T")}
    at_fit = bgnbd_log_likelihood(fitted, **data)
    at_published = bgnbd_log_likelihood(PUBLISHED, **data)

    # then the fit is at least as likely (the paper reports -9582.4), and the
    # two are within rounding of each other
    assert round(at_fit, 2) == -9582.43
    assert at_fit >= at_published
    assert at_fit - at_published < 0.01


def test_bgnbd_conditional_expectation_reproduces_the_published_figure(fitted):
    # when the customer of the paper's example is projected 39 weeks ahead
    expected = bgnbd_expected(fitted, 39, x=2, t_x=30.43, T=38.86)

    # then
    assert round(float(expected), 3) == 1.226


def test_gamma_gamma_fit_reproduces_the_published_parameters(cdnow):
    # given the 946 customers with a repeat purchase, with exact repeat totals
    assert int((cdnow.x >= 1).sum()) == 946

    # when
    params = gamma_gamma_fit(cdnow.x, cdnow.repeat_value_minor)

    # then p, q and gamma (fitted in cents) match Fader & Hardie to 2 decimals
    assert round(params.p, 2) == 6.25
    assert round(params.q, 2) == 3.74
    assert round(params.gamma / 100, 2) == 15.44


def test_gamma_gamma_fit_on_means_rounded_to_cents_moves_gamma_slightly():
    # given only the published means, each rounded to the cent
    rows = _read_csv("cdnow_summary_with_transactions.csv")
    x = np.array([int(row["x"]) for row in rows])
    totals = x * np.array([_cents(row["zbar"]) for row in rows])

    # when
    params = gamma_gamma_fit(x, totals)

    # then p and q still match; gamma lands at 15.4477 instead of 15.4435,
    # because the likelihood is almost flat along that ridge (its value
    # changes by 2e-6), which is why gamma_gamma_fit takes exact totals
    assert (round(params.p, 2), round(params.q, 2)) == (6.25, 3.74)
    assert abs(params.gamma / 100 - 15.44) < 0.01


def test_bgnbd_holdout_predictions_follow_the_published_actuals(fitted, cdnow):
    # given the published mean repeat purchases in weeks 40-78, by calibration
    # frequency 0..6 and 7+
    actual = [0.237, 0.697, 1.393, 1.560, 2.532, 2.947, 3.862, 6.359]
    groups = [cdnow.x == k for k in range(7)] + [cdnow.x >= 7]

    # when the model predicts each customer's next 39 weeks
    expected = bgnbd_expected(fitted, 39, x=cdnow.x, t_x=cdnow.t_x, T=cdnow.T)
    predicted = [float(expected[group].mean()) for group in groups]

    # then the group sizes are the published ones, predictions rise with x
    # and stay within 30 % of what happened: a model is not expected to match
    # actuals exactly (the paper's own BG/NBD predictions are as far off)
    sizes = [int(group.sum()) for group in groups]
    assert sizes == [1411, 439, 214, 100, 62, 38, 29, 64]
    assert predicted == sorted(predicted)
    for model, observed in zip(predicted, actual, strict=True):
        assert abs(model / observed - 1) < 0.3


# summarize, by hand


def test_summarize_merges_same_day_purchases_and_stops_at_calibration_end():
    # given two customers, one with two receipts on a day and one later row
    transactions = [
        (7, datetime.date(2026, 1, 1), 1500),
        (9, datetime.date(2026, 1, 3), 2000),
        (7, datetime.date(2026, 1, 8), 1200),
        (7, datetime.date(2026, 1, 8), 800),
        (7, datetime.date(2026, 1, 22), 1001),
        (7, datetime.date(2026, 2, 1), 9900),  # after the end: ignored
        (8, datetime.date(2026, 2, 1), 9900),  # first bought after the end
    ]

    # when
    summary = summarize(transactions, calibration_end=datetime.date(2026, 1, 29))

    # then day totals 2000 and 1001 are the repeat days; times are in weeks
    assert summary.customer_ids == (7, 9)
    assert summary.x.tolist() == [2, 0]
    assert summary.t_x.tolist() == [3.0, 0.0]
    assert summary.T.tolist() == [4.0, 26 / 7]
    assert summary.repeat_value_minor.tolist() == [3001, 0]
    assert summary.mean_value_minor.tolist() == [1501, 0]  # 1500.5 rounds up


def test_summarize_counts_in_the_unit_asked_for():
    # given
    transactions = [
        (1, datetime.date(2026, 1, 1), 100),
        (1, datetime.date(2026, 1, 4), 100),
    ]

    # when
    summary = summarize(
        transactions, calibration_end=datetime.date(2026, 1, 11), unit_days=1
    )

    # then
    assert (summary.t_x.tolist(), summary.T.tolist()) == ([3.0], [10.0])


def test_summarize_refuses_datetimes():
    # given a timestamp, whose calendar day depends on the time zone
    moment = datetime.datetime(2026, 1, 1, 23, 30, tzinfo=datetime.UTC)

    # when / then
    with pytest.raises(TypeError, match="not datetimes"):
        summarize([(1, moment, 100)], calibration_end=datetime.date(2026, 2, 1))


# BG/NBD, by hand


@pytest.mark.parametrize("T", [0.0, 1.0, 52.0, 500.0])
def test_p_alive_is_one_without_a_repeat_purchase(T):
    # BG/NBD customers drop out only right after a purchase, so one who never
    # came back has had no chance to
    assert bgnbd_p_alive(PUBLISHED, x=0, t_x=0, T=T).tolist() == 1.0


def test_p_alive_matches_the_formula_by_hand():
    # given r=1, alpha=1, a=1, b=2 and x=1, t_x=1, T=3:
    # 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    # = 1 / (1 + 1/2 * 2 ** 2) = 1/3
    params = BgNbdParams(r=1.0, alpha=1.0, a=1.0, b=2.0)

    # when
    p_alive = bgnbd_p_alive(params, x=1, t_x=1, T=3)

    # then
    assert float(p_alive) == pytest.approx(1 / 3, abs=1e-12)


def test_p_alive_falls_as_the_time_since_the_last_purchase_grows():
    # given the same purchases seen from ever later calibration ends
    T = np.array([10.0, 12.0, 20.0, 40.0, 80.0])

    # when
    p_alive = bgnbd_p_alive(PUBLISHED, x=4, t_x=10, T=T)

    # then
    assert p_alive[0] == pytest.approx(1 / (1 + 0.793 / 5.426), abs=1e-12)
    assert np.all(np.diff(p_alive) < 0)


def test_p_alive_of_a_frequent_customer_long_gone_is_zero_not_an_overflow():
    # when a weekly customer of 20 years has been away 10 years
    p_alive = bgnbd_p_alive(PUBLISHED, x=1040, t_x=1040, T=1560)

    # then ((alpha + T) / (alpha + t_x)) ** 1040 would overflow a float
    assert float(p_alive) < 1e-100


def test_expected_purchases_grow_with_the_horizon():
    # given
    t = np.array([0.0, 1.0, 4.0, 13.0, 52.0])

    # when
    expected = bgnbd_expected(PUBLISHED, t, x=3, t_x=20, T=26)

    # then
    assert expected[0] == 0.0
    assert np.all(np.diff(expected) > 0)


@pytest.mark.parametrize(
    ("_case", "t", "x", "t_x", "T"),
    [
        ("paper's example", 39.0, 2, 30.43, 38.86),
        ("no repeat purchase", 10.0, 0, 0.0, 20.0),
        ("frequent, recent", 52.0, 30, 50.0, 52.0),
        ("frequent, gone", 5.0, 7, 20.0, 30.0),
    ],
)
def test_expected_purchases_match_the_published_equation(_case, t, x, t_x, T):
    # given FHL (2005) eq. 10 as printed, before Euler's transformation
    r, alpha, a, b = PUBLISHED.r, PUBLISHED.alpha, PUBLISHED.a, PUBLISHED.b
    z = t / (alpha + T + t)
    numerator = (a + b + x - 1) / (a - 1)
    numerator *= 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
        r + x, b + x, a + b + x - 1, z
    )
    lapse = a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x) if x else 0
    printed = numerator / (1 + lapse)

    # when
    expected = bgnbd_expected(PUBLISHED, t, x=x, t_x=t_x, T=T)

    # then
    assert float(expected) == pytest.approx(printed, rel=1e-10)


def test_expected_purchases_of_a_very_frequent_customer_stay_finite():
    # given a customer with 2,000 repeat days over 400 weeks, seen last week
    x, t_x, T = 2000, 399.0, 400.0

    # when
    expected = float(bgnbd_expected(PUBLISHED, 52, x=x, t_x=t_x, T=T))

    # then it stays below what their purchase rate alone would give
    rate = (PUBLISHED.r + x) / (PUBLISHED.alpha + T)
    assert 200 < expected < rate * 52


def test_bgnbd_fit_refuses_customers_without_repeat_purchases():
    # when / then: every purchase rate near zero fits as well as any other
    with pytest.raises(ValueError, match="repeat purchases"):
        bgnbd_fit([0, 0, 0], [0.0, 0.0, 0.0], [10.0, 20.0, 30.0])


# Gamma-Gamma and value, by hand


def test_gamma_gamma_expected_value_by_hand():
    # given p=2, q=3, gamma=1000 cents: the population mean is
    # p gamma / (q - 1) = 1000
    params = GammaGammaParams(p=2.0, q=3.0, gamma=1000.0)

    # when
    values = gamma_gamma_expected_value(
        params, x=[0, 2, 2], repeat_value_minor=[0, 3000, 3001]
    )

    # then (1000 + 3000) * 2 / (2 * 2 + 3 - 1) = 1333.33; 4001 * 2 / 6 = 1333.67
    assert values.tolist() == [1000, 1333, 1334]


def test_gamma_gamma_fit_leaves_out_customers_without_repeat_spend(cdnow):
    # given the first 500 CDNOW customers, then the same with a customer who
    # never came back and one whose repeat visits were comped
    x = cdnow.x[:500]
    totals = cdnow.repeat_value_minor[:500]

    # when
    params = gamma_gamma_fit(x, totals)
    with_extra = gamma_gamma_fit(np.append(x, [0, 3]), np.append(totals, [0, 0]))

    # then
    assert with_extra == params


def test_customer_value_without_discount_is_visits_times_spend():
    # given
    spend = GammaGammaParams(p=2.0, q=3.0, gamma=1000.0)
    horizon = 12 * DAYS_PER_MONTH / 7

    # when
    value = customer_value(
        bgnbd=PUBLISHED,
        gamma_gamma=spend,
        x=[0, 2],
        t_x=[0.0, 20.0],
        T=[30.0, 30.0],
        repeat_value_minor=[0, 3000],
    )

    # then
    visits = bgnbd_expected(PUBLISHED, horizon, x=[0, 2], t_x=[0, 20], T=[30, 30])
    expected = visits * np.array([1000, 4000 * 2 / 6])
    assert value.tolist() == np.floor(expected + 0.5).astype(int).tolist()


def test_customer_value_discounts_each_month_at_its_end():
    # given a one-month horizon at 1 % a month
    spend = GammaGammaParams(p=2.0, q=3.0, gamma=1000.0)
    month = DAYS_PER_MONTH / 7

    # when
    value = customer_value(
        bgnbd=PUBLISHED,
        gamma_gamma=spend,
        x=[4],
        t_x=[20.0],
        T=[22.0],
        repeat_value_minor=[6000],
        horizon_months=1,
        monthly_discount_bp=100,
    )

    # then
    visits = float(bgnbd_expected(PUBLISHED, month, x=4, t_x=20, T=22))
    per_visit = (1000 + 6000) * 2 / (2 * 4 + 3 - 1)
    assert value.tolist() == [int(visits * per_visit / 1.01 + 0.5)]


def test_customer_value_falls_with_the_discount_rate(fitted, cdnow):
    # given
    spend = gamma_gamma_fit(cdnow.x, cdnow.repeat_value_minor)
    customers = {
        "x": cdnow.x[:50],
        "t_x": cdnow.t_x[:50],
        "T": cdnow.T[:50],
        "repeat_value_minor": cdnow.repeat_value_minor[:50],
    }

    # when
    values = [
        customer_value(
            bgnbd=fitted, gamma_gamma=spend, monthly_discount_bp=bp, **customers
        )
        for bp in (0, 100, 1000)
    ]

    # then
    assert values[0].dtype == np.int64
    assert np.all(values[0] > values[1])
    assert np.all(values[1] > values[2])


def test_gamma_gamma_fit_refuses_customers_without_repeat_spend():
    # when / then: one customer never came back, one only had comped visits
    with pytest.raises(ValueError, match="repeat spend"):
        gamma_gamma_fit([0, 2], [0, 0])


# The at-risk rule


@pytest.mark.parametrize(
    ("_case", "repeat_visits", "p_alive", "days_since", "cadence", "at_risk"),
    [
        ("one-off guest, model says gone", 0, 1.0, 300, None, False),
        ("two repeat visits, model says gone", 2, 0.1, 300, 7.0, False),
        ("regular, model says gone", 3, 0.49, 10, 7.0, True),
        ("regular, even odds", 3, 0.5, 10, 7.0, False),
        ("regular, overdue more than twice", 3, 0.9, 15, 7.0, True),
        ("regular, overdue exactly twice", 3, 0.9, 14, 7.0, False),
        ("regular, on time", 10, 0.95, 6, 7.0, False),
    ],
)
def test_is_at_risk(_case, repeat_visits, p_alive, days_since, cadence, at_risk):
    assert (
        is_at_risk(
            repeat_visits=repeat_visits,
            p_alive=p_alive,
            days_since_last_visit=days_since,
            cadence_days=cadence,
        )
        is at_risk
    )


def _weekly(visits: int) -> list[datetime.date]:
    first = datetime.date(2026, 1, 5)
    return [first + datetime.timedelta(weeks=week) for week in range(visits)]


def test_regular_status_of_a_weekly_regular_seen_this_week():
    # given eight Monday visits, one of them with a second receipt
    visits = [*_weekly(8), datetime.date(2026, 1, 12)]
    today = datetime.date(2026, 2, 26)  # a Thursday, 3 days after the last

    # when
    status = regular_status(visits, today=today, params=PUBLISHED)

    # then
    assert status.visit_days == 8
    assert status.repeat_visits == 7
    assert status.cadence_days == 7.0
    assert status.days_since_last_visit == 3
    assert round(status.p_alive, 3) == 0.891
    assert round(status.expected_visits_next_30_days, 3) == 2.104
    assert status.is_at_risk is False


def test_regular_status_of_a_weekly_regular_gone_three_weeks():
    # given the same regular, not seen for 20 days
    today = datetime.date(2026, 3, 15)

    # when
    status = regular_status(_weekly(8), today=today, params=PUBLISHED)

    # then the model still gives even odds or better, but 20 days is more
    # than twice their 7-day cadence
    assert status.days_since_last_visit == 20
    assert round(status.p_alive, 3) == 0.678
    assert status.is_at_risk is True


def test_regular_status_of_a_one_off_guest():
    # given
    visit = datetime.date(2026, 1, 5)

    # when
    status = regular_status([visit], today=datetime.date(2026, 6, 1), params=PUBLISHED)

    # then
    assert status.visit_days == 1
    assert status.repeat_visits == 0
    assert status.cadence_days is None
    assert status.days_since_last_visit == 147
    assert status.p_alive == 1.0
    assert status.is_at_risk is False


@pytest.mark.parametrize(
    ("_case", "visits", "message"),
    [
        ("no visit", [], "at least one visit"),
        ("visit tomorrow", [datetime.date(2026, 3, 2)], "after today"),
    ],
)
def test_regular_status_refuses(_case, visits, message):
    with pytest.raises(ValueError, match=message):
        regular_status(visits, today=datetime.date(2026, 3, 1), params=PUBLISHED)
