import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError

EXAMPLES = Path(settings.BASE_DIR) / "fixtures" / "examples"


def _score(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("score", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_scoring_seed_003_prints_96_97_and_flags_the_procurement_difference():
    code, out, _ = _score(str(EXAMPLES / "seed003-futian-2021.json"))
    assert code == 0
    assert "总分：96.97" in out
    assert "报告所列总分：96.98" in out
    assert "政府采购执行情况：报告所列 2.00 分，按规则 1.99 分" in out


@pytest.mark.django_db
def test_json_format_gives_the_sheet_and_findings():
    _, out, _ = _score(str(EXAMPLES / "seed003-futian-2021.json"), "--format", "json")
    payload = json.loads(out)
    assert payload["sheet"]["total"] == "96.97"
    assert any(f["code"] == "stated_total_mismatch" for f in payload["findings"])


@pytest.mark.django_db
def test_a_stored_framework_version_is_used_when_there_is_one():
    call_command("load_frameworks", stdout=io.StringIO())
    _, out, _ = _score(str(EXAMPLES / "seed001-zhuzhou-2022.json"), "--format", "json")
    sheet = json.loads(out)["sheet"]
    assert sheet["framework"]["code"] == "mof-2020-selfeval"
    assert sheet["framework"]["version"] == 1


@pytest.mark.django_db
def test_an_unknown_framework_is_refused_with_a_chinese_message(tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"framework": "nope", "facts": {}}), encoding="utf-8")
    code, _, err = _score(str(path))
    assert code == 2
    assert "指标体系“nope”不存在" in err


@pytest.mark.django_db
def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "in.json"
    path.write_text("这不是 JSON", encoding="utf-8")
    code, _, err = _score(str(path))
    assert code == 2
    assert "不是有效的 JSON" in err


class _UnmigratedFrameworks:
    """Framework.objects on a database whose tables were never created."""

    class objects:
        @staticmethod
        def all():
            raise OperationalError("no such table: scoring_framework")


def test_an_unmigrated_database_falls_back_to_the_shipped_frameworks(monkeypatch):
    monkeypatch.setattr("scoring.adapters.Framework", _UnmigratedFrameworks)
    code, out, err = _score(str(EXAMPLES / "seed003-futian-2021.json"))
    assert (code, err) == (0, "")
    assert "总分：96.97" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2]", "评分输入应为一个 JSON 对象"),
        (b'{"framework": "mof-2020-selfeval", "facts": [1]}', "数据项（facts）应为对象"),
        (
            b'{"framework": "mof-2020-selfeval", "facts": {"budget_full_year": 123456789012345678901234567890}}',
            "全年预算数：“123456789012345678901234567890”超出可处理的范围",
        ),
        (b'{"framework": ', "输入不是有效的 JSON：第 1 行第 15 列此处缺少值"),
        (b"\xff\xfe\x00", "输入文件的编码无法识别"),
    ],
)
def test_bad_input_exits_2_with_a_chinese_message_and_no_traceback(tmp_path, content, message):
    path = tmp_path / "in.json"
    path.write_bytes(content)
    code, out, err = _score(str(path))
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


@pytest.mark.django_db
def test_a_missing_file_exits_2_in_chinese(tmp_path):
    code, _, err = _score(str(tmp_path / "nope.json"))
    assert code == 2
    assert err.startswith("错误：找不到输入文件")


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_gbk_and_utf8_bom_files_are_read(tmp_path, encoding):
    path = tmp_path / "in.json"
    data = json.loads((EXAMPLES / "seed003-futian-2021.json").read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, ensure_ascii=False), encoding=encoding)
    code, out, _ = _score(str(path))
    assert code == 0
    assert "总分：96.97" in out


@pytest.mark.django_db
def test_findings_that_block_submission_still_exit_1():
    code, out, _ = _score(str(EXAMPLES / "seed004-taojiang-2024.json"))
    assert code == 1
    assert "[错误] stated_total_not_backed" in out
