"""Gunicorn settings for production (``gunicorn -c gunicorn.conf.py wsgi:app``).

Every value can be overridden with the environment variable named beside it.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests spend most of their time rendering in Python (the GIL), so processes, not threads,
# give throughput: one per core plus one. bench/ measured 3 workers x 1 thread serving the feed
# about twice as fast as 3 x 4 on 2 cores. gthread keeps idle keep-alive connections cheap.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# Large photo uploads on slow phones: the proxy buffers requests, so this stays modest.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound. Not too often: a page
# from the page cache costs about a millisecond, so 5,000 requests (the old setting) went by in
# 20 s under load, and each restart held up the requests queued behind it (p99 0.8 s in
# bench/RESULTS.md). At 100,000 a busy worker is recycled every few minutes.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = 10_000
accesslog = "-"
# No query strings in the access log: nothing personal travels there, but codes and tokens might.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss'
errorlog = "-"
# Client addresses and https come from the proxy through TRUSTED_PROXIES (werkzeug ProxyFix).
