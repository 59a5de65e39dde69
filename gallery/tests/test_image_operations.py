"""gallery.image_operations: specs parsed into operations, and the geometry they plan.

Plans are worked out on sizes only; where a plan is applied, it is applied to a small image
built in memory with PIL.Image.new, the way renditions.py crops and resizes. No Django.
"""

import pytest
from PIL import Image

from gallery.exceptions import InvalidRenditionSpec
from gallery.image_operations import (
    DEFAULT_QUALITY,
    MAX_SPEC_LENGTH,
    FillOperation,
    Filter,
    FormatOperation,
    GeometryOperation,
    HeightOperation,
    MaxOperation,
    OriginalOperation,
    Plan,
    QualityOperation,
    WidthOperation,
)


def apply(plan: Plan, width: int, height: int) -> Image.Image:
    """Crop the centred region of the plan from a width x height image and scale it."""
    im = Image.new("RGB", (width, height), (200, 80, 40))
    cw, ch = plan.crop
    left, top = (width - cw) / 2, (height - ch) / 2
    assert left >= 0 and top >= 0, f"crop {plan.crop} is larger than {width}x{height}"
    return im.resize(plan.size, Image.Resampling.BILINEAR, box=(left, top, left + cw, top + ch))


# --- Parsing ------------------------------------------------------------------------------


def test_spec_with_geometry_format_and_quality_sets_all_three():
    f = Filter("fill-400x300|format-webp|quality-75")

    assert isinstance(f.geometry, FillOperation)
    assert (f.geometry.width, f.geometry.height) == (400, 300)
    assert f.format == "webp"
    assert f.quality == 75


def test_operations_may_come_in_any_order():
    f = Filter("quality-60|format-webp|max-800x600")

    assert isinstance(f.geometry, MaxOperation)
    assert (f.format, f.quality) == ("webp", 60)


def test_spaces_around_operations_are_ignored():
    f = Filter(" width-640 | format-png ")

    assert isinstance(f.geometry, WidthOperation)
    assert f.geometry.size == 640
    assert f.format == "png"


def test_format_only_spec_keeps_the_original_geometry():
    f = Filter("format-webp")

    assert isinstance(f.geometry, OriginalOperation)
    assert f.geometry.plan(123, 45) == Plan((123, 45), (123, 45))


def test_geometry_only_spec_defaults_to_jpeg_at_its_default_quality():
    f = Filter("max-100x100")

    assert f.format == "jpeg"
    assert f.quality == DEFAULT_QUALITY["jpeg"]


@pytest.mark.parametrize("fmt", ["webp", "avif"])
def test_format_without_quality_takes_that_formats_default_quality(fmt):
    assert Filter(f"format-{fmt}").quality == DEFAULT_QUALITY[fmt]


def test_png_has_no_quality():
    assert Filter("max-10x10|format-png").quality is None


def test_each_operation_name_builds_its_class():
    assert isinstance(Filter("original").geometry, OriginalOperation)
    assert isinstance(Filter("max-1x1").geometry, MaxOperation)
    assert isinstance(Filter("width-1").geometry, WidthOperation)
    assert isinstance(Filter("height-1").geometry, HeightOperation)
    assert isinstance(Filter("fill-1x1").geometry, FillOperation)


def test_geometry_operations_are_kept_apart_from_output_operations():
    for cls in (OriginalOperation, MaxOperation, WidthOperation, HeightOperation, FillOperation):
        assert issubclass(cls, GeometryOperation)
    for cls in (FormatOperation, QualityOperation):
        assert not issubclass(cls, GeometryOperation)


def test_repr_shows_the_spec():
    assert repr(Filter("width-10")) == "Filter('width-10')"


# --- Bad specs fail when the filter is built ----------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "   ",
        "max-10x10|",
        "|max-10x10",
        "max-10x10||format-webp",
        "resize-10x10",
        "FILL-10x10",
        "original-10",
        "max",
        "max-10",
        "max-10x",
        "max-x10",
        "max-10x10x10",
        "max-10X10",
        "max-0x10",
        "max-10x0",
        "max-010x10",
        "max--10x10",
        "max-1.5x10",
        "max-10x10-20x20",
        "fill-400",
        "fill-ax300",
        "width-0",
        "width-abc",
        "width-10x10",
        "width",
        "width-10-20",
        "height--5",
        "height-1e3",
        "format-gif",
        "format-bmp",
        "format-JPEG",
        "format-",
        "format",
        "format-webp-png",
        "quality",
        "quality-0",
        "quality-101",
        "quality-50.5",
        "quality-080",
        "quality-abc",
        "quality-80-90",
    ],
)
def test_bad_spec_raises_invalid_rendition_spec(spec):
    with pytest.raises(InvalidRenditionSpec):
        Filter(spec)


