"""tf0.app: run(main) after parsing the flags."""
import tf0.flags as flags  # noqa: F401
from tf0.session.script_support import run  # noqa: F401
