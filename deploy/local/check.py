"""Check the scale-out recipe (deploy/local/run.sh): what must hold with two app servers.

    deploy/local/check.py [--quick]          # starts run.sh, checks, stops everything
    deploy/local/check.py --dir DIR          # against a recipe already started (left running)

1. a citizen logs in with VNeID (the sandbox) at the nginx front and files a report through
   server A; the same session works on server B (the report is in "my reports", its photo
   is served from the shared folder);
2. an official logs in the same way and accepts the report through server B;
3. the public report page read through A after the change shows it (right with or without a
   page cache: a cache must be shared or invalidated across servers);
4. the job queue: the citizen's notification about the acceptance, produced by B's request,
   is delivered by the job consumer;
5. rate limits are shared: the login-code limit per phone (3 per 15 minutes) is reached by
   codes asked through A and B together;
6. server A gets SIGKILL in the middle of a load of GETs and filings through nginx: every GET
   succeeds (nginx retries them on B), and every filing acknowledged with a 303 is in the
   database, once per submission id (a filing that got no answer is sent again with the same
   submission id, as the form's JavaScript-free resend does).

Exit status 0 when everything holds; each step prints PASS or FAIL.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
REPORT_LOCATION = re.compile(r"/reports/(\d+)$")
CITIZEN, OTHER_CITIZEN, OFFICIAL = "demo-citizen-lan", "demo-citizen-minh", "demo-ward-hoankiem"
WARD = "phuong_hoan_kiem"

failures: list[str] = []


def step(name: str, ok: bool, detail: str = "") -> bool:
    print(f"{'PASS' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}", flush=True)
    if not ok:
        failures.append(name)
    return ok


class Browser(requests.Session):
    """Production cookies are ``Secure``; browsers send them to http://127.0.0.1 (a secure
    context), ``requests`` only over https: the flag is dropped once a cookie is stored."""

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def browser() -> requests.Session:
    http = Browser()
    http.headers["Accept-Language"] = "en"
    return http


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise RuntimeError(message)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no csrf_token on the page")
    return match.group(1) or match.group(2)


def vneid_login(front: str, sub: str) -> requests.Session:
    """The whole login at the nginx front: the app's redirect to the sandbox, the choice of
    identity, the callback (where the app server asks the sandbox for the token)."""
    http = browser()
    r = http.get(front + "/auth/vneid/login", allow_redirects=False, timeout=30)
    expect(r.status_code == 302, f"login start answered {r.status_code}")
    authorize = r.headers["Location"]
    expect(authorize.startswith(front + "/dev-idp/"), f"sandbox is not at the front: {authorize}")
    page = http.get(authorize, timeout=30)
    page.raise_for_status()
    r = http.post(authorize, data={"csrf_token": csrf_of(page.text), "sub": sub}, allow_redirects=False,
                  timeout=30)
    expect(r.status_code == 302 and "/auth/vneid/callback" in r.headers["Location"],
           f"sandbox answered {r.status_code}")
    r = http.get(urljoin(front, r.headers["Location"]), allow_redirects=False, timeout=30)
    expect(r.status_code == 302 and "/auth/login" not in r.headers["Location"],
           f"callback answered {r.status_code} → {r.headers.get('Location')}")
    return http


def photo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (random.randrange(256), 120, 90)).save(buf, "JPEG")  # noqa: S311
    return buf.getvalue()


class Filer:
    """A logged-in citizen filing reports on one server or the front."""

    def __init__(self, http: requests.Session, base: str, category: int, ward: int):
        self.http, self.base, self.category, self.ward = http, base, category, ward
        self.image = photo()
        page = http.get(base + "/reports/new", timeout=30)
        page.raise_for_status()
        self.csrf = csrf_of(page.text)

    def file(self, submission_id: str, timeout: float = 30) -> requests.Response:
        data = {"csrf_token": self.csrf, "category": str(self.category), "ward": str(self.ward),
                "description": "Đèn đường hỏng cả đoạn, tối không nhìn thấy gì (kiểm tra scale-out).",
                "submission_id": submission_id}
        return self.http.post(self.base + "/reports/new", data=data, allow_redirects=False, timeout=timeout,
                              files={"photos": ("photo.jpg", self.image, "image/jpeg")})


def report_id(response: requests.Response) -> int | None:
    if response.status_code != 303:
        return None
    match = REPORT_LOCATION.search(response.headers.get("Location", ""))
    return int(match.group(1)) if match else None


class Database:
    """The recipe's database, read directly for what the pages do not show."""

    def __init__(self, env: dict):
        from app import create_app

        os.environ.update({k: v for k, v in env.items() if k not in ("GUNICORN_BIND",)})
        self.app = create_app()

    def scalar(self, statement):
        from app.extensions import db

        with self.app.app_context():
            value = db.session.scalar(statement)
            db.session.remove()
            return value

    def ids(self):
        import sqlalchemy as sa

        from app.places.models import Ward
        from app.reports.models import Category, CategoryQuestion

        required = sa.select(CategoryQuestion.category_id).where(CategoryQuestion.required)
        category = self.scalar(sa.select(Category.id).where(
            Category.active, Category.unit_type == "ward", Category.id.not_in(required)).order_by(Category.id))
        ward = self.scalar(sa.select(Ward.id).where(Ward.codename == WARD))
        return category, ward


