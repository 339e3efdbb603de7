"""Guest pages of the loyalty programme: join, the card, settings, privacy,
and feedback from the thank-you link. Server-rendered forms that work with no
script at all; each view calls one service and renders or redirects."""

import datetime
import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from loyalty.apis import client_key
from loyalty.auth import member_cookie_clear, member_cookie_set, member_from_cookies
from loyalty.consents import WORDINGS
from loyalty.exceptions import AddressInvalidError
from loyalty.models import CodePurpose, ConsentPurpose, Identification
from loyalty.selectors import (
    member_card,
    messages_for_member,
    program_get,
    surveys_open_for_member,
)
from loyalty.services.codes import address_parse, code_send
from loyalty.services.feedback import feedback_submit
from loyalty.services.members import (
    consent_set,
    member_identify,
    member_join,
    member_sign_out,
    member_update,
)
from loyalty.services.messages import feedback_token_read
from loyalty.services.privacy import member_erase, member_export, privacy_code_send
from loyalty.services.surveys import survey_answer
from ordering.exceptions import DomainError
from ordering.guest_auth import guest_from_request
from ordering.models import Guest, Restaurant, TableSession
from ordering.selectors import restaurant_get


def _problem(request, message, *, code: str, status: int):
    return render(
        request,
        "guest/problem.html",
        {"message": message, "code": code},
        status=status,
    )


def _restaurant_or_problem(request, slug: str) -> Restaurant | HttpResponse:
    restaurant = restaurant_get(slug=slug)
    if restaurant is None or program_get(restaurant_id=restaurant.pk) is None:
        return _problem(
            request,
            _("This restaurant has no loyalty programme."),
            code="loyalty_unavailable",
            status=404,
        )
    return restaurant


def _guest_here(request, restaurant: Restaurant) -> Guest | None:
    """Return the phone's guest if it is at an open table of this restaurant."""
    guest = guest_from_request(request)
    if guest is None:
        return None
    session = guest.table_session
    if session.restaurant_id != restaurant.pk or not session.is_open:
        return None
    return guest


def _context(request, restaurant: Restaurant, **extra) -> dict:
    guest = _guest_here(request, restaurant)
    return {
        "restaurant": restaurant,
        "guest": guest,
        "table": guest.table_session.table if guest else None,
        "lang": (get_language() or restaurant.default_language)[:2],
        "wordings": {purpose: WORDINGS[purpose].text for purpose in WORDINGS},
        **extra,
    }


@never_cache
@require_http_methods(["GET"])
def card(request, slug: str):
    """The member's card, or the form to join when the phone is not signed in."""
    restaurant = _restaurant_or_problem(request, slug)
    if isinstance(restaurant, HttpResponse):
        return restaurant
    member = member_from_cookies(request, restaurant_id=restaurant.pk)
    context = _context(request, restaurant)
    if member is None:
        context.update(form={}, referral_code=request.GET.get("ref", "")[:12])
        return render(request, "loyalty/join.html", context)
    guest = context["guest"]
    identified = (
        guest is not None
        and Identification.objects.filter(guest=guest, member=member).exists()
    )
    context.update(
        member=member,
        card=member_card(member=member, lang=context["lang"]),
        messages_sent=messages_for_member(member_id=member.pk, limit=5),
        surveys=[
            {"id": survey.pk, "question": survey.tr("question", context["lang"])}
            for survey in surveys_open_for_member(member=member)
        ],
        identified=identified,
        invite_url=request.build_absolute_uri(
            reverse("loyalty-card", args=[restaurant.slug])
            + f"?ref={member.referral_code}"
        ),
        notice=request.GET.get("notice", ""),
    )
    return render(request, "loyalty/card.html", context)


@never_cache
@require_POST
def join_code(request, slug: str):
    """Tap one: send a code to the address the guest typed."""
    restaurant = _restaurant_or_problem(request, slug)
    if isinstance(restaurant, HttpResponse):
        return restaurant
    form = {
        "address": request.POST.get("address", "").strip(),
        "first_name": request.POST.get("first_name", "").strip()[:60],
        "marketing": request.POST.get("marketing") == "1",
        "personalisation": request.POST.get("personalisation") == "1",
        "referral_code": request.POST.get("referral_code", "")[:12],
    }
    context = _context(request, restaurant, form=form)
    try:
        address = address_parse(form["address"])
        code_send(
            restaurant=restaurant,
            address=address,
            purpose=CodePurpose.JOIN,
            client_key=client_key(request),
            language=context["lang"],
        )
    except DomainError as error:
        context.update(error=error.message, referral_code=form["referral_code"])
        return render(request, "loyalty/join.html", context, status=error.http_status)
    context["address"] = address
    return render(request, "loyalty/code.html", context)


