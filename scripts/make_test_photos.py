#!/usr/bin/env python3
"""Build gallery/tests/photos/: small real photos in every shape the renditions must handle.

The photos come from Debian packages (wallpapers from mate-backgrounds; colour profiles from
icc-profiles-free and libgs-common), fetched with `apt-get download` and unpacked with
`dpkg -x` into a temporary folder: nothing is installed. Run it again to rebuild:

    .venv/bin/python scripts/make_test_photos.py

Every file is derived and says how in photos/README.md; expected.json holds the reference
sRGB mean colours the colour-management tests compare against.
"""

import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "gallery", "tests", "photos")
PACKAGES = ["mate-backgrounds", "icc-profiles-free", "libgs-common"]
NATURE = "usr/share/backgrounds/mate/nature"
CMYK_ICC = "usr/share/color/icc/ghostscript/ps_cmyk.icc"  # Artifex PS CMYK Profile, 5 KB
ADOBE_ICC = "usr/share/color/icc/compatibleWithAdobeRGB1998.icc"  # 580 bytes
XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Secret Photographer"/>'
    b"</rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)
# display -> stored: the stored pixels are the display picture turned so that applying the
# EXIF orientation shows it upright again.
STORE_FOR_ORIENTATION = {
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,
    8: Image.Transpose.ROTATE_270,
}


def fetch(stage):
    debs = os.path.join(stage, "debs")
    os.makedirs(debs)
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=debs, check=True)
    for deb in glob.glob(os.path.join(debs, "*.deb")):
        subprocess.run(["dpkg", "-x", deb, os.path.join(stage, "x")], check=True)
    return os.path.join(stage, "x")


def load(x, name, size):
    im = Image.open(os.path.join(x, NATURE, name))
    im.draft("RGB", (size[0] * 2, size[1] * 2))
    im = im.convert("RGB")
    im.thumbnail(size, Image.Resampling.LANCZOS)
    return im


def mean(im):
    stat = im.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    return list(stat)


def exif_with_gps(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 22.0, 31.5)
    gps[3] = "E"
    gps[4] = (4.0, 53.0, 28.2)
    return exif


def png16(path, im):
    """A 48-bit RGB PNG (Pillow cannot write one): 8-bit values spread to 16 bits + low noise."""
    w, h = im.size
    raw = im.tobytes()
    rows = []
    for y in range(h):
        row = bytearray(b"\x00")
        for i in range(y * w * 3, (y + 1) * w * 3):
            v = raw[i] * 257 + ((i * 7919) % 97)
            row += struct.pack(">H", min(v, 65535))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(b"".join(rows), 9)))
        f.write(chunk(b"IEND", b""))


