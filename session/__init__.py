"""Session, execution plans and backends."""
from .config import ConfigProto, GPUOptions, RunMetadata, RunOptions
from .session import InteractiveSession, Session
from . import readers  # noqa: E402,F401 (registers what ReaderRead does before its run)
