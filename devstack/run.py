"""`make run`: the whole platform on this machine, with one command.

Starts dynalite and s3rver (data under var/, kept between runs), creates the bucket and
tables when missing, applies migrations, offers to create a first admin user, and serves
the site at http://127.0.0.1:$PORT. Ctrl-C stops all of it. The bucket gets the CORS rule
that lets the site's pages POST direct uploads to it (as in AWS). With GALLERY_SCANNER=clamd
(and no GALLERY_CLAMD_URL of one's own) clamd runs too, with the EICAR test signature
(docs/scanning.md).

This process supervises the others (devstack/servers.py): they die with it, even when it
is killed with SIGKILL; when the web server or a store exits, everything stops with a
message; leftovers of a run whose supervisor was killed are stopped on the next start.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from devstack import procs as proc_util
from devstack.servers import ROOT, LocalServers, busy_port_message, frees_up, port_in_use, site_origins

PY = sys.executable


def wants_clamd() -> bool:
    """GALLERY_SCANNER=clamd with no GALLERY_CLAMD_URL of one's own: start ours."""
    return os.environ.get("GALLERY_SCANNER") == "clamd" and not os.environ.get("GALLERY_CLAMD_URL")


def clamd_stream_max() -> str:
    """clamd's StreamMaxLength: room for the largest upload (GALLERY_MAX_UPLOAD_BYTES)."""
    limit = int(os.environ.get("GALLERY_MAX_UPLOAD_BYTES") or 50 * 1024 * 1024)
    return f"{max(64, limit // (1024 * 1024) + 2)}M"


# imageplatform/settings/local.py's default (devstack/tests/test_cors.py keeps them equal).
LOCAL_BUCKET = "imageplatform-local"


def manage(*args, env, check=True, **kwargs):
    return subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, check=check, **kwargs)


def has_superuser(env) -> bool:
    code = "from django.contrib.auth import get_user_model as g; print(g().objects.filter(is_superuser=True).exists())"
    out = manage("shell", "-c", code, env=env, capture_output=True, text=True)
    return out.stdout.strip().endswith("True")


def offer_admin(env) -> None:
    interactive = sys.stdin.isatty() and os.environ.get("CI") != "true"
    if interactive and has_superuser(env):  # (the check costs a Django start: only when asking)
        return
    if interactive:
        answer = input("No admin user yet. Create one now for /admin/? [y/N] ").strip().lower()
        if answer in ("y", "yes"):
            manage("createsuperuser", env=env, check=False)
            return
    print("  Tip: create an admin user any time with: .venv/bin/python manage.py createsuperuser")


def _parent_is_make() -> bool:
    try:
        return Path(f"/proc/{os.getppid()}/comm").read_text().strip() in ("make", "gmake")
    except OSError:
        return False


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    var = Path(os.environ.get("VAR_DIR", ROOT / "var")).resolve()
    if _parent_is_make() or os.environ.get("DEVSTACK_DIE_WITH_PARENT") == "1":
        # `make run` (or a script such as scripts/load.sh) killed, even with SIGKILL: we
        # get SIGTERM and stop everything.
        proc_util.set_own_death_signal(signal.SIGTERM)
    servers = LocalServers(
        data_dir=var,
        dynalite_port=int(os.environ.get("DYNALITE_PORT", "4567")),
        s3rver_port=int(os.environ.get("S3RVER_PORT", "4568")),
        log_dir=var / "log",
        # The bucket is made by s3rver with the CORS rule that lets this site's pages POST
        # direct uploads to it (as Terraform sets it in AWS).
        bucket=os.environ.get("GALLERY_BUCKET") or LOCAL_BUCKET,
        site_origins=site_origins(port, os.environ.get("PUBLIC_ORIGIN", "")),
        # GALLERY_SCANNER=clamd make run: a local clamd with the EICAR test signature (or
        # CLAMD_DATABASE_DIR, e.g. freshclam's /var/lib/clamav; docs/scanning.md).
        clamd_port=int(os.environ.get("CLAMD_PORT", "3310")) if wants_clamd() else None,
        clamd_database=os.environ.get("CLAMD_DATABASE_DIR") or None,
        clamd_stream_max=clamd_stream_max(),
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "imageplatform.settings.local"),
        "DYNALITE_PORT": str(servers.dynalite_port),
        "S3RVER_PORT": str(servers.s3rver_port),
        "VAR_DIR": str(var),
        "PYTHONUNBUFFERED": "1",
    }

    def stop(signum, _frame):
        raise KeyboardInterrupt

    # Started in the background by a script, SIGINT comes ignored: Ctrl-C must still stop.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    try:
        servers.claim()  # stops leftovers of a killed run first, so their ports are free
        if port_in_use(port) and not (servers.stopped_leftovers and frees_up(port)):
            print(
                "error: "
                + busy_port_message(port, "the web server", "choose another port: make run PORT=8080"),
                file=sys.stderr,
            )
            return 1
        print(
            f"==> starting dynalite (:{servers.dynalite_port}) and s3rver (:{servers.s3rver_port}), data in {var}/"
        )
        if servers.clamd_port:
            print(f"==> starting clamd (:{servers.clamd_port}), signatures from {servers.clamd_database}/")
        servers.start()
        env.update(servers.django_env())
        print("==> creating bucket and tables if missing")
        manage("ensure_stores", env=env)
        print("==> applying migrations")
        manage("migrate", "--noinput", "-v", "0", env=env)
        offer_admin(env)
        print(
            f"\n  Imageplatform is running at http://127.0.0.1:{port}/  (Ctrl-C stops everything)\n",
            flush=True,
        )
        # Not through spawn(): the web server's output goes to this terminal, not a log.
        cmd = [PY, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"]
        servers.adopt("web", proc_util.popen(cmd, env=env), port=port)
        while (exited := servers.poll()) is None:
            time.sleep(0.2)
        name, code = exited
        if name == "web":
            print(f"\n==> the web server exited (code {code}); stopping dynalite and s3rver", file=sys.stderr)
        else:
            log = servers.log_of(name)
            print(
                f"\n==> {name} exited unexpectedly (code {code}; log: {log}); stopping everything",
                file=sys.stderr,
            )
        return code or 1
    except KeyboardInterrupt:
        print("\n==> stopping", flush=True)
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C must not cut the stop short.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        servers.stop()


if __name__ == "__main__":
    sys.exit(main())