def main():
    stage = tempfile.mkdtemp(prefix="test-photos-")
    try:
        x = fetch(stage)
        build(x)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def build(x):
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    notes = []

    # Sky at the top (blue), dry grass at the bottom: orientation is visible in the numbers.
    dune = load(x, "Dune.jpg", (480, 320))
    for orientation, method in STORE_FOR_ORIENTATION.items():
        name = f"dune_orientation{orientation}.jpg"
        dune.transpose(method).save(
            os.path.join(OUT, name), quality=85, exif=exif_with_gps(orientation), xmp=XMP
        )
        notes.append(
            f"{name}: Dune.jpg (mate-backgrounds) 480x320 stored turned, EXIF "
            f"Orientation={orientation}, GPS position, camera make and an XMP packet"
        )
    expected["dune"] = {"width": dune.width, "height": dune.height, "mean": mean(dune)}

    meadow = load(x, "GreenMeadow.jpg", (400, 266))
    ladybird = load(x, "LadyBird.jpg", (400, 250))

    # CMYK with an embedded CMYK profile: separated from sRGB by that profile.
    cmyk_icc = Path(x, CMYK_ICC).read_bytes()
    srgb = ImageCms.createProfile("sRGB")
    to_cmyk = ImageCms.buildTransform(srgb, os.path.join(x, CMYK_ICC), "RGB", "CMYK")
    cmyk = Image.new("CMYK", ladybird.size)
    to_cmyk.transform.apply(ladybird.getim(), cmyk.getim())  # lcms cannot re-serialise this profile
    cmyk.save(os.path.join(OUT, "ladybird_cmyk_profile.jpg"), quality=90, icc_profile=cmyk_icc)
    expected["ladybird"] = {"mean": mean(ladybird)}
    notes.append(
        "ladybird_cmyk_profile.jpg: LadyBird.jpg (mate-backgrounds) converted to CMYK with "
        "ps_cmyk.icc (libgs-common, Artifex PS CMYK) and that profile embedded"
    )

    # Wide gamut: Adobe RGB (1998) pixels with the profile embedded.
    adobe_icc = Path(x, ADOBE_ICC).read_bytes()
    to_adobe = ImageCms.buildTransform(srgb, os.path.join(x, ADOBE_ICC), "RGB", "RGB")
    ImageCms.applyTransform(meadow, to_adobe).save(
        os.path.join(OUT, "meadow_adobergb.jpg"), quality=90, icc_profile=adobe_icc
    )
    expected["meadow"] = {"mean": mean(meadow)}
    notes.append(
        "meadow_adobergb.jpg: GreenMeadow.jpg (mate-backgrounds) converted to Adobe RGB "
        "(compatibleWithAdobeRGB1998.icc from icc-profiles-free), profile embedded"
    )

    # 16-bit RGB PNG.
    small_dune = dune.resize((180, 120), Image.Resampling.LANCZOS)
    png16(os.path.join(OUT, "dune_rgb16.png"), small_dune)
    expected["dune_small"] = {"mean": mean(small_dune)}
    notes.append("dune_rgb16.png: Dune.jpg 180x120 written as a 48-bit (16 bits per channel) PNG")

    # RGBA with real transparency: an opaque disc, transparent corners.
    rgba = ladybird.resize((320, 200), Image.Resampling.LANCZOS).convert("RGBA")
    mask = Image.new("L", rgba.size, 0)
    ImageDraw.Draw(mask).ellipse((20, 10, rgba.width - 20, rgba.height - 10), fill=255)
    rgba.putalpha(mask)
    rgba.save(os.path.join(OUT, "ladybird_rgba.png"), optimize=True)
    notes.append("ladybird_rgba.png: LadyBird.jpg with an elliptical alpha mask (corners transparent)")

    # Palette with a transparent index.
    pal = ladybird.resize((200, 125), Image.Resampling.LANCZOS).quantize(64)
    pal_mask = mask.resize(pal.size)
    pal.paste(63, mask=Image.eval(pal_mask, lambda v: 255 - v))
    pal.save(os.path.join(OUT, "ladybird_palette.png"), transparency=63)
    notes.append(
        "ladybird_palette.png: LadyBird.jpg quantised to 64 colours, index 63 made transparent in the corners"
    )

    # Animated GIF, 3 frames: the first one is the photo, then the others.
    frames = [f.resize((160, 100)).quantize(64) for f in (dune, meadow, ladybird)]
    frames[0].save(
        os.path.join(OUT, "three_frames.gif"), save_all=True, append_images=frames[1:], duration=200, loop=0
    )
    notes.append("three_frames.gif: Dune, GreenMeadow, LadyBird at 160x100, 3 frames")

    meadow.save(os.path.join(OUT, "meadow.webp"), quality=80)
    notes.append("meadow.webp: GreenMeadow.jpg as WebP")
    import pillow_heif

    pillow_heif.from_pillow(meadow).save(os.path.join(OUT, "meadow.heic"), quality=70)
    notes.append("meadow.heic: GreenMeadow.jpg as HEIC (pillow-heif)")
    meadow.save(os.path.join(OUT, "meadow.avif"), quality=60)
    notes.append("meadow.avif: GreenMeadow.jpg as AVIF (Pillow)")
    ladybird.resize((200, 125), Image.Resampling.LANCZOS).save(
        os.path.join(OUT, "ladybird_lzw.tif"), compression="tiff_lzw"
    )
    notes.append("ladybird_lzw.tif: LadyBird.jpg 200x125 as an LZW-compressed RGB TIFF")

    storm = load(x, "Storm.jpg", (300, 200)).convert("L")
    storm.save(os.path.join(OUT, "storm_gray.jpg"), quality=85)
    storm.convert("1").save(os.path.join(OUT, "storm_1bit.png"), optimize=True)
    gray16 = Image.eval(storm, lambda v: v).convert("I")
    gray16.point(lambda v: v * 257).convert("I;16").save(os.path.join(OUT, "storm_gray16.png"))
    expected["storm"] = {"mean": mean(storm)[0]}
    notes.append(
        "storm_gray.jpg, storm_1bit.png, storm_gray16.png: Storm.jpg (mate-backgrounds) "
        "300x200 greyscale as 8-bit JPEG, 1-bit PNG and 16-bit PNG"
    )

    Path(OUT, "expected.json").write_text(json.dumps(expected, indent=1))
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(
            "# Test photos\n\nMade by `scripts/make_test_photos.py` from Debian packages "
            "(mate-backgrounds, icc-profiles-free, libgs-common). Do not edit by hand.\n\n"
        )
        f.writelines(f"- {n}\n" for n in notes)
    total = 0
    for p in sorted(glob.glob(os.path.join(OUT, "*"))):
        total += os.path.getsize(p)
        print(f"{os.path.getsize(p):>8,}  {os.path.basename(p)}")
    print(f"{total:>8,}  total")


if __name__ == "__main__":
    sys.exit(main())
