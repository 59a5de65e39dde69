"""QR codes as SVG (segno: pure Python, nothing native to package for Lambda)."""

import io

import segno


def svg(data: str, *, scale: int = 6) -> bytes:
    buf = io.BytesIO()
    segno.make(data, error="m").save(
        buf, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=data
    )
    return buf.getvalue()
