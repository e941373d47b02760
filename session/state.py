"""Session-owned state (variable values, random-op run counters) and the context handed to
OpDef.numpy binders while a plan is compiled."""
import numpy as np

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
    """What a numpy binder may ask for: variable readers/writers, random counters, whether a
    tensor's array is owned by the plan (fresh) or shared with the user/state, whether the
    plan reads a tensor, and plans of its own for the ops of a loop body (`subplan`).

    `bodies` collects (filename, line_to_op) of every generated function of the plan, sub-
    plans included, so an error is pinned on the innermost op that raised it."""

    def __init__(self, state, schedule, tracer=None, bodies=None):
        self._state = state
        self._schedule = schedule
        self._read = None
        self.tracer = tracer
        self.bodies = [] if bodies is None else bodies
        self.resources = state.resources

    def is_fresh(self, tensor):
        return tensor in self._schedule.fresh

    def is_read(self, tensor):
        """True when some op of the plan reads `tensor`, or the plan fetches it."""
        if self._read is None:
            self._read = {t for op in self._schedule.ops for t in op.inputs}
            self._read.update(t for t in self._schedule.fetches if t in self._schedule.slots)
        return tensor in self._read

    def loop_host_feeds(self, op, with_records=True):
        """For each plan of loop op `op` (ops/while_ops.loop_subplans), the feeds that arrive
        as host values, or None where the backend does not tell host from device."""
        return [None] * (2 if op.type == "While" else 1)

    def subplan(self, fetches, feeds, frame, optional=(), host_fetches=(), host_feeds=None):
        """run(values) -> fetched values: a plan of the loop body `frame` for one iteration
        (see Schedule). `host_fetches`: indices of fetches wanted as host values;
        `host_feeds`: the feeds that arrive as host values (see loop_host_feeds)."""
        from .plan import Schedule, compile_numpy
        schedule = Schedule(fetches, feeds, frame, optional)
        return compile_numpy(schedule, self._state, self.tracer, self.bodies, internal=True)[0]

    def as_output(self, value):
        """`value` in the form this backend keeps an op's output in."""
        return value

    def stack(self, rows, dtype, row_shape):
        """`rows` (arrays of DType `dtype`) stacked along a new first axis; with no rows, an
        empty array of the static TensorShape `row_shape`."""
        if rows:
            return np.stack(rows).astype(dtype.np, copy=False)
        if not row_shape.is_fully_defined():
            raise errors.InvalidArgumentError(
                None, None, f"no rows to stack, and their shape {row_shape} is not fully known")
        return np.zeros((0, *row_shape.as_list()), dtype.np)

    def concat(self, pieces, dtype, row_shape):
        """`pieces` (arrays of DType `dtype`) joined along their first axis; with none, an
        empty array of rows shaped by the static TensorShape `row_shape`."""
        if pieces:
            return np.concatenate(pieces).astype(dtype.np, copy=False)
        return self.stack([], dtype, row_shape)

    def zeros(self, shape, dtype):
        """An array of zeros of a runtime `shape` and DType `dtype`."""
        return np.zeros(shape, dtype.np)

    def add(self, a, b):
        """a + b (same shape and dtype)."""
        return np.add(a, b)

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
        """next_run(count=1): the run counter of random op `op` for its next draw (of
        `count` consecutive draws), advancing the session's."""
        runs = self._state.random_runs

        def next_run(count=1):
            n = runs.get(op, 0)
            runs[op] = n + count
            return n
        return next_run
