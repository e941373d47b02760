"""tf0.gfile: TF1's file functions, on the local file system."""
from tf0.session.script_support import (Copy, DeleteRecursively, Exists,  # noqa: F401
                                        FastGFile, GFile, Glob, IsDirectory, ListDirectory,
                                        MakeDirs, MkDir, Open, Remove, Rename, Walk)
