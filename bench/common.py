"""Shared pieces of the benchmarks: cached databases, gunicorn under control, HTTP sessions.

Databases are generated once by ``generate_reports.py`` into ``bench/out/cache`` (SQLite files,
and PostgreSQL databases named ``bench_c<key>_<count>``) and reused while the migrations and
the generator are unchanged (``<key>`` is a digest of them). Benchmarks that write work on a
copy: a copied folder for SQLite, ``createdb -T`` for PostgreSQL.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
CACHE = OUT / "cache"
WORK = OUT / "work"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn")
PG_ADMIN = ["-h", "127.0.0.1", "-U", "postgres"]
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
# Fixed secrets so a session cookie signed here is accepted by the server (bench data only).
SECRET_KEY = "bench-secret-key-0123456789abcdef-not-for-production"
DATA_KEY = "bench-data-key-0123456789abcdef-not-for-production"
# Bump when prepare() changes what it adds to a generated database.
PREP_VERSION = "2"
CITIZENS = 17  # 16 concurrent writers and one for the replayed submission

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Every command a benchmark ran, for RESULTS.md.
COMMANDS: list[str] = []


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def record_command(argv: list[str], env: dict | None = None, note: str = "") -> None:
    shown = " ".join(shlex.quote(str(a)) for a in argv).replace(str(ROOT) + "/", "")
    if env:
        shown = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in env.items()) + " " + shown
    if note:
        shown += f"   # {note}"
    if not any(c.split("   # ")[0] == shown.split("   # ")[0] for c in COMMANDS):
        COMMANDS.append(shown)


def require_tools(*, wrk: bool = True, postgres: bool = True) -> None:
    """Fail clearly when something the benchmarks need is missing (nothing is installed here)."""
    missing = []
    if wrk and shutil.which("wrk") is None:
        missing.append("wrk (apt-get install -y wrk)")
    if not Path(GUNICORN).exists():
        missing.append("gunicorn in .venv (make bench installs the project)")
    for tool in ("createdb", "dropdb", "psql", "pg_isready") if postgres else ():
        if shutil.which(tool) is None:
            missing.append(f"{tool} (apt-get install -y postgresql-client)")
    if missing:
        raise SystemExit("bench: missing tools: " + "; ".join(missing))
    if postgres and not postgres_available():
        raise SystemExit("bench: PostgreSQL is not answering on 127.0.0.1:5432")


def postgres_available() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0


# --- the machine ---------------------------------------------------------------------------

def machine() -> dict:
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()
    return {"cores": os.cpu_count(), "cpu": model, "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "load": " ".join(f"{x:.2f}" for x in load), "python": sys.version.split()[0],
            "kernel": os.uname().release}


# --- cached databases ----------------------------------------------------------------------

# Synthetic citizens of the load tests file a report about every half second, far past a real
# person's photo quota (PHOTO_UPLOAD_LIMIT, 60 an hour per account, answered with 422): the write
# and crash goals are about the database, so their servers lift the quota.
LOAD_ENV = {"PHOTO_UPLOAD_LIMIT": "1000000 per hour"}


def cache_key() -> str:
    """Changes whenever the schema (migrations) or the generated data would change."""
    digest = hashlib.sha1()  # noqa: S324 - a cache key, not security
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update((BENCH / "generate_reports.py").read_bytes())
    digest.update(PREP_VERSION.encode())
    return digest.hexdigest()[:10]


@dataclass
class Dataset:
    """A generated database and its instance folder, with what the benchmarks need to know."""

    kind: str  # "sqlite" or "postgresql"
    count: int
    url: str
    instance: Path
    meta: dict = field(default_factory=dict)
    pg_name: str | None = None

    @property
    def sqlite_path(self) -> Path:
        return self.instance / "app.db"

    @property
    def uploads(self) -> Path:
        return self.instance / "uploads"

    def env(self) -> dict:
        """The production settings of a server on this database."""
        return {
            "APP_ENV": "production", "SECRET_KEY": SECRET_KEY, "DATA_KEY": DATA_KEY,
            "DATABASE_URL": self.url, "INSTANCE_PATH": str(self.instance),
            "UPLOAD_FOLDER": str(self.uploads), "HUEY_SQLITE_PATH": str(self.instance / "jobs.db"),
        }

    def overrides(self) -> dict:
        return {**self.env(), "SERVER_NAME": None, "REDIS_URL": None}


def _pg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client; a copy from a template is retried while the template is busy."""
    for attempt in range(10):
        out = subprocess.run(list(args), check=False, capture_output=True, text=True)
        if out.returncode == 0 or not check:
            return out
        if "being accessed by other users" not in out.stderr or attempt == 9:
            raise RuntimeError(f"{' '.join(args)} failed: {out.stderr.strip()}")
        time.sleep(1)
    raise AssertionError("unreachable")


