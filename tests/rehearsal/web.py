"""What a browser behind CloudFront does, as API Gateway events: cookies, forms, headers.

``Browser`` keeps its own cookie jar and client address, turns each request into the REST
API (Lambda proxy) event API Gateway sends when CloudFront forwards a viewer's request,
and reads forms (with their CSRF token) out of the HTML it gets back. Standard library only.
"""

import base64
import json
import re
import uuid
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

EDGE_IP = "130.176.12.34"  # a CloudFront edge address: API Gateway sees the request from it


class Response:
    def __init__(self, result: dict, logs: list[str]):
        self.result = result
        self.status = result.get("statusCode")
        self.headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        self.multi_headers = {k.lower(): v for k, v in (result.get("multiValueHeaders") or {}).items()}
        raw = result.get("body") or ""
        self.body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
        self.text = self.body.decode("utf-8", "replace")
        self.logs = logs

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def json(self):
        return json.loads(self.body)

    def forms(self) -> list["Form"]:
        parser = _FormParser()
        parser.feed(self.text)
        return parser.forms

    def form(self, action_contains: str = "", *, has_field: str = "") -> "Form":
        for form in self.forms():
            if action_contains in form.action and (not has_field or has_field in form.names()):
                return form
        raise AssertionError(f"no form with action containing {action_contains!r} (and field {has_field!r})")

    def own_form(self) -> "Form":
        """The page's own POST form (the one with a CSRF token that is not the log-out form)."""
        for form in self.forms():
            if (
                form.method == "post"
                and "csrfmiddlewaretoken" in form.names()
                and "logout" not in form.action
            ):
                return form
        raise AssertionError("the page has no form of its own")

    def __repr__(self):
        return f"<Response {self.status} {self.location or self.headers.get('content-type', '')}>"


