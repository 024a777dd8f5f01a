"""The recovery sheet (恢复密钥单): the recovery key, the vault's fingerprints, instructions.

The vault never stores its recovery key (a slot only wraps the data key under it), so a
sheet printed after creation can only be made from a key the administrator types in,
and that key is proven against the recovery slot first (Argon2id, same back-off as a
recovery reset: the sheet dialog cannot be used to guess keys). The key is part of the
signed manifest, so the PDF itself is as secret as the paper; the copy of the manifest
kept in ``issued_reports`` has the key replaced by a marker (``WITHHELD``).
"""

from __future__ import annotations

import hmac

from confterm.errors import AuthError, DamageError, PermissionDenied
from confterm.i18n import t
from confterm.reports import pki
from confterm.reports.model import Paragraph, Person, Report, SignatureBlock
from confterm.vault import keys, keyslots
from confterm.vault.backoff import Backoff
from confterm.vault.reporting import pki_store
from confterm.vault.reporting.common import base_report, new_report_id
from confterm.vault.secrets import wipe
from confterm.vault.session import Ctx, VaultSession

WITHHELD = "[recovery key withheld: it is never stored in the vault]"
BACKOFF_NAME = "*recovery*"  # shared with lifecycle.reset_with_recovery


def check_recovery_key(session: VaultSession, typed: bytearray) -> bytearray:
    """The canonical key if it opens the recovery slot; the caller wipes both buffers.

    InputError for a malformed or mistyped key (check character), AuthError for a wrong
    one, DamageError when the vault has no recovery slot (then no sheet can be printed:
    an administrator must create a new recovery key first).
    """
    if not session.person.has("administrator"):
        raise PermissionDenied("reporting.recovery_admin_only")
    canonical = keys.normalise_recovery_key(typed)
    loaded = keyslots.load(session.path)
    slot = loaded.file.recovery()
    if slot is None:
        wipe(canonical)
        raise DamageError("reporting.no_recovery_slot", path=str(session.path))
    backoff = Backoff(session.path)
    try:
        backoff.check(BACKOFF_NAME)
        dek, _ = keys.open_slot(loaded.file.vault_id, slot, canonical)
    except keys.WrongKey:
        backoff.failed(BACKOFF_NAME)
        wipe(canonical)
        raise AuthError("auth.wrong_recovery_key") from None
    except BaseException:
        wipe(canonical)
        raise
    mine = session.data_key_copy()
    try:
        if not hmac.compare_digest(bytes(dek), bytes(mine)):
            wipe(canonical)
            raise AuthError("auth.wrong_recovery_key")
    finally:
        wipe(dek)
        wipe(mine)
    backoff.succeeded(BACKOFF_NAME)
    return canonical


def _setting(ctx: Ctx, key: str) -> str:
    row = ctx.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else ""


def recovery_sheet_report(ctx: Ctx, lang: str, recovery_key: str) -> Report:
    """The sheet for ``recovery_key`` (already proven, or fresh from vault creation)."""
    if not ctx.actor.has("administrator"):
        raise PermissionDenied("reporting.recovery_admin_only")
    vault_key = bytes.fromhex(_setting(ctx, "vault_public_key") or "00")
    ca = pki_store.ca_certificate(ctx)
    report = base_report(ctx, new_report_id(ctx, "RS"), "recovery-sheet", lang,
                         t("reporting.title.recovery-sheet", lang))
    report.subtitle = t("reporting.recovery.subtitle", lang)
    report.metadata = [
        (t("reporting.recovery.vault_id", lang), ctx.session.vault_id),
        (t("reporting.recovery.created", lang), _setting(ctx, "created_at")[:19]
         .replace("T", " ")),
        (t("reporting.recovery.vault_fingerprint", lang), keys.fingerprint(vault_key)),
        (t("reporting.recovery.ca_fingerprint", lang), pki.certificate_fingerprint(ca)),
        (t("reporting.recovery.location", lang), str(ctx.session.path))]
    report.blocks = [
        Paragraph(t("reporting.recovery.key_note", lang),
                  t("reporting.recovery.key_heading", lang, key=recovery_key)),
        Paragraph(t("reporting.recovery.instructions", lang),
                  t("reporting.recovery.instructions_heading", lang)),
        Paragraph(t("reporting.recovery.warning", lang),
                  t("reporting.recovery.warning_heading", lang))]
    report.signatures = [
        SignatureBlock(Person("", t("reporting.recovery.keeper", lang)),
                       t("reporting.recovery.keeper_opinion", lang)),
        SignatureBlock(Person("", t("reporting.recovery.witness", lang)),
                       t("reporting.recovery.witness_opinion", lang))]
    return report
