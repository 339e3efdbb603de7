"""The manager's overview: the day's (or a range's) sales and covers, open
tables, kitchen and service times, top dishes, members and their value,
feedback and suggestions, with charts and every number also as a table and
as CSV.

The figures come from `ordering.reports`; this module only words and draws
them, in the reader's language.
"""

import csv
import datetime
import re
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ordering import reports
from ordering.charts import Bar, column_chart, row_chart
from ordering.manage.access import ManagerAccess, manager_page
from ordering.money import format_money

# Short day labels under the bars; the tables use the locale's date format.
_DAY_LABEL = {"fi": "j.n.", "sv": "j/n", "en": "j M"}


def _lang() -> str:
    return (get_language() or "fi")[:2]


def duration_text(seconds: float | None) -> str:
    """Return a duration as a person reads it: '45 s', '12 min', '1 h 5 min'."""
    if seconds is None:
        return "–"
    seconds = round(seconds)
    if seconds < 60:
        return _("%(seconds)s s") % {"seconds": seconds}
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(hours)s h %(minutes)s min") % {
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }


def percent_text(share: float | None) -> str:
    if share is None:
        return "–"
    number = round(share * 100)
    return f"{number}%" if _lang() == "en" else f"{number}\u00a0%"


def _decimal_text(amount_minor: int, currency: str) -> str:
    """Return an amount as a plain number for spreadsheets: '1234.50'."""
    return re.sub(r"[^0-9.\-]", "", format_money(amount_minor, currency, "en"))


def _quick_ranges(
    today: datetime.date,
) -> list[tuple[str, datetime.date, datetime.date]]:
    day = datetime.timedelta(days=1)
    return [
        (_("Today"), today, today),
        (_("Yesterday"), today - day, today - day),
        (_("Last 7 days"), today - 6 * day, today),
        (_("Last 30 days"), today - 29 * day, today),
        (_("This month"), today.replace(day=1), today),
    ]


def _period(request, access: ManagerAccess) -> reports.Period:
    return reports.period_parse(
        restaurant=access.restaurant,
        first=request.GET.get("start", ""),
        last=request.GET.get("end", ""),
    )