class Form:
    def __init__(self, action: str, method: str, enctype: str):
        self.action, self.method, self.enctype = action, (method or "get").lower(), enctype
        self.fields: list[tuple[str, str]] = []
        self.selects: dict[str, list[str]] = {}

    def names(self) -> set[str]:
        return {n for n, _ in self.fields} | set(self.selects)

    def data(self, **overrides) -> list[tuple[str, str]]:
        """The fields as a browser would send them, with ``overrides`` replacing values."""
        out = [(n, v) for n, v in self.fields if n not in overrides]
        for name, values in self.selects.items():
            if name not in overrides and values:
                out.append((name, values[0]))
        for name, value in overrides.items():
            if value is not None:
                out.append((name, str(value)))
        return out


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get"), a.get("enctype", ""))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.selects[self._select] = []
        elif tag == "option" and self._select:
            values = self._form.selects[self._select]
            value = a.get("value", "")
            if "selected" in a:
                values.insert(0, value)
            else:
                values.append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields.append((a["name"], ""))

    def handle_data(self, data):
        if self._textarea and self._form and self._form.fields:
            name, value = self._form.fields[-1]
            self._form.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def multipart(fields: list[tuple[str, str]], files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One visitor: a cookie jar and an address, requests as CloudFront forwards them."""

    def __init__(
        self,
        lam,
        *,
        api_host: str,
        public_origin: str,
        stage: str,
        origin_header: tuple[str, str],
        client_ip: str,
        on_response=None,
    ):
        self.lam = lam
        self.api_host, self.public_origin, self.stage = api_host, public_origin, stage
        self.origin_header = origin_header
        self.client_ip = client_ip
        self.cookies: dict[str, str] = {}
        self.on_response = on_response
        self.referer = public_origin + "/"

    def event(
        self, method: str, target: str, *, body: bytes = b"", headers: dict | None = None, verify: bool = True
    ) -> dict:
        split = urlsplit(target)
        if split.netloc and f"{split.scheme}://{split.netloc}" != self.public_origin:
            raise AssertionError(f"the browser was sent off the site: {target}")
        path = split.path or "/"
        query = dict(parse_qsl(split.query, keep_blank_values=True)) or None
        public_host = urlsplit(self.public_origin).netloc
        h = {
            # What API Gateway receives from CloudFront: its own host, CloudFront's headers,
            # the viewer's headers that the origin request policy forwards.
            "Host": self.api_host,
            "X-Forwarded-Host": public_host,
            "X-Forwarded-For": f"{self.client_ip}, {EDGE_IP}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Port": "443",
            "CloudFront-Forwarded-Proto": "https",
            "Via": "2.0 3f0a1c2b4d5e6f708192a3b4c5d6e7f8.cloudfront.net (CloudFront)",
            "X-Amz-Cf-Id": base64.urlsafe_b64encode(uuid.uuid4().bytes * 2).decode().rstrip("="),
            "X-Amzn-Trace-Id": f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}",
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) rehearsal",
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate, br",
        }
        if verify:
            h[self.origin_header[0]] = self.origin_header[1]
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        h.update(headers or {})
        request_id = str(uuid.uuid4())
        return {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": h,
            "multiValueHeaders": {k: [v] for k, v in h.items()},
            "queryStringParameters": query,
            "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
            "pathParameters": {"proxy": path.lstrip("/")},
            "stageVariables": None,
            "requestContext": {
                "resourceId": "a1b2c3",
                "resourcePath": "/{proxy+}",
                "httpMethod": method,
                "extendedRequestId": request_id[:16],
                "requestTime": "28/Nov/2026:01:00:00 +0000",
                "path": f"/{self.stage}{path}",
                "accountId": "123456789012",
                "protocol": "HTTP/1.1",
                "stage": self.stage,
                "domainPrefix": self.api_host.split(".")[0],
                "requestTimeEpoch": 1795741200000,
                "requestId": request_id,
                "identity": {
                    "sourceIp": EDGE_IP,
                    "userAgent": h["User-Agent"],
                    "accessKey": None,
                    "accountId": None,
                    "caller": None,
                    "user": None,
                    "userArn": None,
                },
                "domainName": self.api_host,
                "apiId": self.api_host.split(".")[0],
            },
            "body": base64.b64encode(body).decode() if body else None,
            "isBase64Encoded": bool(body),
        }

    def request(self, method: str, target: str, **kwargs) -> Response:
        event = self.event(method, target, **kwargs)
        result, logs = self.lam.invoke(event, request_id=event["requestContext"]["requestId"])
        response = Response(result or {}, logs)
        for raw in response.multi_headers.get("set-cookie", []) or (
            [response.headers["set-cookie"]] if "set-cookie" in response.headers else []
        ):
            for name, morsel in SimpleCookie(raw).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if self.on_response:
            self.on_response(method, target, response)
        return response

    def get(self, target: str, **kwargs) -> Response:
        response = self.request("GET", target, **kwargs)
        if response.status == 200 and "html" in response.headers.get("content-type", ""):
            self.referer = self.public_origin + urlsplit(target).path
        return response

    def submit(
        self, form: Form, *, files: dict | None = None, headers: dict | None = None, **overrides
    ) -> Response:
        """Send ``form`` as the browser would (same-origin POST: Origin and Referer set)."""
        action = form.action or urlsplit(self.referer).path
        data = form.data(**overrides)
        if form.method == "get":
            return self.get(action + ("?" + urlencode(data) if data else ""), headers=headers)
        if files or "multipart" in form.enctype:
            body, content_type = multipart(data, files or {})
        else:
            body, content_type = urlencode(data).encode(), "application/x-www-form-urlencoded"
        h = {
            "Content-Type": content_type,
            "Origin": self.public_origin,
            "Referer": self.referer,
            **(headers or {}),
        }
        return self.request("POST", action, body=body, headers=h)


ABSOLUTE = re.compile(r"""(?:href|src|action|content|srcset)\s*=\s*["']([^"']+)["']""", re.I)


def urls_in(html: str) -> list[str]:
    """Every attribute value in ``html`` that holds an absolute http(s) URL."""
    found = []
    for value in ABSOLUTE.findall(html):
        for part in value.split(","):
            url = part.strip().split(" ")[0]
            if url.startswith(("http://", "https://", "//")):
                found.append(url)
    return found
