"""Answers over documents of other shapes (eval/other: notices, 第X条 regulations, plans, Word files with tables)."""

from __future__ import annotations

import pytest


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "shown"),
    [
        # a 和 inside each side's name: one 与 parts the two sides; 亿 stays 亿 in the result
        ("农村供水保障工程总投资中，中央和省级补助资金与市县配套和社会资本相差多少亿元？", "94亿元 − 62亿元 = 32亿元"),
        # the stated count tells the list's 、 from the 和 inside a thing; the parts are read in one document
        ("岚山县方案中中央和省级资金、县级财政配套、社会资本三项合计多少亿元？", "6.5亿元 + 2.7亿元 + 5亿元 = 14.2亿元"),
        # a side that is only a year takes that year's figure of the asked thing, not the first figure after the year
        ("江岭省农村自来水普及率2025年比2020年底提高多少个百分点？", "92% − 85% = 7个百分点"),
        # things joined before 一共…几个 are added, not counted
        ("国家5A级和4A级旅游景区一共要新增几个？", "1个 + 6个 = 7个"),
        ("五年制高职和“3+2”中高职贯通培养的招生计划加起来是多少人？", "3200人 + 2600人 = 5800人"),
    ],
)
def test_sums_and_differences_on_other_documents(other, question, shown):
    reply = other.ask(question)
    assert reply.answer.startswith(shown + "。依据：")
    assert reply.short == shown.split(" = ")[1]
    assert all(c.quote in c.unit.body for c in reply.citations)


@pytest.mark.slow
def test_a_comparison_of_places_answers_from_each_place_s_document_on_the_topic(other):
    # no document is named: each place issues several documents, and the one on the topic is each side's
    reply = other.ask("岚山县和青川市的农村公路养护资金标准有什么不同？")
    assert reply.found and reply.short == "两份文件都有涉及"
    assert {c.unit.doc_id for c in reply.citations} == {"qc-road-notice", "ls-roadmaint-rules"}
    assert "县道1万元" in reply.answer and "县道每年每公里1.2万元" in reply.answer
    lift = other.ask("加装电梯这件事，青川和岚山各有什么规定？")
    assert {c.unit.doc_id for c in lift.citations} == {"qc-oldcommunity-rules", "ls-oldcommunity-plan"}
    # a side's part is its best sentences on the topic, up to three, from one unit or several
    assert "每部20万元" in lift.answer and "三分之二以上业主同意" in lift.answer
    # one place alone is no comparison: the question is answered as asked
    assert other.ask("青川市农村公路养护资金每年每公里不低于多少？").citations[0].unit.doc_id == "qc-road-notice"


@pytest.mark.slow
def test_a_channel_or_paper_the_document_never_names_is_not_answered_with_something_else(other):
    # the document speaks of the fund and of the form, but never of 材料 to hand in or a 网站 to download from
    for question, missing in (
        ("鹤溪市中小企业申请应急转贷资金需要提交哪些材料？", "材料"),
        ("《鹤溪市高龄津贴申请表》可以在哪个网站下载？", "网站"),
        ("东原市数据共享办法规定数据开放平台由哪家公司运营？", "公司"),  # a department runs it; no company is named
    ):
        reply = other.ask(question)
        assert (reply.found, f"文件没有给出关于“{missing}”的内容" in reply.answer) == (False, True)
        assert reply.citations  # what the document does say, cited
    # a kind named by its instances is still answered ("什么原则" → "打早、打小、打了")
    assert other.ask("岚山县发生森林火情时要坚持什么原则？").found


@pytest.mark.slow
def test_table_cells_under_a_column_that_gives_the_unit(other):
    # "补偿资金（万元/年） 3000": the column says 万元, the cell gives the figure
    assert other.ask("青川出境断面每年补偿资金是多少？").short == "3000万元"
    total = other.ask("三个考核断面每年补偿资金合计多少万元？")
    assert total.answer.startswith("3000万元 + 2000万元 + 1500万元 = 6500万元。依据：")
    # a row filter with a negated term: 预期性, not 约束性
    expected = other.ask("东原安全生产规划表1中有哪些指标是预期性而不是约束性的？")
    assert expected.short == "共1项：危险化学品企业安全生产标准化二级以上达标率"


