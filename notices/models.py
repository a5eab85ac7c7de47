from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Organization, Role


class NoticeKind(models.TextChoices):
    AUDIENCE_READY = "audience_ready", "An L2 audience is Ready"
    REFRESH_IN_FORCE = "refresh_in_force", "A refresh is in force"
    PUSH_FAILED = "push_failed", "A push failed"
    REFRESH_HELD = "refresh_held", "A push waits for approval"
    REACH_MOVED = "reach_moved", "Running campaigns' reach moved"
    PUSH_REFUSED = "push_refused", "A push was refused for its name"


# Who hears of each kind: every member, or only those who can act on it (docs/notices.md).
KIND_ROLES = {
    NoticeKind.AUDIENCE_READY: None,
    NoticeKind.REFRESH_IN_FORCE: None,
    NoticeKind.PUSH_FAILED: None,
    NoticeKind.REACH_MOVED: None,
    NoticeKind.REFRESH_HELD: {Role.ADMIN, Role.MANAGER},
    NoticeKind.PUSH_REFUSED: {Role.ADMIN},
}
# Email is on by default for those who can act, off for viewers; each user may change it per kind.
EMAIL_BY_DEFAULT = {Role.ADMIN, Role.MANAGER}


class EmailState(models.TextChoices):
    NONE = "none", "Not emailed"
    PENDING = "pending", "To be emailed"
    SENT = "sent", "Emailed"
    FAILED = "failed", "Could not be emailed"


class Notice(models.Model):
    """Something a user should know about their organization's audiences or campaigns."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # A path in the portal (e.g. the audience's details), where the user can act on it.
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=8, choices=EmailState.choices, default=EmailState.NONE)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notice_user_newest"),
            # The bell's count: unread notices of a user, from a small index of only those.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notice_user_unread"),
            models.Index(
                fields=["created_at"], condition=Q(email_state="pending"), name="notice_email_pending"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def portal_path(self) -> str:
        """The link, if it is a path in the portal: never another site, nor a ``javascript:`` URL."""
        link = self.link
        return link if link.startswith("/") and not link.startswith(("//", "/\\")) else ""


class EmailPreference(models.Model):
    """A user's choice to be emailed, or not, about one kind of notice (absent: their role decides)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_email_preferences"
    )
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    email = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_preference_unique_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {'by email' if self.email else 'in the portal only'}"
