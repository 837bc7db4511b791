"""Rights checks: Art. 12(3) deadlines counted as Regulation 1182/71 counts months, Finnish holidays."""

from checkkit import audit, refs


def request(request_id, received, completed="", extension=""):
    return {"request_id": request_id, "subject_id": "C1", "kind": "erasure", "received_at": received,
            "completed_at": completed, "extension_notified_at": extension}


def test_answer_on_the_last_legal_day_passes(tmp_path):
    result = audit(tmp_path, {"requests": [
        request("R1", "2026-05-31 10:00:00", "2026-06-30 23:00:00"),   # June has no 31st: due 30 June
        request("R2", "2026-07-01 10:00:00", "2026-08-03 16:00:00"),   # 1 Aug is a Saturday: due Monday 3 Aug
        request("R3", "2026-05-20 10:00:00", "2026-08-20 10:00:00", "2026-06-01 09:00:00"),  # extended to 3 months
    ]}, "rights_request_late", period="2026-Q3")
    assert result.check_results.loc[0, "status"] == "pass"


def test_deadline_on_a_finnish_public_holiday_moves_to_the_next_working_day(tmp_path):
    # Received 6 Nov 2026 -> 6 Dec 2026 is Independence Day (a Sunday too) -> due Monday 7 Dec.
    result = audit(tmp_path, {"requests": [request("R1", "2026-11-06 09:00:00", "2026-12-07 15:00:00"),
                                           request("R2", "2026-11-06 09:00:00", "2026-12-08 09:00:00")]},
                   "rights_request_late", period="2026-Q4")
    assert refs(result) == ["requests/R2"]


def test_late_answer_and_request_open_past_deadline_fail(tmp_path):
    rows = [request("R1", "2026-07-01 10:00:00", "2026-08-04 10:00:00"),
            request("R2", "2026-05-02 10:00:00")]
    q3 = audit(tmp_path / "q3", {"requests": rows}, "rights_request_late", period="2026-Q3")
    assert refs(q3) == ["requests/R1", "requests/R2"]
    q2 = audit(tmp_path / "q2", {"requests": rows}, "rights_request_late", period="2026-Q2")
    assert refs(q2) == ["requests/R2"]
    assert "S-" in q3.findings.loc[0, "message"]


def test_extension_notified_on_the_last_day_of_the_first_month_passes(tmp_path):
    result = audit(tmp_path, {"requests": [
        request("R1", "2026-06-30 11:00:00", "2026-09-01 10:00:00", "2026-07-30 16:00:00"),  # last day
        request("R2", "2026-07-15 10:00:00", "2026-09-14 10:00:00", "2026-08-17 09:00:00"),  # Sat 15 -> Mon 17
    ]}, "rights_extension_notified_late", period="2026-Q3")
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 2


def test_extension_notified_after_the_first_month_fails_in_the_period_of_the_notice(tmp_path):
    rows = [request("R1", "2026-04-10 09:00:00", "2026-06-20 12:00:00", "2026-05-12 10:00:00"),  # due Mon 11 May
            request("R2", "2026-07-06 14:00:00", "2026-09-10 15:00:00", "2026-08-10 09:00:00"),  # due Thu 6 Aug
            request("R3", "2026-07-06 14:00:00", "2026-07-20 15:00:00")]                         # no extension
    q2 = audit(tmp_path / "q2", {"requests": rows}, "rights_extension_notified_late", period="2026-Q2")
    q3 = audit(tmp_path / "q3", {"requests": rows}, "rights_extension_notified_late", period="2026-Q3")
    assert refs(q2) == ["requests/R1"] and refs(q3) == ["requests/R2"]
    assert "2026-08-06" in q3.findings.loc[0, "message"]


def test_extension_notified_after_the_first_month_does_not_extend_the_deadline(tmp_path):
    # Received 1 July: the first month ends Mon 3 Aug (1 Aug is a Saturday). Notified in time, the
    # deadline is 1 Oct (three months); notified on 4 Aug, the one-month deadline stands.
    result = audit(tmp_path, {"requests": [
        request("R1", "2026-07-01 10:00:00", "2026-09-20 10:00:00", "2026-08-03 12:00:00"),
        request("R2", "2026-07-01 10:00:00", "2026-09-20 10:00:00", "2026-08-04 09:00:00"),
    ]}, "rights_request_late", period="2026-Q3")
    assert refs(result) == ["requests/R2"]


def test_deadline_on_midsummer_eve_depends_on_the_declared_non_working_days(tmp_path):
    # Received 19 May 2026 -> due Friday 19 June, juhannusaatto. Strictly (public holidays only) it
    # is a working day; counted as 150/1930 5 § counts, the deadline moves to Monday 22 June.
    rows = {"requests": [request("R1", "2026-05-19 12:00:00", "2026-06-22 17:00:00")]}
    strict = audit(tmp_path / "strict", rows, "rights_request_late", period="2026-Q2",
                   register_patch={"requests.non_working_days": "public_holidays"})
    eves = audit(tmp_path / "eves", rows, "rights_request_late", period="2026-Q2",
                 register_patch={"requests.non_working_days": "public_holidays_and_eves"})
    assert refs(strict) == ["requests/R1"] and "was due 2026-06-19" in strict.findings.loc[0, "message"]
    assert refs(eves) == [] and eves.check_results.loc[0, "status"] == "pass"
