"""``python -m confterm`` runs the same CLI as the ``confterm`` script."""

import sys

from confterm.cli import main

sys.exit(main())
