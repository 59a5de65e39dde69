"""The rehearsal's own tools: forms read from HTML, QR codes decoded, AWS event shapes."""

import io
import sys
from pathlib import Path

import segno

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rehearse  # noqa: E402
from web import Response, urls_in  # noqa: E402

PAGE = """<html><body>
<form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="t1"></form>
<form method="post" action="/images/x/edit/">
  <input type="hidden" name="csrfmiddlewaretoken" value="t2">
  <input name="title" value="Dune &amp; sea">
  <select name="visibility"><option value="private">P</option><option value="unlisted" selected>U</option></select>
  <input type="checkbox" name="nsfw"><input type="checkbox" name="keep" checked>
  <textarea name="caption">a
b</textarea>
  <button type="submit" name="action" value="save">Save</button>
</form></body></html>"""


def _response(html: str) -> Response:
    return Response({"statusCode": 200, "headers": {"Content-Type": "text/html"}, "body": html}, [])


def test_forms_are_read_like_a_browser_sends_them():
    form = _response(PAGE).form("/edit/")
    assert dict(form.data()) == {
        "csrfmiddlewaretoken": "t2",
        "title": "Dune & sea",
        "keep": "on",
        "caption": "a\nb",
        "visibility": "unlisted",
    }
    assert dict(form.data(visibility="private", action="hide"))["visibility"] == "private"


def test_own_form_skips_the_logout_form():
    assert _response(PAGE).own_form().action == "/images/x/edit/"


def test_qr_code_is_decoded_from_segno_svg():
    buf = io.BytesIO()
    url = "https://images.example.com/s/abcDEF123456"
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=url)
    svg = buf.getvalue().decode()
    assert rehearse.qr_encodes(svg, url)
    assert not rehearse.qr_encodes(svg, "https://abc.execute-api.us-east-1.amazonaws.com/dev/s/abcDEF123456")


def test_absolute_urls_are_found_in_attributes():
    html = (
        '<a href="/x">x</a><img src="https://a.example/i.jpg" srcset="https://b.example/1.jpg 1x, /2.jpg 2x">'
    )
    assert urls_in(html) == ["https://a.example/i.jpg", "https://b.example/1.jpg"]


def test_s3_event_has_the_shape_s3_delivers():
    event = rehearse.s3_event(
        region="us-east-1", bucket="b", key="uploads/a b.jpg", size=3, etag='"e"', configuration_id="fn"
    )
    (record,) = event["Records"]
    assert record["eventSource"] == "aws:s3" and record["eventName"] == "ObjectCreated:Post"
    assert record["s3"]["object"]["key"] == "uploads/a+b.jpg"  # S3 URL-encodes keys (space as +)
    assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::b" and record["s3"]["configurationId"] == "fn"
