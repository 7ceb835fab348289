"""The word lists of the faithfulness check (faithfulness.py), each documented where it is defined.

Negations, prohibitions and stops; direction pairs and opposites; synonyms a paraphrase may use;
bounds, scope and modality words; places, bodies and named features. A sentence is kept only when
its words of these kinds agree with the sentence it cites.
"""

from __future__ import annotations

import re

NEGATIONS = ("不", "未", "无", "非", "没", "勿", "莫", "否")
# Compounds in which those characters do not negate (不断提高 is not a reversal of 提高).
EXEMPT = ("不断", "不仅", "不但", "不少", "不同", "不久", "未来", "无论", "非常", "毫不", "坚定不移", "无缝")
# 不能 and 不可 are counted here too: a model writes 不得低于 as 不能低于.
PROHIBITIONS = ("禁止", "严禁", "不得", "不准", "不许", "杜绝", "不应", "不宜", "不能", "不可", "不允许")
STOPS = ("停止", "暂停", "取消", "中止", "终止", "废止", "撤销", "放弃")
# Pairs of directions: one word standing where the cited clause has the other is a reversal, and
# a word of them the cited sentences never use (nor a SYNONYMS mate of it) is a claim of its own.
DIRECTIONS = (
    ("增加", "减少"),
    ("增长", "下降"),
    ("增长", "减少"),
    ("扩大", "压减"),
    ("扩大", "缩小"),
    ("扩大", "淘汰"),
    ("提高", "降低"),
    ("提升", "降低"),
    ("提升", "下降"),
    ("提高", "下降"),
    ("上升", "下降"),
    ("加快", "放缓"),
    ("加强", "削弱"),
    ("强化", "削弱"),
    ("强化", "弱化"),
    ("加大", "减小"),
    ("加大", "减弱"),
    ("增强", "减弱"),
    ("增强", "削弱"),
    ("鼓励", "限制"),
    ("支持", "限制"),
    ("推进", "暂停"),
    ("新建", "关闭"),
    ("较大", "较小"),
    ("明显", "没有"),
    ("壮大", "萎缩"),
    ("增大", "减小"),
    ("增大", "减少"),
    ("加强", "放松"),
    ("完善", "削弱"),
    ("先进", "落后"),
    ("提高至", "降至"),
    ("升至", "降至"),
    ("上调", "下调"),
    ("放宽", "收紧"),
    ("加快", "延缓"),
    ("提前", "推迟"),
    ("加大", "压缩"),
    ("扩大", "压缩"),
    ("上移", "下移"),
)
ANTONYMS = DIRECTIONS  # the name the first version of the check exported
# Pairs of opposites that are ordinary words too (城市 may be a model's word for 城镇): only a
# substitution counts, one word where the matching cited clause has the other and not the word.
OPPOSITES = (
    ("首次", "再次"),
    ("最先", "最后"),
    ("最早", "最晚"),
    ("首批", "第二批"),
    ("以上", "以下"),
    ("以上", "以内"),
    ("之前", "之后"),
    ("以前", "以后"),
    ("高于", "低于"),
    ("多于", "少于"),
    ("大于", "小于"),
    ("超过", "低于"),
    ("最高", "最低"),
    ("最多", "最少"),
    ("最大", "最小"),
    ("上限", "下限"),
    ("城市", "农村"),
    ("城镇", "农村"),
    ("城区", "郊区"),
    ("国内", "国外"),
    ("国内", "境外"),
    ("进口", "出口"),
    ("流入", "流出"),
    ("地表", "地下"),
    ("地上", "地下"),
    ("上游", "下游"),
    ("线上", "线下"),
    ("增量", "存量"),
    ("事前", "事后"),
    ("长期", "短期"),
    ("集中", "分散"),
    ("收取", "免收"),
    ("收费", "免费"),
    ("征收", "免征"),
    ("奖励", "处罚"),
    ("加分", "扣分"),
    ("上级", "下级"),
    ("改善", "恶化"),
    ("保护", "破坏"),
    ("盈利", "亏损"),
    ("东部", "西部"),
    ("南部", "北部"),
)
# One-character opposites, counted only as a whole word the clause put in the cited word's place (资源多 → 资源少).
CHAR_OPPOSITES = (
    ("多", "少"),
    ("高", "低"),
    ("大", "小"),
    ("强", "弱"),
    ("快", "慢"),
    ("增", "减"),
    ("升", "降"),
    ("优", "劣"),
    ("前", "后"),
    ("上", "下"),
)
# Share of a clause's bigrams its matching cited clause must hold for a one-word replacement to be a change, not a rewording.
COPY_SHARE = 0.6
# Words a model swaps for one another without changing what is said (推进/推动, 加快/加速): each
# counts as the other for the content words and for a direction word the citation never uses.
SYNONYMS = (
    ("每天", "每日"),
    ("推进", "推动", "促进"),
    ("加快", "加速"),
    ("提高", "提升"),
    ("加强", "强化", "增强"),
    ("增加", "增长", "增多"),
    ("扩大", "扩展", "拓展"),
    ("降低", "下降", "减少", "压减", "削减"),
    ("建设", "建立", "构建", "打造"),
    ("完善", "健全"),
    ("实施", "开展", "推行", "落实"),
    ("支持", "扶持", "鼓励"),
    ("加大", "加强"),
    ("缩小", "减少"),
    ("提高至", "提高到", "提升至", "提升到"),
    ("降至", "降到", "降低至", "降低到", "下降至", "下降到"),
    ("升至", "升到", "上升至", "上升到"),
    ("培育", "培养"),
    ("优化", "改善"),
    ("保障", "确保", "保证"),
    ("明显", "显著"),
    ("持续", "不断", "继续"),
    ("逐步", "逐渐"),
    ("目前", "当前"),
    ("地区", "区域"),
    ("达到", "达"),
    ("给予", "提供"),
    ("补助", "补贴"),
    ("资金", "经费"),
    ("应当", "应该"),
    ("需要", "须要"),
    ("获得", "享受"),
)
# Bounds a figure carries, written before it (不少于60%) or after it (60%以上, 400多家, 3月31日前).
# A lower bound where the cited text gives the same figure an upper one, or the reverse, is a reversal.
BOUNDS = {
    ("lower", "before"): (
        "不得少于", "不得低于", "不能少于", "不能低于", "不应少于", "不应低于", "不可低于", "不少于", "不低于", "至少", "超过",
        "高于", "多于", "大于", "逾", "最低", "突破",
    ),
    ("upper", "before"): (
        "不得超过", "不得高于", "不能超过", "不能高于", "不应超过", "不应高于", "不可超过", "不超过", "不高于", "不多于",
        "不大于", "不足", "不到", "低于", "少于", "小于", "最多", "至多", "最高", "近",
    ),
    ("lower", "after"): ("以上", "以后", "之后", "后", "起", "以来", "多", "余"),
    ("upper", "after"): ("以下", "以内", "前", "以前", "之前"),
}
# Scope words: how much of something the clause speaks of. Each must be in the matching cited clause.
SCOPE = {
    "all": ("全部", "所有", "一律", "全体", "一切", "任何", "全都", "完全", "彻底", "全额", "悉数", "无一例外"),
    "part": ("部分", "一些", "有些", "有的", "个别", "少数", "某些", "多数", "大部分", "大多数", "局部"),
    "only": ("只有", "只能", "仅有", "仅限", "唯一", "仅仅", "只", "仅"),
}
# Modality. A strong obligation or a free choice must be in the cited sentences; an obligation where
# the matching cited clause only permits, or a permission where it obliges, is a reversal.
OBLIGATIONS = ("必须", "务必", "一律", "强制", "硬性")
CHOICES = ("自行", "自愿", "自主决定", "酌情", "视情况", "是否")
OBLIGE = re.compile(r"必须|务必|应当|应该|须|一律|(?<![相反对供响适])应(?![用急对变收])")
PERMIT = re.compile(r"可以|(?<![认许宁])可(?!持续|靠|能|行|视|控|观|再生|喜|见|惜|谓|信|复制|用)|允许|鼓励")
# Places the corpus names (and the provinces and Jiangsu's cities a model may swap in).
PLACES = (
    "江苏",
    "徐州",
    "常州",
    "南京",
    "无锡",
    "苏州",
    "南通",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
    "贾汪",
    "沛县",
    "铜山",
    "泉山",
    "鼓楼",
    "云龙",
    "九里",
    "大黄山",
    "安国湖",
    "庞庄",
    "权台",
    "新沂",
    "邳州",
    "睢宁",
    "丰县",
    "戚墅堰",
    "武进",
    "新北",
    "天宁",
    "钟楼",
    "金坛",
    "溧阳",
    "经开区",
    "山西",
    "内蒙古",
    "陕西",
    "河南",
    "山东",
    "安徽",
    "河北",
    "黑龙江",
    "吉林",
    "辽宁",
    "贵州",
    "云南",
    "四川",
    "重庆",
    "甘肃",
    "宁夏",
    "新疆",
    "湖南",
    "湖北",
    "江西",
    "浙江",
    "上海",
    "北京",
    "天津",
    "广东",
    "东北",
    "西北",
    "华东",
    "长三角",
    "淮海",
)
BODIES = re.compile(r"国务院|党中央|中央|省委|省政府|发展改革委|财政部|自然资源部|国家能源局|工业和信息化部|人民政府")
# A name before 省/市/县/区 (青川市, 岚山县, 桐湾区) or before 局/厅/委/办/室 (财政局, 水利厅, 督查室): two
# characters and the suffix. Not when the two characters end in one that makes a common noun
# with the suffix (城市, 全省, 各县, 布局, 举办).
NAMED_PLACE = re.compile(r"[\u4e00-\u9fff]{2}(?:省|市|县|区)")
NAMED_BODY = re.compile(r"[\u4e00-\u9fff]{2}(?:局|厅|委|办|室)")
COMMON_BEFORE = {
    "省": "全各本该我外跨分节反市",
    "市": "城都全各本该我省地县区门超上股夜集",
    "县": "全各本该我市区州郡范点强大困",
    "区": "城矿园社景山辖新片范发业护能验行聚陷煤库灾牧林湖老校街商厂港镇乡村地农工心点合保试限禁种养灌核先功贫",
    "局": "格布全大当结开变新残时定出",
    "厅": "大客餐展门",
    "委": "主",
    "办": "举创主承开兴督包照代帮通",
    "室": "教",
}
# Characters that end a name rather than begin one (县水利局和县… is not a place 局和县).
NOT_IN_NAMES = set("和与及或的在对向从为将把由等并是到省市县区乡镇村局厅委办室级个几多每各全本该零〇一二两三四五六七八九十百千")
# A named water or region (岚湖湿地, 青川河), a part of a province by direction (北部山区), an authority by
# its field (林业主管部门): each must be in the cited text as written, unless its two characters are a
# common modifier (自然湿地, 重要湿地, 有关主管部门).
NAMED_FEATURE = re.compile(r"([\u4e00-\u9fff]{2})(?:湿地|湖|水库|流域|山区|丘陵)")
REGION = re.compile(r"[东西南北中]部(?:山区|丘陵|地区|平原|沿海)?")
AUTHORITY = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:行政)?主管部门")
COMMON_FEATURE = {
    "自然", "重要", "国家", "省级", "市级", "县级", "城市", "农村", "主要", "其他", "各类", "一般", "重点", "上游", "下游",
    "沿线", "周边", "有关", "相关", "行业", "各级", "本级", "同级", "管理", "所在", "干旱", "易发", "丘陵", "山区", "地区",
    # verbs a water follows in a task ("检查水库", "治理河湖"), not names
    "检查", "治理", "建设", "保护", "修复", "恢复", "开发", "利用", "整治", "新建", "改造", "加固", "清理", "巡查",
}
