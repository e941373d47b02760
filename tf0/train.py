"""tf0.train: optimizers, the global step, learning-rate decay and checkpoints."""
from tf0.ops.optimizers import (AdagradOptimizer, AdamOptimizer,  # noqa: F401
                                GradientDescentOptimizer, MomentumOptimizer, Optimizer,
                                RMSPropOptimizer, create_global_step, exponential_decay,
                                get_global_step, get_or_create_global_step)
from tf0.session.saver import Saver, checkpoint_exists, latest_checkpoint  # noqa: F401
