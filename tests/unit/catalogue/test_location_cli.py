"""``confterm location``: a new firm sets up its rooms, shelves and boxes from a script, and
a spreadsheet of places goes in whole or not at all. Runs ``confterm.cli.main`` in-process
(the passphrase on standard input, as a script gives it) and reads the vault afterwards."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from confterm.cli import main
from confterm.vault import lifecycle
from confterm.vault.catalogue import clients, locations, records
from confterm.vault.catalogue.record_input import RecordInput
from confterm.vault.secrets import passphrase_bytes
from tests.conftest import ADMIN, ADMIN_PASS


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], vault: Path,
        *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("CONFTERM_LANG", "en")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{ADMIN_PASS}\n"))
    code = main(["location", *args, "--vault", str(vault)])
    out, err = capsys.readouterr()
    return code, out, err


def read(vault: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as session:
        return session.call(lambda ctx: ctx.conn.execute(sql, params).fetchall())


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], vault: Path
        ) -> Any:
    def call(*args: str) -> tuple[int, str, str]:
        return run(monkeypatch, capsys, vault, *args)
    return call


def one_sentence(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def build_shelf(cli: Any) -> None:
    assert cli("add", "room", "档案室A")[0] == 0
    assert cli("add", "档案柜", "柜01", "--under", "档案室A")[0] == 0  # kinds in Chinese too
    assert cli("add", "shelf", "第1层", "--under", "档案室A/柜01")[0] == 0  # any spacing
    code, out, _ = cli("add", "box", "盒0001", "--under", "档案室A / 柜01 / 第1层",
                       "--barcode", "BX0001", "--capacity", "2")
    assert code == 0 and "档案室A / 柜01 / 第1层 / 盒0001" in out


def test_add_then_list_the_tree_with_kind_barcode_and_fill(cli: Any, vault: Path) -> None:
    code, out, _ = cli("list")
    assert code == 0 and "no locations yet" in out
    build_shelf(cli)
    code, out, _ = cli("list")
    lines = out.splitlines()
    assert code == 0 and [line.split()[0] for line in lines] == ["档案室A", "柜01", "第1层",
                                                                 "盒0001"]
    assert lines[3].startswith("      盒0001") and lines[3].split()[1:] == ["box", "BX0001",
                                                                          "0/2"]
    code, out, _ = cli("list", "--under", "BX0001")
    assert code == 0 and out.split() == ["盒0001", "box", "BX0001", "0/2"]


@pytest.mark.parametrize(("args", "says"), [
    (("add", "box", "盒9", "--under", "档案室A/柜01"), 'cannot go in the cabinet "档案室A / 柜01"'),
    (("add", "shelf", "层9"), "must be inside a cabinet, safe"),
    (("add", "crate", "x"), '"crate" is not a kind of location'),
    (("add", "box", "盒9", "--under", "BX0001"), 'cannot go in the box'),
    (("add", "box", "盒9", "--under", "档案室A/柜01/第1层", "--barcode", "BX0001"),
     'barcode "BX0001" is already used'),
    (("add", "box", "盒0001", "--under", "档案室A/柜01/第1层"), "already exists"),
    (("add", "box", "盒9", "--under", "档案室A/柜01/第1层", "--capacity", "ten"),
     'capacity "ten" must be a whole number'),
    (("add", "box", "盒9", "--under", "档案室Z"), 'no location "档案室Z"'),
    (("edit", "BX0001"), "Nothing to change"),
    (("delete", "档案室A"), "is not empty"),
])
def test_bad_input_is_one_sentence_exit_2_and_changes_nothing(
        cli: Any, vault: Path, args: tuple[str, ...], says: str) -> None:
    build_shelf(cli)
    before = read(vault, "SELECT id, path, barcode, capacity, version FROM locations")
    code, _, err = cli(*args)
    assert code == 2 and says in one_sentence(err)
    assert read(vault, "SELECT id, path, barcode, capacity, version FROM locations") == before


def test_rename_moves_the_paths_below_and_capacity_cannot_drop_below_contents(
        cli: Any, vault: Path) -> None:
    build_shelf(cli)
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as session:
        client = session.call(clients.create, clients.ClientInput(
            "厦门鹭岛商贸有限公司", "91350100M000100Y43"))
        box = session.call(lambda ctx: locations.by_barcode(ctx.conn, "BX0001"))
        assert box is not None
        for n in (1, 2):
            session.call(records.create, RecordInput(
                archive_no=f"KJ-2023-{n}", title="记账凭证", client_id=client,
                category="voucher", fiscal_year=2023, location_id=box.id))
    code, _, err = cli("edit", "BX0001", "--capacity", "1")
    assert code == 2 and "already holds 2 records" in one_sentence(err)
    code, _, err = cli("delete", "BX0001")
    assert code == 2 and "not empty" in one_sentence(err)
    code, out, _ = cli("edit", "档案室A/柜01", "--name", "柜02")
    assert code == 0 and "档案室A / 柜02" in out
    assert read(vault, "SELECT path, capacity FROM locations WHERE barcode = 'BX0001'") == \
        [("档案室A / 柜02 / 第1层 / 盒0001", 2)]
    code, out, _ = cli("edit", "BX0001", "--capacity", "30", "--barcode", "BX0100")
    assert code == 0
    code, out, _ = cli("list", "--under", "BX0100")
    assert out.split() == ["盒0001", "box", "BX0100", "2/30"]


def test_delete_an_empty_box_is_audited(cli: Any, vault: Path) -> None:
    build_shelf(cli)
    code, out, _ = cli("delete", "BX0001")
    assert code == 0 and "Deleted 档案室A / 柜01 / 第1层 / 盒0001" in out
    assert read(vault, "SELECT count(*) FROM locations WHERE kind = 'box'") == [(0,)]
    events = read(vault, "SELECT actor, details FROM audit_events"
                         " WHERE action = 'location.delete'")
    assert [(a, json.loads(d)["path"]) for a, d in events] == \
        [(ADMIN, "档案室A / 柜01 / 第1层 / 盒0001")]


GOOD = """路径,类型,条码,容量
档案室B/柜01/第1层/盒0001,档案盒,BX0001,60
档案室B/柜01/第1层/盒0002,box,BX0002,60
档案室B/柜01/第1层,层,,
档案室B/柜01,cabinet,,
档案室B,room,,
"""


def test_import_a_spreadsheet_in_gb18030_parents_in_any_order(cli: Any, vault: Path,
                                                              tmp_path: Path) -> None:
    sheet = tmp_path / "places.csv"
    sheet.write_bytes(GOOD.encode("gb18030"))  # as Chinese Excel saves "CSV"
    code, out, _ = cli("import", str(sheet), "--dry-run")
    assert code == 0 and "All 5 rows" in out
    assert read(vault, "SELECT count(*) FROM locations") == [(0,)]
    code, out, _ = cli("import", str(sheet))
    assert code == 0 and "Added 5 locations" in out
    assert read(vault, "SELECT path, kind, barcode, capacity FROM locations WHERE kind = 'box'"
                " ORDER BY path") == [("档案室B / 柜01 / 第1层 / 盒0001", "box", "BX0001", 60),
                                      ("档案室B / 柜01 / 第1层 / 盒0002", "box", "BX0002", 60)]
    assert len(read(vault, "SELECT 1 FROM audit_events WHERE action = 'location.create'")) == 5


def test_import_with_any_bad_row_adds_nothing_and_names_every_row(
        cli: Any, vault: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "places.csv"
    sheet.write_text("path,kind,barcode,capacity\n"
                     "档案室D,room,,\n"                      # 2: fine
                     "档案室D/柜1,cabinet,,\n"               # 3: fine
                     "档案室D/柜1/盒1,box,BX9,10\n"          # 4: a box in a cabinet
                     "档案室D/柜1/层1,shelf,,\n"             # 5: fine
                     "档案室D/柜1/层1/盒2,box,BX9,-3\n"      # 6: negative capacity
                     "档案室D/柜1/层1/盒3,box,BX9,5\n"       # 7: fine (BX9 free: row 4 failed)
                     "档案室D/柜1/层1/盒4,box,BX9,5\n"       # 8: barcode of row 7
                     "档案室X/柜1,cabinet,,\n"               # 9: no such room
                     "档案室D/柜2,crate,,\n", encoding="utf-8")  # 10: no such kind
    code, _, err = cli("import", str(sheet))
    lines = err.splitlines()
    assert code == 2 and "no location was added" in lines[-1]
    assert [line.split(":")[0] for line in lines[:-1]] == \
        ["Row 4", "Row 6", "Row 8", "Row 9", "Row 10"]
    assert "cannot go in the cabinet" in lines[0] and '"BX9" is already used' in lines[2]
    assert read(vault, "SELECT count(*) FROM locations") == [(0,)]
    assert read(vault, "SELECT count(*) FROM audit_events WHERE action LIKE 'location.%'") \
        == [(0,)]


def test_import_without_a_path_column_says_so(cli: Any, tmp_path: Path) -> None:
    sheet = tmp_path / "places.csv"
    sheet.write_text("name,kind\n档案室A,room\n", encoding="utf-8")
    code, _, err = cli("import", str(sheet))
    assert code == 2 and 'places.csv has no "path" column' in one_sentence(err)


def test_a_capacity_can_be_removed_and_the_change_is_audited(cli: Any, vault: Path) -> None:
    build_shelf(cli)
    code, _, err = cli("edit", "BX0001", "--capacity", "5", "--no-capacity")
    assert code == 2 and "not both" in one_sentence(err)
    code, _, _ = cli("edit", "BX0001", "--no-capacity")
    assert code == 0
    assert read(vault, "SELECT capacity FROM locations WHERE barcode = 'BX0001'") == [(None,)]
    (details,) = read(vault, "SELECT details FROM audit_events WHERE action ="
                      " 'location.update' ORDER BY seq DESC LIMIT 1")[0]
    change = json.loads(details)
    assert change["after"]["capacity"] is None and change["before"]["capacity"] is not None
    code, out, _ = cli("list", "--under", "BX0001")
    assert out.split()[-1] == "0"  # used, and no "/capacity" any more
