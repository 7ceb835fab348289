"""Normalise: one character normaliser for every reader, so that text from a PDF, a Word file or a
text file spells each character the way the simplified-Chinese text does.

PDF printers (browsers, Word) write the glyph of a common character under the code point of a
radical that shares the glyph in the font: pypdf then returns `⽼⼯业` for 老工业 and `⻓` for 长.
NFKC maps the Kangxi radicals (U+2F00…) but not the CJK radicals supplement (U+2E80…), and it maps
some of them to traditional forms (`⼾` → 戶 where the text has 户). `RADICALS` is therefore a
complete table of both blocks, made from the glyphs Noto Sans CJK SC shares between a radical and a
unified ideograph (the simplified form the text uses), completed from Unicode's equivalent unified
ideographs and NFKC where the font shares none. CJK compatibility ideographs (U+F900…, U+2F800…)
are replaced by their canonical (NFC) equivalents; full-width digits and letters become ASCII.
"""

from __future__ import annotations

import re
import unicodedata

# Radical, unified ideograph, radical, …: every code point of U+2E80–U+2EF3 and U+2F00–U+2FD5.
_PAIRS = (
    "⺀冫⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺇𠘨⺈刀⺉刂⺊卜⺋㔾⺌小⺍𭕄⺎兀⺏尣⺐尢⺑尢⺒巳⺓幺⺔彑⺕彐⺖忄⺗心"
    "⺘扌⺙攵⺛旡⺜日⺝月⺞歺⺟母⺠民⺡氵⺢氺⺣灬⺤爫⺥爫⺦丬⺧牛⺨犭⺩𤣩⺪疋⺫罒⺬示⺭礻⺮𥫗⺯糹⺰纟"
    "⺱罓⺲罒⺳㓁⺴罒⺵网⺶羊⺷羊⺸羊⺹耂⺺肀⺻聿⺼月⺽𦥑⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻇𧢲⻈讠"
    "⻉贝⻊𧾷⻋车⻌辶⻍辶⻎辶⻏阝⻐钅⻑長⻒镸⻓长⻔门⻕𨸏⻖阝⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻞𩙿⻟飠⻠饣"
    "⻡𩠐⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
    "⼀一⼁丨⼂丶⼃丿⼄乙⼅亅⼆二⼇亠⼈人⼉儿⼊入⼋八⼌冂⼍冖⼎冫⼏几⼐凵⼑刀⼒力⼓勹⼔匕⼕匚⼖匸⼗十"
    "⼘卜⼙卩⼚厂⼛厶⼜又⼝口⼞囗⼟土⼠士⼡夂⼢夊⼣夕⼤大⼥女⼦子⼧宀⼨寸⼩小⼪尢⼫尸⼬屮⼭山⼮巛⼯工"
    "⼰己⼱巾⼲干⼳幺⼴广⼵廴⼶廾⼷弋⼸弓⼹彐⼺彡⼻彳⼼心⼽戈⼾户⼿手⽀支⽁攴⽂文⽃斗⽄斤⽅方⽆无⽇日"
    "⽈曰⽉月⽊木⽋欠⽌止⽍歹⽎殳⽏毋⽐比⽑毛⽒氏⽓气⽔水⽕火⽖爪⽗父⽘爻⽙爿⽚片⽛牙⽜牛⽝犬⽞玄⽟玉"
    "⽠瓜⽡瓦⽢甘⽣生⽤用⽥田⽦疋⽧疒⽨癶⽩白⽪皮⽫皿⽬目⽭矛⽮矢⽯石⽰示⽱禸⽲禾⽳穴⽴立⽵竹⽶米⽷糸"
    "⽸缶⽹网⽺羊⽻羽⽼老⽽而⽾耒⽿耳⾀聿⾁肉⾂臣⾃自⾄至⾅臼⾆舌⾇舛⾈舟⾉艮⾊色⾋艸⾌虍⾍虫⾎血⾏行"
    "⾐衣⾑襾⾒見⾓角⾔言⾕谷⾖豆⾗豕⾘豸⾙貝⾚赤⾛走⾜足⾝身⾞車⾟辛⾠辰⾡辵⾢邑⾣酉⾤釆⾥里⾦金⾧長"
    "⾨門⾩阜⾪隶⾫隹⾬雨⾭靑⾮非⾯面⾰革⾱韋⾲韭⾳音⾴頁⾵風⾶飛⾷食⾸首⾹香⾺馬⾻骨⾼高⾽髟⾾鬥⾿鬯"
    "⿀鬲⿁鬼⿂魚⿃鳥⿄鹵⿅鹿⿆麥⿇麻⿈黃⿉黍⿊黑⿋黹⿌黽⿍鼎⿎鼓⿏鼠⿐鼻⿑齊⿒齒⿓龍⿔龜⿕龠"
)
RADICALS: dict[str, str] = {_PAIRS[i]: _PAIRS[i + 1] for i in range(0, len(_PAIRS), 2)}
_TRANSLATION = str.maketrans(RADICALS)
# Full-width digits and Latin letters (０–９, Ａ–Ｚ, ａ–ｚ); full-width punctuation (（），：) is Chinese text and stays.
_TRANSLATION.update({code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))})
_COMPATIBILITY = re.compile("[\uf900-\ufaff\U0002f800-\U0002fa1f]")
_SPECIAL = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\U0002f800-\U0002fa1f]")


def normalise_characters(text: str) -> str:
    """The text with radicals, compatibility ideographs and full-width digits and letters replaced.

    Args:
        text: text as a reader extracted it.

    Returns:
        The same text in the code points of the unified ideographs and ASCII digits and letters;
        text without such characters is returned unchanged (the same object).
    """
    if not _SPECIAL.search(text):
        return text
    text = text.translate(_TRANSLATION)
    return _COMPATIBILITY.sub(lambda match: unicodedata.normalize("NFC", match.group()), text)


def special_characters(text: str) -> int:
    """How many radicals, compatibility ideographs or full-width digits and letters the text holds."""
    return len(_SPECIAL.findall(text))
