#!/usr/bin/python3
"""Writes the XLSX fixtures of tests/test-sources-xlsx.c into this folder.

Run it with /usr/bin/python3 (standard library only) after changing it, and
commit the .xlsx files it writes: the tests read them, not this script.

Every workbook is written by hand, part by part, so that each one holds
exactly the features a test checks, including ones Excel itself does not
write but other tools do (cells without references, prefixed element names,
a byte-order mark, absolute relationship targets).  The damaged files are
made from sound ones by cutting or overwriting bytes.
"""

import io
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def content_types(n_sheets, shared=True, styles=True):
    parts = [
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
    ]
    for i in range(1, n_sheets + 1):
        parts.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    if shared:
        parts.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    if styles:
        parts.append('<Override PartName="/xl/styles.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>')
    return (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + "".join(parts) + "</Types>")


ROOT_RELS = (DECL + f'<Relationships xmlns="{PKG_REL}">'
             f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
             "</Relationships>")


def workbook(names, date1904=False):
    pr = '<workbookPr date1904="1"/>' if date1904 else '<workbookPr defaultThemeVersion="124226"/>'
    sheets = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, n in enumerate(names, 1))
    return (DECL + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">{pr}<sheets>{sheets}</sheets></workbook>')


def workbook_rels(n_sheets, shared=True, styles=True, missing=()):
    rels = []
    for i in range(1, n_sheets + 1):
        target = f"worksheets/missing{i}.xml" if i in missing else f"worksheets/sheet{i}.xml"
        rels.append(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="{target}"/>')
    if styles:
        rels.append(f'<Relationship Id="rId{n_sheets + 1}" Type="{REL}/styles" Target="styles.xml"/>')
    if shared:
        rels.append(f'<Relationship Id="rId{n_sheets + 2}" Type="{REL}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
    return DECL + f'<Relationships xmlns="{PKG_REL}">' + "".join(rels) + "</Relationships>"


def styles(custom, xfs):
    """custom: [(id, code)], xfs: the numFmtId of each cell format."""
    fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{code}"/>' for i, code in custom)
    apply = ' applyNumberFormat="1"'
    cell_xfs = "".join(f'<xf numFmtId="{fmt}" fontId="0" fillId="0" borderId="0" xfId="0"'
                       f'{apply if fmt else ""}/>' for fmt in xfs)
    # The one cell style format is a date: a reader that counted it among
    # the cell formats would shift every "s" by one.
    return (DECL + f'<styleSheet xmlns="{MAIN}">'
            f'<numFmts count="{len(custom)}">{fmts}</numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="14" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{cell_xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>")


def shared_strings(items):
    """items: XML of each <si>'s content, or a plain string for a <t>."""
    sis = []
    for item in items:
        if isinstance(item, str):
            item = f"<t>{esc(item)}</t>"
        else:
            item = item[0]
        sis.append(f"<si>{item}</si>")
    return (DECL + f'<sst xmlns="{MAIN}" count="{len(sis)}" uniqueCount="{len(sis)}">'
            + "".join(sis) + "</sst>")


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def sheet(rows, dimension=None):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (DECL + f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{dim}'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f'<sheetData>{"".join(rows)}</sheetData>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            "</worksheet>")


def row(n, cells, extra=""):
    return f'<row r="{n}"{extra}>' + "".join(cells) + "</row>"


def s(ref, index, style=0):
    return f'<c r="{ref}" t="s"{style_attr(style)}><v>{index}</v></c>'


def n(ref, value, style=0):
    return f'<c r="{ref}"{style_attr(style)}><v>{value}</v></c>'


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{esc(text)}</t></is></c>'


def style_attr(style):
    return f' s="{style}"' if style else ""


def write_zip(name, parts, compression=zipfile.ZIP_DEFLATED):
    """Writes @parts ([(name, text or bytes)]) as a ZIP archive; returns its bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for part, data in parts:
            info = zipfile.ZipInfo(part, date_time=(2024, 1, 15, 12, 0, 0))
            info.compress_type = compression
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    data = buf.getvalue()
    if name is not None:
        save(name, data)
    return data


def save(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def package(sheet_names, sheets, strings=None, style=None, date1904=False, missing=()):
    parts = [
        ("[Content_Types].xml", content_types(len(sheet_names), strings is not None, style is not None)),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", workbook(sheet_names, date1904)),
        ("xl/_rels/workbook.xml.rels",
         workbook_rels(len(sheet_names), strings is not None, style is not None, missing)),
    ]
    if style is not None:
        parts.append(("xl/styles.xml", style))
    if strings is not None:
        parts.append(("xl/sharedStrings.xml", strings))
    for i, text in enumerate(sheets, 1):
        if text is not None:
            parts.append((f"xl/worksheets/sheet{i}.xml", text))
    return parts


# sales.xlsx: two sheets, shared strings (rich text, phonetic guides,
# escapes), every cell type, gaps, and dates of several formats.

SALES_STRINGS = shared_strings([
    "Region",                                                       # 0
    ("<r><rPr><b/></rPr><t>Un</t></r><r><t>its</t></r>",),          # 1
    "Price", "Active", "Note", "Date",                              # 2-5
    "North",                                                        # 6
    ('<r><t>So</t></r><r><rPr><i/></rPr><t xml:space="preserve">uth</t></r>'
     '<rPh sb="0" eb="2"><t>サウス</t></rPh><phoneticPr fontId="1"/>',),  # 7
    "East",                                                         # 8
    "Line 1_x000D_\nLine 2",                                        # 9
    "Item", "Cost", "When", "Day", "Time", "Duration", "Amount",    # 10-16
    "Rent", "Power", 'Café & "Bar" <3>',                            # 17-19
    "_x005F_x0041_ stays",                                          # 20
    ('<t xml:space="preserve">  padded  </t>',),                    # 21
    "Water",                                                        # 22
])

SALES_STYLES = styles(
    [(164, "dd/mm/yyyy hh:mm"),
     (165, '0.00&quot; days&quot;'),
     (166, "[Red][&lt;0]0.00;[Blue]0.00"),
     (167, "yyyy\\-mm\\-dd;@")],
    # 0 General, 1 date (14), 2 date and time (164), 3 time (21),
    # 4 elapsed [h]:mm:ss (46), 5 number with a quoted unit (165),
    # 6 number with colours (166), 7 date (167), 8 "0.00" (2)
    [0, 14, 164, 21, 46, 165, 166, 167, 2])

SALES = sheet([
    row(1, [s("A1", 0), s("B1", 1), s("C1", 2), s("D1", 3), s("E1", 4), s("F1", 5)]),
    row(2, [s("A2", 6), n("B2", 12), n("C2", 3.5), '<c r="D2" t="b"><v>1</v></c>',
            inline("E2", "first"), n("F2", 45306, 1)]),
    row(3, [s("A3", 7), n("B3", -7), n("C3", 0.1), '<c r="D3" t="b"><v>0</v></c>',
            '<c r="E3" t="str"><f>CONCAT("x","-y")</f><v>x-y</v></c>',
            '<c r="F3" t="e" s="1"><f>1/0</f><v>#DIV/0!</v></c>']),
    # Row 4 is absent; row 5 is sparse, with a styled cell without a value.
    row(5, [s("A5", 8), n("C5", "1E-3"), '<c r="D5" s="3"/>', n("F5", 45337.75, 1)]),
    # Formatting only: no values.
    row(6, ['<c r="A6" s="1"/>', '<c r="B6" s="2"/>'], ' ht="30" customHeight="1"'),
    row(7, ['<c r="A7" t="inlineStr"><is><r><t>We</t></r><r><rPr><i/></rPr><t>st</t></r></is></c>',
            n("B7", "1.5E+20"), n("C7", "0.30000000000000004"), s("E7", 9),
            inline("G7", "beyond the header")]),
    # A shared string that does not exist: the row is bad, reading goes on.
    row(8, [s("A8", 99), n("B8", 5)]),
    row(9, [s("A9", 19), n("B9", 1000000), n("C9", 2.5, 8), '<c r="D9" t="b"><v>1</v></c>',
            s("E9", 20), n("F9", 60, 1)]),
    # A value only beyond the header's columns: nothing to read.
    row(10, [inline("G10", "outside")]),
    row(11, [s("A11", 21), n("B11", 0), n("C11", 123456789012345678)]),
], dimension="A1:G11")

COSTS = sheet([
    row(1, [s("A1", 10), s("B1", 11), s("C1", 12), s("D1", 13), s("E1", 14), s("F1", 15), s("G1", 16)]),
    row(2, [s("A2", 17), n("B2", 1200), n("C2", 45306.5, 2), n("D2", 45307, 1), n("E2", 0.75, 3),
            n("F2", 1.5, 4), n("G2", 3, 5)]),
    row(3, [s("A3", 18), n("B3", 80.25), n("C3", 45337.25, 2), n("D3", 61, 7),
            n("E3", "0.52083333333333337", 3), n("F3", 0.25, 4), n("G3", 2.5, 6)]),
    row(4, [s("A4", 22), n("B4", 35.5), n("C4", 45366, 2), n("D4", 59, 1), n("E4", 0, 3),
            n("F4", 36 / 24, 4), n("G4", 0, 6)]),
])

sales = package(["Sales", "Costs"], [SALES, COSTS], SALES_STRINGS, SALES_STYLES)
sales_bytes = write_zip("sales.xlsx", sales)


# dates1904.xlsx: the 1904 date system, date cells (t="d"), a time format
# on a value past one day, and a sheet with nothing in it.

DATES_STYLES = styles([], [0, 14, 22, 21])
DATES = sheet([
    row(1, [inline("A1", "Label"), inline("B1", "Date"), inline("C1", "Stamp"), inline("D1", "Iso")]),
    row(2, [inline("A2", "zero"), n("B2", 0, 1), n("C2", 0.5, 2),
            '<c r="D2" t="d" s="1"><v>2024-03-01T00:00:00</v></c>']),
    row(3, [inline("A3", "jan"), n("B3", 43844, 1), n("C3", 43844.75, 3),
            '<c r="D3" t="d" s="2"><v>2024-03-01T10:30:00.000</v></c>']),
])
BLANK = sheet([row(1, ['<c r="A1" s="1"/>']), row(2, [])])
write_zip("dates1904.xlsx",
          package(["Data", "Blank"], [DATES, BLANK], None, DATES_STYLES, date1904=True))


# libreoffice.xlsx, stored: no shared strings and no styles, prefixed
# element names, cells and rows without references, a byte-order mark, an
# absolute relationship target, CDATA, pretty-printed cells, and a sheet name
# beyond ASCII.

LO_SHEET = ("\ufeff" + DECL + f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
            '<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
            '<x:c t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c>'
            '<x:c t="inlineStr"><x:is><x:t>c</x:t></x:is></x:c></x:row>'
            "<x:row><x:c><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c><x:c><x:v>3</x:v></x:c></x:row>"
            '<x:row r="4"><x:c t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>'
            '<x:c r="C4" t="inlineStr"><x:is><x:t>z</x:t></x:is></x:c></x:row>'
            "<x:row><x:c/><x:c t=\"inlineStr\"><x:is><x:t><![CDATA[<tag> & more]]></x:t></x:is></x:c>"
            '<x:c t="b">\n  <x:v> 1 </x:v>\n</x:c></x:row>'
            "</x:sheetData></x:worksheet>")
LO_WORKBOOK = (DECL + f'<x:workbook xmlns:x="{MAIN}" xmlns:rel="{REL}"><x:sheets>'
               '<x:sheet name="Лист1" sheetId="1" rel:id="sheetRel"/></x:sheets></x:workbook>')
LO_RELS = (DECL + f'<Relationships xmlns="{PKG_REL}">'
           f'<Relationship Id="sheetRel" Type="{REL}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
           "</Relationships>")
write_zip("libreoffice.xlsx", [
    ("[Content_Types].xml", content_types(1, False, False)),
    ("_rels/.rels", ROOT_RELS),
    ("xl/workbook.xml", LO_WORKBOOK),
    ("xl/_rels/workbook.xml.rels", LO_RELS),
    ("xl/worksheets/sheet1.xml", LO_SHEET),
], zipfile.ZIP_STORED)


# skip-rows.xlsx: a title, a gap, a note, then the table.

REPORT = sheet([
    row(1, [inline("A1", "Quarterly report")]),
    row(3, [inline("A3", "Source: finance")]),
    row(4, [inline("A4", "id"), inline("B4", "name"), inline("C4", "amount")]),
    row(5, [n("A5", 1), inline("B5", "Ada"), n("C5", 10.5)]),
    row(6, [n("A6", 2), inline("B6", "Bob"), n("C6", 20)]),
    row(8, [n("A8", 3), n("C8", 30)]),
])
write_zip("skip-rows.xlsx", package(["Report"], [REPORT]))


# big.xlsx: enough rows that the sheet is inflated and parsed in several
# blocks, with elements cut across their edges.  The rows have no
# references, which keeps the file small.

BIG = sheet([row(1, [s("A1", 0), s("B1", 1)])] + [
    f'<row><c><v>{i}</v></c><c t="s"><v>{2 + i % 2}</v></c></row>' for i in range(1, 3001)])
write_zip("big.xlsx", package(["Rows"], [BIG], shared_strings(["n", "parity", "even", "odd"])))


# Damaged and foreign files.

save("not-a-zip.xlsx", b"id,name\n1,Ada\n")
save("truncated.xlsx", sales_bytes[: len(sales_bytes) * 2 // 3])
save("ole.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))


def damaged(name, parts, part, change, compression=zipfile.ZIP_DEFLATED):
    """Writes @parts with the stored bytes of @part passed through @change."""
    data = bytearray(write_zip(None, parts, compression))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    end = start + info.compress_size
    data[start:end] = change(bytes(data[start:end]))
    save(name, bytes(data))


# Deflate data starting with block type 3, which does not exist.
damaged("corrupt-deflate.xlsx", sales, "xl/worksheets/sheet1.xml",
        lambda b: b"\xff" * 8 + b[8:])
# Stored, with one digit changed: well-formed XML that fails its CRC.
damaged("bad-crc.xlsx", sales, "xl/worksheets/sheet1.xml",
        lambda b: b.replace(b"<v>1000000</v>", b"<v>1000001</v>"), zipfile.ZIP_STORED)

# XML that breaks after two good rows.
BAD_XML = (DECL + f'<worksheet xmlns="{MAIN}"><sheetData>'
           + row(1, [inline("A1", "id")]) + row(2, [n("A2", 1)])
           + '<row r="3"><c r="A3"><v>2</v></row></sheetData></worksheet>')
write_zip("bad-xml.xlsx", package(["Broken"], [BAD_XML]))

# Sheet "Two" points at a part that is not in the archive.
write_zip("missing-part.xlsx",
          package(["One", "Two"], [sheet([row(1, [inline("A1", "x")])]), None], missing=(2,)))

# A ZIP archive, but of a word-processing document and of an OpenDocument
# spreadsheet.
write_zip("not-a-workbook.xlsx", [("word/document.xml", DECL + "<document/>")])
write_zip("opendocument.xlsx", [
    ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
    ("content.xml", DECL + "<office:document-content xmlns:office="
     '"urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>'),
], zipfile.ZIP_STORED)


def zip64(data):
    """Rewrites the end of @data in the ZIP64 layout: a ZIP64 end record and
    its locator before an end record whose fields say "see ZIP64"."""
    eocd = data.rfind(b"PK\x05\x06")
    _, _, _, count, _, cd_size, cd_offset, _ = struct.unpack("<IHHHHIIH", data[eocd:eocd + 22])
    record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, cd_size, cd_offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, eocd, 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return data[:eocd] + record + locator + end


save("zip64.xlsx", zip64(write_zip(None, package(["Data"], [REPORT]))))
