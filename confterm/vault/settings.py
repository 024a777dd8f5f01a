"""Vault settings a person can change from the TUI, and the facts the home screen shows.

Settings live in the ``settings`` table (one text value per key). Changing one is a change
to vault data, so it writes an audit event in the same transaction, naming the old and new
value: an auditor can see who shortened or lengthened the idle lock, and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from confterm.errors import InputError
from confterm.i18n import LANGUAGES
from confterm.vault import audit, people
from confterm.vault.session import Ctx
from confterm.vault.store import Connection

DEFAULT_IDLE_TIMEOUT = 300
# Below 30 s the vault would lock while a person reads one screen; above 8 h it would
# never lock during a working day, which defeats the point of an idle lock.
IDLE_MIN, IDLE_MAX = 30, 8 * 3600


def get(conn: Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def idle_timeout(conn: Connection) -> int:
    """The vault's idle timeout in seconds; a missing or unreadable value means the default."""
    try:
        value = int(get(conn, "idle_timeout", str(DEFAULT_IDLE_TIMEOUT)) or DEFAULT_IDLE_TIMEOUT)
    except ValueError:
        return DEFAULT_IDLE_TIMEOUT
    return value if IDLE_MIN <= value <= IDLE_MAX else DEFAULT_IDLE_TIMEOUT


def parse_idle_timeout(text: str) -> int:
    """Seconds from what a person typed; InputError naming the allowed range otherwise."""
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError("settings.idle_not_a_number", value=text.strip()[:20]) from None
    if not IDLE_MIN <= value <= IDLE_MAX:
        raise InputError("settings.idle_out_of_range", value=value, minimum=IDLE_MIN,
                         maximum=IDLE_MAX)
    return value


def set_idle_timeout(ctx: Ctx, seconds: int) -> None:
    """Administrator only; audited with the old and the new value."""
    people.require_role(ctx.actor, "administrator")
    if not IDLE_MIN <= seconds <= IDLE_MAX:
        raise InputError("settings.idle_out_of_range", value=seconds, minimum=IDLE_MIN,
                         maximum=IDLE_MAX)
    with ctx.transaction():
        old = idle_timeout(ctx.conn)
        ctx.conn.execute("INSERT INTO settings(key, value) VALUES ('idle_timeout', ?)"
                         " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         (str(seconds),))
        ctx.audit("settings.change", "setting", "idle_timeout", {"old": old, "new": seconds})


def set_own_language(ctx: Ctx, lang: str) -> None:
    """The unlocked person's preferred language (used at their next unlock); audited."""
    if lang not in LANGUAGES:
        raise InputError("settings.unknown_language", lang=lang, languages=", ".join(LANGUAGES))
    with ctx.transaction():
        ctx.conn.execute("UPDATE people SET lang = ? WHERE name = ?", (lang, ctx.actor.name))
        ctx.audit("person.language", "person", ctx.actor.name, {"lang": lang})


def own_language(ctx: Ctx) -> str | None:
    """The unlocked person's stored language, read fresh (it may have changed this session)."""
    person = people.get(ctx.conn, ctx.actor.name)
    return person.lang if person else None


@dataclass(frozen=True)
class VaultFacts:
    """What the home screen shows about the vault as a whole."""

    name: str
    people_active: int
    people_total: int
    events: int
    head_code: str
    idle_timeout: int


def facts(ctx: Ctx) -> VaultFacts:
    """Cheap at any size: the event count is the head's seq (the chain has no gaps),
    never ``count(*)`` over a million rows."""
    conn = ctx.conn
    total, active = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE disabled_at IS NULL) FROM people").fetchone()
    seq, digest = audit.head(conn)
    return VaultFacts(name=get(conn, "vault_name", "") or "", people_active=int(active),
                      people_total=int(total), events=seq,
                      head_code=audit.checkpoint_code(seq, digest),
                      idle_timeout=idle_timeout(conn))