def read_env(path: Path) -> dict:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def check(directory: Path, quick: bool) -> None:
    local = read_env(directory / "local.env")
    front, a, b = local["FRONT_URL"], local["A_URL"], local["B_URL"]
    app_env = read_env(directory / "app.env")
    database = Database(app_env)
    category, ward = database.ids()
    import sqlalchemy as sa

    from app.notifications.models import Notification
    from app.reports.models import Report

    # 1. Log in at the front, file through A, use the session on B.
    citizen = vneid_login(front, CITIZEN)
    step("citizen logs in with VNeID through nginx (sandbox issuer = the front)", True, front + "/dev-idp")
    filer = Filer(citizen, a, category, ward)
    r = filer.file(str(uuid.uuid4()))
    rid = report_id(r)
    if not step("citizen files a report through server A", rid is not None, f"answer {r.status_code}"):
        return
    mine = citizen.get(b + "/reports/mine", timeout=30)
    step("the session made on A works on B (my reports)", mine.status_code == 200 and f"/reports/{rid}" in mine.text,
         f"answer {mine.status_code}")
    shown = citizen.get(f"{b}/reports/{rid}", timeout=30)
    thumbs = re.findall(r'src="(/reports/photos/[^"]+)"', shown.text)
    got = citizen.get(b + thumbs[0], timeout=30) if thumbs else None
    step("the photo stored by A is served by B (one photo folder)",
         got is not None and got.status_code == 200 and got.content[:2] == b"\xff\xd8",
         f"{len(thumbs)} photo links, answer {got.status_code if got is not None else '–'}")

    # 3. (before) The public page through A, twice: a page cache, if any, now holds it.
    anonymous = browser()
    for _ in range(2):
        before = anonymous.get(f"{a}/reports/{rid}", timeout=30)
    step("the public report page through A shows it as new", "status-submitted" in before.text,
         f"answer {before.status_code}")

    # 2. The official accepts it through B.
    official = vneid_login(front, OFFICIAL)
    page = official.get(f"{b}/console/reports/{rid}", timeout=30)
    r = official.post(f"{b}/console/reports/{rid}/accept", timeout=30, allow_redirects=False,
                      data={"csrf_token": csrf_of(page.text), "level": "normal"})
    status = database.scalar(sa.select(Report.status).where(Report.id == rid))
    step("the official accepts it through server B", r.status_code in (302, 303) and status == "accepted",
         f"answer {r.status_code}, status {status}")

    # 3. (after) Through A again: the change must show at once.
    after = anonymous.get(f"{a}/reports/{rid}", timeout=30)
    step("the public page through A shows B's change at once (page cache shared or invalidated)",
         "status-accepted" in after.text and "status-submitted" not in after.text,
         f"answer {after.status_code}, cache headers {after.headers.get('Cache-Control')!r}")

    # 4. The notification, produced by B's request, delivered by the job consumer.
    user_id = database.scalar(sa.select(Report.reporter_id).where(Report.id == rid))
    deadline, told = time.monotonic() + 60, 0
    while time.monotonic() < deadline and not told:
        told = database.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.subject_id == rid)) or 0
        time.sleep(0.5)
    inbox = citizen.get(a + "/notifications", timeout=30)
    step("the job consumer delivers the citizen's notification of B's acceptance",
         told > 0 and f"/reports/{rid}" in inbox.text, f"{told} notification(s) after the job ran")

    # 5. Rate limits counted in Redis, across servers.
    phone = f"09{random.randrange(10**8):08d}"  # noqa: S311
    address = f"198.51.100.{random.randrange(1, 255)}"  # noqa: S311
    answers = []
    for base in (a, b, a, b):
        http = browser()
        # As nginx would send it: the client's address in X-Forwarded-For (TRUSTED_PROXIES=1).
        headers = {"X-Forwarded-For": address}
        page = http.get(base + "/auth/login", headers=headers, timeout=30)
        r = http.post(base + "/auth/phone", headers=headers, allow_redirects=False, timeout=30,
                      data={"csrf_token": csrf_of(page.text), "phone": phone})
        answers.append(r.status_code)
    step("login-code limit (3 per phone) counted across A and B", answers[:3] == [303] * 3 and answers[3] == 429,
         f"answers A, B, A, B: {answers}")

    # 6. kill -9 of A under load.
    load(directory, front, citizen, vneid_login(front, OTHER_CITIZEN), category, ward, rid, database,
         seconds=3 if quick else 8)


