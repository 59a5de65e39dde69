"""Mixed traffic on the local stack (run by scripts/load.sh; `make load`).

Two kinds of visitors share one pool of images:
- ``Owner`` (signed in, with an API token): uploads small JPEGs made in memory through the
  API and now and then through the upload page's form, browses the gallery (page 1 and
  older pages) and detail pages, lists and edits images through the API (PATCH).
- ``Visitor`` (anonymous): the public gallery, share pages and short-link redirects.

Every response is checked against what the platform promises (share pages and short
links of private images answer 404, of unlisted and public ones 200 and 302), so a wrong
status counts as a failure, not only a 5xx. At the end a table of requests per second
and p50/p95 per route is printed and written to $LOAD_REPORT (JSON); the process exits
non-zero when any request failed. Environment: LOAD_USERNAME, LOAD_PASSWORD, LOAD_TOKEN.
"""

import io
import json
import os
import random
import re
import time
from collections import Counter, defaultdict

from locust import HttpUser, between, events, task
from PIL import Image

USERNAME = os.environ.get("LOAD_USERNAME", "loadtest")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
TOKEN = os.environ.get("LOAD_TOKEN", "")
SHARED = ("unlisted", "public")

# image id -> {"code": short code or None, "visibility": ..., "flips": bool}. Edits change
# the visibility only of "flips" images, and only between unlisted and public, so short
# links of shared images stay live and what a visitor expects of the others never changes.
POOL: dict[str, dict] = {}
STATUS_CODES: dict[str, Counter] = defaultdict(Counter)
SERVER_ERRORS: list[dict] = []
STARTED = time.monotonic()


def jpeg(width: int | None = None, height: int | None = None) -> bytes:
    """A small photo-like JPEG (noise compresses like a photo, a flat colour would not)."""
    width = width or random.randint(320, 1600)
    height = height or random.randint(240, 1200)
    bands = [Image.effect_noise((width, height), random.randint(10, 80)) for _ in range(3)]
    buf = io.BytesIO()
    Image.merge("RGB", bands).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _code_of(short_url: str | None) -> str | None:
    return short_url.rstrip("/").rsplit("/s/", 1)[-1] if short_url else None


def _pick(shared: bool | None = None) -> tuple[str, dict] | None:
    items = [(k, v) for k, v in list(POOL.items()) if shared is None or (v["visibility"] in SHARED) == shared]
    return random.choice(items) if items else None