def dashboard_context(request, access: ManagerAccess) -> dict:
    """Gather and word every figure of the overview."""
    restaurant = access.restaurant
    rid, currency, lang = restaurant.pk, restaurant.currency, _lang()
    period = _period(request, access)
    today = timezone.localdate(timezone=restaurant.tzinfo)

    def money(cents: int | None) -> str:
        return "–" if cents is None else format_money(cents, currency, lang)

    sales = reports.sales_summary(restaurant_id=rid, period=period)
    payments = reports.payments_summary(restaurant_id=rid, period=period)
    items = reports.top_items(restaurant_id=rid, period=period, lang=lang)
    baskets = reports.member_baskets(restaurant_id=rid, period=period)
    repeat = reports.repeat_rate(restaurant_id=rid, period=period)
    value = reports.customer_value(restaurant_id=rid)
    feedback = reports.feedback_summary(restaurant_id=rid, period=period)
    suggestions = reports.suggestions_summary(restaurant_id=rid, period=period)
    kitchen = reports.kitchen_times(restaurant_id=rid, period=period)
    service = reports.service_times(restaurant_id=rid, period=period)
    tables = reports.open_tables(restaurant_id=rid)

    range_query = {
        "restaurant": restaurant.slug,
        "start": period.first.isoformat(),
        "end": period.last.isoformat(),
    }
    csv_url = reverse("manage-dashboard-csv")

    def csv_link(table: str) -> str:
        return f"{csv_url}?{urlencode({**range_query, 'table': table})}"

    one_day = period.first == period.last
    if one_day:
        range_text = formats.date_format(period.first, "DATE_FORMAT")
    else:
        range_text = _("%(first)s – %(last)s") % {
            "first": formats.date_format(period.first, "SHORT_DATE_FORMAT"),
            "last": formats.date_format(period.last, "SHORT_DATE_FORMAT"),
        }

    day_rows = [
        {
            "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
            "weekday": formats.date_format(day, "D"),
            "sales": money(cents),
        }
        for day, cents in sales["days"]
    ]
    busy_hours = [h for h, cents in sales["hours"] if cents]
    first_hour = min(busy_hours + [10])
    last_hour = max(busy_hours + [22])
    hours = [(h, c) for h, c in sales["hours"] if first_hour <= h <= last_hour]

    def money_tick(cents: int) -> str:
        # Whole units on the axis: '1 200 €' reads faster than '1 200,00 €'.
        text = format_money(cents, currency, lang)
        return re.sub(r"[.,]\d+(?=\D*$)", "", text)

    charts = {}
    if not one_day:
        charts["days"] = column_chart(
            [
                Bar(
                    label=formats.date_format(day, _DAY_LABEL.get(lang, "j.n.")),
                    value=cents,
                    text=money(cents),
                )
                for day, cents in sales["days"]
            ],
            chart_id="chart-days",
            title=_("Sales per day"),
            desc=_("Sales per day from %(range)s, %(total)s in all.")
            % {"range": range_text, "total": money(sales["sales_minor"])},
            tick=money_tick,
        )
    charts["hours"] = column_chart(
        [Bar(label=f"{h:02d}", value=c, text=money(c)) for h, c in hours],
        chart_id="chart-hours",
        title=_("Sales by hour of the day"),
        desc=_("Sales by the hour the order was placed, %(range)s.")
        % {"range": range_text},
        tick=money_tick,
    )
    if items:
        charts["items"] = row_chart(
            [
                Bar(label=i["name"], value=i["quantity"], text=str(i["quantity"]))
                for i in items
            ],
            chart_id="chart-items",
            title=_("Top dishes"),
            desc=_("The dishes ordered most often, %(range)s, by portions sold.")
            % {"range": range_text},
        )
    members, others = baskets["members"], baskets["others"]
    if members["guests"] or others["guests"]:
        charts["baskets"] = row_chart(
            [
                Bar(
                    label=_("Members"),
                    value=members["average_minor"] or 0,
                    text=money(members["average_minor"]),
                ),
                Bar(
                    label=_("Other guests"),
                    value=others["average_minor"] or 0,
                    text=money(others["average_minor"]),
                ),
            ],
            chart_id="chart-baskets",
            title=_("Average basket, members and other guests"),
            desc=_(
                "Members: %(members)s on average over %(m)s guests. Other guests: "
                "%(others)s on average over %(o)s guests."
            )
            % {
                "members": money(members["average_minor"]),
                "m": members["guests"],
                "others": money(others["average_minor"]),
                "o": others["guests"],
            },
            label_width=150,
            row_height=34,
            alternate={1},
        )

    timed = [row for row in kitchen if row["median_seconds"] is not None]
    if timed:
        charts["kitchen"] = row_chart(
            [
                Bar(
                    label=row["station"],
                    value=row["median_seconds"],
                    text=_("%(median)s (target %(target)s)")
                    % {
                        "median": duration_text(row["median_seconds"]),
                        "target": duration_text(row["target_seconds"]),
                    },
                )
                for row in timed
            ],
            chart_id="chart-kitchen",
            value_room=190,
            title=_("Median time to ready per station"),
            desc=_(
                "From the ticket reaching the screen to ready, %(range)s. "
                "Stations slower than their target are drawn in orange."
            )
            % {"range": range_text},
            label_width=150,
            alternate={
                index
                for index, row in enumerate(timed)
                if row["median_seconds"] > row["target_seconds"]
            },
        )

    return {
        "access": access,
        "section": "home",
        "period": period,
        "range_text": range_text,
        "one_day": one_day,
        "today": today,
        "quick": [
            {
                "label": label,
                "url": "?"
                + urlencode(
                    {
                        "restaurant": restaurant.slug,
                        "start": first.isoformat(),
                        "end": last.isoformat(),
                    }
                ),
                "current": (first, last) == (period.first, period.last),
            }
            for label, first, last in _quick_ranges(today)
        ],
        "csv": {
            name: csv_link(name)
            for name in ("days", "hours", "items", "kitchen", "waiters")
        },
        "sales": {
            "total": money(sales["sales_minor"]),
            "orders": sales["orders"],
            "visits": sales["visits"],
            "covers": sales["covers"],
            "per_cover": money(sales["per_cover_minor"]),
        },
        "payments": {
            "count": payments["count"],
            "total": money(payments["total"]),
            "tips": money(payments["tips"]),
            "refunded": money(payments["refunded"]),
        },
        "tables": tables,
        "charts": charts,
        "day_rows": day_rows,
        "hour_rows": [
            {"hour": f"{h:02d}–{h + 1:02d}", "sales": money(c)} for h, c in hours
        ],
        "items": [{**i, "sales": money(i["sales_minor"])} for i in items],
        "kitchen": [
            {
                **row,
                "median": duration_text(row["median_seconds"]),
                "target": duration_text(row["target_seconds"]),
                "within": percent_text(
                    row["within_target"] / row["tickets"] if row["tickets"] else None
                ),
                "is_over": row["median_seconds"] is not None
                and row["median_seconds"] > row["target_seconds"],
            }
            for row in kitchen
        ],
        "waiters": [
            {
                "name": row["name"] or _("Nobody in particular"),
                "sessions": row["sessions"],
                "to_order": duration_text(row["median_to_first_order_seconds"]),
                "to_served": duration_text(row["median_to_food_served_seconds"]),
                "to_bill": duration_text(row["median_to_bill_requested_seconds"]),
                "to_paid": duration_text(row["median_to_paid_seconds"]),
                "calls": row["calls"],
                "response": duration_text(row["median_response_seconds"]),
            }
            for row in service
        ],
        "baskets": {
            "members": {
                **members,
                "average": money(members["average_minor"]),
                "median": money(members["median_minor"]),
            },
            "others": {
                **others,
                "average": money(others["average_minor"]),
                "median": money(others["median_minor"]),
            },
        },
        "repeat": {**repeat, "rate_text": percent_text(repeat["rate"])},
        "value": {
            **value,
            "total": money(value["value_12_months_minor"]),
            "average": money(value["average_12_months_minor"]),
        },
        "feedback": {
            **feedback,
            "rating_text": (
                formats.number_format(feedback["rating"], 1)
                if feedback["rating"] is not None
                else "–"
            ),
        },
        "suggestions": {**suggestions, "rate_text": percent_text(suggestions["rate"])},
    }


