"""Registers the backup reminder on the home screen (no screen of its own yet).

The shell imports every module of ``confterm.screens`` at unlock; importing the provider
here is what puts "last verified backup is N days old" among the home screen's lines. When
a backup screen is written, it can import the provider instead and this file can go.
"""

import confterm.vault.backup_attention  # noqa: F401  (registers the home screen's line)
