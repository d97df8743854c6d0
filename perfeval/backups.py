"""Backup and restore of a perfeval installation (`manage.py backup`, `manage.py restore`, `make backup/restore`).

A backup is a folder: `database.dump` (pg_dump's custom format of the DATABASE_URL database), `media.tar` (MEDIA_ROOT:
the evidence files and the export files) and `manifest.json` (their sizes and SHA-256, the applied migrations). A
restore checks every checksum first, then writes only into an empty or new database — it never merges into or
overwrites existing data. The PostgreSQL client tools (pg_dump, pg_restore) do the database part; psycopg creates the
database when it does not exist yet."""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

DUMP = "database.dump"
MEDIA = "media.tar"
MANIFEST = "manifest.json"
FORMAT = 1
# Rendered again on the next export when missing, and as large as all the reports together.
SKIPPED_MEDIA = ("exports/cache",)

NOT_POSTGRESQL = (
    "备份与恢复只支持 PostgreSQL：当前 DATABASE_URL 指向 {vendor} 数据库（{name}）。请设置 DATABASE_URL=postgres://…\n"
    "Backup and restore need PostgreSQL: DATABASE_URL points at a {vendor} database ({name}). "
    "Set DATABASE_URL=postgres://…"
)
NO_TOOL = (
    "找不到 {tool}：请安装 PostgreSQL 客户端（apt-get install postgresql-client，版本不低于数据库服务器）。\n"
    "{tool} not found: install the PostgreSQL client tools (apt-get install postgresql-client, the server's version "
    "or newer)."
)
TOOL_FAILED = "{tool} 执行失败（退出码 {code}）。\n{tool} failed (exit status {code}).\n{output}"
FOLDER_NOT_EMPTY = "备份目录 {path} 已存在且不是空的，请换一个目录。\nThe backup folder {path} exists and is not empty."
NOT_A_BACKUP = (
    "{path} 不是完整的 perfeval 备份：缺少 {missing}。\n{path} is not a complete perfeval backup: {missing} is missing."
)
DAMAGED = (
    "备份文件 {name} 已损坏或被改动（大小或 SHA-256 与 manifest.json 不符），未恢复任何内容。\n"
    "The backup file {name} is damaged or was changed (its size or SHA-256 differs from manifest.json); "
    "nothing was restored."
)
NOT_EMPTY = (
    "目标数据库 {name} 中已有 {count} 个数据表：恢复只写入空的或新的数据库，不会覆盖现有数据。"
    "请在 DATABASE_URL 中换一个新的数据库名，或确认不再需要后先删除它（dropdb {name}）。\n"
    "The database {name} already holds {count} tables: a restore writes only into an empty or new database and "
    "never overwrites data. Point DATABASE_URL at a new database name, or drop this one first (dropdb {name})."
)
CANNOT_CONNECT = (
    "无法连接 PostgreSQL 服务器（{host}）：{error}\nCannot connect to the PostgreSQL server ({host}): {error}"
)


class BackupError(Exception):
    pass


def database() -> dict:
    """The default database's settings, refused unless it is PostgreSQL."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        raise BackupError(NOT_POSTGRESQL.format(vendor=connection.vendor, name=connection.settings_dict["NAME"]))
    return connection.settings_dict


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(NO_TOOL.format(tool=name))
    return path


def libpq_env(db: dict) -> dict[str, str]:
    """The connection for pg_dump and pg_restore, passed in the environment: a password on the command line would be
    visible to every user of the machine."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(key):
            env[f"PG{key.upper()}"] = str(options[key])
    env["PGDATABASE"] = db["NAME"]
    return env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        tool = Path(command[0]).name
        raise BackupError(TOOL_FAILED.format(tool=tool, code=result.returncode, output=result.stderr.strip()))


def file_digest(path: Path) -> dict:
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256")
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def default_folder() -> Path:
    return Path(settings.BASE_DIR) / "backups" / timezone.localtime().strftime("%Y%m%d-%H%M%S")


