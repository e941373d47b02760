"""tf0.train: optimizers, the global step, learning-rate decay and checkpoints."""
from tf0.ops.learning_rate import (cosine_decay, cosine_decay_restarts,  # noqa: F401
                                   exponential_decay, inverse_time_decay, linear_cosine_decay,
                                   natural_exp_decay, noisy_linear_cosine_decay,
                                   piecewise_constant, piecewise_constant_decay,
                                   polynomial_decay)
from tf0.ops.optimizers import (AdadeltaOptimizer, AdagradOptimizer,  # noqa: F401
                                AdamOptimizer, FtrlOptimizer, GradientDescentOptimizer,
                                MomentumOptimizer, Optimizer, ProximalAdagradOptimizer,
                                ProximalGradientDescentOptimizer, RMSPropOptimizer,
                                create_global_step, get_global_step, get_or_create_global_step)
from tf0.ops.moving_average import ExponentialMovingAverage  # noqa: F401
from tf0.session.checkpoint_init import init_from_checkpoint, warm_start  # noqa: F401
from tf0.session.meta_graph import export_meta_graph, import_meta_graph  # noqa: F401
from tf0.session.saver import (CheckpointState, NewCheckpointReader, Saver,  # noqa: F401
                               checkpoint_exists, get_checkpoint_state, latest_checkpoint,
                               list_variables, load_variable)
from tf0.session.hooks import (CheckpointSaverHook, LoggingTensorHook,  # noqa: F401,E402
                               NanLossDuringTrainingError, NanTensorHook, SecondOrStepTimer,
                               SessionRunArgs, SessionRunContext, SessionRunHook,
                               SessionRunValues, StepCounterHook, StopAtStepHook,
                               SummarySaverHook)
from tf0.session.monitored import (ChiefSessionCreator, MonitoredSession,  # noqa: F401,E402
                                   MonitoredTrainingSession, Scaffold,
                                   SingularMonitoredSession)
from tf0.session.coordinator import Coordinator, start_queue_runners  # noqa: F401,E402
from tf0.ops.example_proto import (BytesList, Example, Feature, Features,  # noqa: F401,E402
                                   FloatList, Int64List)
from tf0.ops.queue_runner import QueueRunner, add_queue_runner  # noqa: F401,E402
from tf0.ops.input_pipeline import (batch, batch_join, input_producer,  # noqa: F401,E402
                                    limit_epochs, range_input_producer, shuffle_batch,
                                    shuffle_batch_join, slice_input_producer,
                                    string_input_producer)
from tf0.session.supervisor import SessionManager, Supervisor  # noqa: F401,E402
from tf0.session.hooks import (CheckpointSaverListener, FeedFnHook,  # noqa: F401,E402
                               FinalOpsHook, GlobalStepWaiterHook)
from tf0.session.train_utils import (assert_global_step, basic_train_loop,  # noqa: F401,E402
                                     checkpoints_iterator, get_checkpoint_mtimes,
                                     global_step, load_checkpoint, remove_checkpoint,
                                     update_checkpoint_state, write_graph)
from tf0.session.monitored import ChiefSessionCreator as WorkerSessionCreator  # noqa: F401,E402
from tf0.ops.reader_ops import match_filenames_once  # noqa: F401,E402
from tf0.session.events import summary_iterator  # noqa: F401,E402
