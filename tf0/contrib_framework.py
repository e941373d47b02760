"""tf0.contrib.framework: the global-step helpers older TF1 programs take from there."""
from tf0.ops.optimizers import get_global_step, get_or_create_global_step  # noqa: F401
