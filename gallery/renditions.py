"""Renditions: uploaded image bytes in, resized web images out. Pillow only.

Nothing here knows about Django, S3 or DynamoDB: the service layer calls

    info = probe(data)                             # cheap header checks
    info, renditions = render(data, {"thumb": "max-320x320|format-webp", ...})

and stores ``renditions[name].data``. Every failure is one of the exceptions in
gallery.exceptions; whatever Pillow raises on a hostile file becomes CorruptImage.

How render() stays fast and small (measured with bench/, see bench/README.md):
* JPEG is decoded at 1/2, 1/4 or 1/8 scale (``draft``) when the largest rendition needs no
  more pixels than that;
* renditions cascade: each is resized from the smallest one already made that is at least
  about twice its size (2048 -> 1024 -> 320), not from the full picture;
* the first, largest resize is split into horizontal bands resized in parallel threads
  (Pillow releases the GIL), and the full-size decode is freed as soon as it is done;
* EXIF orientation and the conversion to sRGB are applied after that first downscale;
* encoding (WebP first: it is the slowest step) runs in a small thread pool while the next
  size is being resized.
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

from gallery import validation
from gallery.exceptions import (
    CorruptImage,
    EmptyFile,
    FileTooLarge,
    GalleryError,
    InvalidRenditionSpec,
    TooManyFrames,
    TooManyPixels,
    UnsupportedFormat,
)
from gallery.image_operations import Filter, Plan
from gallery.pixels import encode, normalise_mode, orient, srgb_transform, to_srgb
from gallery.workers import WORKERS, tune_process_memory
from gallery.workers import pool as shared_pool

__all__ = ["ImageInfo", "Limits", "Rendition", "parse_spec", "probe", "render", "tune_process_memory"]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_pixels: int = 100_000_000
    max_frames: int = 300
    max_side: int = 8192
    formats: frozenset[str] = frozenset({"JPEG", "PNG", "WEBP", "GIF", "HEIF", "AVIF", "TIFF"})


@dataclass(frozen=True)
class ImageInfo:
    format: str
    mime: str
    extension: str
    width: int  # as displayed, after EXIF orientation
    height: int
    frames: int
    has_alpha: bool


@dataclass(frozen=True)
class Rendition:
    data: bytes
    width: int
    height: int
    format: str  # "jpeg" | "webp" | "png" | "avif"
    mime: str


MIME = {"jpeg": "image/jpeg", "webp": "image/webp", "png": "image/png", "avif": "image/avif"}
MAX_OUTPUT_SIDE = {"jpeg": 65_500, "webp": 16_383, "png": 1 << 31, "avif": 65_536}
# A rendition is resized from an earlier one only if that one is at least this much larger;
# closer than that, resampling twice softens the picture visibly.
CASCADE_MIN_RATIO = 1.8
# Below this many output pixels the first resize is not worth splitting across threads.
PARALLEL_RESIZE_MIN_PIXELS = 300_000


def parse_spec(spec: str, *, max_side: int = 8192) -> Filter:
    """Parse a spec such as ``max-800x600|format-webp``; InvalidRenditionSpec if it is wrong."""
    return Filter(spec, max_side=max_side)


def probe(data: bytes, limits: Limits = Limits()) -> ImageInfo:
    """Check an upload from its headers only (format, size, pixels, frames); no full decode."""
    info, im, _ = _open(data, limits)
    im.close()
    return info


def render(
    data: bytes, specs: Mapping[str, str], limits: Limits = Limits()
) -> tuple[ImageInfo, dict[str, Rendition]]:
    """Validate ``data`` as probe() does, decode it and make every named rendition."""
    filters = {name: parse_spec(spec, max_side=limits.max_side) for name, spec in specs.items()}
    info, im, orientation = _open(data, limits)
    try:
        return info, _Renderer(im, info, orientation, filters).run()
    except GalleryError:
        raise
    except (Exception, MemoryError) as exc:  # Pillow's many ways to fail on a bad file
        raise CorruptImage(_corrupt_detail(info.format, exc)) from exc
    finally:
        im.close()


# --------------------------------------------------------------------------- opening


def _open(data: bytes, limits: Limits) -> tuple[ImageInfo, Image.Image, int]:
    """Sniff, open lazily (headers only) and check the limits. Returns info, image, orientation."""
    if not isinstance(data, bytes):
        data = bytes(data)
    if not data:
        raise EmptyFile()
    if len(data) > limits.max_bytes:
        raise FileTooLarge(f"The file is {_mb(len(data))}; the limit is {_mb(limits.max_bytes)}.")
    kind = validation.sniff(data)
    if kind.format not in limits.formats:
        raise UnsupportedFormat(
            f"{kind.format} files are not accepted here. Accepted formats: "
            + ", ".join(sorted(limits.formats))
            + "."
        )
    if kind.format == "HEIF":
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(io.BytesIO(data), formats=[kind.format])
    except Image.DecompressionBombError as exc:
        raise TooManyPixels(f"The image is too large to process safely ({exc}).") from exc
    except (Exception, MemoryError) as exc:
        raise CorruptImage(
            f"The file starts like a {kind.format} image but its header cannot be read ({_reason(exc)})."
        ) from exc
    try:
        info, orientation = _inspect(im, kind, data, limits)
    except BaseException:
        im.close()
        raise
    return info, im, orientation


def _inspect(im: Image.Image, kind: validation.Kind, data: bytes, limits: Limits) -> tuple[ImageInfo, int]:
    try:
        width, height = im.size
        if width < 1 or height < 1:
            raise CorruptImage(f"The {kind.format} header gives an empty size {width}x{height}.")
        if width * height > limits.max_pixels:
            raise TooManyPixels(
                f"The image is {width}x{height} ({width * height / 1e6:.0f} megapixels); "
                f"the limit is {limits.max_pixels / 1e6:.0f} megapixels."
            )
        if kind.format == "TIFF":
            _check_tiff_tiles(im)
        frames = _count_frames(im, kind, data, limits.max_frames)
        if frames > limits.max_frames:
            raise TooManyFrames(f"The animation has more than {limits.max_frames} frames, the limit.")
        orientation = _orientation(im)
        has_alpha = "A" in im.getbands() or "transparency" in im.info
    except GalleryError:
        raise
    except (Exception, MemoryError) as exc:
        raise CorruptImage(_corrupt_detail(kind.format, exc)) from exc
    if orientation >= 5:
        width, height = height, width
    info = ImageInfo(
        format=kind.format,
        mime=kind.mime,
        extension=kind.extension,
        width=width,
        height=height,
        frames=frames,
        has_alpha=has_alpha,
    )
    return info, orientation


def _count_frames(im: Image.Image, kind: validation.Kind, data: bytes, max_frames: int) -> int:
    """Frames, counted without decoding; any count above max_frames means 'too many'."""
    if kind.format == "GIF":
        return max(1, validation.count_gif_frames(data, stop_after=max_frames))
    if kind.format == "TIFF":  # walk the IFD chain, but no further than the limit
        frames = 1
        try:
            while frames <= max_frames:
                im.seek(frames)
                frames += 1
        except EOFError:
            pass
        im.seek(0)
        return frames
    return max(1, int(getattr(im, "n_frames", 1) or 1))


def _check_tiff_tiles(im: Image.Image) -> None:
    tags = getattr(im, "tag_v2", {})
    tile_w, tile_h = tags.get(322), tags.get(323)
    if tile_w and tile_h:
        width, height = im.size
        if tile_w * tile_h > max(4 * width * height, 1 << 20):
            raise CorruptImage(
                f"The TIFF claims tiles of {tile_w}x{tile_h} pixels for a {width}x{height} image."
            )


def _orientation(im: Image.Image) -> int:
    """EXIF orientation 1-8; a missing or unreadable tag counts as 1, as browsers do."""
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


_heif_lock = threading.Lock()
_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    with _heif_lock:
        if not _heif_registered:
            import pillow_heif

            pillow_heif.register_heif_opener(thumbnails=False)
            _heif_registered = True


# --------------------------------------------------------------------------- rendering


class _Renderer:
    """Makes the renditions of one decoded image; see the module docstring for the plan."""

    def __init__(self, im: Image.Image, info: ImageInfo, orientation: int, filters):
        self.im = im
        self.info = info
        self.orientation = orientation
        self.filters: dict[str, Filter] = filters
        self.decoded: Image.Image | None = None
        self.premultiplied: Image.Image | None = None
        self.icc: bytes | None = None

    def run(self) -> dict[str, Rendition]:
        width, height = self.info.width, self.info.height
        plans = {name: f.geometry.plan(width, height) for name, f in self.filters.items()}
        for name, f in self.filters.items():
            w, h = plans[name].size
            if max(w, h) > MAX_OUTPUT_SIDE[f.format]:
                raise InvalidRenditionSpec(
                    f"{f.format.upper()} renditions can be at most {MAX_OUTPUT_SIDE[f.format]} px "
                    f"on a side; {name!r} would be {w}x{h}."
                )
        # One resize per distinct geometry, largest scale first.
        groups: dict[Plan, list[str]] = {}
        for name, plan in plans.items():
            groups.setdefault(plan, []).append(name)
        order = sorted(groups, key=lambda p: (-_scale(p), -p.size[0] * p.size[1]))
        sources = self._choose_sources(order)
        from_decode = [p for p in order if sources[p] is None]

        self._decode(from_decode)
        made: dict[Plan, Image.Image] = {}
        futures: dict[str, Future] = {}
        pool = shared_pool()
        try:
            for plan in order:
                source = sources[plan]
                if source is None:
                    image = self._from_decode(plan, pool)
                    if plan is from_decode[-1]:
                        self._free_decode()
                else:
                    image = _resize_from(made[source], source, plan)
                made[plan] = image
                names = sorted(groups[plan], key=lambda n: self.filters[n].format != "webp")
                for name in names:
                    f = self.filters[name]
                    futures[name] = pool.submit(encode, image, f.format, f.quality)
            result = {}
            for name, future in futures.items():
                data = future.result()
                w, h = made[plans[name]].size
                fmt = self.filters[name].format
                result[name] = Rendition(data, w, h, fmt, MIME[fmt])
            return {name: result[name] for name in self.filters}
        finally:
            for future in futures.values():
                future.cancel()

    def _choose_sources(self, order: list[Plan]) -> dict[Plan, Plan | None]:
        """For each plan, the earlier full-frame plan to resize from, or None for the decode."""
        full = (self.info.width, self.info.height)
        sources: dict[Plan, Plan | None] = {}
        for i, plan in enumerate(order):
            best = None
            for earlier in order[:i]:
                if earlier.crop != full:
                    continue
                ratio = min(
                    earlier.size[0] * plan.crop[0] / full[0] / plan.size[0],
                    earlier.size[1] * plan.crop[1] / full[1] / plan.size[1],
                )
                if ratio >= CASCADE_MIN_RATIO and (best is None or earlier.size[0] < best.size[0]):
                    best = earlier
            sources[plan] = best
        return sources

    # -- the full-size decode

    def _decode(self, plans: list[Plan]) -> None:
        im = self.im
        if im.format == "JPEG" and plans:
            scale = max(_scale(p) for p in plans)
            if scale <= 0.5:
                w, h = im.size
                im.draft(None, (math.ceil(w * scale), math.ceil(h * scale)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im.load()
        self.icc = im.info.get("icc_profile") or None
        decoded = normalise_mode(im)
        if decoded is im:  # own the pixels, so closing the file frees nothing we still use
            decoded = im._new(im.im)
        im.close()
        self.decoded = decoded

    def _free_decode(self) -> None:
        self.decoded = None
        self.premultiplied = None

    def _from_decode(self, plan: Plan, pool: ThreadPoolExecutor) -> Image.Image:
        """Resize (in parallel bands), convert to sRGB and orient one plan from the decode."""
        src = self.decoded
        stored = plan.swapped() if self.orientation >= 5 else plan
        sw, sh = (
            (self.info.height, self.info.width)
            if self.orientation >= 5
            else (
                self.info.width,
                self.info.height,
            )
        )
        fx, fy = src.size[0] / sw, src.size[1] / sh  # decode scale (draft)
        cw, ch = stored.crop[0] * fx, stored.crop[1] * fy
        left, top = (src.size[0] - cw) / 2, (src.size[1] - ch) / 2
        out_w, out_h = stored.size
        transform = srgb_transform(self.icc, src.mode)
        if (round(cw), round(ch)) == stored.size == src.size:
            # Nothing to resize: the decode itself, converted.
            return orient(to_srgb(src, transform), self.orientation)

        if src.mode in ("RGBA", "LA"):  # resample premultiplied, once for all bands
            if self.premultiplied is None:
                self.premultiplied = src.convert(src.mode[:-1] + "a")
            work = self.premultiplied
        else:
            work = src

        def band(y0: int, y1: int) -> Image.Image:
            box = (left, top + ch * y0 / out_h, left + cw, top + ch * y1 / out_h)
            part = work.resize((out_w, y1 - y0), Image.Resampling.LANCZOS, box=box)
            if part.mode != src.mode:
                part = part.convert(src.mode)
            return to_srgb(part, transform)

        bands = WORKERS if out_w * out_h >= PARALLEL_RESIZE_MIN_PIXELS else 1
        bands = max(1, min(bands, out_h))
        edges = [out_h * i // bands for i in range(bands + 1)]
        jobs = [pool.submit(band, edges[i], edges[i + 1]) for i in range(1, bands)]
        parts = [band(edges[0], edges[1])] + [job.result() for job in jobs]
        if len(parts) == 1:
            out = parts[0]
        else:
            out = Image.new(parts[0].mode, (out_w, out_h))
            for y0, part in zip(edges, parts, strict=False):  # edges has the end as well
                out.paste(part, (0, y0))
        return orient(out, self.orientation)


def _scale(plan: Plan) -> float:
    return max(plan.size[0] / plan.crop[0], plan.size[1] / plan.crop[1])


def _resize_from(image: Image.Image, plan_of_image: Plan, plan: Plan) -> Image.Image:
    """Resize a made, full-frame rendition down to another plan (centred crop allowed)."""
    fx = image.size[0] / plan_of_image.crop[0]
    fy = image.size[1] / plan_of_image.crop[1]
    # min(): crop * (size / crop) can come out one rounding step above size, which would
    # make the box start a hair below 0 ("box offset can't be negative").
    cw, ch = min(plan.crop[0] * fx, image.size[0]), min(plan.crop[1] * fy, image.size[1])
    left, top = max(0.0, (image.size[0] - cw) / 2), max(0.0, (image.size[1] - ch) / 2)
    out = image.resize(plan.size, Image.Resampling.LANCZOS, box=(left, top, left + cw, top + ch))
    out.info = {}
    return out


# --------------------------------------------------------------------------- messages


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _corrupt_detail(fmt: str, exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return f"The {fmt} image needs more memory to decode than is available; it is likely corrupt."
    return f"The {fmt} image data is truncated or corrupt ({_reason(exc)})."
