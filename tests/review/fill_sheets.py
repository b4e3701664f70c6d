"""Fills in a working sheet the way a clerk would, for the round-trip test.

    fill_sheets.py decisions IN.xlsx OUT.xlsx YYYY-MM-DD
        In a 评审记录 sheet, finds the first application whose recorded stages
        all passed and whose next stage is open, and records that stage's
        passing decision (the first value of its dropdown; the stages in the
        sheet's own order), an opinion, the date (a
        real date cell) and a unit. Prints `community_code year stage`.

    fill_sheets.py show IN.xlsx CODE YEAR STAGE
        Prints the 结论 a 评审记录 sheet holds for one application's stage.

    fill_sheets.py record IN.xlsx OUT.xlsx CODE YEAR STAGE OUTCOME YYYY-MM-DD
        In a 评审记录 sheet, records OUTCOME for one application's STAGE.

    fill_sheets.py objection IN.xlsx OUT.xlsx CODE YEAR RECEIVED TEXT RESOLUTION RESOLVED
        In a 异议登记 sheet, registers an objection (or records the resolution
        of the one with the same TEXT); RESOLUTION and RESOLVED may be "".

    fill_sheets.py row IN.xlsx OUT.xlsx "列=值;…" "列=值;列=@YYYY-MM-DD;…"
        In a list sheet (取消资格审批, 报送登记, …), sets the cells of the row
        matching the first list; a value starting with @ is a date.

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

# Outcomes that let an application go on besides each stage's first
# dropdown value (the stage's own passing outcome comes first in the list).
ALSO_PASSING = {"异议不成立"}


def header_row(ws, first_label):
    for row in ws.iter_rows(min_row=1, max_row=30):
        for cell in row:
            if cell.value == first_label:
                return cell.row
    raise SystemExit(f"no header row starting with {first_label}")


def text(v):
    return "" if v is None else str(v).strip()


def stages(ws):
    """The stage groups in the sheet's order, each with its dropdown's values."""
    fields, col_of = columns(ws)
    options = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list" or not dv.formula1:
            continue
        values = dv.formula1.strip('"').split(",")
        for rng in dv.sqref.ranges:
            options[rng.min_col] = values
    out = []
    for (group, field), col in sorted(col_of.items(), key=lambda kv: kv[1]):
        if group and group != "申报信息" and field == "结论":
            out.append((group, options.get(col, [])))
    return out


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
    order = stages(ws)
    for r in range(fields + 1, ws.max_row + 1):
        code = text(ws.cell(r, code_col).value)
        if not code:
            continue
        for stage, values in order:
            decided = text(ws.cell(r, col_of[(stage, "结论")]).value)
            if decided and (decided == values[0] or decided in ALSO_PASSING):
                continue
            if decided:
                break  # stopped or waiting here: nothing further can be decided
            ws.cell(r, col_of[(stage, "结论")]).value = values[0]
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


def record(ws, code, year, stage, outcome, day):
    """Records `outcome` for one application's stage."""
    fields, col_of = columns(ws)
    for r in range(fields + 1, ws.max_row + 1):
        if (
            text(ws.cell(r, col_of[("申报信息", "社区代码")]).value) == code
            and text(ws.cell(r, col_of[("申报信息", "年度")]).value) == year
        ):
            ws.cell(r, col_of[(stage, "结论")]).value = outcome
            ws.cell(r, col_of[(stage, "意见")]).value = f"{stage}:{outcome}"
            c = ws.cell(r, col_of[(stage, "日期")])
            c.value = day
            c.number_format = "yyyy-mm-dd"
            ws.cell(r, col_of[(stage, "决定单位")]).value = "市人力资源和社会保障局"
            return
    raise SystemExit(f"no row for {code} {year}")


def objection(ws, code, year, received, content, resolution, resolved):
    """Registers an objection in a 异议登记 sheet: the application's blank
    row if it has one, else the row with the same text (its resolution
    recorded), else a new row below the last."""
    fields = header_row(ws, "社区代码")
    col_of = {text(ws.cell(fields, c).value): c for c in range(1, ws.max_column + 1)}
    target = None
    for r in range(fields + 1, ws.max_row + 1):
        if text(ws.cell(r, col_of["社区代码"]).value) != code:
            continue
        if text(ws.cell(r, col_of["年度"]).value) != year:
            continue
        said = text(ws.cell(r, col_of["异议内容"]).value)
        if said in ("", content):
            target = r
            break
    if target is None:
        target = ws.max_row + 1
        ws.cell(target, col_of["社区代码"]).value = code
        ws.cell(target, col_of["年度"]).value = int(year)
    def day_cell(name, value):
        c = ws.cell(target, col_of[name])
        c.value = value
        c.number_format = "yyyy-mm-dd"
    day_cell("受理日期", received)
    ws.cell(target, col_of["异议内容"]).value = content
    ws.cell(target, col_of["核查单位"]).value = "市人社局就业促进科"
    if resolution:
        ws.cell(target, col_of["处理结果"]).value = resolution
        day_cell("处理日期", resolved)


def fill_row(ws, match, values):
    """In a list sheet (one header row), sets `values` ("列=值;列=@日期")
    in the row whose cells match `match` ("列=值;…")."""
    fields = header_row(ws, "社区代码") if any(
        c.value == "社区代码" for row in ws.iter_rows(min_row=1, max_row=30) for c in row
    ) else header_row(ws, "所在区县")
    col_of = {text(ws.cell(fields, c).value): c for c in range(1, ws.max_column + 1)}
    pairs = lambda spec: [p.split("=", 1) for p in spec.split(";") if p]
    want = pairs(match)
    for r in range(fields + 1, ws.max_row + 1):
        if all(text(ws.cell(r, col_of[k]).value) == v for k, v in want):
            for k, v in pairs(values):
                c = ws.cell(r, col_of[k])
                if v.startswith("@"):
                    c.value = day_of(v[1:])
                    c.number_format = "yyyy-mm-dd"
                else:
                    c.value = v
            return
    raise SystemExit(f"no row matching {match}")


def day_of(s):
    return datetime.datetime.strptime(s, "%Y-%m-%d")


def main():
    if sys.argv[1] == "show":
        ws = openpyxl.load_workbook(sys.argv[2]).worksheets[0]
        print(show(ws, *sys.argv[3:6]))
        return
    if sys.argv[1] == "row":
        src, dst, match, values = sys.argv[2:6]
        wb = openpyxl.load_workbook(src)
        fill_row(wb.worksheets[0], match, values)
        wb.save(dst)
        return
    if sys.argv[1] in ("record", "objection"):
        kind, src, dst = sys.argv[1:4]
        wb = openpyxl.load_workbook(src)
        ws = wb.worksheets[0]
        if kind == "record":
            code, year, stage, outcome, day = sys.argv[4:9]
            record(ws, code, year, stage, outcome, day_of(day))
        else:
            code, year, received, content, resolution, resolved = sys.argv[4:10]
            objection(
                ws, code, year, day_of(received), content, resolution,
                day_of(resolved) if resolved else None,
            )
        wb.save(dst)
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
