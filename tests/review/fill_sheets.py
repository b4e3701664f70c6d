"""Fills in a working sheet the way a clerk would, for the round-trip test.

    fill_sheets.py decisions IN.xlsx OUT.xlsx YYYY-MM-DD
        In a 评审记录 sheet, finds the first application whose recorded stages
        all passed and whose next stage is open, and records that stage's
        passing decision (its first allowed value), an opinion, the date (a
        real date cell) and a unit. Prints `community_code year stage`.

    fill_sheets.py show IN.xlsx CODE YEAR STAGE
        Prints the 结论 a 评审记录 sheet holds for one application's stage.

    fill_sheets.py verifications IN.xlsx OUT.xlsx YYYY-MM-DD
        In a 核实记录 sheet, gives the first finding awaiting a result the
        result 不属实, with date, checker and note. Prints
        `community_code year detector`.

The layout is read from the sheet itself (the header rows are found by their
labels), so the test holds the program to its own documented layout.
"""

import datetime
import sys

import openpyxl

PASSING = {
    "街道审核": "同意",
    "县级初选": "推荐",
    "实地考察": "合格",
    "市级考核": "合格",
    "公示": "无异议",
    "发文确认": "认定",
}
STAGES = list(PASSING)
PASSES = {
    "街道审核": {"同意"},
    "县级初选": {"推荐"},
    "实地考察": {"合格"},
    "市级考核": {"合格"},
    "公示": {"无异议", "异议已处理"},
    "发文确认": {"认定"},
}


def header_row(ws, first_label):
    for row in ws.iter_rows(min_row=1, max_row=30):
        for cell in row:
            if cell.value == first_label:
                return cell.row
    raise SystemExit(f"no header row starting with {first_label}")


def text(v):
    return "" if v is None else str(v).strip()


def columns(ws):
    fields = header_row(ws, "社区代码")
    groups = fields - 1
    # The upper row labels each group at its first column (merged across it).
    group_at = {}
    current = None
    for col in range(1, ws.max_column + 1):
        label = text(ws.cell(groups, col).value)
        if label:
            current = label
        group_at[col] = current
    col_of = {}
    for col in range(1, ws.max_column + 1):
        col_of[(group_at[col], text(ws.cell(fields, col).value))] = col
    return fields, col_of


def show(ws, code, year, stage):
    fields, col_of = columns(ws)
    for r in range(fields + 1, ws.max_row + 1):
        if (
            text(ws.cell(r, col_of[("申报信息", "社区代码")]).value) == code
            and text(ws.cell(r, col_of[("申报信息", "年度")]).value) == year
        ):
            return text(ws.cell(r, col_of[(stage, "结论")]).value)
    raise SystemExit(f"no row for {code} {year}")


def decisions(ws, day):
    fields, col_of = columns(ws)
    code_col = col_of[("申报信息", "社区代码")]
    year_col = col_of[("申报信息", "年度")]
    for r in range(fields + 1, ws.max_row + 1):
        code = text(ws.cell(r, code_col).value)
        if not code:
            continue
        for stage in STAGES:
            decided = text(ws.cell(r, col_of[(stage, "结论")]).value)
            if decided and decided in PASSES[stage]:
                continue
            if decided:
                break  # stopped here: nothing further can be decided
            ws.cell(r, col_of[(stage, "结论")]).value = PASSING[stage]
            ws.cell(r, col_of[(stage, "意见")]).value = "材料齐全,同意"
            c = ws.cell(r, col_of[(stage, "日期")])
            c.value = day
            c.number_format = "yyyy-mm-dd"
            ws.cell(r, col_of[(stage, "决定单位")]).value = "测试经办单位"
            year = text(ws.cell(r, year_col).value)
            return f"{code} {year} {stage}"
    raise SystemExit("no application with an open stage")


def verifications(ws, day):
    fields = header_row(ws, "社区代码")
    col_of = {text(ws.cell(fields, c).value): c for c in range(1, ws.max_column + 1)}
    for r in range(fields + 1, ws.max_row + 1):
        code = text(ws.cell(r, col_of["社区代码"]).value)
        detector = text(ws.cell(r, col_of["核实事项"]).value)
        if not code or detector == "抽查":
            continue
        if text(ws.cell(r, col_of["核实结果"]).value):
            continue
        ws.cell(r, col_of["核实结果"]).value = "不属实"
        c = ws.cell(r, col_of["核实日期"])
        c.value = day
        c.number_format = "yyyy-mm-dd"
        ws.cell(r, col_of["核实人"]).value = "测试核实人"
        ws.cell(r, col_of["备注"]).value = "实地核实,台账与实际一致"
        year = text(ws.cell(r, col_of["年度"]).value)
        return f"{code} {year} {detector}"
    raise SystemExit("no finding awaiting a result")


def main():
    if sys.argv[1] == "show":
        ws = openpyxl.load_workbook(sys.argv[2]).worksheets[0]
        print(show(ws, *sys.argv[3:6]))
        return
    kind, src, dst, day = sys.argv[1:5]
    day = datetime.datetime.strptime(day, "%Y-%m-%d")
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    out = decisions(ws, day) if kind == "decisions" else verifications(ws, day)
    wb.save(dst)
    print(out)


if __name__ == "__main__":
    main()