def pg_exists(name: str) -> bool:
    out = _pg("psql", *PG_ADMIN, "-d", "postgres", "-Atc",
              f"SELECT 1 FROM pg_database WHERE datname = '{name}'", check=False)
    return out.stdout.strip() == "1"


def pg_drop(name: str) -> None:
    if pg_exists(name):
        _pg("dropdb", *PG_ADMIN, "--force", name)


def dataset(kind: str, count: int) -> Dataset:
    """The cached database of ``count`` reports, generated (and prepared) if missing."""
    key = cache_key()
    folder = CACHE / f"{kind}-{key}-{count}"
    pg_name = f"bench_c{key}_{count}" if kind == "postgresql" else None
    url = PG_URL.format(name=pg_name) if pg_name else f"sqlite:///{folder / 'app.db'}"
    ds = Dataset(kind, count, url, folder, pg_name=pg_name)
    meta_file = folder / "meta.json"
    argv = [PYTHON, str(BENCH / "generate_reports.py"), "--count", str(count), "--database-url", url,
            "--instance", str(folder)]
    if meta_file.exists() and (kind == "sqlite" or pg_exists(pg_name)):
        ds.meta = json.loads(meta_file.read_text())
        if ds.meta.get("count") == count and ds.meta.get("key") == key:
            log(f"reusing {kind} database with {count:,} reports ({folder.relative_to(ROOT)})")
            record_command(argv, note=f"generated {ds.meta.get('generated_at')}, reused from bench/out/cache")
            return ds
    _cleanup_old_caches(kind, count, key)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if pg_name:
        pg_drop(pg_name)
        # template0: other people's sessions on template1 would make createdb fail.
        create = ["createdb", *PG_ADMIN, "-T", "template0", "-E", "UTF8", pg_name]
        record_command(create)
        _pg(*create)
    log(f"generating {count:,} reports into {kind} …")
    record_command(argv)
    started = time.perf_counter()
    subprocess.run(argv, check=True, cwd=ROOT, env={**os.environ, "APP_ENV": "development"})
    ds.meta = _prepare(ds)
    ds.meta.update(key=key, count=count, generated_at=time.strftime("%Y-%m-%d %H:%M:%S"),
                   generate_seconds=round(time.perf_counter() - started, 1))
    meta_file.write_text(json.dumps(ds.meta, indent=1))
    return ds


def _cleanup_old_caches(kind: str, count: int, key: str) -> None:
    """Drop caches of the same size made from older migrations (they are large)."""
    for old in CACHE.glob(f"{kind}-*-{count}"):
        if old.name != f"{kind}-{key}-{count}":
            shutil.rmtree(old, ignore_errors=True)
            if kind == "postgresql":
                pg_drop(f"bench_c{old.name.split('-')[1]}_{count}")


