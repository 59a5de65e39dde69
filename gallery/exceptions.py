"""What can go wrong with an image, as exceptions that say so.

Each carries a stable machine-readable ``code`` (used as the API's ``error`` field) and
the HTTP status the interfaces answer with. No Django imports: renditions.py raises these.
"""

from imageplatform.errors import PlatformError


class GalleryError(PlatformError):
    pass


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


class MalwareFound(InvalidImage):
    code = "malware_found"
    status = 422
    default_detail = "The malware scanner found a threat in the file; it was not stored."


class ScannerUnavailable(GalleryError):
    """The malware scanner did not answer: no file goes in unscanned."""

    code = "scanner_unavailable"
    status = 503
    default_detail = "The malware scanner is not answering right now; try again in a moment."


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


class InvalidText(GalleryError):
    """A title, caption, alt text or other typed value that cannot be stored."""

    code = "invalid_text"
    default_detail = "The text contains characters that cannot be stored."


class ConcurrentChange(GalleryError):
    """Every attempt to save lost the race against another change of the same image."""

    code = "conflict"
    status = 409
    default_detail = "The image was changed at the same time; try again."


class StoreUnavailable(GalleryError):
    """S3 or DynamoDB did not answer (or answered with a server error)."""

    code = "store_unavailable"
    status = 503
    default_detail = "The image store is not reachable right now; try again in a moment."


class InvalidCursor(GalleryError):
    code = "invalid_cursor"
    default_detail = "The page cursor is not valid."


class RenditionNotFound(GalleryError):
    code = "not_found"
    status = 404
    default_detail = "No such custom size."
