"""Domain errors: raised inside the package, turned into one sentence at the CLI and the UI."""


class AssistantError(Exception):
    """Base class; str(error) is a full sentence saying what is wrong and what to do."""


class SettingsError(AssistantError):
    """An ASSISTANT_* setting has a value that cannot be used; the message names the variable."""


class CorpusError(AssistantError):
    """The corpus folder, its manifest or one of its files cannot be used."""


class IndexNotBuilt(AssistantError):
    """There is no index where one was expected."""


class IndexStale(AssistantError):
    """The index was built from another corpus or by an incompatible version."""


class IndexDamaged(AssistantError):
    """An index file is missing, truncated or inconsistent with the manifest."""


class IndexUnwritable(AssistantError):
    """The index folder cannot be written (a build needs a writable folder)."""


class GoldFileError(AssistantError):
    """A gold Q&A file is malformed; the message names the line and the field."""


class ThresholdsError(AssistantError):
    """An evaluation thresholds file is malformed."""