@pytest.mark.parametrize("spec", [None, 400, b"max-10x10"])
def test_spec_that_is_not_a_string_raises_invalid_rendition_spec(spec):
    with pytest.raises(InvalidRenditionSpec):
        Filter(spec)


def test_spec_longer_than_the_limit_raises_before_parsing():
    spec = "format-webp|" + "x" * MAX_SPEC_LENGTH

    with pytest.raises(InvalidRenditionSpec, match=str(MAX_SPEC_LENGTH)):
        Filter(spec)


def test_spec_at_the_length_limit_is_accepted():
    spec = "max-10x10|format-webp"
    spec += " " * (MAX_SPEC_LENGTH - len(spec))

    assert Filter(spec).format == "webp"


def test_unknown_operation_error_names_it_and_lists_the_known_ones():
    with pytest.raises(InvalidRenditionSpec, match='"resize" is not a known operation') as info:
        Filter("resize-10x10")

    assert "fill" in str(info.value) and "quality" in str(info.value)


@pytest.mark.parametrize(
    "spec", ["max-10x10|fill-10x10", "width-10|height-10", "original|max-5x5", "width-10|width-20"]
)
def test_two_geometry_operations_raise(spec):
    with pytest.raises(InvalidRenditionSpec, match="more than one geometry operation"):
        Filter(spec)


def test_two_format_operations_raise():
    with pytest.raises(InvalidRenditionSpec, match="more than one format operation"):
        Filter("format-webp|format-jpeg")


def test_two_quality_operations_raise():
    with pytest.raises(InvalidRenditionSpec, match="more than one quality operation"):
        Filter("quality-50|quality-60")


@pytest.mark.parametrize("spec", ["format-png|quality-80", "quality-80|format-png"])
def test_quality_with_png_raises_in_either_order(spec):
    with pytest.raises(InvalidRenditionSpec, match="PNG is lossless"):
        Filter(spec)


@pytest.mark.parametrize("quality", [1, 100])
def test_quality_bounds_are_accepted(quality):
    assert Filter(f"quality-{quality}").quality == quality


def test_quality_above_100_error_gives_the_range():
    with pytest.raises(InvalidRenditionSpec, match="from 1 to 100"):
        Filter("quality-101")


def test_unsupported_format_error_lists_the_output_formats():
    with pytest.raises(InvalidRenditionSpec, match="jpeg, webp, png, avif"):
        Filter("format-gif")


def test_size_error_shows_the_expected_shape():
    with pytest.raises(InvalidRenditionSpec, match="WIDTHxHEIGHT"):
        Filter("fill-400")


def test_bad_height_error_speaks_of_a_height():
    with pytest.raises(InvalidRenditionSpec) as info:
        Filter("height-abc")

    assert "width" not in str(info.value)


def test_operation_validates_when_built_not_when_planned():
    with pytest.raises(InvalidRenditionSpec):
        FillOperation("fill", "0x10", max_side=100)


# --- Max side -----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["max-8192x8192", "fill-8192x1", "width-8192", "height-8192"])
def test_sides_at_the_default_limit_are_accepted(spec):
    Filter(spec)


@pytest.mark.parametrize("spec", ["max-8193x10", "max-10x8193", "fill-1x8193", "width-8193", "height-8193"])
def test_side_over_the_default_limit_raises(spec):
    with pytest.raises(InvalidRenditionSpec, match="8192 px"):
        Filter(spec)


def test_max_side_is_configurable_per_filter():
    Filter("width-500", max_side=500)

    with pytest.raises(InvalidRenditionSpec, match="501 px is larger than the limit of 500 px"):
        Filter("width-501", max_side=500)


def test_huge_number_is_refused_without_overflow():
    with pytest.raises(InvalidRenditionSpec):
        Filter("width-999999999")
    with pytest.raises(InvalidRenditionSpec):
        Filter("width-1" + "0" * 30)


# --- Plans: original, max, width, height --------------------------------------------------


def test_original_keeps_size():
    assert Filter("original").geometry.plan(640, 480) == Plan((640, 480), (640, 480))


def test_max_fits_a_landscape_image_by_its_width():
    plan = Filter("max-400x400").geometry.plan(800, 600)

    assert plan == Plan((800, 600), (400, 300))


def test_max_fits_a_portrait_image_by_its_height():
    plan = Filter("max-400x400").geometry.plan(600, 800)

    assert plan == Plan((600, 800), (300, 400))


def test_max_keeps_the_aspect_ratio_within_a_pixel():
    w, h = Filter("max-300x200").geometry.plan(1000, 333).size

    assert w == 300
    assert abs(h - 333 * 300 / 1000) <= 0.5


