"""How the shipped report font in ``assets/fonts/`` was made (run by hand, not at runtime).

reportlab embeds only TrueType-outline fonts, and Debian's Noto Sans CJK files are CFF, so
we take the Simplified Chinese face of Debian's ``fonts-noto-cjk`` (SIL OFL 1.1), subset it
to what a Chinese accounting firm's records need (GB 2312, Latin, punctuation, and rare
characters seen in personal names), and convert the cubic CFF outlines to quadratic
TrueType ones with fontTools' cu2qu. The result is a few MB, embeds as small subsets, and
renders the same on any machine, which matters for reports kept permanently.

Reproduce (as root on Debian 12)::

    apt-get install fonts-noto-cjk
    .venv/bin/python -m confterm.reports.fontbuild assets/fonts

The OFL requires renaming a modified font, hence the family name "Confterm Sans SC".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

SOURCES = {
    "Regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "Bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
SC_INDEX = 2  # face order in Debian's collection: JP, KR, SC, TC, HK, then Mono faces
FAMILY = "Confterm Sans SC"
OUTPUT = "ConftermSansSC-{weight}.ttf"

# Characters outside GB 2312 that appear in Chinese personal and company names; those the
# source font lacks (e.g. U+4DAE, Ext-B) are silently skipped, and coverage.missing_glyphs
# warns about them before printing.
NAME_EXTRAS = (
    "喆堃玥珺琇瑄瑀翀镕珩玙旻昺炅焜燊垚犇骉甦妤暐頔赟贇珅祎琰璟晞暄晗昇彧禤妘婳姮嬛"
    "炟烜焓煊熠爔晧晳曌昉昳昝玟玹珞珣琍琤瑢瑭璐璠璘璨瓅瓒祐禛稷筠箐縯缇翾胤茗荟菡萱"
    "蔚蕙蓁蕊薇鋆錡鍇铖锴锘镛雯霏霖靓韡頫颀飏馨騏骞鹍鹏鸿麒黛龑䶮㛃𠇔𡒄"
    "堉垲埕埙塬墉嵘崑崟嶙峣岚峤巍弢彦徕恺恒悦慜憬懿擎敩斐旸昀昱晁晏晖晟暕曈曜杲枫"
    "栎栩桢梓棨楠榕槿橦檀欤歆沅泓洵浛涵淏湉湛滢漪潇澍澈灏炜烨煜熙燚犀琛琮琪瑜瑶璇"
)
EXTRA_RANGES = (
    (0x0020, 0x007E), (0x00A0, 0x017F), (0x2000, 0x206F), (0x20A0, 0x20CF),
    (0x2100, 0x218F), (0x2190, 0x21FF), (0x2460, 0x24FF), (0x2500, 0x257F),
    (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F), (0x3200, 0x32FF),
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0xFFFD, 0xFFFD),
)


def gb2312_characters() -> set[int]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    out: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return out


def wanted_codepoints() -> set[int]:
    wanted = gb2312_characters() | {ord(c) for c in NAME_EXTRAS}
    for lo, hi in EXTRA_RANGES:
        wanted.update(range(lo, hi + 1))
    return wanted


def _to_truetype(tt: Any) -> None:
    """Replace the CFF table with quadratic glyf outlines (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_order = tt.getGlyphOrder()
    glyph_set = tt.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    tt["loca"] = newTable("loca")
    tt["glyf"] = glyf
    del tt["CFF "]
    if "VORG" in tt:
        del tt["VORG"]
    tt["head"].glyphDataFormat = 0
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    maxp.maxComponentElements = max(
        (len(g.components) for g in glyf.glyphs.values() if hasattr(g, "components")),
        default=0)
    tt["maxp"] = maxp
    tt["post"].formatType = 3.0  # no glyph names: nothing reads them, and they cost 160 KB
    tt.sfntVersion = "\x00\x01\x00\x00"


def _rename(font: Any, weight: str) -> None:
    name = font["name"]
    full = f"{FAMILY} {weight}" if weight != "Regular" else FAMILY
    ps = f"{FAMILY.replace(' ', '')}-{weight}"
    for record in list(name.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            name.removeNames(nameID=record.nameID)
    name.setName(FAMILY, 1, 3, 1, 0x409)
    name.setName(weight, 2, 3, 1, 0x409)
    name.setName(f"{ps};confterm-subset", 3, 3, 1, 0x409)
    name.setName(full, 4, 3, 1, 0x409)
    name.setName(ps, 6, 3, 1, 0x409)


def build(out_dir: Path, weight: str) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(SOURCES[weight], fontNumber=SC_INDEX, lazy=False)
    options = subset.Options()
    options.layout_features = []  # reportlab shapes nothing; alternates only add weight
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["VORG", "vhea", "vmtx", "DSIG", "GSUB", "GPOS", "GDEF", "BASE"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted_codepoints())
    subsetter.subset(font)
    _to_truetype(font)
    _rename(font, weight)
    out = out_dir / OUTPUT.format(weight=weight)
    font.save(str(out))
    return out


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0] if argv else "assets/fonts")
    out_dir.mkdir(parents=True, exist_ok=True)
    for weight in SOURCES:
        path = build(out_dir, weight)
        print(f"{path}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
