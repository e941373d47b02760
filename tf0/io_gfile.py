"""tf0.io.gfile: the file functions under their TF1.13+ lower-case names."""
from tf0.session.script_support import Copy as copy  # noqa: F401
from tf0.session.script_support import DeleteRecursively as rmtree  # noqa: F401
from tf0.session.script_support import Exists as exists  # noqa: F401
from tf0.session.script_support import GFile  # noqa: F401
from tf0.session.script_support import Glob as glob  # noqa: F401
from tf0.session.script_support import IsDirectory as isdir  # noqa: F401
from tf0.session.script_support import ListDirectory as listdir  # noqa: F401
from tf0.session.script_support import MakeDirs as makedirs  # noqa: F401
from tf0.session.script_support import MkDir as mkdir  # noqa: F401
from tf0.session.script_support import Remove as remove  # noqa: F401
from tf0.session.script_support import Rename as rename  # noqa: F401
from tf0.session.script_support import Walk as walk  # noqa: F401