@pytest.mark.slow
def test_superlatives_and_options_on_a_regulation(other):
    # the "；"-items of one article are the things compared
    oldest = other.ask("高龄津贴哪个年龄段标准最高？")
    assert oldest.short == "1000元" and "100周岁及以上" in oldest.answer
    # the list asked about is the article holding the other options; 生态旅游 is allowed by another article
    reply = other.ask("开垦自然湿地、开展生态旅游、引进外来物种、擅自采砂，这几项里哪项不是湿地条例禁止的？")
    assert reply.short == "开展生态旅游"
    assert {c.unit.doc_id for c in reply.citations} == {"hx-wetland-rules"} and "第十一条" not in reply.answer


@pytest.mark.slow
def test_a_when_question_quotes_the_time_that_opens_the_clause_list(other):
    # "到2025年底，A；B；培训养老护理员2000人次。": the deadline scopes every "；"-clause
    reply = other.ask("青川市培训养老护理员两千人次，要在什么时候前完成？")
    assert reply.answer.startswith("到2025年底，") and "培训养老护理员2000人次。" in reply.answer
    assert len(reply.citations) == 1  # one unit, quoted twice


@pytest.mark.slow
def test_a_regulation_s_articles_are_counted_and_one_is_quoted_whole(other):
    assert other.ask("鹤溪市湿地保护条例一共有多少条？").short == "共15条"
    article = other.ask("湿地保护条例第八条规定了什么？")
    assert article.answer.startswith("第八条禁止下列破坏湿地的行为：（一）")
    assert "（五）引进外来物种或者放生动物" in article.answer and len(article.citations) == 1


@pytest.mark.slow
def test_a_place_only_its_documents_title_names_is_a_side_of_a_comparison(other):
    # the dictionaries do not know 鹤溪: the titles "鹤溪市人民政府关于…" make it a place
    reply = other.ask("青川市和鹤溪市的中小企业支持政策有什么不同？")
    assert reply.short == "两份文件都有涉及"
    assert {c.unit.doc_id for c in reply.citations} == {"hx-sme-notice", "qc-smefund-rules"}


@pytest.mark.slow
def test_a_summary_section_is_found_when_the_question_repeats_the_documents_title(other):
    # "江岭省深化…改革" is the document's own title: the section asked for is 主要任务
    reply = other.ask("江岭省深化现代职业教育体系改革的主要任务有哪些？")
    assert reply.short == "主要任务共4个方面" and "推进职普融通" in reply.answer


@pytest.mark.slow
def test_a_comparison_that_asks_figures_quotes_each_document_s_figure(other):
    # the search across documents gives the regulation only its article on the platform; its figure is found alone
    reply = other.ask("东原市政务数据共享开放管理办法和鹤溪市数字政府建设实施方案，对公共数据开放数据集数量分别提出了什么目标？")
    assert "不少于1200个" in reply.answer and "不少于500个" in reply.answer
    assert {c.unit.doc_id for c in reply.citations} == {"dy-datashare-rules", "hx-digital-plan"}


@pytest.mark.slow
def test_a_ratio_is_its_figures_in_their_order(other):
    reply = other.ask("鹤溪高龄津贴资金是市和县按6∶4分担的吗？")  # the regulation says 4∶6
    assert reply.short == "否" and "4∶6" in reply.answer


@pytest.mark.slow
def test_the_nth_item_of_one_unit_s_enumeration_is_its_nth_quoted_sentence(other):
    # the three measures are sentences of one paragraph (一是…；二是…；三是…), cited once
    earlier = "鹤溪中小企业纾困通知里稳定用工有哪些措施？"
    reply = other.ask("第二条具体补多少？", [earlier])
    assert reply.found and reply.answer.startswith("二是") and "1500元" in reply.answer
    assert all(c.quote in c.unit.body for c in reply.citations)
    assert not other.ask("第九条呢？", [earlier]).found  # there is no ninth: asked what is meant


