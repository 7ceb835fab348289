"""The faithfulness check on LLM sentences: a red-team file of manipulated sentences and faithful paraphrases built from the corpus.

tests/answer/faithfulness_redteam.jsonl was written before the check: 50 manipulated sentences
(negations, prohibitions, stops, antonyms, swapped figures, places, years and subjects, added
claims) and 50 faithful paraphrases, each with the corpus sentence it cites. The "dev" half was
used to tune the check, the "held-out" half was run once afterwards; a "blind" set of 12 + 12 and
a "blind2" set of 15 + 15 were each run once and then tuned on. "dev3" (41 + 26, issue 20) adds
role reversals, scope, modality, comparative and temporal changes and the second corpus's
documents (eval/other/corpus); it was run once on the check before its rules (10/41 dropped,
24/26 kept) and then tuned on. "held-out3" (28 + 23, other documents) was written after those
rules and run once (20/28 dropped, 23/23 kept), then tuned on. "held-out4" (20 + 15, four
documents no other set uses) was written last and run once (16/20, 15/15); two general fixes
followed, and its remaining misses are asserted as measured. docs/reliability.md gives every
first run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer.faithfulness import arabic, judge, polarity, reversals
from assistant.answer.llm import check_sentences
from assistant.records import Unit

ITEMS = [json.loads(line) for line in (Path(__file__).parent / "faithfulness_redteam.jsonl").read_text(encoding="utf-8").splitlines()]
DROP_RATE = 0.95
KEEP_RATE = 0.95


def cited_kept(sentence: str, source: str, title: str = "某市规划") -> bool:
    """What check_sentences (the whole check the writer applies) does with a sentence cited [1] to one unit."""
    unit = Unit("doc/1", "doc", title, "paragraph", "第1段", (), source, 0, len(source))
    accepted, _ = check_sentences(sentence + "[1]", [unit])
    return bool(accepted)


def kept(item: dict) -> bool:
    """The red-team item's sentence, cited to its source under its document's title."""
    return cited_kept(item["sentence"], item["source"], item["title"])


def rates(split: str) -> tuple[float, float]:
    chosen = [item for item in ITEMS if item["split"] == split]
    manipulated = [item for item in chosen if item["expect"] == "drop"]
    faithful = [item for item in chosen if item["expect"] == "keep"]
    drop = sum(not kept(item) for item in manipulated) / len(manipulated)
    keep = sum(kept(item) for item in faithful) / len(faithful)
    print(f"{split}: dropped {drop:.0%} of {len(manipulated)} manipulated, kept {keep:.0%} of {len(faithful)} faithful")
    return drop, keep


def test_the_red_team_file_has_every_kind_in_both_halves():
    assert len(ITEMS) == 432
    assert sum(item["expect"] == "drop" for item in ITEMS) == 238
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)
    for split in ("dev", "held-out"):
        kinds = {item["kind"] for item in ITEMS if item["split"] == split}
        assert kinds == {"negation", "prohibition", "stop", "antonym", "number", "place", "year", "subject", "added", "faithful"}
    dev3 = [item for item in ITEMS if item["split"] == "dev3"]
    assert (sum(item["expect"] == "drop" for item in dev3), sum(item["expect"] == "keep" for item in dev3)) == (41, 26)
    assert {"role", "scope", "modality", "comparative", "temporal"} <= {item["kind"] for item in dev3}
    assert len({item["title"] for item in dev3}) == 11


def test_the_issue_20_sets_sources_are_copied_from_the_corpora():
    """Each dev3, held-out3 and held-out4 source is a corpus passage, word for word (the shipped plans without line breaks)."""
    root = Path(__file__).resolve().parents[2]
    paths = [*root.glob("corpus/*.txt"), *root.glob("eval/other/corpus/*.txt"), *root.glob("eval/other/corpus/*.md")]
    texts = [path.read_text(encoding="utf-8") for path in paths]
    texts += ["".join(text.split()) for text in texts]
    assert all(any(item["source"] in text for text in texts) for item in ITEMS if item["split"] in ("dev3", "held-out3", "held-out4"))


@pytest.mark.parametrize("split", ["dev", "held-out", "blind", "blind2", "dev3", "held-out3"])
def test_manipulated_sentences_are_dropped_and_faithful_paraphrases_kept(split):
    drop, keep = rates(split)
    assert drop >= DROP_RATE
    assert keep >= KEEP_RATE


def test_the_last_set_is_measured_with_its_misses():
    drop, keep = rates("held-out4")
    # kept: 县道/乡道 swapped between two 负责 clauses (jieba splits 县道 into 县 道), and 命名长期有效
    # where the citation says 命名有效期为三年 (one word of its own) (docs/reliability.md)
    assert (round(drop * 20), round(keep * 15)) == (18, 15)


def test_the_blind3_set_is_measured_with_its_misses():
    """blind3: written by a helper who never saw the checker, run once (61/72 dropped, 40/53 kept), then general fixes."""
    drop, keep = rates("blind3")
    # kept: a 不再 turned 仍可, two agencies trading roles, a direction within one 向 phrase, two scope widenings
    # (全省各地, 全面推开); dropped: table rows given as bare cells (three), 持续到 for 至, 加快 for 加大, and a
    # reordering that puts 是重点 after its list
    assert (round(drop * 72), round(keep * 53)) == (67, 47)


def test_names_targets_and_bounds_a_model_gets_wrong_are_dropped_and_their_rewordings_kept():
    wetland = "对岚湖湿地实施退养还湿1200亩，恢复湿地植被。"
    assert cited_kept("对岚湖湿地实施退养还湿1200亩。", wetland) and not cited_kept("对岚江湿地实施退养还湿1200亩。", wetland)
    drought = "对干旱易发的东部丘陵地区，要提前制定抗旱预案。"
    assert not cited_kept("干旱易发的北部山区要提前制定抗旱预案。", drought)
    fine = "开垦自然湿地的，由林业主管部门责令停止违法行为。"
    assert not cited_kept("开垦自然湿地的，由生态环境主管部门责令停止违法行为。", fine)
    target = "到2027年，全省农村公路总里程达到16.5万公里。"
    assert cited_kept("到2027年全省农村公路总里程要达到16.5万公里。", target)
    assert not cited_kept("全省农村公路总里程已达到16.5万公里。", target)
    duty = "主汛期值班人员不得少于2人。"
    assert not cited_kept("主汛期值班人员不超过2人。", duty)
    assert cited_kept("护林员要每天巡山。", "护林员要每日巡山，重点时段实行管控。")
    assert cited_kept("同意改造的户数应达到总户数的2/3以上。", "同意改造的户数应当达到总户数的三分之二以上。")
    assert cited_kept("鹤溪市要实现市县乡村四级全覆盖。", "实现电子政务外网市、县、乡、村四级全覆盖。", "鹤溪市数字政府建设方案")


def test_a_figure_written_in_another_magnitude_or_under_its_column_unit_is_the_same_figure():
    assert cited_kept("5G基站数量要达到1.2万个。", "到2027年，5G基站数量达到12000个。")
    assert cited_kept("村道养护资金按每年每公里3500元纳入预算。", "村道养护资金按每年每公里0.35万元的标准纳入预算。")
    assert cited_kept("桐湾入江口的补偿资金为1500万元。", "表1 第3项 桐湾入江口：补偿资金（万元/年） 1500")
    assert not cited_kept("5G基站数量要达到1.3万个。", "到2027年，5G基站数量达到12000个。")
    assert not cited_kept("桐湾入江口的补偿资金为1500元。", "表1 第3项 桐湾入江口：补偿资金（万元/年） 1500")


def test_the_issues_two_reversals_are_dropped():
    miners = next(item for item in ITEMS if item["id"] == "rt001")
    green = next(item for item in ITEMS if item["id"] == "rt002")
    assert not kept(miners) and not kept(green)
    assert judge(miners["sentence"], [miners["source"]], miners["title"]).reason == "polarity differs: 老矿区转型发展不坚持以矿工为中心"


@pytest.mark.parametrize(
    ("clause", "kinds"),
    [
        ("不断提高职工收入水平", set()),
        ("坚定不移深化改革", set()),
        ("不需要提高职工收入水平", {"negate"}),
        ("严禁新建煤矿", {"prohibit"}),
        ("不得新建煤矿", {"prohibit"}),
        ("暂停清洁生产", {"stop"}),
        ("未来五年", set()),
        ("不采用非实物保护模式", {"negate"}),
    ],
)
def test_polarity_counts_reversal_words_not_compounds(clause, kinds):
    assert polarity(clause) == frozenset(kinds)


def test_a_reversal_applies_to_what_follows_it():
    assert reversals("不采用非实物保护模式") == [("negate", "采用"), ("negate", "实物")]
    assert reversals("部分地区转型步伐不快") == [("negate", "快")]
    # the cited clause negates 实物, which the generated clause leaves out: no disagreement
    cited = "对已消失的重要工业遗产采用非实物保护模式，在原遗址位置进行虚拟复原。"
    assert judge("对已消失的重要工业遗产，可在原遗址位置进行虚拟复原。", [cited]).faithful


def test_a_figure_must_match_whole_and_with_its_place():
    subsidence = next(item for item in ITEMS if item["source"].startswith("重点采煤沉陷区"))
    assert judge("沛县重点采煤沉陷区沉陷面积约54.48平方公里。", [subsidence["source"]]).faithful
    # aligned with 铜山区's sentence, which holds 4.68万人 but not 沛县
    assert judge("沛县重点采煤沉陷区涉及4.68万人。", [subsidence["source"]]).reason == "not in the cited sentence: 沛县"
    assert judge("沛县和铜山区重点采煤沉陷区分别涉及4.68万人和16.55万人。", [subsidence["source"]]).faithful is False
    assert judge("沛县重点采煤沉陷区涉及6.55万人。", [subsidence["source"]]).reason == "not in the cited sentence: 6.55万人"


def test_numerals_are_compared_as_digits():
    assert arabic("两个工作日，百分之十二，一年以上，三万人，一百二十处") == "2个工作日，12%，1年以上，3万人，120处"
    # a numeral that is not a quantity stays: 一批, a place, an idiom, a plan period
    assert arabic("培育一批企业，九里湖，退二进三，十四五") == "培育一批企业，九里湖，退二进三，十四五"
    cited = "确需临时占用湿地的，期限一般不超过两年，期满后应当恢复原状。"
    unit = Unit("doc/1", "doc", "湿地保护条例", "paragraph", "第1段", (), cited, 0, len(cited))
    assert check_sentences("确需临时占用湿地的，期限一般不超过2年。[1]", [unit])[0] == [("确需临时占用湿地的，期限一般不超过2年。", [1])]
    assert judge("确需临时占用湿地的，期限一般不超过2年。", [cited]).faithful


def test_a_bound_may_not_turn_round():
    cited = "确需临时占用湿地的，期限一般不超过2年，期满后应当恢复原状。"
    assert judge("确需临时占用湿地的，期限一般不少于2年。", [cited]).reason == "bound reversed: 2年"
    assert judge("确需临时占用湿地的，期限一般最多2年。", [cited]).faithful
    # not a negation: 不高于 is the bound 不超过 is
    assert judge("确需临时占用湿地的，期限一般不高于2年。", [cited]).faithful
    road = "到2026年底，全市农村公路优良中等路率达到85%以上，比2023年提高8个百分点。"
    assert judge("到2026年底，全市农村公路优良中等路率达到85%以下。", [road]).reason == "bound reversed: 85%"
    filing = "各区县人民政府要于每年3月31日前将年度实施计划报市交通运输局备案。"
    assert judge("各区县人民政府要于每年3月31日后将年度实施计划报市交通运输局备案。", [filing]).reason == "bound reversed: 31日"


def test_a_scope_word_must_be_the_cited_clauses():
    roads = "截至2023年底，全市农村公路总里程达到8650公里，所有乡镇和建制村实现通硬化路、通客车。但部分路段建设标准偏低。"
    # 部分 is in the cited text, but the matching clause says 所有
    assert judge("全市只有部分乡镇和建制村实现通硬化路、通客车。", [roads]).reason.startswith("scope word not in the cited clause: 部分")
    water = "年用水量1万立方米以上的工业企业全部纳入重点监控。"
    assert judge("年用水量1万立方米以上的工业企业部分纳入重点监控。", [water]).reason.startswith("scope word not in the cited clause: 部分")
    # the scope word of the cited sentence's subject, written in another clause: kept
    gaps = next(item for item in ITEMS if item["id"] == "rt087")
    assert judge(gaps["sentence"], [gaps["source"]]).faithful


def test_modality_may_not_turn_encouragement_into_obligation():
    cited = "第十二条 鼓励村（居）民委员会将湿地保护纳入村规民约，设立湿地管护员。"
    assert judge("村（居）民委员会必须将湿地保护纳入村规民约。", [cited]).reason.startswith("modality differs: 必须")
    assert judge("鼓励村（居）民委员会把湿地保护纳入村规民约。", [cited]).faithful
    listing = "面积在100公顷以上的湿地，可以列为市级重要湿地。"
    assert judge("面积在100公顷以上的湿地应当列为市级重要湿地。", [listing]).reason.startswith("modality differs: 应当")
    budget = "各区县要将农村公路养护资金纳入本级财政预算。"
    assert judge("各区县可自行决定将农村公路养护资金纳入本级财政预算。", [budget]).reason.startswith("modality differs: 自行")


def test_an_opposite_may_not_replace_its_pair():
    cited = "优先选用水库等地表水作为水源，对水量不足的水源实施水源置换或连通。"
    assert judge("优先选用地下水作为水源。", [cited]).reason == "reversed: 优先选用地下水作为水源。"
    loans = "对单户贷款金额1000万元以下的首次贷款，按贷款市场报价利率的30%给予贴息。"
    assert judge("对单户贷款金额1000万元以下的再次贷款，按贷款市场报价利率的30%给予贴息。", [loans]).faithful is False


def test_a_direction_word_may_be_a_synonym_of_the_cited_one():
    cited = "推动煤机装备、高附加值生产性服务出口比重持续提升。"
    assert judge("推动煤机装备、高附加值生产性服务出口比重持续提高。", [cited]).faithful
    assert judge("推动煤机装备、高附加值生产性服务出口比重持续下降。", [cited]).faithful is False
    water = "农田灌溉水有效利用系数提高到0.58，城市公共供水管网漏损率控制在9%以内。"
    assert judge("农田灌溉水有效利用系数提高至0.58。", [water]).faithful
    assert judge("农田灌溉水有效利用系数降至0.58。", [water]).faithful is False
    centres = "支持企业建设技术中心、工程研究中心。"
    assert judge("鼓励企业建设技术中心。", [centres]).faithful
    assert judge("限制企业建设技术中心。", [centres]).faithful is False


def test_a_prohibition_may_be_written_with_another_word():
    heating = "城区集中供热室内温度不得低于18摄氏度。"
    assert judge("城区集中供热的室内温度不能低于18摄氏度。", [heating]).faithful
    assert judge("城区集中供热的室内温度不能高于18摄氏度。", [heating]).faithful is False


def test_names_ending_in_an_administrative_suffix_are_facts():
    cited = "青川市交通运输局负责统筹协调和技术指导。"
    assert judge("鹤溪市交通运输局负责统筹协调和技术指导。", [cited]).reason == "not in the cited sentence: 鹤溪市"
    assert judge("青川市教育局负责统筹协调和技术指导。", [cited]).reason == "not in the cited sentence: 教育局"
    # 报送市交通运输局 names no place 报送市: 报送 is a verb
    filing = "各区县人民政府要于每年3月31日前将年度实施计划报市交通运输局备案。"
    assert judge("各区县需在每年3月31日前把年度实施计划报送市交通运输局备案。", [filing]).faithful
    # 县水利局和县… holds no name 局和县
    agencies = next(item for item in ITEMS if item["id"] == "rt349")
    assert judge(agencies["sentence"], [agencies["source"]]).faithful


def test_a_value_swapped_within_the_citation_is_dropped():
    water = "到2020年底，全省农村集中供水率达到88%，自来水普及率达到85%。"
    assert judge("到2020年底，全省农村集中供水率达到85%。", [water]).reason.startswith("swapped within the citation: 85%")
    assert judge("到2020年底，全省农村集中供水率达到88%，自来水普及率为85%。", [water]).faithful
    offices = "市交通运输局负责统筹协调和技术指导；市财政局负责补助资金拨付和绩效评价。"
    assert judge("市财政局负责统筹协调和技术指导。", [offices]).reason.startswith("swapped within the citation: 财政局")
    # a bare item (徐州市2017和2018年度、…) shares the predicate of the one after it
    years = next(item for item in ITEMS if item["id"] == "rt100")
    assert judge(years["sentence"], [years["source"]]).faithful


def test_levels_and_periods_are_values_that_may_not_be_swapped():
    patrols = "省级河湖长每年巡河不少于2次，县级河湖长每月不少于1次，乡级河湖长每旬不少于1次，村级河湖长每周不少于1次。"
    assert judge("村级河湖长每月不少于1次。", [patrols]).reason == "swapped within the citation: 村级 (村级河湖长每月不少于1次。)"
    assert judge("县级河湖长每月巡河不少于1次，村级河湖长每周不少于1次。", [patrols]).faithful
    # a bound is part of a figure: 20%以内 is charged 1倍, not 2倍
    prices = "超计划20%以内的部分按水价的1倍加价，超计划20%以上的部分按水价的2倍加价。"
    assert judge("超计划20%以内的部分按水价的2倍加价。", [prices]).reason.startswith("swapped within the citation: 2倍")


def test_a_figure_keeps_its_year_but_not_a_comparison_base():
    cited = "2020年徐州市采矿业增加值为146亿元，2025年全市新增就业人数10万人。"
    assert judge("2025年徐州市采矿业增加值为146亿元。", [cited]).reason == "figure of another place, year or name: 146亿元"
    water = next(item for item in ITEMS if item["id"] == "rt355")
    assert judge(water["sentence"], [water["source"]]).faithful  # 较2023年 is a base, 到2026年 the year


def test_words_may_not_change_sides_of_a_shared_verb():
    shift = "资源型地区加快培育壮大接续替代产业，由“一业独大”转向“多元支撑”。"
    assert judge("资源型地区由“多元支撑”转向“一业独大”。", [shift]).reason.startswith("words moved across: 转向")
    chief = "省级总河湖长由省人民政府主要负责人担任。"
    assert judge("省人民政府主要负责人由省级总河湖长担任。", [chief]).reason.startswith("words moved across")
    schools = "到2025年将全市中等职业学校由28所整合为18所。"
    assert judge("到2025年将全市中等职业学校由18所整合为28所。", [schools]).reason.startswith("words moved across")
    # coordinated items may change places, and a passive keeps both before the verb
    roads = "其中县乡道改造450公里、村道窄路面拓宽750公里。"
    assert judge("其中村道窄路面拓宽750公里、县乡道改造450公里。", [roads]).faithful
    talks = "对进度滞后、质量问题突出的，由市政府督查室约谈区县政府主要负责人。"
    assert judge("对进度滞后、质量问题突出的，区县政府主要负责人将被市政府督查室约谈。", [talks]).faithful


def test_an_added_clause_with_words_of_its_own_is_dropped():
    chain = next(item for item in ITEMS if item["id"] == "rt138")
    assert judge(chain["sentence"], [chain["source"]]).reason == "clause not covered: 并免征企业所得税三年。 (免征、所得税)"
    # a synonym (加速 for 加快) is not a word of its own
    roads = "为加快补齐农村公路短板，更好服务乡村振兴，经市人民政府同意，现就有关事项通知如下。"
    assert judge("要加速补齐农村公路短板，更好服务乡村振兴。", [roads]).faithful


def test_a_negation_from_a_neighbouring_cited_clause_is_the_citations():
    merged = next(item for item in ITEMS if item["id"] == "rt345")
    assert judge(merged["sentence"], [merged["source"]]).faithful
    assert judge("河湖长在巡河中发现问题不能及时报告的，应当提交有关部门处理。", [merged["source"]]).faithful is False


def test_a_figure_after_a_condition_clause_is_that_conditions():
    rewards = next(item for item in ITEMS if item["id"] == "rt435")["source"]
    # 3000元 is the reward for 重大事故隐患; the sentence's condition copies the other case's sentence
    mixed = "对举报瞒报、谎报事故的，最低奖励3000元，奖励金额按照行政处罚金额的15%计算。"
    assert judge(mixed, [rewards]).reason == "figure of another case: 3000元"
    assert judge("对举报瞒报、谎报事故的，最低奖励3万元。", [rewards]).faithful
    # the cited text's ； ends a sentence after NFKC too (it is ; then): only the matching case is aligned
    assert judge("对举报瞒报、谎报事故的，最低奖励3000元。", [rewards]).reason == "not in the cited sentence: 3000元"


def test_a_figure_keeps_its_quoted_name():
    heating = next(item for item in ITEMS if item["id"] == "rt418")["source"]
    assert judge("对完成“煤改电”的农户，每立方米补贴1元。", [heating]).reason == "figure of another place, year or name: 1元"
    assert judge("对完成“煤改气”的农户，每立方米补贴1元。", [heating]).faithful


def test_fractions_are_figures():
    votes = next(item for item in ITEMS if item["id"] == "rt426")
    assert judge(votes["sentence"], [votes["source"]]).reason.startswith("swapped within the citation: 四分之三")
    assert judge("同意改造的居民户数应当达到小区总户数的三分之二以上。", [votes["source"]]).faithful


def test_a_value_swapped_between_the_segments_of_one_clause_is_dropped():
    reports = next(item for item in ITEMS if item["id"] == "rt409")
    assert judge(reports["sentence"], [reports["source"]]).reason.startswith("swapped within the citation: 1 ")
    assert judge("发生重大险情或灾情的，各地须在30分钟内电话报告、1小时内书面报告省水利厅。", [reports["source"]]).faithful


def test_words_may_not_be_exchanged_between_two_verbs():
    drought = next(item for item in ITEMS if item["id"] == "rt412")
    assert judge(drought["sentence"], [drought["source"]]).reason == "words exchanged between verbs: 保障/兼顾"
    assert judge("要优先保障城乡居民生活用水，兼顾农业灌溉和生态用水。", [drought["source"]]).faithful
    duties = next(item for item in ITEMS if item["id"] == "rt447")
    assert judge(duties["sentence"], [duties["source"]]).reason == "words exchanged between verbs: 推进/承担"
    assert judge("市中小企业发展工作领导小组负责统筹推进，市工业和信息化局承担日常工作。", [duties["source"]]).faithful


def test_first_and_last_are_opposites():
    first = next(item for item in ITEMS if item["id"] == "rt437")
    assert judge(first["sentence"], [first["source"]]).reason == "reversed: 奖励最后举报人。"


def test_a_clause_with_only_the_copied_segments_words_took_the_other_segments_value():
    bandwidth = next(item for item in ITEMS if item["id"] == "rt502")
    assert judge(bandwidth["sentence"], [bandwidth["source"]]).reason.startswith("swapped within the citation: 50 lower")
    assert judge("乡镇带宽不低于200兆，村（社区）带宽不低于50兆。", [bandwidth["source"]]).faithful


def test_a_name_before_qu_is_a_place():
    station = next(item for item in ITEMS if item["id"] == "rt509")
    assert judge(station["sentence"], [station["source"]]).reason == "not in the cited sentence: 桐湾区"
    assert judge("由青川市生态环境监测站对考核断面每月监测一次。", [station["source"]]).faithful


def test_a_word_replaced_by_its_opposite_or_by_another_of_the_citations_is_dropped():
    groups = "推动老工业地区企业兼并重组，支持跨行业的战略性重组，加快低效产能退出，引导要素向优势企业集聚，提高集中度和竞争力。"
    cited = "支持中小企业走专精特新发展之路。" + groups
    assert judge("引导要素向中小企业集聚。", [cited]).reason == "word replaced: 优势企业 → 中小企业 (引导要素向中小企业集聚。)"
    assert judge("引导要素向优势企业集聚。", [cited]).faithful
    # a verb a model rewords (推动 → 支持) is not a replacement of this kind
    assert judge("支持老工业地区企业兼并重组。", [cited]).faithful
    towns = "以打造一批创新资源多、产业结构优、竞争实力强的“产业名城”为切入点。"
    assert judge("以打造一批创新资源少、产业结构优的“产业名城”为切入点。", [towns]).reason.startswith("word replaced: 多 → 少")


def test_a_noun_moved_from_one_verb_to_the_other_is_an_exchange():
    cited = "推动传统制造业加快向其他地区升级转移，为新兴产业发展腾退发展空间。"
    swapped = "推动新兴产业加快向其他地区升级转移，为传统制造业腾退发展空间。"
    assert judge(swapped, [cited]).reason.startswith("words exchanged between verbs")
    assert judge("推动传统制造业加快向其他地区升级转移，为新兴产业腾退发展空间。", [cited]).faithful