def load(directory: Path, front: str, citizen, other, category: int, ward: int, known_report: int, database,
         seconds: float) -> None:
    import sqlalchemy as sa

    from app.reports.models import Report

    stop = threading.Event()
    lock = threading.Lock()
    gets = {"ok": 0, "failed": 0, "after_kill_ok": 0, "cut": 0}
    failed_gets: list[str] = []
    acknowledged: dict[str, int] = {}
    unanswered: list[str] = []
    killed = threading.Event()
    in_flight = {"posts": 0, "at_kill": 0, "resent": 0}

    def reader():
        http = requests.Session()
        paths = ["/reports", f"/reports/{known_report}", "/", "/stats"]
        while not stop.is_set():
            path = random.choice(paths)  # noqa: S311
            before_kill = not killed.is_set()
            try:
                r = http.get(front + path, timeout=30)
                ok, why = r.status_code == 200, str(r.status_code)
            except requests.RequestException as e:
                ok, why = False, type(e).__name__
            with lock:
                # A page A was sending when it died is cut short: nginx can resend a request
                # only while it has passed nothing of the answer to the client.
                cut = not ok and before_kill and killed.is_set()
                gets["ok" if ok else "cut" if cut else "failed"] += 1
                if ok and killed.is_set():
                    gets["after_kill_ok"] += 1
                if not ok:
                    failed_gets.append(f"{path}: {why}")

    def writer(http):
        filer = Filer(http, front, category, ward)
        while not stop.is_set():
            key = str(uuid.uuid4())
            # Resent with the same submission id until answered, as a client must after a
            # failure: nginx does not resend a POST that reached a server.
            for _attempt in range(10):
                with lock:
                    in_flight["posts"] += 1
                try:
                    r = filer.file(key)
                except requests.RequestException:
                    r = None
                finally:
                    with lock:
                        in_flight["posts"] -= 1
                rid = report_id(r) if r is not None else None
                if rid is not None:
                    with lock:
                        acknowledged[key] = rid
                        in_flight["resent"] += _attempt > 0
                    break
                time.sleep(0.3)
            else:
                unanswered.append(key)
            time.sleep(0.2)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    threads += [threading.Thread(target=writer, args=(h,)) for h in (citizen, other)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    pid = int((directory / "a.pid").read_text())
    with lock:
        in_flight["at_kill"] = in_flight["posts"]
    os.killpg(pid, signal.SIGKILL)
    killed.set()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=120)

    step("GETs through nginx keep succeeding while A is killed",
         gets["failed"] == 0 and gets["after_kill_ok"] > 0,
         f"{gets['ok']} ok ({gets['after_kill_ok']} after the kill), {gets['failed']} failed, "
         f"{gets['cut']} cut short by the kill (A had begun the answer) {failed_gets[:5]}")
    stored = {}
    for key in acknowledged:
        stored[key] = database.scalar(sa.select(sa.func.count(Report.id)).where(Report.submission_id == key))
    ids_found = database.scalar(sa.select(sa.func.count(Report.id)).where(Report.id.in_(acknowledged.values())))
    lost = [k for k, n in stored.items() if n == 0]
    doubled = [k for k, n in stored.items() if n > 1]
    step("every acknowledged filing is in the database once",
         bool(acknowledged) and not lost and not doubled and ids_found == len(acknowledged) and not unanswered,
         f"{len(acknowledged)} acknowledged ({in_flight['at_kill']} POST(s) in flight at the kill, "
         f"{in_flight['resent']} answered only when resent), "
         f"{len(lost)} lost, {len(doubled)} doubled, {len(unanswered)} never answered")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, help="a recipe started by run.sh (left running)")
    parser.add_argument("--quick", action="store_true", help="reduced: people-only seed, 3 s of load each side")
    args = parser.parse_args()
    run_sh = ROOT / "deploy" / "local" / "run.sh"
    directory = args.dir
    started = False
    if directory is None:
        env = {**os.environ, "CDTD_SEED": "people" if args.quick else os.environ.get("CDTD_SEED", "demo")}
        out = subprocess.run([str(run_sh), "start"], env=env, check=True, stdout=subprocess.PIPE,  # noqa: S603
                             text=True)
        directory = Path(out.stdout.strip().splitlines()[-1])
        started = True
    try:
        check(directory, args.quick)
    except Exception as e:  # noqa: BLE001 - reported as a failure, then everything is stopped
        step("check ran to the end", False, f"{type(e).__name__}: {e}")
    finally:
        if started:
            subprocess.run([str(run_sh), "stop", str(directory)], check=False)  # noqa: S603
            if failures:
                print(f"logs kept in {directory}/logs", file=sys.stderr)
    print("OK" if not failures else f"FAILED: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
