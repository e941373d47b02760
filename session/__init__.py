"""Session, execution plans and backends."""
from .config import ConfigProto, GPUOptions, RunMetadata, RunOptions
from .session import InteractiveSession, Session