@never_cache
@require_POST
def join_verify(request, slug: str):
    """Tap two: check the code, sign the phone in, and show the card."""
    restaurant = _restaurant_or_problem(request, slug)
    if isinstance(restaurant, HttpResponse):
        return restaurant
    form = {
        "address": request.POST.get("address", ""),
        "first_name": request.POST.get("first_name", "")[:60],
        "marketing": request.POST.get("marketing") == "1",
        "personalisation": request.POST.get("personalisation") == "1",
        "referral_code": request.POST.get("referral_code", "")[:12],
    }
    context = _context(request, restaurant, form=form)
    try:
        address = address_parse(form["address"])
        context["address"] = address
        signed = member_join(
            restaurant=restaurant,
            address=address,
            code=request.POST.get("code", ""),
            first_name=form["first_name"],
            consents={
                ConsentPurpose.MARKETING: form["marketing"],
                ConsentPurpose.PERSONALISATION: form["personalisation"],
            },
            language=context["lang"],
            guest=context["guest"],
            referral_code=form["referral_code"],
        )
    except AddressInvalidError as error:
        context.update(error=error.message)
        return render(request, "loyalty/join.html", context, status=400)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "loyalty/code.html", context, status=error.http_status)
    notice = "welcome" if signed.is_new else "signed_in"
    response = redirect(
        reverse("loyalty-card", args=[restaurant.slug]) + f"?notice={notice}"
    )
    member_cookie_set(
        response, restaurant_id=restaurant.pk, token=signed.token, request=request
    )
    return response


def _signed_in(request, slug: str):
    restaurant = _restaurant_or_problem(request, slug)
    if isinstance(restaurant, HttpResponse):
        return restaurant, None
    member = member_from_cookies(request, restaurant_id=restaurant.pk)
    if member is None:
        return redirect("loyalty-card", slug=slug), None
    return restaurant, member


@require_POST
def identify(request, slug: str):
    restaurant, member = _signed_in(request, slug)
    if member is None:
        return restaurant
    guest = _guest_here(request, restaurant)
    if guest is None:
        return _problem(
            request,
            _("Scan the QR code on your table first."),
            code="no_table",
            status=403,
        )
    try:
        member_identify(member=member, guest=guest)
    except DomainError as error:
        return _problem(request, error.message, code=error.code, status=409)
    return redirect(
        reverse("loyalty-card", args=[restaurant.slug]) + "?notice=identified"
    )