@pytest.mark.slow
def test_a_notice_of_plain_paragraphs_is_outlined_by_their_parallel_openers(other):
    # no headings: its points are the paragraphs that open "在…方面，", not the enumeration inside one of them
    reply = other.ask("鹤溪支持中小企业纾困的通知，主要从哪几个方面发力？")
    assert reply.short == "共5个方面"
    for point in ("在降低经营成本方面", "在加强融资支持方面", "在稳定企业用工方面", "在拓展市场空间方面", "在优化涉企服务方面"):
        assert point in reply.answer
    assert all(c.quote in c.unit.body for c in reply.citations)
    # a topic of its own is no outline: the section or sentences on it answer
    assert other.ask("鹤溪纾困通知在加强融资支持方面有哪些措施？").short != "共5个方面"


@pytest.mark.slow
def test_the_words_that_name_the_document_or_its_table_filter_no_rows(other):
    # 节水 is the document's (东原节水方案), 农村 and “四好农村路” the table's: only 约束性 filters the rows
    assert other.ask("东原节水方案的主要指标里，哪些是约束性指标？").short.startswith("共3项：用水总量")
    assert other.ask("“四好农村路”实施意见的指标表中约束性指标有几项？").short.startswith("共3项")
    # "不是约束性指标": the negated property is 约束性, what the rows say
    negative = other.ask("东原节水方案的主要指标里，哪些不是约束性指标？")
    assert negative.short == "共2项：农田灌溉水有效利用系数、再生水利用率"


@pytest.mark.slow
def test_each_place_s_document_answers_for_its_side_however_the_question_is_worded(other):
    # "各奖励多少钱" compares (各 before a verb); each side's document was chosen for the topic
    reply = other.ask("青川和东原的文旅文件，对每条精品线路各奖励多少钱？")
    assert reply.found and "每条20万元奖励" in reply.answer
    assert {c.unit.doc_id for c in reply.citations} == {"qc-tourism-notice", "dy-tourism-plan"}
    # 各 before a noun ("各区县") compares nothing
    assert other.ask("青川市农村公路养护资金各区县每年每公里不低于多少？").short != "两份文件都有涉及"


@pytest.mark.slow
def test_a_shortened_title_names_its_document(other):
    # "东原节水方案" is none of the document's names, but shortens its title 东原市节水型社会建设行动方案
    named = other.retriever.named_documents
    assert named("东原节水方案表1有几项预期性指标？") == ["dy-water-saving"]
    assert named("改造方案需要多少户同意？") == []  # too short to name one
    assert other.ask("东原节水方案表1有几项预期性指标？").short.startswith("共2项：农田灌溉水有效利用系数")


@pytest.mark.slow
def test_a_count_that_closes_an_enumeration_is_the_answer(other):
    # "分为基础类、完善类和提升类三类": the text counts its list itself
    assert other.ask("青川老旧小区改造内容分为几类？").short == "三类"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        # the figure of the sentence on the claim's subject decides, however the rest is worded
        ("青川市对社区养老服务站给予每个20万元建设补助，这个说法正确吗？", "否"),  # 10万元; 20万元 is another subsidy's
        ("青川市对社区养老服务站给予每个10万元建设补助，这个说法正确吗？", "是"),
        ("鹤溪市高龄津贴对80至89周岁老人每月发200元，对吗？", "否"),
        ("鹤溪市高龄津贴对80至89周岁老人每月发100元，对吗？", "是"),  # 老人 / 发 paraphrase 老年人 / 发放
    ],
)
def test_a_claim_s_figure_is_judged_by_the_sentence_on_its_subject(other, claim, verdict):
    assert other.ask(claim).short == verdict
