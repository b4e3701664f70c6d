"""The panel's working sheets as a bureau fills them in: a 评审记录 sheet in
its wide layout (title rows, a two-row header with the group labels merged
over their columns, one row per application) and a 核实记录 sheet (title rows,
one header row), written by openpyxl into <out>/openpyxl/ and saved again by
LibreOffice (headless) into <out>/libreoffice/.

A cell given as {"date": "YYYY-MM-DD"} is written as a real date formatted
yyyy-mm-dd (what Excel and LibreOffice save when a clerk types a date);
any other value as it is.

Usage: make_review_sheets.py REQUEST.json OUT_DIR
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile

from openpyxl import Workbook
from openpyxl.styles import Alignment


def put(ws, row, values):
    for col, v in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col)
        if isinstance(v, dict) and "date" in v:
            cell.value = datetime.datetime.strptime(v["date"], "%Y-%m-%d")
            cell.number_format = "yyyy-mm-dd"
        elif v is not None:
            cell.value = v


def decision_book(spec):
    wb = Workbook()
    ws = wb.active
    ws.title = spec.get("sheet", "评审记录")
    width = sum(span for _, span in spec["upper"])
    ws.cell(row=1, column=1, value=spec["title"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=2, column=1, value=spec.get("subtitle", "填表单位:"))
    col = 1
    for label, span in spec["upper"]:
        ws.cell(row=3, column=col, value=label).alignment = Alignment(horizontal="center")
        if span > 1:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + span - 1)
        col += span
    put(ws, 4, spec["lower"])
    for i, r in enumerate(spec["rows"]):
        put(ws, 5 + i, r)
    return wb


def verification_book(spec):
    wb = Workbook()
    ws = wb.active
    ws.title = spec.get("sheet", "核实记录")
    ws.cell(row=1, column=1, value=spec["title"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec["headers"]))
    put(ws, 2, spec["headers"])
    for i, r in enumerate(spec["rows"]):
        put(ws, 3 + i, r)
    return wb


def main():
    request, out = sys.argv[1], os.path.abspath(sys.argv[2])
    with open(request, encoding="utf-8") as f:
        req = json.load(f)
    mine = os.path.join(out, "openpyxl")
    os.makedirs(mine)
    files = []
    for name, spec in req.get("decisions", {}).items():
        path = os.path.join(mine, name)
        decision_book(spec).save(path)
        files.append(path)
    for name, spec in req.get("verifications", {}).items():
        path = os.path.join(mine, name)
        verification_book(spec).save(path)
        files.append(path)
    theirs = os.path.join(out, "libreoffice")
    os.makedirs(theirs)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                theirs,
                *files,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )


main()
