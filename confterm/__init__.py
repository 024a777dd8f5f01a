"""confterm: the records custodian's terminal for the archives of deregistered clients."""

__version__ = "0.1.0"