@never_cache
@require_GET
@manager_page
def dashboard_csv(request, *, access: ManagerAccess):
    """One of the overview's tables as CSV (?table=days|hours|items|kitchen|
    waiters), amounts as plain numbers in the restaurant's currency."""
    restaurant = access.restaurant
    rid, currency = restaurant.pk, restaurant.currency
    period = _period(request, access)
    table = request.GET.get("table", "")

    def amount(cents: int | None) -> str:
        return "" if cents is None else _decimal_text(cents, currency)

    def seconds(value: float | None) -> str:
        return "" if value is None else str(round(value))

    rows: list[list] = []
    if table in ("days", "hours"):
        sales = reports.sales_summary(restaurant_id=rid, period=period)
        if table == "days":
            rows.append([_("Date"), _("Sales (%(currency)s)") % {"currency": currency}])
            rows += [[day.isoformat(), amount(cents)] for day, cents in sales["days"]]
        else:
            rows.append([_("Hour"), _("Sales (%(currency)s)") % {"currency": currency}])
            rows += [[f"{h:02d}", amount(cents)] for h, cents in sales["hours"]]
    elif table == "items":
        rows.append(
            [
                _("Dish"),
                _("Portions"),
                _("Sales (%(currency)s)") % {"currency": currency},
            ]
        )
        rows += [
            [i["name"], i["quantity"], amount(i["sales_minor"])]
            for i in reports.top_items(
                restaurant_id=rid, period=period, lang=_lang(), limit=1000
            )
        ]
    elif table == "kitchen":
        rows.append(
            [
                _("Station"),
                _("Tickets"),
                _("Median seconds to ready"),
                _("Target seconds"),
                _("Ready within target"),
                _("Over red"),
                _("Open now"),
                _("Late now"),
            ]
        )
        rows += [
            [
                r["station"],
                r["tickets"],
                seconds(r["median_seconds"]),
                r["target_seconds"],
                r["within_target"],
                r["over_red"],
                r["open_now"],
                r["late_now"],
            ]
            for r in reports.kitchen_times(restaurant_id=rid, period=period)
        ]
    elif table == "waiters":
        rows.append(
            [
                _("Waiter"),
                _("Tables"),
                _("Median seconds seated to order"),
                _("Median seconds order to served"),
                _("Median seconds served to bill"),
                _("Median seconds bill to paid"),
                _("Calls answered"),
                _("Median seconds to answer"),
            ]
        )
        rows += [
            [
                r["name"] or _("Nobody in particular"),
                r["sessions"],
                seconds(r["median_to_first_order_seconds"]),
                seconds(r["median_to_food_served_seconds"]),
                seconds(r["median_to_bill_requested_seconds"]),
                seconds(r["median_to_paid_seconds"]),
                r["calls"],
                seconds(r["median_response_seconds"]),
            ]
            for r in reports.service_times(restaurant_id=rid, period=period)
        ]
    else:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = (
        f"{restaurant.slug}-{table}-{period.first.isoformat()}-"
        f"{period.last.isoformat()}.csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark, so spreadsheet programs read ä and ö as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return response


def _cell(value) -> str:
    """Return a CSV cell a spreadsheet shows as text: a dish or person named
    "=SUM(…)" must not run as a formula on the manager's machine."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
