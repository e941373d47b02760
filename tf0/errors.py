"""tf0.errors: TF1's OpError hierarchy."""
from tf0.engine.errors import *  # noqa: F401,F403
from tf0.engine.errors import (AbortedError, AlreadyExistsError, CancelledError,  # noqa: F401
                               DataLossError, DeadlineExceededError, FailedPreconditionError,
                               InternalError, InvalidArgumentError, NotFoundError, OpError,
                               OutOfRangeError, PermissionDeniedError, ResourceExhaustedError,
                               UnavailableError, UnimplementedError, UnknownError)
