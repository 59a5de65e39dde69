from datetime import timedelta

from django import forms

from shortlinks.services import MAX_VISITS_LIMIT, PASSWORD_MAX

EXPIRY_CHOICES = [
    ("", "Never"),
    ("3600", "1 hour"),
    ("86400", "1 day"),
    ("604800", "7 days"),
    ("2592000", "30 days"),
]


class ShortLinkForm(forms.Form):
    """A new link from the detail page. The service checks ``target`` against the image."""

    target = forms.CharField(initial="page", max_length=100)
    expires_in = forms.TypedChoiceField(
        choices=EXPIRY_CHOICES, coerce=int, empty_value=None, required=False, label="Expires"
    )
    max_visits = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_VISITS_LIMIT, label="Visit limit"
    )
    password = forms.CharField(
        required=False, max_length=PASSWORD_MAX, widget=forms.PasswordInput(render_value=False)
    )

    def expires_delta(self) -> timedelta | None:
        seconds = self.cleaned_data.get("expires_in")
        return timedelta(seconds=seconds) if seconds else None


class LinkPasswordForm(forms.Form):
    password = forms.CharField(max_length=PASSWORD_MAX, widget=forms.PasswordInput(attrs={"autofocus": True}))
