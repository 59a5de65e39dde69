"""What can go wrong with an image, as exceptions that say so.

Each carries a stable machine-readable ``code`` (used as the API's ``error`` field) and
the HTTP status the interfaces answer with. No Django imports: renditions.py raises these.
"""


class GalleryError(Exception):
    code = "error"
    status = 400
    default_detail = "The request could not be completed."

    def __init__(self, detail: str | None = None):
        self.detail = detail or self.default_detail
        super().__init__(self.detail)


class InvalidImage(GalleryError):
    """The uploaded bytes are not an image we accept."""

    code = "invalid_image"
    default_detail = "The file is not an image that can be processed."


class UnsupportedFormat(InvalidImage):
    code = "unsupported_format"
    status = 415
    default_detail = "Unsupported file type. Accepted formats: JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF, TIFF."


class EmptyFile(InvalidImage):
    code = "empty_file"
    default_detail = "The file is empty."


class FileTooLarge(InvalidImage):
    code = "file_too_large"
    status = 413
    default_detail = "The file is larger than the upload limit."


class TooManyPixels(InvalidImage):
    code = "too_many_pixels"
    status = 413
    default_detail = "The image has more pixels than the limit."


class TooManyFrames(InvalidImage):
    code = "too_many_frames"
    status = 413
    default_detail = "The animation has more frames than the limit."


class CorruptImage(InvalidImage):
    code = "corrupt_image"
    default_detail = "The image data is truncated or corrupt."


class InvalidRenditionSpec(GalleryError):
    code = "invalid_rendition_spec"
    default_detail = "The rendition specification is not valid."


class ImageNotFound(GalleryError):
    code = "not_found"
    status = 404
    default_detail = "No such image."


class ImageNotReady(GalleryError):
    code = "not_ready"
    status = 409
    default_detail = "The image is not ready yet."


class TooManyRenditions(GalleryError):
    code = "too_many_renditions"
    status = 409
    default_detail = "This image has reached the maximum number of custom sizes."
