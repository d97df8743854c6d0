"""The report's 存在问题 and 整改措施 split into (problem, measure) pairs, on the seed reports' own wording."""

from assessments.rectification.split import labelled, pair, points, problems_and_measures

SEED_001 = {
    "problems": "一是部分预算绩效管理工作开展不到位，预算绩效管理意识有待提高；\n"
    "二是预算绩效目标及绩效指标填报质量有待加强，绩效目标量化程度不高。",
    "improvements": "（1）加强预算绩效目标管理，编制完整、量化可考核的绩效指标。\n（2）加强绩效目标基础管理工作。",
}
SEED_003 = {
    "evaluation": "主要经验、做法：规范预算编制程序；逐步完善并细化预算绩效指标。\n"
    "存在问题：部分绩效指标不够细化量化；固定资产管理有待加强，部分已达报废年限的固定资产未及时处理。\n"
    "后续工作计划：建立完善预算绩效管理机制；细化量化预算绩效指标；强化资产管理，对已达报废年限的资产及时办理处置手续。",
}
SEED_004 = {
    "problems": "原清算组移交县政府资产不清晰。\n稳定工作压力大，困难群体大。\n预算编制合理性有待提高，预算编制前期准备不够。",
    "improvements": "1、建议资产管理部门收回清算组移交县政府的资产统一管理。\n2、密切关注居民群体的动态，维护群体稳定。\n"
    "3、做好预算编制前期准备工作。\n4、加强财务管理，严格财务会签制度。",
}


def test_points_drop_their_enumerators_and_trailing_punctuation():
    assert points("一是甲问题；二是乙问题。") == ["甲问题", "乙问题"]
    assert points("（1）甲措施。\n（2）乙措施；") == ["甲措施", "乙措施"]
    assert points("1、甲\n2.乙\n① 丙") == ["甲", "乙", "丙"]


def test_one_line_without_enumerators_splits_at_its_semicolons_only():
    assert points("甲问题，如某某；乙问题") == ["甲问题，如某某", "乙问题"]
    assert points("稳定工作压力大。职工有抵触情绪") == ["稳定工作压力大。职工有抵触情绪"]


def test_nothing_to_follow_up_gives_no_points():
    assert points("") == [] and points("无") == [] and points("  \n ") == []


def test_as_many_measures_as_problems_pair_in_order():
    assert problems_and_measures(SEED_001) == [
        (
            "部分预算绩效管理工作开展不到位，预算绩效管理意识有待提高",
            "加强预算绩效目标管理，编制完整、量化可考核的绩效指标",
        ),
        ("预算绩效目标及绩效指标填报质量有待加强，绩效目标量化程度不高", "加强绩效目标基础管理工作"),
    ]


def test_labelled_paragraphs_of_one_section_are_found_and_paired_by_their_words():
    assert labelled(SEED_003["evaluation"], ("存在问题",)).startswith("部分绩效指标不够细化量化")
    assert problems_and_measures(SEED_003) == [
        ("部分绩效指标不够细化量化", "细化量化预算绩效指标"),
        (
            "固定资产管理有待加强，部分已达报废年限的固定资产未及时处理",
            "强化资产管理，对已达报废年限的资产及时办理处置手续",
        ),
        ("", "建立完善预算绩效管理机制"),
    ]


def test_a_measure_answering_no_listed_problem_stands_alone_at_the_end():
    pairs = problems_and_measures(SEED_004)
    assert [p[1][:4] for p in pairs] == ["建议资产", "密切关注", "做好预算", "加强财务"]
    assert pairs[-1][0] == ""


def test_a_problem_without_a_measure_keeps_an_empty_measure():
    assert pair(["甲问题", "乙问题"], []) == [("甲问题", ""), ("乙问题", "")]
    assert pair(["资产管理不到位", "会议费超支"], ["加强资产管理"]) == [
        ("资产管理不到位", "加强资产管理"),
        ("会议费超支", ""),
    ]
