"""Session-owned state (variable values, random-op run counters) and the context handed to
OpDef.numpy binders while a plan is compiled."""
from tf0.engine import errors


class SessionState:
    """Variable values by VariableV2 op. Writes of a run go to `pending` and are committed
    only when the whole run succeeds, so a failed run changes no variable."""

    def __init__(self):
        self.values = {}
        self.pending = None
        self.random_runs = {}
        self.resources = {}  # dataset iterators by name
        self.targets = {}  # variable -> buffer its new value goes into (CUDA-graph capture)


class PlanContext:
    """What a numpy binder may ask for: variable readers/writers, random counters and
    whether a tensor's array is owned by the plan (fresh) or shared with the user/state."""

    def __init__(self, state, fresh):
        self._state = state
        self._fresh = fresh
        self.resources = state.resources

    def is_fresh(self, tensor):
        return tensor in self._fresh

    def reader(self, var_op):
        state, values, name = self._state, self._state.values, var_op.name

        def read():
            pending = state.pending
            if pending and var_op in pending:
                return pending[var_op]
            try:
                return values[var_op]
            except KeyError:
                raise errors.FailedPreconditionError(
                    None, var_op, f"Attempting to use uninitialized value {name}") from None
        return read

    def writer(self, var_op):
        state = self._state

        def write(value):
            state.pending[var_op] = value
        return write

    def initialized_checker(self, var_op):
        state = self._state
        return lambda: var_op in state.values or bool(state.pending and var_op in state.pending)

    def random_counter(self, op):
        runs = self._state.random_runs

        def next_run():
            n = runs.get(op, 0)
            runs[op] = n + 1
            return n
        return next_run