@require_POST
def sign_out(request, slug: str):
    restaurant, member = _signed_in(request, slug)
    if member is None:
        return restaurant
    member_sign_out(token=request.COOKIES.get(f"tableside_member_{restaurant.pk}", ""))
    response = redirect("loyalty-card", slug=slug)
    member_cookie_clear(response, restaurant_id=restaurant.pk)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def member_settings(request, slug: str):
    """Consents, birthday, name and diet notes; consents change any time."""
    restaurant, member = _signed_in(request, slug)
    if member is None:
        return restaurant
    context = _context(request, restaurant, member=member)
    status = 200
    if request.method == "POST":
        try:
            for purpose in ConsentPurpose.values:
                consent_set(
                    member=member,
                    purpose=purpose,
                    is_granted=request.POST.get(purpose) == "1",
                    source="settings",
                    language=context["lang"],
                )
            birthday = request.POST.get("birthday", "").strip()
            member_update(
                member=member,
                first_name=request.POST.get("first_name", member.first_name),
                diet_notes=request.POST.get("diet_notes", ""),
                birthday=_date(birthday) if birthday else None,
            )
        except (DomainError, ValueError) as error:
            context["error"] = getattr(error, "message", _("Check the date."))
            status = 400
        else:
            context["saved"] = True
    context["card"] = member_card(member=member, lang=context["lang"])
    return render(request, "loyalty/settings.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, slug: str, survey_id: int):
    """Answer one of the restaurant's short private surveys, for points."""
    restaurant, member = _signed_in(request, slug)
    if member is None:
        return restaurant
    open_surveys = {s.pk: s for s in surveys_open_for_member(member=member)}
    chosen = open_surveys.get(survey_id)
    if chosen is None and request.method == "GET":
        return _problem(
            request,
            _("This survey is closed or already answered. Thank you!"),
            code="survey_closed",
            status=404,
        )
    context = _context(request, restaurant, member=member)
    context["survey"] = {
        "id": survey_id,
        "question": chosen.tr("question", context["lang"]) if chosen else "",
    }
    program = program_get(restaurant_id=restaurant.pk)
    context["points"] = program.survey_points if program else 0
    if request.method == "POST":
        try:
            _answer, earned = survey_answer(
                survey_id=survey_id,
                member=member,
                rating=_int(request.POST.get("rating")),
                answer=request.POST.get("answer", ""),
            )
        except DomainError as error:
            context["error"] = error.message
            return render(
                request, "loyalty/survey.html", context, status=error.http_status
            )
        context.update(done=True, earned=earned)
    return render(request, "loyalty/survey.html", context)


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@never_cache
@require_http_methods(["GET", "POST"])
def privacy(request, slug: str):
    """Download all my data, or delete my account, after a one-time code."""
    restaurant, member = _signed_in(request, slug)
    if member is None:
        return restaurant
    context = _context(request, restaurant, member=member)
    if request.method == "GET":
        return render(request, "loyalty/privacy.html", context)
    action = request.POST.get("action", "")
    try:
        if action in ("send_export", "send_erase"):
            purpose = (
                CodePurpose.EXPORT if action == "send_export" else CodePurpose.ERASE
            )
            privacy_code_send(
                member=member, purpose=purpose, client_key=client_key(request)
            )
            context["code_for"] = purpose
        elif action == "export":
            data = member_export(member=member, code=request.POST.get("code", ""))
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = (
                f'attachment; filename="tableside-{restaurant.slug}-my-data.json"'
            )
            return response
        elif action == "erase":
            member_erase(member=member, code=request.POST.get("code", ""))
            response = render(
                request, "loyalty/erased.html", _context(request, restaurant)
            )
            member_cookie_clear(response, restaurant_id=restaurant.pk)
            return response
    except DomainError as error:
        context["error"] = error.message
        context["code_for"] = (
            CodePurpose.EXPORT if action == "export" else CodePurpose.ERASE
        )
        return render(
            request, "loyalty/privacy.html", context, status=error.http_status
        )
    return render(request, "loyalty/privacy.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request, token: str):
    """Rate a visit from the thank-you link (no sign-in: the link is signed)."""
    read = feedback_token_read(token)
    session = (
        TableSession.objects.select_related("restaurant", "table")
        .filter(pk=read[0])
        .first()
        if read
        else None
    )
    if session is None:
        return _problem(
            request,
            _("This feedback link is not valid any more. Thank you all the same!"),
            code="feedback_link_invalid",
            status=404,
        )
    restaurant = session.restaurant
    guest_id = read[1] if read else None
    guest = (
        Guest.objects.filter(pk=guest_id, table_session=session).first()
        if guest_id is not None
        else None
    )
    member = None
    if guest is not None:
        identification = (
            Identification.objects.select_related("member")
            .filter(guest=guest, member__erased_at__isnull=True)
            .first()
        )
        member = identification.member if identification else None
    context = _context(request, restaurant, visit=session, member=member)
    if request.method == "POST":
        try:
            feedback_submit(
                table_session_id=session.pk,
                guest=guest,
                member=member,
                rating=_int(request.POST.get("rating")),
                food_rating=_int(request.POST.get("food_rating")),
                service_rating=_int(request.POST.get("service_rating")),
                comment=request.POST.get("comment", ""),
                wants_contact=request.POST.get("wants_contact") == "1",
            )
        except DomainError as error:
            context["error"] = error.message
            return render(
                request, "loyalty/feedback.html", context, status=error.http_status
            )
        context["done"] = True
    return render(request, "loyalty/feedback.html", context)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
