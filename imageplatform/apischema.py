"""What the API's schemas share: the error body, the error answers each kind of operation
can give, and limits that come from settings.

A limit from settings is read when a value is validated and again when the OpenAPI
document is made, so the document and the validation always agree (and tests that change
the setting see both change). A separate module, so the apps' routers can import it
without importing the API that imports them.
"""

from django.conf import settings
from ninja import Field, Schema
from pydantic_core import PydanticCustomError, core_schema


class ErrorOut(Schema):
    error: str = Field(description="A stable, machine-readable code, such as `not_found`.")
    detail: str = Field(description="What went wrong, for people.")


# Every operation: 400 (a malformed request), 401 (no valid token), 503 (a store is down,
# with Retry-After). Operations on one image or link add 404; operations with a body add
# 413 (too large) and 415 (not JSON, or not multipart for uploads); 409 where a change can
# conflict with the image's state.
COMMON = (400, 401, 503)
WITH_BODY = (413, 415)


def errors(*statuses: int) -> dict[int, type[Schema]]:
    """The error answers of an operation: ``COMMON`` plus ``statuses``, all ErrorOut."""
    return {status: ErrorOut for status in sorted({*COMMON, *statuses})}


class SettingRange:
    """An integer from ``minimum`` to the value of a setting (times ``per``).

    ``Annotated[int, SettingRange(1, "GALLERY_MAX_CUSTOM_SIDE")]``: out of range is a
    validation error with the API error code ``code``; the document shows ``minimum`` and
    ``maximum``.
    """

    def __init__(self, minimum: int, setting: str, *, per: int = 1, code: str = "invalid_request"):
        self.minimum, self.setting, self.per, self.code = minimum, setting, per, code

    def maximum(self) -> int:
        return getattr(settings, self.setting) * self.per

    def check(self, value: int) -> int:
        maximum = self.maximum()
        if not self.minimum <= value <= maximum:
            raise PydanticCustomError(
                "out_of_range",
                "must be a whole number from {minimum} to {maximum}",
                {"minimum": self.minimum, "maximum": maximum, "code": self.code},
            )
        return value

    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema, handler):
        json_schema = handler(schema)
        json_schema.update(minimum=self.minimum, maximum=self.maximum())
        return json_schema
