"""Local development and the embedded demo: base settings with DEBUG on by
default."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
