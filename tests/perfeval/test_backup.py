"""Backup and restore (manage.py backup / restore, make backup / restore): a backup restored into a new, empty
PostgreSQL database gives back every row, every snapshot with its SHA-256 and every evidence file byte for byte; a
database that holds data is never overwritten; a damaged backup and a SQLite DATABASE_URL are refused in Chinese and
English."""

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from assessments.models import Assessment, Evidence, Snapshot, document_sha256
from assessments.services import assessment_create
from assessments.workflow import services as workflow
from perfeval import backups
from units.models import Membership, Role

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + bytes(range(256)) * 40
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(5000)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump/pg_restore: needs DATABASE_URL=postgres://… (runs in CI)"
)


def database_url(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def connect(name: str):
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "localhost",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname=name,
        autocommit=True,
    )


def manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def restored_db():
    """A database name nobody uses, dropped again afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    yield name
    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def people(django_user_model, unit, alice, bob, dave):
    def member(username, role):
        user = django_user_model.objects.create_user(username=username, password="x")
        Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return {
        "alice": alice,
        "bob": bob,
        "hank": member("hank", Role.UNIT_HEAD),
        "dave": dave,
        "fiona": member("fiona", Role.FINANCE),
    }


def finalise(assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    for signer in ("bob", "hank", "dave", "fiona"):
        assessment.refresh_from_db()
        workflow.assessment_sign(assessment=assessment, user=people[signer], opinion="同意。")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINAL


def tables(conn) -> list[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()
    return [row[0] for row in rows]


def table_rows(conn, table: str) -> list[tuple]:
    return conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_gives_back_every_row_snapshot_and_evidence_file(
    client, assessment, people, media, tmp_path, restored_db
):
    client.force_login(people["alice"])
    uploaded = {"2022年活动台账.pdf": PDF, "现场照片.png": PNG}
    for name, content in uploaded.items():
        response = client.post(
            reverse("assessments:evidence_upload", args=[assessment.pk]),
            {"file": SimpleUploadedFile(name, content), "attached_to": "section:use_and_performance"},
        )
        assert response.status_code == 302
    finalise(assessment, people)
    assessment_create(unit=assessment.unit, year=2023, user=people["alice"])  # and a draft beside it
    snapshot = Snapshot.objects.get(assessment=assessment)
    evidence = {e.file.name: e.original_name for e in Evidence.objects.all()}
    assert len(evidence) == 2

    folder = tmp_path / "backup"
    call_command("backup", output=folder, stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"
    result = manage("restore", str(folder), DATABASE_URL=database_url(restored_db), MEDIA_ROOT=str(restored_media))
    assert result.returncode == 0, result.stderr
    assert "恢复完成" in result.stdout and "（新建）" in result.stdout

    source_name = connection.settings_dict["NAME"]
    with connect(source_name) as source, connect(restored_db) as restored:
        assert tables(restored) == tables(source)
        for table in tables(source):
            assert table_rows(restored, table) == table_rows(source, table), table

        statuses = restored.execute("SELECT year, status FROM assessments_assessment ORDER BY year").fetchall()
        assert statuses == [(2022, "final"), (2023, "draft")]
        (restored_snapshot,) = restored.execute("SELECT sha256, data FROM assessments_snapshot").fetchall()
        assert restored_snapshot[0] == snapshot.sha256 == document_sha256(restored_snapshot[1])

        files = restored.execute("SELECT file, original_name, size FROM assessments_evidence").fetchall()
        assert {name: original for name, original, _ in files} == evidence
        for name, original, size in files:
            content = (restored_media / name).read_bytes()
            assert len(content) == size
            assert hashlib.sha256(content).hexdigest() == hashlib.sha256(uploaded[original]).hexdigest()

        # New rows in the restored database do not collide with restored ones.
        (next_id,) = restored.execute(
            "SELECT nextval(pg_get_serial_sequence('assessments_assessment', 'id'))"
        ).fetchone()
        assert next_id > max(pk for (pk,) in restored.execute("SELECT id FROM assessments_assessment"))

    # A second restore finds the database holding data and leaves it alone.
    again = manage("restore", str(folder), DATABASE_URL=database_url(restored_db), MEDIA_ROOT=str(restored_media))
    assert again.returncode == 1
    assert f"目标数据库 {restored_db} 中已有" in again.stderr and "never overwrites data" in again.stderr
    with connect(restored_db) as restored:
        assert restored.execute("SELECT count(*) FROM assessments_assessment").fetchone() == (2,)


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / backups.DUMP).write_bytes(b"PGDMP" + os.urandom(100))
    (folder / backups.MEDIA).write_bytes(b"\0" * 1024)
    files = {name: backups.file_digest(folder / name) for name in (backups.DUMP, backups.MEDIA)}
    (folder / backups.MANIFEST).write_text(json.dumps({"files": files}))
    assert backups.verify(folder)["files"] == files

    damaged = bytearray((folder / backups.DUMP).read_bytes())
    damaged[50] ^= 0xFF
    (folder / backups.DUMP).write_bytes(bytes(damaged))
    with pytest.raises(CommandError) as error:
        call_command("restore", folder)
    assert str(error.value) == backups.DAMAGED.format(name=backups.DUMP)
    assert "已损坏" in str(error.value) and "nothing was restored" in str(error.value)

    (folder / backups.MEDIA).unlink()
    with pytest.raises(CommandError, match=r"缺少 media\.tar"):
        call_command("restore", folder)


def test_backup_refuses_a_sqlite_database_in_chinese_and_english(tmp_path):
    result = manage("backup", "--output", str(tmp_path / "b"), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 1
    assert "备份与恢复只支持 PostgreSQL" in result.stderr and "Backup and restore need PostgreSQL" in result.stderr
    assert not (tmp_path / "b").exists()
