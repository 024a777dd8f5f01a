"""Run in a subprocess by test_kill: complete a session, to be killed with SIGKILL midway.

argv: vault path, admin name, admin passphrase, witness name, witness passphrase,
session id. Prints READY just before completing, DONE after.
"""

from __future__ import annotations

import sys
from pathlib import Path

from confterm.vault import lifecycle, people
from confterm.vault.destruction import completion
from confterm.vault.presence import Presence
from confterm.vault.secrets import passphrase_bytes


def main() -> None:
    path, admin, admin_pass, witness, witness_pass, sid = sys.argv[1:7]
    session = lifecycle.open_vault(Path(path), admin, passphrase_bytes(admin_pass))
    seed = lifecycle.verify_person_secret(session, witness, passphrase_bytes(witness_pass))
    person = session.call(lambda ctx: people.get(ctx.conn, witness))
    assert person is not None
    print("READY", flush=True)
    session.call(completion.complete_session, int(sid), [Presence(person, seed)])
    print("DONE", flush=True)
    session.close()


if __name__ == "__main__":
    main()
