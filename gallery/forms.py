from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator

from gallery.services import ALT_MAX, CAPTION_MAX, TITLE_MAX, VISIBILITIES


class ImageEditForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, required=False)
    caption = forms.CharField(
        max_length=CAPTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    alt_text = forms.CharField(
        max_length=ALT_MAX,
        required=False,
        label="Alt text",
        help_text="Describes the image for people who cannot see it.",
    )
    visibility = forms.ChoiceField(
        choices=[(v, v.capitalize()) for v in VISIBILITIES],
        help_text="Private: only you. Unlisted: anyone with the link. Public: also in the public gallery.",
    )


class CustomSizeForm(forms.Form):
    width = forms.IntegerField(required=False)
    height = forms.IntegerField(required=False)
    mode = forms.ChoiceField(
        choices=[("fit", "Fit inside"), ("fill", "Fill (crop)")],
        initial="fit",
    )
    format = forms.ChoiceField(choices=[("jpeg", "JPEG"), ("webp", "WebP")], initial="jpeg")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        top = settings.GALLERY_MAX_CUSTOM_SIDE
        for name in ("width", "height"):
            label = name.capitalize()
            field = self.fields[name]
            # One clear message for every way a side can be wrong: 0, 99999, -5, "abc".
            message = f"{label} must be a whole number from 1 to {top} px."
            field.validators += [MinValueValidator(1, message), MaxValueValidator(top, message)]
            field.error_messages["invalid"] = message
            field.widget.attrs.update({"max": top, "min": 1, "placeholder": "auto", "inputmode": "numeric"})

    def clean(self):
        data = super().clean()
        if self.has_error("width") or self.has_error("height"):
            return data  # the side's own error says what is wrong; nothing more to add
        if not data.get("width") and not data.get("height"):
            raise forms.ValidationError("Give a width, a height, or both.")
        if data.get("mode") == "fill" and not (data.get("width") and data.get("height")):
            raise forms.ValidationError("Fill needs both a width and a height.")
        return data


class GalleryFilterForm(forms.Form):
    """Search, filter and sort of the owner's gallery (a GET form: the URL is the state)."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    visibility = forms.ChoiceField(
        required=False, choices=[("", "Any visibility")] + [(v, v.capitalize()) for v in VISIBILITIES]
    )
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any status"),
            ("ready", "Ready"),
            ("pending", "Pending"),
            ("processing", "Processing"),
            ("failed", "Failed"),
            ("quarantined", "Quarantined"),
            ("removed", "Removed by a moderator"),
        ],
    )
    uploaded_from = forms.DateField(
        required=False, label="Uploaded from", widget=forms.DateInput(attrs={"type": "date"})
    )
    uploaded_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("taken_newest", "Date taken, newest first"),
            ("taken_oldest", "Date taken, oldest first"),
        ],
        label="Sort",
    )

    @property
    def by_date_taken(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("sort", "").startswith("taken_")


BULK_ACTIONS = {
    "private": "made private",
    "unlisted": "made unlisted",
    "public": "made public",
    "delete": "deleted",
}
BULK_MAX = 100


class BulkActionForm(forms.Form):
    """The images selected in the gallery and what to do with them."""

    ids = forms.MultipleChoiceField(required=True, error_messages={"required": "Select at least one image."})
    action = forms.ChoiceField(choices=[("visibility", "Change visibility"), ("delete", "Delete")])
    visibility = forms.ChoiceField(required=False, choices=[(v, v) for v in VISIBILITIES])
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is a choice here: the service refuses ids that are not the owner's.
        ids = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(i, i) for i in ids]

    def clean_ids(self):
        ids = list(dict.fromkeys(self.cleaned_data["ids"]))
        if len(ids) > BULK_MAX:
            raise forms.ValidationError(f"Select at most {BULK_MAX} images at a time.")
        return ids

    def clean(self):
        data = super().clean()
        if data.get("action") == "visibility" and not data.get("visibility"):
            raise forms.ValidationError("Choose the new visibility.")
        return data

    @property
    def verb(self) -> str:
        """The action as BULK_ACTIONS names it: "private", ..., or "delete"."""
        data = self.cleaned_data
        return "delete" if data["action"] == "delete" else data["visibility"]
