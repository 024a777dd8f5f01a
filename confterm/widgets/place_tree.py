"""The location tree, with the arrow keys a file manager's tree has.

Textual's Tree opens and closes a branch with Enter or Space only; a custodian walking
rooms, shelves and boxes expects Right to open a branch (or step into it) and Left to
close it (or step out to the parent).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Tree


class PlaceTree(Tree[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "open_branch", show=False),
        Binding("left", "close_branch", show=False),
    ]

    def action_open_branch(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])

    def action_close_branch(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)
