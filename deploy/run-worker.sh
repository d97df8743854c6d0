#!/bin/sh
# The task worker under a process manager that does not restart it (honcho / the Procfile): `db_worker` exits when
# it loses PostgreSQL (a restart, a failover); this loop starts it again after a short wait, for as long as the
# process manager keeps this script running. systemd units restart it themselves (Restart=always).
set -u
delay="${WORKER_RESTART_DELAY:-2}"
while :; do
    python manage.py db_worker --no-reload "$@"
    status=$?
    echo "perfeval worker: db_worker exited with status $status; starting again in ${delay}s" >&2
    sleep "$delay"
done
