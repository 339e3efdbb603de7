"""Managers' pages: the feedback inbox, at-risk regulars, and offers.

For tablets and laptops, behind the staff login; only owners and managers
of the restaurant get in (`staff_require`).
"""

import secrets

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from loyalty.models import (
    Feedback,
    FeedbackStatus,
    Member,
    ModelFit,
    SuppressionReason,
)
from loyalty.selectors import at_risk_members, feedback_inbox, program_get
from loyalty.services.feedback import MANAGER_ROLES, feedback_reply, feedback_resolve
from loyalty.services.messages import WIN_BACK_ROLES, offer_send, win_back_send
from loyalty.services.regulars import scores_refit
from ordering.exceptions import DomainError
from ordering.models import Restaurant
from ordering.selectors import staff_restaurants, staff_roles
from ordering.services.staff import staff_require


def _managed(
    request, roles=MANAGER_ROLES
) -> tuple[Restaurant | None, list[Restaurant]]:
    managed = [
        r
        for r in staff_restaurants(user=request.user)
        if staff_roles(user=request.user, restaurant_id=r.pk) & roles
    ]
    chosen = request.GET.get("restaurant") or request.POST.get("restaurant")
    restaurant = next(
        (r for r in managed if r.slug == chosen), managed[0] if managed else None
    )
    if restaurant is not None:
        staff_require(user=request.user, restaurant_id=restaurant.pk, roles=roles)
    return restaurant, managed


def _forbidden(request):
    return render(
        request,
        "guest/problem.html",
        {
            "message": _("Only the restaurant's managers can open this page."),
            "code": "forbidden",
        },
        status=403,
    )


def _back(name: str, restaurant: Restaurant, **query) -> str:
    return reverse(name) + "?" + urlencode({"restaurant": restaurant.slug, **query})


@login_required
@never_cache
@require_http_methods(["GET"])
def inbox(request):
    restaurant, managed = _managed(request)
    if restaurant is None:
        return _forbidden(request)
    show = request.GET.get("show", "open")
    rows = list(
        feedback_inbox(
            restaurant_id=restaurant.pk, status="open" if show == "open" else None
        )[:200]
    )
    return render(
        request,
        "loyalty/manage/inbox.html",
        {"restaurant": restaurant, "managed": managed, "rows": rows, "show": show},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def feedback_detail(request, feedback_id: int):
    feedback = (
        Feedback.objects.select_related("member", "table_session__table", "restaurant")
        .filter(pk=feedback_id)
        .first()
    )
    if feedback is None or not (
        staff_roles(user=request.user, restaurant_id=feedback.restaurant_id)
        & MANAGER_ROLES
    ):
        return _forbidden(request)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "resolve":
                feedback_resolve(
                    feedback_id=feedback.pk,
                    user=request.user,
                    resolution=request.POST.get("text", ""),
                )
            else:
                feedback_reply(
                    feedback_id=feedback.pk,
                    user=request.user,
                    reply=request.POST.get("text", ""),
                )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(
                _back("loyalty-manage-inbox", feedback.restaurant, show="open")
            )
        feedback.refresh_from_db()
    return render(
        request,
        "loyalty/manage/feedback.html",
        {
            "restaurant": feedback.restaurant,
            "feedback": feedback,
            "error": error,
            "is_resolved": feedback.status == FeedbackStatus.RESOLVED,
        },
        status=400 if error else 200,
    )


def _cadence_words(days: float | None) -> str:
    if days is None:
        return ""
    if days <= 9:
        return _("came weekly")
    if days <= 18:
        return _("came every two weeks")
    if days <= 40:
        return _("came monthly")
    return _("came every %(weeks)d weeks") % {"weeks": round(days / 7)}


def _since_words(days: int) -> str:
    if days < 14:
        return _("last visit %(days)d days ago") % {"days": days}
    return _("last visit %(weeks)d weeks ago") % {"weeks": days // 7}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def regulars(request):
    """At-risk regulars: "Anna came weekly; last visit 5 weeks ago". Waiters
    see the list and send win-back offers too; refitting is the managers'."""
    restaurant, managed = _managed(request, roles=WIN_BACK_ROLES)
    if restaurant is None:
        return _forbidden(request)
    is_manager = bool(
        staff_roles(user=request.user, restaurant_id=restaurant.pk) & MANAGER_ROLES
    )
    notice = ""
    if request.method == "POST":
        if "refit" in request.POST and is_manager:
            result = scores_refit(restaurant_id=restaurant.pk)
            notice = (
                _("Model refitted: %(count)d at-risk regulars.")
                % {"count": result.at_risk}
                if result.params
                else _("Not enough visits yet to fit the model.")
            )
        elif "win_back" in request.POST:
            member_id = request.POST["win_back"]
            if (
                not member_id.isdigit()
                or not Member.objects.filter(
                    pk=int(member_id), restaurant=restaurant
                ).exists()
            ):
                return _forbidden(request)
            message = win_back_send(member_id=int(member_id), user=request.user)
            notice = (
                _("Win-back offer sent to %(name)s.")
                if message.status == "sent"
                else _("Sent to %(name)s after the quiet hours.")
                if message.status == "deferred"
                else _("Not sent to %(name)s: %(reason)s.")
            ) % {
                "name": message.member.first_name if message.member else "",
                "reason": SuppressionReason(message.reason).label
                if message.reason
                else "",
            }
    rows = [
        {
            "score": score,
            "summary": _("%(name)s %(cadence)s; %(since)s")
            % {
                "name": score.member.first_name,
                "cadence": _cadence_words(score.cadence_days),
                "since": _since_words(score.days_since_last_visit),
            },
        }
        for score in at_risk_members(restaurant_id=restaurant.pk)
    ]
    return render(
        request,
        "loyalty/manage/regulars.html",
        {
            "restaurant": restaurant,
            "managed": managed,
            "rows": rows,
            "fit": ModelFit.objects.filter(restaurant=restaurant).first(),
            "notice": notice,
            "has_program": program_get(restaurant_id=restaurant.pk) is not None,
            "is_manager": is_manager,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def offers(request):
    """Send an offer to every member; the gate decides member by member."""
    restaurant, managed = _managed(request)
    if restaurant is None:
        return _forbidden(request)
    result, error = None, None
    if request.method == "POST":
        subject = request.POST.get("subject", "").strip()
        body = request.POST.get("body", "").strip()
        if not subject or not body:
            error = _("Write a subject and a message.")
        else:
            try:
                result = offer_send(
                    restaurant_id=restaurant.pk,
                    subject=subject,
                    body=body,
                    user=request.user,
                    campaign_key=request.POST.get("campaign_key") or None,
                )
            except DomainError as exc:
                error = exc.message
    return render(
        request,
        "loyalty/manage/offers.html",
        {
            "restaurant": restaurant,
            "managed": managed,
            "result": result,
            "reasons": {
                reason: SuppressionReason(reason).label
                for reason in (result.suppressed if result else {})
            },
            "error": error,
            "campaign_key": secrets.token_hex(8),
        },
        status=400 if error else 200,
    )