@pytest.mark.parametrize("spec", ["max-2000x2000", "width-2000", "height-2000", "max-640x480"])
def test_never_upscales_a_smaller_image(spec):
    assert Filter(spec).geometry.plan(640, 480).size == (640, 480)


def test_max_with_one_side_too_large_scales_down_by_that_side():
    assert Filter("max-1000x100").geometry.plan(400, 400).size == (100, 100)


def test_width_sets_width_and_derives_height():
    assert Filter("width-320").geometry.plan(640, 480) == Plan((640, 480), (320, 240))


def test_height_sets_height_and_derives_width():
    assert Filter("height-240").geometry.plan(640, 480) == Plan((640, 480), (320, 240))


def test_very_thin_image_keeps_at_least_one_pixel():
    assert Filter("width-10").geometry.plan(1000, 3).size == (10, 1)
    assert Filter("height-10").geometry.plan(3, 1000).size == (1, 10)
    assert Filter("max-10x10").geometry.plan(5000, 1).size == (10, 1)


@pytest.mark.parametrize("spec", ["max-97x61", "width-97", "height-61", "fill-97x61"])
@pytest.mark.parametrize("source", [(640, 480), (480, 640), (50, 20), (1, 300), (300, 1), (97, 61)])
def test_plan_output_fits_the_box_and_never_exceeds_the_crop(spec, source):
    plan = Filter(spec).geometry.plan(*source)

    assert plan.size[0] >= 1 and plan.size[1] >= 1
    assert plan.size[0] <= plan.crop[0] + 1e-9 and plan.size[1] <= plan.crop[1] + 1e-9
    assert plan.crop[0] <= source[0] and plan.crop[1] <= source[1]
    if spec.startswith(("max", "fill")):
        assert plan.size[0] <= 97 and plan.size[1] <= 61
    assert apply(plan, *source).size == plan.size


# --- Plans: fill --------------------------------------------------------------------------


def test_fill_wide_image_keeps_full_height_and_crops_the_sides():
    plan = Filter("fill-400x400").geometry.plan(800, 600)

    assert plan == Plan((600.0, 600.0), (400, 400))


def test_fill_tall_image_keeps_full_width_and_crops_top_and_bottom():
    plan = Filter("fill-400x200").geometry.plan(600, 800)

    assert plan == Plan((600.0, 300.0), (400, 200))


def test_fill_gives_exactly_the_box_for_a_large_enough_image():
    plan = Filter("fill-400x300").geometry.plan(1000, 500)

    assert plan.size == (400, 300)
    assert plan.crop[0] / plan.crop[1] == pytest.approx(400 / 300)
    assert plan.crop[1] == 500
    assert apply(plan, 1000, 500).size == (400, 300)


def test_fill_of_a_smaller_image_is_the_largest_crop_of_the_box_ratio_not_upscaled():
    plan = Filter("fill-400x400").geometry.plan(500, 300)

    assert plan == Plan((300.0, 300.0), (300, 300))


def test_fill_of_a_smaller_image_keeps_the_box_ratio_to_a_pixel():
    plan = Filter("fill-400x300").geometry.plan(50, 20)

    assert plan.size == (27, 20)
    assert plan.crop == (27.0, 20.0)


def test_fill_of_a_one_pixel_image_is_one_pixel():
    assert Filter("fill-400x300").geometry.plan(1, 1).size == (1, 1)


def test_fill_with_an_extreme_box_ratio_keeps_at_least_one_pixel():
    plan = Filter("fill-1000x1").geometry.plan(10, 10)

    assert plan.size == (10, 1)
    assert apply(plan, 10, 10).size == (10, 1)


def test_fill_of_an_image_exactly_the_box_size_is_unchanged():
    assert Filter("fill-320x240").geometry.plan(320, 240) == Plan((320.0, 240.0), (320, 240))


# --- Plan -----------------------------------------------------------------------------------


def test_swapped_plan_exchanges_width_and_height_of_crop_and_size():
    assert Plan((600.0, 300.0), (400, 200)).swapped() == Plan((300.0, 600.0), (200, 400))


def test_fill_plan_for_the_displayed_orientation_swaps_to_the_stored_one():
    """A centred crop is symmetric, so planning on the rotated size equals swapping."""
    displayed = Filter("fill-300x200").geometry.plan(800, 600)
    rotated_box = Filter("fill-200x300").geometry.plan(600, 800)

    swapped = displayed.swapped()
    assert swapped.size == rotated_box.size
    assert swapped.crop == pytest.approx(rotated_box.crop)


def test_plans_are_hashable_and_compare_by_value():
    a = Filter("max-100x100").geometry.plan(200, 100)
    b = Filter("width-100").geometry.plan(200, 100)

    assert a == b
    assert len({a, b}) == 1
