"""The framework mapping (audit_lib/frameworks/gdpr_fi.yaml) against the check catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audit_lib.checks.registry import catalogue
from audit_lib.frameworks import load_framework, provisions_for

# The legal reference the checks rely on, kept in the project (docs/legal.md).
LEGAL_REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "legal.md"


@pytest.fixture(scope="module")
def framework():
    return load_framework()


def test_every_check_maps_to_a_provision(framework):
    unmapped = sorted(c.id for c in catalogue() if not framework.provisions_for(c.id))
    assert unmapped == []


def test_every_check_the_framework_names_exists(framework):
    assert sorted(framework.check_ids - {c.id for c in catalogue()}) == []


def test_every_provision_has_a_check_or_says_why_not(framework):
    for provision in framework.provisions:
        if provision.testable_from_data:
            assert provision.checks, provision.id
        else:
            assert provision.reason and not provision.checks, provision.id
    assert len({p.id for p in framework.provisions}) == len(framework.provisions)
    assert any(not p.testable_from_data for p in framework.provisions)  # e.g. Art. 33 without a breach log


def test_provisions_for_a_check():
    refs = [p.ref for p in provisions_for("quality_invalid_email")]
    assert refs == ["GDPR Art. 5(1)(d)"]
    assert "Tietosuojalaki 1050/2018 29 §" in [p.ref for p in provisions_for("inventory_pii_in_free_text")]
    assert provisions_for("no_such_check") == []


def test_planned_checks_of_the_catalogue_are_mapped(framework):
    for check_id in ("consent_message_without_opt_out", "consent_event_without_evidence",
                     "consent_for_channel_without_contact", "consent_marketing_to_erased_subject",
                     "retention_erased_subject_residue", "rights_extension_notified_late", "access_unauthorised_role",
                     "access_outside_validity", "access_shared_account", "access_bulk_read"):
        assert framework.provisions_for(check_id), check_id


def test_every_provision_of_the_legal_reference_is_listed(framework):
    text = LEGAL_REFERENCE.read_text(encoding="utf-8")
    # A provision cell may carry a note in brackets ("203 § (verify on the statute text: ...)").
    rows = [re.sub(r" \(.*\)$", "", line.split("|")[1].strip()) for line in text.splitlines()
            if line.startswith("| Art.") or line.startswith("| Tietosuojalaki") or line.startswith("| Laki ")
            or line.startswith("| 917/2014") or line.startswith("| Kirjanpitolaki") or line.startswith("| Vanhent")
            or line.startswith("| Kuluttajansuojalaki")]
    assert len(rows) >= 30
    listed = " ".join(p.ref for p in framework.provisions)
    for row in rows:
        # "Art. 5(1)(f), Art. 32 security" -> "5(1)(f)"; "917/2014, 200 § 1 mom." -> "200 § 1 mom."
        key = row.replace("Art. ", "").split(" ")[0].rstrip(",") if row.startswith("Art.") else row.split(", ")[-1]
        key = ("Art. " if row.startswith("Art.") else "") + key.split(" (")[0]
        assert re.search(r"(?<![\d/])" + re.escape(key) + r"(?![\d(])", listed), row
