"""Every action a person can take, declared once.

One ``Command`` says what the action is called (a catalogue key), which key runs it, where
it applies and who may use it. From this single list come the key bindings of each screen,
the footer, the command palette and the help screen, so the four never disagree and a new
action cannot be added to one and forgotten in the others.

Scopes: ``GLOBAL`` commands are bound on the App (they work in every screen and dialog,
even with a text field focused when ``priority``); ``ANY`` means every screen of an
unlocked vault; any other string is one screen's ``SCREEN_ID`` ("home", "audit",
"dialog" for every dialog...). Feature areas declare their own commands in their modules:

    from confterm.commands import Command, declare
    declare(Command("archive.new", "archive.cmd_new", "n", "screen.new_record",
                    scope=("archive",), roles=("custodian",)))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding, BindingsMap

from confterm.i18n import catalogue, t

GLOBAL = "global"
ANY = "*"
When = Literal["always", "unlocked", "locked"]


@dataclass(frozen=True)
class Command:
    id: str
    label_key: str
    key: str  # Textual key name(s), comma-separated: "f1,question_mark"
    action: str  # Textual action: "app.lock", "screen.enrol", "app.open_area('audit')";
    # "" for keys a widget handles itself (listed in help only, e.g. the arrow keys of a list)
    scope: tuple[str, ...] = (ANY,)
    roles: tuple[str, ...] = ()  # any one of these; () means everyone
    when: When = "always"  # for GLOBAL commands: only while unlocked / locked
    show: bool = True  # in the footer (help and palette list every command)
    priority: bool = False  # runs even when a text field has focus
    key_display: str | None = None
    help_key: str | None = None  # a longer explanation for the help screen

    @property
    def label(self) -> str:
        return t(self.label_key)

    @property
    def footer_label(self) -> str:
        """The label in the footer: ``<label_key>_short`` when the catalogue has one (an
        area with many keys must fit its footer in 160 columns, global keys included);
        help and the palette keep the full label."""
        short = f"{self.label_key}_short"
        return t(short) if short in catalogue() else self.label

    @property
    def keys_shown(self) -> str:
        """How the help screen writes the key(s): "Ctrl+L", "F1 / ?", "Esc"."""
        return self.key_display or " / ".join(key_label(k) for k in self.key.split(","))

    def allowed(self, roles: frozenset[str] | None) -> bool:
        if not self.roles:
            return True
        return roles is not None and any(r in roles for r in self.roles)


_REGISTRY: dict[str, Command] = {}


def declare(command: Command) -> Command:
    """Register a command (re-declaring the same id replaces it: modules may be reloaded)."""
    _REGISTRY[command.id] = command
    return command


def get(command_id: str) -> Command:
    return _REGISTRY[command_id]


def all_commands() -> list[Command]:
    return list(_REGISTRY.values())


def for_screen(screen_id: str, data_screen: bool,
               roles: frozenset[str] | None) -> list[Command]:
    """Commands bound on one screen (GLOBAL ones excluded: they live on the App)."""
    return [c for c in _REGISTRY.values()
            if (screen_id in c.scope or (data_screen and ANY in c.scope))
            and c.allowed(roles)]


def global_commands() -> list[Command]:
    return [c for c in _REGISTRY.values() if GLOBAL in c.scope]


def to_bindings(commands: Iterable[Command]) -> list[Binding]:
    """Textual bindings in the current language (rebuilt when the language changes)."""
    return [Binding(c.key, c.action, c.footer_label, show=c.show, priority=c.priority,
                    key_display=c.key_display, id=c.id) for c in commands if c.action]


def bindings_map(base: BindingsMap | None, commands: Iterable[Command],
                 drop_actions: frozenset[str] = frozenset()) -> BindingsMap:
    """``base`` (a node's own class bindings, minus ``drop_actions``) plus the commands'."""
    merged = BindingsMap()
    if base is not None:
        for key, bindings in base.key_to_bindings.items():
            keep = [b for b in bindings if b.action not in drop_actions]
            if keep:
                merged.key_to_bindings[key] = keep
    for binding in Binding.make_bindings(to_bindings(commands)):
        merged._add_binding(binding)
    return merged


_KEY_NAMES = {"question_mark": "?", "escape": "Esc", "enter": "Enter", "slash": "/",
              "space": "Space", "delete": "Del", "pageup": "PgUp", "pagedown": "PgDn"}


def key_label(key: str) -> str:
    key = key.strip()
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    parts = key.split("+")
    return "+".join(p.capitalize() if len(p) > 1 else p.upper() if len(parts) > 1 else p
                    for p in parts)


_NOT_DATA = {"unlock", "lock", "dialog"}


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Can two scopes be active on the same screen? (GLOBAL is active everywhere; ANY on
    every screen of the unlocked vault.)"""
    if GLOBAL in a or GLOBAL in b or set(a) & set(b):
        return True
    return (ANY in a and any(s not in _NOT_DATA for s in b)) or \
        (ANY in b and any(s not in _NOT_DATA for s in a))


def clashes() -> list[str]:
    """Two commands on the same key where both can be active (a test keeps this empty)."""
    found = list(_REGISTRY.values())
    problems = []
    for i, first in enumerate(found):
        for second in found[i + 1:]:
            same = {k.strip() for k in first.key.split(",")} & \
                {k.strip() for k in second.key.split(",")}
            if same and _overlap(first.scope, second.scope) and first.action != second.action:
                problems.append(f"{'/'.join(sorted(same))}: {first.id} and {second.id}")
    return problems


# ---- the shell's own commands -------------------------------------------------------

for _command in (
    Command("quit", "ui.cmd.quit", "ctrl+q", "app.quit", scope=(GLOBAL,), priority=True,
            show=False),
    Command("help", "ui.cmd.help", "f1", "app.help", scope=(GLOBAL,), priority=True),
    Command("help_alt", "ui.cmd.help", "question_mark", "app.help", scope=(GLOBAL,),
            show=False),
    Command("palette", "ui.cmd.palette", "ctrl+p", "app.command_palette", scope=(GLOBAL,),
            priority=True),
    Command("language", "ui.cmd.language", "f2", "app.switch_language", scope=(GLOBAL,),
            priority=True),
    Command("lock", "ui.cmd.lock", "ctrl+l", "app.lock", scope=(GLOBAL,), when="unlocked",
            priority=True),
    Command("unlock", "ui.cmd.unlock", "enter", "screen.unlock", scope=("unlock", "lock")),
    Command("own_passphrase", "ui.cmd.own_passphrase", "c", "screen.change_passphrase",
            scope=("home", "people")),
    Command("refresh", "ui.cmd.refresh", "r", "screen.reload", scope=("home", "people",
                                                                      "audit"), show=False),
    Command("dialog.cancel", "ui.cmd.cancel", "escape", "screen.cancel", scope=("dialog",)),
):
    declare(_command)
