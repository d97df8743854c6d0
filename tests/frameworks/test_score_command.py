import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

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
