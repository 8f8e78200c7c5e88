"""The one error tree of Coastwatch.

Every error a user can meet derives from :class:`CoastwatchError`; the CLI turns it into a
clear message and the exit code the class names, never a traceback.
"""

__all__ = [
    "CoastwatchError",
    "ConfigError",
    "StoreError",
    "ClusterError",
    "NotAvailableYet",
    "InputError",
    "DataRefused",
    "VehicleError",
    "AccessDenied",
    "LoginRefused",
    "AlertChanged",
]


class CoastwatchError(Exception):
    """Root of every Coastwatch error; ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class ConfigError(CoastwatchError):
    """A setting, config file or flag is invalid."""

    exit_code = 2


class InputError(CoastwatchError):
    """A file or argument given by the user cannot be used."""

    exit_code = 2


class DataRefused(InputError):
    """The store refused rows for what they hold (a data exception, a broken constraint):
    the rows are wrong, not the store, so a writer can set them aside and keep the rest."""


class AlertChanged(InputError):
    """Someone else changed the alert's status since the user saw it (two analysts acting
    at once): the action was not applied, and the message says who changed it and when."""


class StoreError(CoastwatchError):
    """The store cannot be reached or refused an operation."""

    exit_code = 4


class ClusterError(StoreError):
    """The embedded PostgreSQL cluster cannot be initialised, started or stopped."""


class NotAvailableYet(CoastwatchError):
    """A command of the CLI contract whose implementation has not landed yet."""

    exit_code = 3


class VehicleError(CoastwatchError):
    """A vehicle did not answer on its link, or refused what was sent (a mission, a command):
    the message gives its reason in words."""

    exit_code = 5


class AccessDenied(CoastwatchError):
    """The acting user's role may not do this, or nobody is logged in."""

    exit_code = 6


class LoginRefused(AccessDenied):
    """A login that failed: wrong name or password, a disabled user, or one locked after
    repeated failures (``retry_after``: seconds until the lock ends)."""

    def __init__(self, message: str, *, hint: str | None = None, retry_after: float = 0.0):
        super().__init__(message, hint=hint)
        self.retry_after = retry_after
