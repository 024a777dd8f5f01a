"""The catalogue's benchmark figures run end to end at a tiny size (no timing asserted)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from confterm.vault import lifecycle
from confterm.vault.catalogue import bench
from confterm.vault.secrets import passphrase_bytes
from tests.conftest import ADMIN, ADMIN_PASS


def test_measure_builds_imports_and_reports_every_figure(make_vault: Callable[..., Path],
                                                         tmp_path: Path) -> None:
    vault = make_vault("benchvault")
    with lifecycle.open_vault(vault, ADMIN, passphrase_bytes(ADMIN_PASS)) as session:
        figures = bench.measure(session, 300, tmp_path, repeat=1)
        again = bench.build(session, 50, tmp_path)  # a second batch adds, not collides
        assert again.path.name == "catalogue.csv" and again.boxes
        assert bench.import_into_fresh_vault(again, tmp_path) > 0  # the same file, again
        assert not list(tmp_path.glob("import-run-*"))  # the throwaway vault is gone
        assert session.call(lambda ctx: bench.browse.total(ctx.conn)) == 350
    names = {f.name for f in figures}
    assert {"import with search index", "browser first page + count",
            "search archive numbers", "page-down, sort client"} <= names
    assert all(f.samples and all(s >= 0 for s in f.samples) for f in figures)
    assert next(f for f in figures if f.name == "import with search index").baseline_samples
    assert 10 < bench.browse_peak_rss(vault, ADMIN, ADMIN_PASS) < 1000
