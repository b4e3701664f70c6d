"""Registry extracts saved the way bureau desktops save them, for
tests/ingest_shapes.rs: the clean rows it hands over (a JSON file) laid out
with title rows, a two-row header, merged cells, totals and notes, full-width
and numeric identifiers, written by openpyxl; then each workbook saved again
by LibreOffice (headless) as XLSX and as CSV, and the CSV in GB18030 too.

    python3 make_shapes.py request.json out_dir

Each shape and writer goes to out_dir/<shape>-<writer>/, holding the table
file(s) of that shape. The clean rows never leave the temporary folder.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys

from openpyxl import Workbook

FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789-X"}


def full_width(text):
    """Digits, `-` and `X` as their full-width forms, an ideographic space after."""
    return "".join(FULL_WIDTH.get(c, c) for c in text) + "\u3000"


def as_date(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d")


def put(ws, row, values, date_columns=()):
    for c, v in enumerate(values, start=1):
        if v is None or v == "":
            continue
        cell = ws.cell(row=row, column=c, value=v)
        if c - 1 in date_columns and isinstance(v, datetime.datetime):
            cell.number_format = "yyyy-mm-dd"


def title(ws, width, name):
    """A title merged across the sheet, then an export-time line."""
    ws.cell(row=1, column=1, value=name)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=2, column=1, value="导出时间：2021-12-31 18:00")
    ws.cell(row=2, column=width - 1, value="制表单位：新华区人社局")
    return 3


def footers(ws, row, width, count):
    ws.cell(row=row, column=1, value="合计")
    ws.cell(row=row, column=3, value=f"{count}人")
    ws.cell(row=row + 1, column=1, value="注：本表由社区劳动保障站填报，数据截至2021年12月31日。")
    ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=width)
    ws.cell(row=row + 2, column=1, value="填表人：张三")
    ws.cell(row=row + 2, column=4, value="审核人：李四")
    ws.cell(row=row + 2, column=6, value="负责人：王五")


def persons_rows(req, numeric=(), full=False):
    """The persons rows as cells: birth dates as date cells; the rows whose
    index is in `numeric` with the identity number as an Excel number shown
    as Excel shows it (4.10402E+17); `full`: identifiers, codes and the
    entry date full-width."""
    out = []
    for i, r in enumerate(req["persons"]["rows"]):
        r = list(r)
        r[4] = as_date(r[4])
        if i in numeric:
            # Excel keeps 15 significant digits: the last three are gone.
            r[0] = float(r[0][:15] + "000")
        if full:
            r[0], r[1], r[2], r[6] = (full_width(r[k]) for k in (0, 1, 2, 6))
        out.append(r)
    return out


def number_formats(ws, first_row, rows, numeric):
    for i in numeric:
        ws.cell(row=first_row + i, column=1).number_format = "0.00000E+00"


def persons_book(req, shape):
    headers = req["persons"]["headers"]
    width = len(headers)
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    numeric = (1, 3) if shape in ("numeric_ids",) else ()
    rows = persons_rows(req, numeric=numeric, full=shape == "full_width")
    row = 1
    if shape in ("title", "register"):
        row = title(ws, width, "平顶山市劳动力资源台账(2021年度)")
    if shape in ("two_row", "register"):
        # 公民身份号码 and 社区代码 merged down over both rows; group labels
        # merged across the columns they group.
        for c in (1, 2):
            ws.cell(row=row, column=c, value=headers[c - 1])
            ws.merge_cells(start_row=row, start_column=c, end_row=row + 1, end_column=c)
        ws.cell(row=row, column=3, value="基本信息")
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
        ws.cell(row=row, column=6, value="就业状况")
        ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=7)
        put(ws, row + 1, [""] * 2 + headers[2:])
        row += 2
    else:
        put(ws, row, headers)
        row += 1
    first = row
    for r in rows:
        if shape == "register":
            # Community codes typed as numbers: 12 digits are exact.
            r = [r[0], int(r[1])] + r[2:]
        put(ws, row, r, date_columns=(4,))
        row += 1
    number_formats(ws, first, rows, numeric)
    if shape == "register":
        for i in range(len(rows)):
            ws.cell(row=first + i, column=2).number_format = "0"
    if shape in ("footers", "register"):
        footers(ws, row, width, len(rows))
    return wb


def communities_book(req):
    """The roster as kept by hand: a title, county and street merged down
    over their communities' rows, a totals line."""
    headers = req["communities"]["headers"]
    rows = req["communities"]["rows"]
    wb = Workbook()
    ws = wb.active
    row = title(ws, len(headers), "平顶山市社区名册(2021年度)")
    put(ws, row, headers)
    row += 1
    start = row
    for i, r in enumerate(rows):
        above = rows[i - 1] if i else None
        cells = list(r)
        if above and above[2] == r[2]:
            cells[2] = ""
        if above and above[2] == r[2] and above[3] == r[3]:
            cells[3] = ""
        put(ws, row, cells)
        row += 1
    for col in (3, 4):
        run = start
        for i in range(1, len(rows) + 1):
            same = i < len(rows) and all(
                rows[i][k] == rows[i - 1][k] for k in range(2, col)
            )
            if not same:
                if start + i - 1 > run:
                    ws.merge_cells(start_row=run, start_column=col, end_row=start + i - 1, end_column=col)
                run = start + i
    footers(ws, row, len(headers), len(rows))
    return wb


def libreoffice(files, to, out_dir, profile):
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            out_dir,
            *files,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def main():
    request, out = sys.argv[1], os.path.abspath(sys.argv[2])
    with open(request, encoding="utf-8") as f:
        req = json.load(f)
    books = {}
    for shape in ("title", "two_row", "footers", "full_width", "numeric_ids", "register"):
        books[(shape, "persons")] = persons_book(req, shape)
    books[("merged", "communities")] = communities_book(req)

    staged = os.path.join(out, "staged")
    os.makedirs(staged)
    written = []
    for (shape, table), wb in books.items():
        folder = os.path.join(out, f"{shape}-openpyxl")
        os.makedirs(folder)
        path = os.path.join(folder, f"{table}.xlsx")
        wb.save(path)
        # LibreOffice converts files of one name into one folder: one file a shape.
        copy = os.path.join(staged, f"{shape}.{table}.xlsx")
        shutil.copy(path, copy)
        written.append((shape, table, copy))

    profile = os.path.join(out, "lo-profile")
    lo_xlsx, lo_csv = os.path.join(out, "lo-xlsx"), os.path.join(out, "lo-csv")
    files = [c for _, _, c in written]
    libreoffice(files, "xlsx:Calc MS Excel 2007 XML", lo_xlsx, profile)
    # Comma, double quotes, UTF-8, cells as shown (4.10402E+17 stays so).
    libreoffice(files, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", lo_csv, profile)
    for shape, table, copy in written:
        stem = os.path.splitext(os.path.basename(copy))[0]
        folder = os.path.join(out, f"{shape}-libreoffice")
        os.makedirs(folder)
        shutil.copy(os.path.join(lo_xlsx, stem + ".xlsx"), os.path.join(folder, f"{table}.xlsx"))
        if shape == "merged":
            # A CSV has no merged cells: a merged register goes as a workbook.
            continue
        with open(os.path.join(lo_csv, stem + ".csv"), encoding="utf-8") as f:
            text = f.read()
        for encoding in ("utf-8", "gb18030"):
            folder = os.path.join(out, f"{shape}-csv-{encoding}")
            os.makedirs(folder)
            with open(os.path.join(folder, f"{table}.csv"), "w", encoding=encoding, newline="") as f:
                f.write(text)


if __name__ == "__main__":
    main()
