"""An acknowledged finding reopens when the values it was about change (issue 8, item 9).

Plant A's purchased steam fell from 119,186 t (2023) to 41,225 t (2024):
(41,225 − 119,186) / 119,186 = −65.4 %, beyond the default ±30 %, so a
year-on-year finding. A reviewer acknowledges it; the acknowledgement carries
the finding's fingerprint. A change to plant B's water changes nothing for it;
a corrected 2024 steam figure of 40,000 t (−66.4 %, still beyond ±30 %) is a
different situation, so the finding is open again and says why.
"""

from __future__ import annotations

from pathlib import Path

from esgledger.intake import import_files
from esgledger.quality import finding_id
from esgledger.services.quality import ACK_ACTION, acknowledge, ledger_findings
from esgledger.store import Ledger

ENTITIES = """code,name_en,name_zh,parent,type,ownership_pct,control,region,\
included_from,included_to
G,Group,集团,,group,,operational,CN-NM,,
A,Plant A,甲厂,G,subsidiary,100,operational,CN-NM,,
B,Plant B,乙厂,G,subsidiary,100,operational,CN-NM,,
"""
OBSERVATIONS = """entity,period,indicator,value,unit,source,comment
A,2023,energy.steam.purchased,119186,t,test,
A,2024,energy.steam.purchased,41225,t,test,
B,2023,water.fresh,10000,m3,test,
B,2024,water.fresh,9000,m3,test,
"""
STEAM = finding_id("yoy_change", "A", "energy.steam.purchased", "2024")


def _import(ledger: Ledger, folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    import_files(ledger, [path], actor="tester")


def _steam(ledger: Ledger):  # type: ignore[no-untyped-def]
    return next(f for f in ledger_findings(ledger) if f.id == STEAM)


def test_acknowledged_finding_reopens_when_its_values_change(
    ledger: Ledger, tmp_path: Path
) -> None:
    _import(ledger, tmp_path, "entities.csv", ENTITIES)
    _import(ledger, tmp_path, "observations.csv", OBSERVATIONS)
    assert _steam(ledger).status == "open"
    acknowledge(ledger, STEAM, "contract ended", actor="reviewer")
    [event] = ledger.audit_events(action=ACK_ACTION)
    assert event.payload["fingerprint"] == _steam(ledger).fingerprint
    assert _steam(ledger).status == "acknowledged"

    # another entity's values: the acknowledgement still applies
    _import(
        ledger,
        tmp_path,
        "b.csv",
        OBSERVATIONS.splitlines()[0] + "\nB,2024,water.fresh,9500,m3,test,\n",
    )
    assert _steam(ledger).status == "acknowledged"

    # the values the finding is about: open again, and the note says why
    _import(
        ledger,
        tmp_path,
        "a.csv",
        OBSERVATIONS.splitlines()[0] + "\nA,2024,energy.steam.purchased,40000,t,corrected,\n",
    )
    again = _steam(ledger)
    assert again.status == "open"
    assert "fell 66.4 %" in again.message  # (40,000 - 119,186) / 119,186
    assert "contract ended" in again.note and "changed since" in again.note

    # acknowledging it again covers the new values
    acknowledge(ledger, STEAM, "contract ended; corrected figure checked", actor="reviewer")
    assert _steam(ledger).status == "acknowledged"