@events.request.add_listener
def _record(request_type, name, response, exception, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    STATUS_CODES[_route(request_type, name)][status] += 1
    if status >= 500 or status == 0:
        SERVER_ERRORS.append(
            {
                "route": _route(request_type, name),
                "status": status,
                "request_id": (response.headers.get("X-Request-Id") if response is not None else None),
                "error": repr(exception)[:300] if exception else None,
                "body": (response.text[:500] if response is not None and response.text else None),
            }
        )


class Owner(HttpUser):
    weight = 3
    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.api = {"Authorization": f"Bearer {TOKEN}"}
        self.client.get("/accounts/login/", name="/accounts/login/")
        csrf = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
            allow_redirects=False,
            name="POST /accounts/login/",
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"login answered {r.status_code}")
        self.upload_api()  # something of its own to browse from the first second

    # ------------------------------------------------------------------- uploads
    @task(3)
    def upload_api(self):
        visibility = random.choice(("private", "unlisted", "unlisted", "public"))
        with self.client.post(
            "/api/v1/images",
            headers=self.api,
            files={"file": (f"load-{random.randint(0, 10**9)}.jpg", jpeg(), "image/jpeg")},
            data={"title": "load test", "visibility": visibility},
            name="POST /api/v1/images",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                return r.failure(f"{r.status_code}: {r.text[:200]}")
            body = r.json()
            if body.get("status") != "ready" or not body.get("short_url"):
                return r.failure(f"not ready or no short_url: {body.get('status')} {body.get('short_url')}")
            POOL[body["id"]] = {
                "code": _code_of(body["short_url"]),
                "visibility": visibility,
                "flips": visibility in SHARED and random.random() < 0.3,
            }

    @task(1)
    def upload_form(self):
        self.client.get("/upload/", name="/upload/")
        csrf = self.client.cookies.get("csrftoken", "")
        visibility = random.choice(SHARED)
        with self.client.post(
            "/upload/",
            headers={"X-CSRFToken": csrf, "Accept": "application/json"},
            files={"file": ("form.jpg", jpeg(), "image/jpeg")},
            data={"visibility": visibility},
            name="POST /upload/ (form)",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                return r.failure(f"{r.status_code}: {r.text[:200]}")
            image_id = r.json()["results"][0]["id"]
        # The form's answer has no short link: ask the API, as a script would.
        with self.client.get(
            f"/api/v1/images/{image_id}",
            headers=self.api,
            name="GET /api/v1/images/[id]",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                return r.failure(f"{r.status_code}: {r.text[:200]}")
            POOL[image_id] = {
                "code": _code_of(r.json().get("short_url")),
                "visibility": visibility,
                "flips": False,
            }

    # ------------------------------------------------------------------- browsing
    @task(6)
    def gallery(self):
        r = self.client.get("/", name="/ (gallery)")
        match = re.search(r'href="\?cursor=([^"]+)"', r.text or "")
        if match and random.random() < 0.5:
            self.client.get(f"/?cursor={match.group(1)}", name="/?cursor=[c] (older page)")

    @task(5)
    def detail(self):
        if picked := _pick():
            self.client.get(f"/images/{picked[0]}/", name="/images/[id]/")

    @task(2)
    def api_list(self):
        self.client.get("/api/v1/images?limit=24", headers=self.api, name="GET /api/v1/images")

    # ------------------------------------------------------------------- edits
    @task(3)
    def edit(self):
        if not (picked := _pick()):
            return
        image_id, info = picked
        payload = {"title": f"edited {random.randint(0, 9999)}", "alt_text": "noise, generated"}
        if info["flips"]:
            payload["visibility"] = random.choice(SHARED)
        with self.client.patch(
            f"/api/v1/images/{image_id}",
            headers=self.api,
            json=payload,
            name="PATCH /api/v1/images/[id]",
            catch_response=True,
        ) as r:
            if r.status_code == 409:  # two edits of one image at once: the API says so
                return r.success()
            if r.status_code != 200:
                return r.failure(f"{r.status_code}: {r.text[:200]}")
            if "visibility" in payload:
                info["visibility"] = r.json()["visibility"]


class Visitor(HttpUser):
    weight = 1
    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.granted: set[str] = set()  # images this visitor reached through a link (grant cookie)

    @task(3)
    def public_gallery(self):
        self.client.get("/public/", name="/public/")

    @task(4)
    def share_page(self):
        """Straight to /i/<id>/: public images show; unlisted ones only to a visitor who
        came through one of their links before (the grant stays in a cookie)."""
        if not (picked := _pick()):
            return
        image_id, info = picked
        if image_id in self.granted or (info["visibility"] == "public" and not info["flips"]):
            expected = {200}
        else:
            expected = {200, 404} if info["flips"] else {404}
        with self.client.get(f"/i/{image_id}/", name="/i/[id]/ (share, direct)", catch_response=True) as r:
            if r.status_code not in expected:
                return r.failure(f"{r.status_code}, expected {expected} ({info['visibility']})")
            r.success()

    @task(6)
    def short_link(self):
        """/s/<code>: 302 for shared images, 404 for private ones; half of the visitors
        follow the redirect to the share page (200, through the grant it carries)."""
        if not (picked := _pick()) or not picked[1]["code"]:
            return
        image_id, info = picked
        expected = 302 if info["visibility"] in SHARED else 404
        with self.client.get(
            f"/s/{info['code']}", name="/s/[code]", allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != expected:
                return r.failure(f"{r.status_code}, expected {expected} ({info['visibility']})")
            r.success()
            location = r.headers.get("Location", "")
        if expected == 302:
            self.granted.add(image_id)  # the redirect sets the grant cookie
        if expected == 302 and random.random() < 0.5:
            with self.client.get(
                location, name="/i/[id]/?g=[grant] (share, via link)", catch_response=True
            ) as r:
                if r.status_code != 200:
                    return r.failure(f"{r.status_code} at {location.split('?')[0]}")


# --------------------------------------------------------------------------- the summary
def _route(method: str, name: str) -> str:
    return name if name.startswith(f"{method} ") else f"{method} {name}"


@events.quitting.add_listener
def _summary(environment, **kwargs):
    stats = environment.stats
    elapsed = max(1e-9, (stats.last_request_timestamp or time.time()) - stats.start_time)
    rows = []
    for (name, method), entry in sorted(stats.entries.items(), key=lambda kv: -kv[1].num_requests):
        if not entry.num_requests:
            continue
        codes = STATUS_CODES.get(_route(method, name), Counter())
        rows.append(
            {
                "route": _route(method, name),
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": entry.num_requests / elapsed,
                "p50_ms": entry.get_response_time_percentile(0.50),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "max_ms": entry.max_response_time,
                "statuses": dict(sorted(codes.items())),
            }
        )
    total = stats.total
    server_errors = sum(n for codes in STATUS_CODES.values() for s, n in codes.items() if s >= 500 or s == 0)
    report = {
        "seconds": round(elapsed, 1),
        "requests": total.num_requests,
        "rps": total.num_requests / elapsed,
        "p50_ms": total.get_response_time_percentile(0.50),
        "p95_ms": total.get_response_time_percentile(0.95),
        "failures": total.num_failures,
        "server_errors": server_errors,
        "images_made": len(POOL),
        "routes": rows,
        "failure_reasons": {
            f"{_route(e.method, e.name)}: {e.error}"[:300]: e.occurrences for e in stats.errors.values()
        },
        "server_error_samples": SERVER_ERRORS[:20],
    }
    print(f"\n==> load: {report['requests']} requests in {report['seconds']} s = {report['rps']:.1f} req/s")
    print(
        f"{'route':42} {'reqs':>6} {'fail':>5} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  statuses"
    )
    for row in rows:
        print(
            f"{row['route'][:42]:42} {row['requests']:6d} {row['failures']:5d} {row['rps']:6.1f} "
            f"{row['p50_ms']:7.0f} {row['p95_ms']:7.0f} {row['max_ms']:7.0f}  {row['statuses']}"
        )
    print(
        f"{'all':42} {total.num_requests:6d} {total.num_failures:5d} {report['rps']:6.1f} "
        f"{report['p50_ms']:7.0f} {report['p95_ms']:7.0f}"
    )
    print(f"5xx and connection errors: {server_errors}; failed checks: {total.num_failures}")
    for reason, count in report["failure_reasons"].items():
        print(f"  {count:5d} x {reason}")
    for sample in SERVER_ERRORS[:5]:
        print(f"  5xx sample: {sample['route']} -> {sample['status']} request id {sample['request_id']}")
    if path := os.environ.get("LOAD_REPORT"):
        with open(path, "w") as fh:
            json.dump(report, fh, indent=1, default=str)
    environment.process_exit_code = 1 if (server_errors or total.num_failures) else 0
