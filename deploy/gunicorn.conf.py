"""gunicorn settings for perfeval's web processes: `gunicorn perfeval.wsgi -c deploy/gunicorn.conf.py`.

Every value can be changed from the environment (the systemd unit reads /etc/perfeval/perfeval.env)."""

import os

bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Sync workers, one more than the cores the process may run on (cgroup/cpuset limits included): a sync worker waits
# for the database and for the client to take its response, and the extra one uses the core meanwhile. On 2 cores,
# the project's mix at 50 arrivals a second had a lower p95 with 3 workers than with 2 in each of four alternated
# pairs (127–289 against 157–631 ms), and saturated at 94 against 81 requests a second (bench/RESULTS.md, session
# 9). Threaded workers doubled the p95 latency of the same page (stack notes).
workers = int(os.getenv("WEB_CONCURRENCY", str(len(os.sched_getaffinity(0)) + 1)))
worker_class = "sync"

# Load Django once in the master: wsgi.py then runs perfeval.runtime.tune_gc(), which freezes everything loaded so
# far, and every forked worker starts from those shared, already collected pages with the tuned GC thresholds.
preload_app = True

# A report PDF is rendered inside its request (about 0.15 s a page, so a long report takes tens of seconds); the
# annual export runs in the task workers and is not bound by this.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Behind a load balancer that reuses its connections to the backends.
keepalive = 5
# WeasyPrint's caches grow with every report rendered; a recycled worker forks from the preloaded master at no
# start-up cost. The jitter keeps the workers from restarting together.
max_requests = int(os.getenv("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

accesslog = os.getenv("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The client as the load balancer saw it, and the time taken in microseconds.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'
# The proxies whose X-Forwarded-* headers are believed (comma-separated addresses of the load balancers).
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The heartbeat file in memory: a worker on a slow or network disk is not killed for a late heartbeat.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# systemd's RuntimeDirectory= (perfeval-web.service) rather than the service user's home, which may not exist.
if os.getenv("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")


def pre_fork(server, worker):
    from django.db import connections

    # A database connection opened while the application loaded would be shared by every forked worker.
    connections.close_all()
