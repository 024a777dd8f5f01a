"""``confterm verify REPORT.pdf``: the engine's checks plus what only the vault knows.

The engine checks the PAdES signature against the vault CA, the embedded manifest, its
digest and every person's Ed25519 signature. With the vault open we also ask whether the
audit log still extends the checkpoint printed on the report (a log truncated or
rewritten below it fails) and whether this vault recorded issuing the report. Without
the vault (``--ca FILE``) the checkpoint cannot be checked, and the answer says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from confterm.errors import InputError
from confterm.reports.verify import Problem, VerifyResult, verify_pdf
from confterm.vault import audit
from confterm.vault.reporting import issued as issued_mod
from confterm.vault.reporting import pki_store
from confterm.vault.session import Ctx


@dataclass
class FileVerdict:
    result: VerifyResult
    checkpoint_checked: bool = False
    checkpoint_ok: bool = False
    issued: issued_mod.StoredCheck | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # not failures: what was not checked

    @property
    def valid(self) -> bool:
        return self.result.valid and not self.problems


def offline(pdf: bytes, ca_cert: bytes) -> FileVerdict:
    verdict = FileVerdict(verify_pdf(pdf, ca_cert))
    verdict.notes.append(Problem("reporting.verify.checkpoint_not_checked"))
    return verdict


def in_vault(ctx: Ctx, pdf: bytes) -> FileVerdict:
    ca = pki_store.ca_certificate_if_any(ctx)
    if ca is None:
        verdict = FileVerdict(VerifyResult())
        verdict.problems.append(Problem("reporting.verify.vault_has_no_ca"))
        return verdict
    verdict = FileVerdict(verify_pdf(pdf, ca))
    code = verdict.result.checkpoint
    if code:
        try:
            check = audit.check_checkpoint(ctx.conn, code)
        except InputError as exc:
            verdict.problems.append(Problem(exc.key, exc.params))
        else:
            verdict.checkpoint_checked, verdict.checkpoint_ok = True, check.ok
            if not check.ok:
                verdict.problems.append(Problem(check.reason or "audit.truncated",
                                                {"seq": check.count}))
    if verdict.result.digest:
        verdict.issued = issued_mod.by_digest(ctx, verdict.result.digest)
        if verdict.issued is None:
            verdict.notes.append(Problem("reporting.verify.not_recorded"))
    return verdict