def _prepare(ds: Dataset) -> dict:
    """Add the benchmark's users (citizens, an official of the busiest ward) and note the ids
    the benchmarks use. Runs in a child process so no connection outlives it (a PostgreSQL
    template must have none)."""
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(BENCH)!r});"
            f" import common; print(json.dumps(common._prepare_here({ds.url!r})))")
    env = {**os.environ, **ds.env(), "APP_ENV": "development"}
    out = subprocess.run([PYTHON, "-c", code], check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"preparing the benchmark users failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _prepare_here(url: str) -> dict:
    import sqlalchemy as sa

    from app import create_app
    from app.auth.models import Role
    from app.auth.services import grant_role, new_user
    from app.extensions import db
    from app.reports.models import Category, CategoryQuestion, Report

    app = create_app({"APP_ENV": "development", "DATABASE_URL": url})
    with app.app_context():
        citizens = [new_user(full_name=f"Bench citizen {i}", phone=f"+8491{i:07d}") for i in range(CITIZENS)]
        busiest_ward, busiest_count = db.session.execute(
            sa.select(Report.unit_ward_id, sa.func.count()).where(Report.unit_ward_id.is_not(None))
            .group_by(Report.unit_ward_id).order_by(sa.func.count().desc()).limit(1)).one()
        official = new_user(full_name="Bench official", phone="+84990000001")
        grant_role(official, Role.WARD_OFFICIAL, ward_id=busiest_ward)
        admin = new_user(full_name="Bench city admin", phone="+84990000002")
        grant_role(admin, Role.CITY_ADMIN)
        db.session.commit()
        required = sa.select(CategoryQuestion.category_id).where(CategoryQuestion.required)
        plain = db.session.scalars(sa.select(Category.id).where(
            Category.active, Category.unit_type == "ward", Category.id.not_in(required))
            .order_by(Category.id)).all()
        lo, hi = db.session.execute(sa.select(sa.func.min(Report.id), sa.func.max(Report.id))).one()
        open_in_ward = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(
            Report.unit_ward_id == busiest_ward, Report.status.in_(("submitted", "accepted"))))
        open_all = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(
            Report.status.in_(("submitted", "accepted"))))
        meta = {
            "citizens": [[u.id, u.get_id()] for u in citizens],
            "official": [official.id, official.get_id()], "admin": [admin.id, admin.get_id()],
            "busiest_ward": busiest_ward, "busiest_ward_reports": busiest_count,
            "busiest_ward_open": open_in_ward, "open": open_all,
            "category": plain[0], "categories": plain, "min_id": lo, "max_id": hi,
        }
        db.session.remove()
        db.engine.dispose()
    if url.startswith("sqlite:///"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return meta


def working_copy(ds: Dataset, name: str) -> Dataset:
    """A fresh copy of a cached database to write into."""
    folder = WORK / f"{ds.kind}-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ds.instance, folder, ignore=shutil.ignore_patterns("*-shm", "jobs.db*", "meta.json"))
    copy = Dataset(ds.kind, ds.count, f"sqlite:///{folder / 'app.db'}", folder, dict(ds.meta))
    if ds.kind == "postgresql":
        pg_name = f"bench_w_{name}"
        pg_drop(pg_name)
        argv = ["createdb", *PG_ADMIN, "-T", ds.pg_name, pg_name]
        record_command(argv)
        _pg(*argv)
        copy.pg_name = pg_name
        copy.url = PG_URL.format(name=pg_name)
    return copy


def drop_copy(ds: Dataset) -> None:
    if ds.kind == "postgresql" and ds.pg_name and ds.pg_name.startswith("bench_w_"):
        pg_drop(ds.pg_name)


# --- gunicorn ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def read_pss_kb(pid: int) -> int | None:
    """Proportional set size: shared pages counted once across the processes sharing them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


class Server:
    """gunicorn with the repository's gunicorn.conf.py, in its own process group."""

    def __init__(self, target: str, env: dict, log_path: Path, *, extra_env: dict | None = None,
                 pythonpath: str | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", **(extra_env or {})}
        self.argv = [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py")]
        if pythonpath:
            self.argv += ["--pythonpath", pythonpath]
        self.argv.append(target)
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.seen_workers: set[int] = set()
        self.peak_rss_kb: dict[int, int] = {}
        self._sampling = threading.Event()
        self._sampler: threading.Thread | None = None

    def start(self, timeout: float = 60) -> Server:
        import requests

        shown = {k: v for k, v in self.env.items() if k not in ("SECRET_KEY", "DATA_KEY")}
        shown.update(SECRET_KEY="…", DATA_KEY="…")
        record_command(self.argv, {k: shown[k] for k in sorted(shown) if k.startswith(("APP_", "GUNICORN_"))})
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        logfile = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._logfile = logfile
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env={**os.environ, **self.env}, stdout=logfile,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log_path}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base + "/healthz", timeout=2).status_code in (200, 404):
                    self._wait_for_workers(deadline)
                    self._start_sampler()
                    return self
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")

    def expected_workers(self) -> int:
        return int(self.env.get("GUNICORN_WORKERS") or (os.cpu_count() or 1) + 1)

    def _wait_for_workers(self, deadline: float) -> None:
        """Until every worker is there and has loaded the app (its memory stopped growing)."""
        previous: dict[int, int] = {}
        while time.monotonic() < deadline:
            rss = self.worker_rss_kb()
            if len(rss) >= self.expected_workers() and rss == previous:
                return
            previous = rss
            time.sleep(0.5)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def workers(self) -> list[int]:
        return children(self.pid)

    def _start_sampler(self) -> None:
        def sample():
            while not self._sampling.wait(0.25):
                for pid in self.workers():
                    self.seen_workers.add(pid)
                    rss = read_rss_kb(pid)
                    if rss is not None:
                        self.peak_rss_kb[pid] = max(rss, self.peak_rss_kb.get(pid, 0))

        self._sampler = threading.Thread(target=sample, daemon=True)
        self._sampler.start()

    def worker_rss_kb(self) -> dict[int, int]:
        return {pid: rss for pid in self.workers() if (rss := read_rss_kb(pid)) is not None}

    def stop(self) -> None:
        self._sampling.set()
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def kill(self) -> list[int]:
        """``kill -9`` the whole process group (master and workers); returns the pids killed."""
        self._sampling.set()
        pids = [self.pid, *self.workers()] if self.proc else []
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._close_log()
        return pids

    def _close_log(self) -> None:
        if getattr(self, "_logfile", None) is not None:
            self._logfile.close()
            self._logfile = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return False


# --- HTTP clients --------------------------------------------------------------------------

_signer = None


def session_cookie(ds: Dataset, user_key: str) -> str:
    """A signed session cookie for a user, as the app's own login makes it: a fresh server-side
    session (logging out, idle and absolute limits apply) and the cookie that names it."""
    global _signer
    if _signer is None:
        from flask import Flask

        app = Flask("bench-signer")
        app.secret_key = SECRET_KEY
        _signer = app.session_interface.get_signing_serializer(app)
    from app import create_app
    from app.auth import services as auth
    from app.auth.models import User
    from app.extensions import db

    app = create_app(ds.overrides())
    with app.app_context():
        user = db.session.get(User, int(user_key.split(":")[0]))
        sid = auth.start_session(user)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return _signer.dumps({"_user_id": user_key, "_fresh": True, "sid": sid})


COOKIE_NAME = "cdtd_session"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class Citizen:
    """A logged-in citizen filing reports over HTTP (one ``requests`` session, keep-alive)."""

    def __init__(self, base: str, user_key: str, ds: Dataset, photo: bytes):
        import requests

        self.base = base
        self.http = requests.Session()
        self.cookie = session_cookie(ds, user_key)
        self.ds = ds
        self.photo = photo
        self.csrf = None

    def login(self) -> None:
        """Fetch the form once: the CSRF token is tied to the session the server hands back."""
        r = self.http.get(self.base + "/reports/new", headers={"Cookie": f"{COOKIE_NAME}={self.cookie}"},
                          allow_redirects=False, timeout=30)
        if r.status_code != 200:
            raise RuntimeError(f"GET /reports/new: {r.status_code} (is the session cookie accepted?)")
        self.cookie = r.cookies.get(COOKIE_NAME) or self.cookie
        match = _CSRF.search(r.text)
        if match is None:
            raise RuntimeError("no csrf_token in the report form")
        self.csrf = match.group(1) or match.group(2)
        self.http.cookies.clear()

    def file(self, submission_id: str | None = None, timeout: float = 60):
        """POST one report; returns ``(submission_id, response)``."""
        submission_id = submission_id or str(uuid.uuid4())
        data = {
            "csrf_token": self.csrf, "category": str(self.ds.meta["category"]),
            "description": "Ổ gà lớn giữa đường, xe máy dễ ngã (bench).",
            "ward": str(self.ds.meta["busiest_ward"]), "submission_id": submission_id,
        }
        files = {"photos": ("photo.jpg", self.photo, "image/jpeg")}
        r = self.http.post(self.base + "/reports/new", data=data, files=files, allow_redirects=False,
                           headers={"Cookie": f"{COOKIE_NAME}={self.cookie}"}, timeout=timeout)
        self.http.cookies.clear()
        return submission_id, r


REPORT_LOCATION = re.compile(r"/reports/(\d+)$")


def acknowledged_id(response) -> int | None:
    """The report id when the server confirmed the report (303 to its page)."""
    if response.status_code != 303:
        return None
    match = REPORT_LOCATION.search(response.headers.get("Location", ""))
    return int(match.group(1)) if match else None


def small_photo(seed: int = 0) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 300), (120, 110 + seed % 50, 90))
    draw = ImageDraw.Draw(img)
    for i in range(0, 400, 25):
        draw.line([(i, 0), (400 - i, 300)], fill=(30 + i % 200, 60, 160), width=3)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def db_engine(ds: Dataset):
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    return sa.create_engine(ds.url, poolclass=NullPool)


def grep_log(path: Path, *needles: str) -> dict[str, int]:
    text = path.read_text(errors="replace") if path.exists() else ""
    return {n: text.count(n) for n in needles}


def fmt_ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f} ms"