def _media_files(root: Path):
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not any(relative.startswith(f"{skipped}/") for skipped in SKIPPED_MEDIA):
            yield path, relative


def backup(folder: Path | None = None) -> tuple[Path, dict]:
    """Dump the database, then archive MEDIA_ROOT. In this order a file uploaded during the backup is at worst in
    the archive without its row (harmless), never a row without its file — unless it is deleted meanwhile, so back up
    when nobody is deleting evidence."""
    db = database()
    pg_dump = _tool("pg_dump")
    folder = Path(folder) if folder else default_folder()
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(FOLDER_NOT_EMPTY.format(path=folder))
    folder.mkdir(parents=True, exist_ok=True)

    _run([pg_dump, "--format=custom", "--file", str(folder / DUMP)], libpq_env(db))
    media_root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(folder / MEDIA, "w") as archive:
        for path, relative in _media_files(media_root):
            archive.add(path, arcname=relative, recursive=False)
            count += 1

    from django.db.migrations.recorder import MigrationRecorder

    applied = sorted(MigrationRecorder(connections["default"]).applied_migrations())
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"name": db["NAME"], "host": db.get("HOST") or "localhost"},
        "media_root": str(media_root),
        "media_files": count,
        "migrations": {app: name for app, name in applied},  # the last applied one of each app
        "files": {name: file_digest(folder / name) for name in (DUMP, MEDIA)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder, manifest


def verify(folder: Path) -> dict:
    """The manifest of a complete, undamaged backup."""
    folder = Path(folder)
    for name in (MANIFEST, DUMP, MEDIA):
        if not (folder / name).is_file():
            raise BackupError(NOT_A_BACKUP.format(path=folder, missing=name))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for name, expected in manifest["files"].items():
        if file_digest(folder / name) != expected:
            raise BackupError(DAMAGED.format(name=name))
    return manifest


def _connect(db: dict, dbname: str):
    import psycopg

    params = {key: db[name] for name, key in (("HOST", "host"), ("PORT", "port"), ("USER", "user")) if db.get(name)}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    params.update({key: value for key, value in (db.get("OPTIONS") or {}).items() if key.startswith("ssl")})
    return psycopg.connect(dbname=dbname, autocommit=True, **params)


def _prepare_empty_database(db: dict) -> bool:
    """Create the target database when missing; refuse one that holds tables. True when it was created."""
    import psycopg
    from psycopg import sql

    name = db["NAME"]
    # The server's maintenance database: the target may not exist yet.
    try:
        admin = _connect(db, "postgres")
    except psycopg.OperationalError as error:
        raise BackupError(CANNOT_CONNECT.format(host=db.get("HOST") or "localhost", error=error)) from None
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    with _connect(db, name) as target:
        (count,) = target.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    if count:
        raise BackupError(NOT_EMPTY.format(name=name, count=count))
    return False


def restore(folder: Path) -> dict:
    """Restore the backup in `folder` into the configured (empty or new) database and MEDIA_ROOT."""
    manifest = verify(folder)
    db = database()
    pg_restore = _tool("pg_restore")
    created = _prepare_empty_database(db)
    # --no-owner/--no-privileges: the objects belong to the restoring role, which may differ from the original one.
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            db["NAME"],
            str(Path(folder) / DUMP),
        ],
        libpq_env(db),
    )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(Path(folder) / MEDIA) as archive:
        # The "data" filter refuses absolute paths, "..", links out of MEDIA_ROOT and device files.
        archive.extractall(media_root, filter="data")
    return {"database": db["NAME"], "created": created, "manifest": manifest, "missing": missing_evidence()}


def missing_evidence() -> list[str]:
    """Evidence rows of the restored database whose file is not in MEDIA_ROOT."""
    from assessments.models import Evidence

    root = Path(settings.MEDIA_ROOT)
    return [name for name in Evidence.objects.values_list("file", flat=True) if not (root / name).is_file()]
