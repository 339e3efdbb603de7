"""Talking with guests: feedback and its answers, every outgoing message, and
what the customer-base model says about each member."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordering.models import Guest, Restaurant, TableSession
from ordering.translation import Translated

from .members import Channel, Member

# A rating this low is a complaint, whatever the comment says.
COMPLAINT_RATING_AT_MOST = 2


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REPLIED = "replied", _("Replied")
    RESOLVED = "resolved", _("Resolved")


class Feedback(models.Model):
    """A guest's private rating of one visit, and the restaurant's answer.

    Private: it goes to the managers, never to a public review site, and
    only private feedback earns points.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    table_session = models.ForeignKey(
        TableSession, on_delete=models.PROTECT, related_name="+"
    )
    guest = models.ForeignKey(
        Guest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    rating = models.PositiveSmallIntegerField(
        _("overall"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    food_rating = models.PositiveSmallIntegerField(
        _("food"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    service_rating = models.PositiveSmallIntegerField(
        _("service"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    wants_contact = models.BooleanField(_("wants the manager to get in touch"))
    # A low rating or a request for contact: blocks marketing until resolved.
    is_complaint = models.BooleanField(editable=False)
    status = models.CharField(
        max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    reply = models.TextField(_("reply"), max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("what we did"), max_length=2000, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["table_session", "guest"],
                condition=models.Q(guest__isnull=False),
                name="feedback_once_per_phone_and_visit",
            ),
            models.UniqueConstraint(
                fields=["table_session", "member"],
                condition=models.Q(member__isnull=False),
                name="feedback_once_per_member_and_visit",
            ),
            models.CheckConstraint(
                condition=models.Q(status="resolved", resolved_at__isnull=False)
                | ~models.Q(status="resolved"),
                name="feedback_resolved_has_time",
            ),
        ]
        indexes = [models.Index(fields=["restaurant", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.rating}/5 for visit {self.table_session_id}"


class Survey(Translated, models.Model):
    """A short private question from the restaurant to its members ("What
    should we add to the winter menu?"). Answers go to the managers only and
    earn points; nothing here is a public review."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    question_fi = models.CharField(_("question (Finnish)"), max_length=200)
    question_sv = models.CharField(_("question (Swedish)"), max_length=200, blank=True)
    question_en = models.CharField(_("question (English)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("open for answers"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.question_fi


class SurveyAnswer(models.Model):
    """One member's answer to one survey: at most one each."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="survey_answers"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"], name="survey_answer_once_per_member"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=False) | ~models.Q(answer=""),
                name="survey_answer_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.survey_id}"


class MessageKind(models.TextChoices):
    THANK_YOU = "thank_you", _("Thank you for the visit")
    FEEDBACK_REPLY = "feedback_reply", _("Reply to feedback")
    FEEDBACK_RESOLVED = "feedback_resolved", _("You said, we did")
    OFFER = "offer", _("Offer")
    BIRTHDAY = "birthday", _("Birthday")
    WIN_BACK = "win_back", _("Win-back offer")


# Messages a guest gets because of something they just did (paid, wrote to
# us); everything else is marketing and needs their consent.
TRANSACTIONAL_KINDS = {
    MessageKind.THANK_YOU,
    MessageKind.FEEDBACK_REPLY,
    MessageKind.FEEDBACK_RESOLVED,
}


class MessageStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    SUPPRESSED = "suppressed", _("Not sent")
    DEFERRED = "deferred", _("Waiting for the quiet hours to end")
    FAILED = "failed", _("Failed")


class SuppressionReason(models.TextChoices):
    NO_CONSENT = "no_consent", _("No consent to marketing")
    OPEN_COMPLAINT = "open_complaint", _("An open complaint")
    FREQUENCY_CAP = "frequency_cap", _("Already had a marketing message recently")
    QUIET_HOURS = "quiet_hours", _("Quiet hours")
    NO_ADDRESS = "no_address", _("No email, phone or table to reach them")
    ERASED = "erased", _("The member deleted their account")
    INACTIVE = "inactive", _("The loyalty programme is off")


class Message(models.Model):
    """Every message the gate let through, held back or refused, and why."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    guest = models.ForeignKey(
        Guest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    is_marketing = models.BooleanField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    destination = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=10, choices=MessageStatus.choices)
    reason = models.CharField(
        max_length=20, choices=SuppressionReason.choices, blank=True
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # What the message promised, e.g. {"points": 200}: granted when it is sent.
    data = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["member", "is_marketing", "status", "sent_at"]),
            models.Index(fields=["status", "send_after"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.member or self.guest} ({self.status})"


class ModelFit(models.Model):
    """The customer-base model last fitted to a restaurant's members."""

    restaurant = models.OneToOneField(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    fitted_at = models.DateTimeField(default=timezone.now)
    calibration_end = models.DateField()
    customers = models.PositiveIntegerField()
    r = models.FloatField()
    alpha = models.FloatField()
    a = models.FloatField()
    b = models.FloatField()
    # Gamma-Gamma: empty when too few members came back to fit spend.
    p = models.FloatField(null=True, blank=True)
    q = models.FloatField(null=True, blank=True)
    gamma = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("customer model fit")
        verbose_name_plural = _("customer model fits")

    def __str__(self) -> str:
        return f"{self.restaurant} {self.fitted_at:%Y-%m-%d}"


class MemberScore(models.Model):
    """One member's visits as the model reads them, as of the last refit."""

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="score"
    )
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    computed_at = models.DateTimeField(default=timezone.now)
    visit_days = models.PositiveIntegerField()
    repeat_visits = models.PositiveIntegerField()
    cadence_days = models.FloatField(null=True, blank=True)
    first_visit_on = models.DateField()
    last_visit_on = models.DateField()
    days_since_last_visit = models.PositiveIntegerField()
    p_alive = models.FloatField()
    expected_visits_30_days = models.FloatField()
    mean_spend_minor = models.PositiveIntegerField()
    # Expected spend over the next twelve months (Gamma-Gamma x BG/NBD).
    value_12_months_minor = models.PositiveBigIntegerField()
    is_at_risk = models.BooleanField()

    class Meta:
        verbose_name = _("member score")
        verbose_name_plural = _("member scores")
        indexes = [models.Index(fields=["restaurant", "is_at_risk"])]

    def __str__(self) -> str:
        return f"{self.member} p_alive={self.p_alive:.2f}"
