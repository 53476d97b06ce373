"""The former language code "en" reads as British English too, wherever it is still active."""

from config.formats.en_GB.formats import *  # noqa: F403
