"""`make run`: the whole platform on this machine, with one command.

Starts dynalite and s3rver (data under var/, kept between runs), creates the bucket and
tables when missing, applies migrations, offers to create a first admin user, and serves
the site at http://127.0.0.1:$PORT. Ctrl-C stops all of it.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from devstack.servers import ROOT, LocalServers, port_in_use

PY = sys.executable


def manage(*args, env, check=True, **kwargs):
    return subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, check=check, **kwargs)


def has_superuser(env) -> bool:
    code = "from django.contrib.auth import get_user_model as g; print(g().objects.filter(is_superuser=True).exists())"
    out = manage("shell", "-c", code, env=env, capture_output=True, text=True)
    return out.stdout.strip().endswith("True")


def offer_admin(env) -> None:
    if has_superuser(env):
        return
    if sys.stdin.isatty() and os.environ.get("CI") != "true":
        answer = input("No admin user yet. Create one now for /admin/? [y/N] ").strip().lower()
        if answer in ("y", "yes"):
            manage("createsuperuser", env=env, check=False)
            return
    print("  Tip: create an admin user any time with: .venv/bin/python manage.py createsuperuser")


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    var = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    if port_in_use(port):
        print(
            f"Port {port} is already in use. Stop what runs there, or use: make run PORT=8080",
            file=sys.stderr,
        )
        return 1
    servers = LocalServers(
        data_dir=var,
        dynalite_port=int(os.environ.get("DYNALITE_PORT", "4567")),
        s3rver_port=int(os.environ.get("S3RVER_PORT", "4568")),
        log_dir=var / "log",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "imageplatform.settings.local"),
        "DYNALITE_PORT": str(servers.dynalite_port),
        "S3RVER_PORT": str(servers.s3rver_port),
        "VAR_DIR": str(var),
        "PYTHONUNBUFFERED": "1",
    }
    print(
        f"==> starting dynalite (:{servers.dynalite_port}) and s3rver (:{servers.s3rver_port}), data in {var}/"
    )
    web = None
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        servers.start()
        env.update(servers.django_env())
        print("==> creating bucket and tables if missing")
        manage("ensure_stores", env=env)
        print("==> applying migrations")
        manage("migrate", "--noinput", "-v", "0", env=env)
        offer_admin(env)
        print(f"\n  Imageplatform is running at http://127.0.0.1:{port}/  (Ctrl-C stops everything)\n")
        web = subprocess.Popen(
            [PY, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"], env=env
        )
        return web.wait()
    except KeyboardInterrupt:
        print("\n==> stopping")
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if web and web.poll() is None:
            web.terminate()
            try:
                web.wait(timeout=10)
            except subprocess.TimeoutExpired:
                web.kill()
        servers.stop()


if __name__ == "__main__":
    sys.exit(main())
