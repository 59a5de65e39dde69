"""Rendition specs parsed into small operation objects, as Wagtail's image_operations does.

A spec such as ``fill-400x300|format-webp|quality-75`` becomes a :class:`Filter` holding one
geometry operation (what size, which part of the picture) and the output settings (format and
quality). Each operation validates its arguments when it is built, so a bad spec fails at
parse time with :class:`InvalidRenditionSpec`, before any image is decoded.

Geometry is worked out on sizes only (:class:`Plan`); the pixels are handled in renditions.py.
Crops are always centred, so a plan made for the displayed orientation holds for the stored
orientation with width and height swapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gallery.exceptions import InvalidRenditionSpec

MAX_SPEC_LENGTH = 200
DEFAULT_FORMAT = "jpeg"
DEFAULT_QUALITY = {"jpeg": 82, "webp": 80, "avif": 60}
OUTPUT_FORMATS = ("jpeg", "webp", "png", "avif")

_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
_SIZE = re.compile(r"([1-9][0-9]{0,8})x([1-9][0-9]{0,8})")


@dataclass(frozen=True)
class Plan:
    """What a geometry operation does to a picture of a given size.

    ``crop`` is the (width, height) of the centred region kept, in source pixels (fractional:
    the resampler takes a float box); ``size`` is the output size in pixels, never larger
    than ``crop``.
    """

    crop: tuple[float, float]
    size: tuple[int, int]

    def swapped(self) -> Plan:
        return Plan((self.crop[1], self.crop[0]), (self.size[1], self.size[0]))


def _fit(width: int, height: int, box_width: int, box_height: int) -> tuple[int, int]:
    """Largest size with the aspect ratio of width x height inside the box; never upscaled."""
    if width <= box_width and height <= box_height:
        return width, height
    # The side that defines the fit is exact; the other is rounded (at least 1 px).
    if box_width * height <= box_height * width:
        return box_width, min(box_height, max(1, round(height * box_width / width)))
    return min(box_width, max(1, round(width * box_height / height))), box_height


class Operation:
    """One ``name-arg`` step of a spec. Subclasses validate in :meth:`construct`."""

    name = ""

    def __init__(self, name: str, *args: str, max_side: int):
        self.name = name
        self.max_side = max_side
        self.construct(*args)

    def construct(self, *args: str) -> None:
        if args:
            raise InvalidRenditionSpec(f'"{self.name}" takes no argument.')

    def _size_arg(self, arg: str) -> tuple[int, int]:
        match = _SIZE.fullmatch(arg)
        if not match:
            raise InvalidRenditionSpec(
                f'"{self.name}-{arg}": expected a size WIDTHxHEIGHT in pixels, such as 800x600.'
            )
        return self._check_side(match[1]), self._check_side(match[2])

    def _check_side(self, text: str) -> int:
        value = int(text)
        if value > self.max_side:
            raise InvalidRenditionSpec(
                f'"{self.name}": {value} px is larger than the limit of {self.max_side} px.'
            )
        return value

    def _number_arg(self, arg: str, what: str) -> int:
        if not _NUMBER.fullmatch(arg):
            raise InvalidRenditionSpec(f'"{self.name}-{arg}": expected {what} as a whole number above zero.')
        return int(arg)


class GeometryOperation(Operation):
    def plan(self, width: int, height: int) -> Plan:
        raise NotImplementedError


class OriginalOperation(GeometryOperation):
    """``original``: the whole picture at its own size."""

    def plan(self, width: int, height: int) -> Plan:
        return Plan((width, height), (width, height))


class MaxOperation(GeometryOperation):
    """``max-WxH``: fit inside the box."""

    def construct(self, *args: str) -> None:
        if len(args) != 1:
            raise InvalidRenditionSpec(f'"{self.name}" takes one size, such as {self.name}-800x600.')
        self.width, self.height = self._size_arg(args[0])

    def plan(self, width: int, height: int) -> Plan:
        return Plan((width, height), _fit(width, height, self.width, self.height))


class WidthOperation(GeometryOperation):
    """``width-W``: that width (or less: never upscaled), height from the aspect ratio."""

    dimension = "width"

    def construct(self, *args: str) -> None:
        if len(args) != 1:
            raise InvalidRenditionSpec(f'"{self.name}" takes one number, such as {self.name}-800.')
        self.size = self._check_side(str(self._number_arg(args[0], f"a {self.dimension} in pixels")))

    def plan(self, width: int, height: int) -> Plan:
        return Plan((width, height), _fit(width, height, self.size, max(height, 1)))


class HeightOperation(WidthOperation):
    """``height-H``: that height (or less), width from the aspect ratio."""

    dimension = "height"

    def plan(self, width: int, height: int) -> Plan:
        return Plan((width, height), _fit(width, height, max(width, 1), self.size))


class FillOperation(GeometryOperation):
    """``fill-WxH``: crop around the centre to the box's aspect ratio, then scale to the box.

    Never upscales: a source smaller than the box gives the largest crop of that aspect ratio.
    """

    def construct(self, *args: str) -> None:
        if len(args) != 1:
            raise InvalidRenditionSpec(f'"{self.name}" takes one size, such as {self.name}-400x400.')
        self.width, self.height = self._size_arg(args[0])

    def plan(self, width: int, height: int) -> Plan:
        aspect = self.width / self.height
        # Too wide: keep the full height; else keep the full width.
        crop = (height * aspect, float(height)) if width / height > aspect else (float(width), width / aspect)
        if crop[0] >= self.width:
            return Plan(crop, (self.width, self.height))
        # Smaller than the box: the crop itself, in whole pixels, at least 1 x 1.
        out_w = max(1, min(width, round(crop[0])))
        out_h = max(1, min(height, round(out_w / aspect)))
        return Plan((float(out_w), float(out_h)), (out_w, out_h))


class FormatOperation(Operation):
    """``format-jpeg|webp|png|avif``."""

    def construct(self, *args: str) -> None:
        if len(args) != 1 or args[0] not in OUTPUT_FORMATS:
            raise InvalidRenditionSpec(
                f'"{"-".join((self.name, *args))}": the format must be one of '
                + ", ".join(OUTPUT_FORMATS)
                + "."
            )
        self.format = args[0]


class QualityOperation(Operation):
    """``quality-N``, N from 1 to 100."""

    def construct(self, *args: str) -> None:
        if len(args) != 1:
            raise InvalidRenditionSpec(f'"{self.name}" takes one number, such as quality-80.')
        value = self._number_arg(args[0], "a quality")
        if value > 100:
            raise InvalidRenditionSpec(f'"quality-{value}": the quality must be from 1 to 100.')
        self.quality = value


OPERATIONS: dict[str, type[Operation]] = {
    "original": OriginalOperation,
    "max": MaxOperation,
    "width": WidthOperation,
    "height": HeightOperation,
    "fill": FillOperation,
    "format": FormatOperation,
    "quality": QualityOperation,
}


class Filter:
    """A parsed spec: one geometry operation plus the output format and quality."""

    def __init__(self, spec: str, *, max_side: int = 8192):
        self.spec = spec
        self.geometry: GeometryOperation = OriginalOperation("original", max_side=max_side)
        self.format = DEFAULT_FORMAT
        quality = None
        if not isinstance(spec, str) or not spec.strip():
            raise InvalidRenditionSpec("The rendition spec is empty.")
        if len(spec) > MAX_SPEC_LENGTH:
            raise InvalidRenditionSpec(f"The rendition spec is longer than {MAX_SPEC_LENGTH} characters.")
        seen: set[str] = set()
        for part in spec.split("|"):
            name, *args = part.strip().split("-")
            if not name:
                raise InvalidRenditionSpec(f'"{spec}": empty operation.')
            cls = OPERATIONS.get(name)
            if cls is None:
                raise InvalidRenditionSpec(
                    f'"{name}" is not a known operation. Known: ' + ", ".join(OPERATIONS) + "."
                )
            op = cls(name, *args, max_side=max_side)
            kind = "geometry" if isinstance(op, GeometryOperation) else name
            if kind in seen:
                raise InvalidRenditionSpec(f'"{spec}": more than one {kind} operation.')
            seen.add(kind)
            if isinstance(op, GeometryOperation):
                self.geometry = op
            elif isinstance(op, FormatOperation):
                self.format = op.format
            else:
                quality = op.quality
        if quality is not None and self.format == "png":
            raise InvalidRenditionSpec(f'"{spec}": PNG is lossless and takes no quality.')
        self.quality = quality if quality is not None else DEFAULT_QUALITY.get(self.format)

    def __repr__(self) -> str:
        return f"Filter({self.spec!r})"
