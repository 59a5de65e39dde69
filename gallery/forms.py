from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator

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
    width = forms.IntegerField(required=False, min_value=1)
    height = forms.IntegerField(required=False, min_value=1)
    mode = forms.ChoiceField(
        choices=[("fit", "Fit inside"), ("fill", "Fill (crop)")],
        initial="fit",
    )
    format = forms.ChoiceField(choices=[("jpeg", "JPEG"), ("webp", "WebP")], initial="jpeg")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        top = settings.GALLERY_MAX_CUSTOM_SIDE
        for name in ("width", "height"):
            self.fields[name].validators.append(MaxValueValidator(top))
            self.fields[name].widget.attrs.update({"max": top, "min": 1, "placeholder": "auto"})

    def clean(self):
        data = super().clean()
        if not data.get("width") and not data.get("height"):
            raise forms.ValidationError("Give a width, a height, or both.")
        if data.get("mode") == "fill" and not (data.get("width") and data.get("height")):
            raise forms.ValidationError("Fill needs both a width and a height.")
        return data
