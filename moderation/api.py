"""/api/v1/images/{image_id}/reports: "Report this image" for API users."""

from typing import Literal

from django.http import JsonResponse
from ninja import Field, Router, Schema, Status

from imageplatform.apischema import WITH_BODY, errors
from imageplatform.client_ip import client_ip_for_throttling
from moderation import services
from moderation.exceptions import ReportLimited
from moderation.reasons import NOTE_MAX, REPORT_REASONS

router = Router(tags=["moderation"])

ReportReason = Literal[tuple(REPORT_REASONS)]


class ReportIn(Schema):
    reason: ReportReason = Field(description="What is wrong with the image.")
    note: str | None = Field(None, max_length=NOTE_MAX, description="Optional details for the moderators.")


class ReportOut(Schema):
    image_id: str
    counted: bool = Field(description="false: you had reported this image already (202)")
    status: Literal["reported"] = "reported"


@router.post(
    "/images/{image_id}/reports",
    response={201: ReportOut, 202: ReportOut, **errors(404, 429, *WITH_BODY)},
    summary="Report an image",
)
def report_image(request, image_id: str, payload: ReportIn):
    """Report a shared image to the moderators. 201: the report was recorded and the image
    is in the moderation queue; 202: you had reported it already (not counted twice);
    404: no image you can see has this id; 429 (with `Retry-After`): too many reports from
    your address, or for this image, in the current window."""
    try:
        result = services.report_create(
            image_id=image_id,
            reason=payload.reason,
            note=payload.note,
            reporter=str(request.user.pk),
            client=client_ip_for_throttling(request),
        )
    except ReportLimited as exc:
        response = JsonResponse({"error": exc.code, "detail": exc.detail}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    body = {"image_id": result.image_id, "counted": result.counted}
    return Status(201 if result.counted else 202, body)
