"""The baseline of the read benchmark: a bare Flask "hello world", served by the same gunicorn
settings as the app (``gunicorn -c gunicorn.conf.py --pythonpath bench hello:app``)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"


@app.get("/healthz")
def healthz():
    return "ok"
