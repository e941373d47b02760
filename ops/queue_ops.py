"""TF1's queues: FIFOQueue, RandomShuffleQueue and PaddingFIFOQueue, and their ops.

A queue holds rows: tuples of NumPy arrays, one per component. Each session has its own
rows (a QueueRuntime in the session's resources, made on first use). Ops that may wait run
outside the session's lock, so that the runs that would wake them can proceed:
- a dequeue (QueueDequeue) takes its rows before its run starts (`PRE_RUN`), and the op
  hands them out when the run reaches it;
- an enqueue (QueueEnqueue) sets its rows aside when the run reaches it, and they are put
  into the queue after the run (`POST_RUN`), waiting there while the queue is full.
`RUN` (one per thread) carries the rows between those steps and the run. QueueClose,
QueueSize and QueueIsClosed never wait and run like other host ops.
"""
import collections
import threading

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import get_default_graph, name_scope
from tf0.engine.shapes import TensorShape, as_shape

from .core import convert_to_tensor, defop, make_op
from .random_ops import get_seed

RUN = threading.local()  # .taken: {op: rows taken before the run}; .outbox: [(op, values)]
PRE_RUN = {}  # op type -> fn(op, resources) -> the op's outputs, taken before its run
POST_RUN = {}  # op type -> fn(op, resources, values): after its run


class QueueSpec:
    """What a queue is: its kind ("fifo", "random_shuffle", "padding_fifo"), capacity,
    component DTypes and TensorShapes (unknown when not given), and for shuffling the
    number of rows kept back and the (graph, op) seed. Its name is unique in its graph."""

    def __init__(self, name, kind, capacity, dtypes_, shapes, min_after_dequeue=0, seed=None):
        self.name, self.kind, self.capacity = name, kind, int(capacity)
        self.dtypes, self.shapes = tuple(dtypes_), tuple(shapes)
        self.min_after_dequeue, self.seed = int(min_after_dequeue), seed

    def __repr__(self):
        return f"QueueSpec({self.name!r}, {self.kind})"


class QueueRuntime:
    """The rows of one queue in one session, and the waits on them."""

    def __init__(self, spec):
        self.spec = spec
        self.rows = collections.deque()
        self.closed = self.cancelled = False
        self.changed = threading.Condition()
        self.rng = np.random.default_rng(spec.seed) if spec.kind == "random_shuffle" else None

    def put(self, op, rows):
        """Append `rows` one by one, waiting while the queue is full. A closed queue takes
        no new rows; a put already waiting goes on unless the close cancelled it."""
        with self.changed:
            if self.closed:
                raise errors.CancelledError(None, op, f"Queue '{self.spec.name}' is closed.")
            for row in rows:
                while len(self.rows) >= self.spec.capacity:
                    if self.cancelled:
                        raise errors.CancelledError(
                            None, op, f"Enqueue to queue '{self.spec.name}' was cancelled.")
                    self.changed.wait()
                self.rows.append(row)
                self.changed.notify_all()

    def take(self, op, count, up_to):
        """`count` rows (one when count is None), waiting until there are enough; once the
        queue is closed, OutOfRangeError when too few are left (dequeue_up_to takes what is
        left if anything is)."""
        want = 1 if count is None else count
        keep = self.spec.min_after_dequeue if self.rng is not None else 0
        with self.changed:
            while True:
                if self.cancelled:
                    raise errors.CancelledError(None, op, f"Queue '{self.spec.name}' was "
                                                          f"cancelled (its session closed).")
                if len(self.rows) >= want + (0 if self.closed else keep):
                    break
                if self.closed:
                    if up_to and self.rows:
                        want = len(self.rows)
                        break
                    raise errors.OutOfRangeError(
                        None, op, f"Queue '{self.spec.name}' is closed and has insufficient "
                                  f"elements (requested {want}, current size {len(self.rows)})")
                self.changed.wait()
            taken = [self._pop() for _ in range(want)]
            self.changed.notify_all()
        return taken

    def _pop(self):
        if self.rng is None:
            return self.rows.popleft()
        k = int(self.rng.integers(len(self.rows)))
        self.rows.rotate(-k)
        row = self.rows.popleft()
        self.rows.rotate(k)
        return row

    def close_queue(self, cancel_pending_enqueues):
        with self.changed:
            self.closed = True
            self.cancelled = self.cancelled or cancel_pending_enqueues
            self.changed.notify_all()

    def close(self):
        """The session closed: every wait ends with CancelledError."""
        with self.changed:
            self.closed = self.cancelled = True
            self.changed.notify_all()


def runtime(resources, spec):
    """The session's QueueRuntime of `spec` (made on first use)."""
    key = ("queue", spec.name)
    found = resources.get(key)
    if found is None:
        found = resources.setdefault(key, QueueRuntime(spec))
    return found


# ---- the ops ------------------------------------------------------------------------------
def _check_rows(op, spec, values, many):
    """The run-time shapes of the rows in `values` (many: sliced along the first dimension)
    against the queue's component shapes."""
    for k, (value, shape) in enumerate(zip(values, spec.shapes)):
        row = value.shape[1:] if many else value.shape
        if not shape.is_compatible_with(TensorShape(list(row))):
            raise errors.InvalidArgumentError(
                None, op, f"Shape mismatch in tuple component {k} of queue "
                          f"'{spec.name}': expected {shape}, got {list(row)}")


def _put(op, resources, values):
    spec, many = op.attrs["queue"], op.attrs["many"]
    _check_rows(op, spec, values, many)
    if many:
        if len({len(v) for v in values}) > 1:
            raise errors.InvalidArgumentError(None, op, "enqueue_many: components differ in "
                                                        "their first dimension")
        rows = list(zip(*values)) if values else []
    else:
        rows = [tuple(values)]
    runtime(resources, spec).put(op, rows)


def _stack_rows(spec, rows):
    """Rows stacked per component; a padding queue pads unknown dimensions with zeros."""
    out = []
    for k, dtype in enumerate(spec.dtypes):
        parts = [np.asarray(r[k]) for r in rows]
        if spec.kind == "padding_fifo" and parts and parts[0].ndim:
            size = np.max([p.shape for p in parts], axis=0)
            parts = [np.pad(p, [(0, int(s) - d) for s, d in zip(size, p.shape)]) for p in parts]
        shape = spec.shapes[k]
        if not parts:
            out.append(np.zeros([0] + [d or 0 for d in shape.as_list()], dtype.np)
                       if shape.ndims is not None else np.zeros([0], dtype.np))
        else:
            out.append(np.stack(parts).astype(dtype.np, copy=False))
    return out


def _take(op, resources):
    spec, count, up_to = op.attrs["queue"], op.attrs["count"], op.attrs["up_to"]
    rows = runtime(resources, spec).take(op, count, up_to)
    values = list(rows[0]) if count is None else _stack_rows(spec, rows)
    return values[0] if len(values) == 1 else tuple(values)


PRE_RUN["QueueDequeue"] = _take
POST_RUN["QueueEnqueue"] = _put


def _enqueue_bind(op, ctx):
    def set_aside(*values):
        RUN.outbox.append((op, [np.array(v, copy=True) for v in values]))
    return set_aside


def taken_before_run(op, ctx):
    """The binder of an op whose outputs PRE_RUN took before its run: it hands them out."""
    def hand_out():
        taken = getattr(RUN, "taken", None)
        if taken is None or op not in taken:
            raise errors.UnimplementedError(
                None, op, f"{op.type} can run only as an op of a Session.run, not inside "
                          f"tf.while_loop or a function")
        return taken[op]
    return hand_out


def _dequeue_infer(op):
    spec, count, up_to = op.attrs["queue"], op.attrs["count"], op.attrs["up_to"]
    lead = [] if count is None else [None if up_to else count]
    return [(TensorShape(None if shape.ndims is None else lead + shape.as_list()), dtype)
            for dtype, shape in zip(spec.dtypes, spec.shapes)]


def _scalar_bind(read):
    def bind(op, ctx):
        return lambda: read(runtime(ctx.resources, op.attrs["queue"]))
    return bind


def _close_bind(op, ctx):
    cancel = op.attrs["cancel"]
    return lambda: runtime(ctx.resources, op.attrs["queue"]).close_queue(cancel)


defop("QueueEnqueue", lambda op: [], _enqueue_bind, grad=NO_GRADIENT, stateful=True)
defop("QueueDequeue", _dequeue_infer, taken_before_run, grad=NO_GRADIENT, stateful=True,
      fresh_output=False)
defop("QueueClose", lambda op: [], _close_bind, grad=NO_GRADIENT, stateful=True)
defop("QueueSize", lambda op: [(TensorShape([]), dtypes.int32)],
      _scalar_bind(lambda q: np.int32(len(q.rows))), grad=NO_GRADIENT, stateful=True)
defop("QueueIsClosed", lambda op: [(TensorShape([]), dtypes.bool_)],
      _scalar_bind(lambda q: np.bool_(q.closed)), grad=NO_GRADIENT, stateful=True)


# ---- the Python side ----------------------------------------------------------------------
def _as_list(values):
    return list(values) if isinstance(values, (list, tuple)) else [values]


class QueueBase:
    """A queue of rows with len(dtypes) components. enqueue/enqueue_many/dequeue/
    dequeue_many/dequeue_up_to/close/size/is_closed build ops, as in TF1; `names` makes
    rows dicts instead of lists."""

    def __init__(self, kind, capacity, dtypes_, shapes, names, name, min_after_dequeue=0,
                 seed=None):
        self._dtypes = [dtypes.as_dtype(d) for d in _as_list(dtypes_)]
        if shapes is None:
            shapes = [TensorShape(None)] * len(self._dtypes)
        else:
            shapes = [as_shape(s) for s in (shapes if isinstance(shapes, (list, tuple)) and
                                            shapes and not isinstance(shapes[0], int)
                                            else [shapes])]
        if len(shapes) != len(self._dtypes):
            raise ValueError(f"queue has {len(self._dtypes)} dtypes but {len(shapes)} shapes")
        self._names = None if names is None else _as_list(names)
        graph = get_default_graph()
        self._name = graph.unique_name(name)
        self._spec = QueueSpec(self._name, kind, capacity, self._dtypes, shapes,
                               min_after_dequeue, seed)

    @property
    def name(self):
        return self._name

    @property
    def dtypes(self):
        return list(self._dtypes)

    @property
    def shapes(self):
        return list(self._spec.shapes)

    @property
    def names(self):
        return self._names

    def _components(self, vals):
        if self._names is not None:
            if not isinstance(vals, dict):
                raise ValueError(f"queue '{self._name}' has names: enqueue a dict")
            vals = [vals[n] for n in self._names]
        vals = _as_list(vals)
        if len(vals) != len(self._dtypes):
            raise ValueError(f"queue '{self._name}' takes {len(self._dtypes)} components, "
                             f"got {len(vals)}")
        return [convert_to_tensor(v, dtype=dtype) for v, dtype in zip(vals, self._dtypes)]

    def _enqueue(self, vals, many, name):
        tensors = self._components(vals)
        for t, shape in zip(tensors, self._spec.shapes):
            row = t.shape[1:] if many and t.shape.ndims else t.shape
            if many and t.shape.ndims == 0:
                raise ValueError("enqueue_many needs components with a first dimension")
            if not shape.is_compatible_with(row):
                raise ValueError(f"queue '{self._name}' holds rows of shape {shape}, "
                                 f"got {row} ({t.name})")
        with name_scope(name, f"{self._name}_enqueue"):
            return make_op("QueueEnqueue", tensors, {"queue": self._spec, "many": many},
                           name="QueueEnqueue")

    def enqueue(self, vals, name=None):
        """An op that puts one row into the queue (waiting while it is full)."""
        return self._enqueue(vals, False, name)

    def enqueue_many(self, vals, name=None):
        """An op that puts the rows of `vals` (sliced along their first dimension)."""
        return self._enqueue(vals, True, name)

    def _dequeue(self, count, up_to, name):
        if count is not None:
            count = int(count)
        out = make_op("QueueDequeue", [], {"queue": self._spec, "count": count,
                                           "up_to": up_to}, name=name or "QueueDequeue")
        out = list(out) if isinstance(out, tuple) else [out]
        if self._names is not None:
            return dict(zip(self._names, out))
        return out[0] if len(out) == 1 else out

    def dequeue(self, name=None):
        """The tensors of one row (a tensor for one component, a list, or a dict)."""
        return self._dequeue(None, False, name)

    def dequeue_many(self, n, name=None):
        """n rows, stacked along a new first dimension; OutOfRangeError once the queue is
        closed with fewer than n left."""
        return self._dequeue(n, False, name)

    def dequeue_up_to(self, n, name=None):
        """Like dequeue_many, but a closed queue hands out its last rows (fewer than n)."""
        return self._dequeue(n, True, name)

    def close(self, cancel_pending_enqueues=False, name=None):
        """An op that closes the queue: no more enqueues; dequeues drain it, then fail."""
        return make_op("QueueClose", [], {"queue": self._spec,
                                          "cancel": bool(cancel_pending_enqueues)},
                       name=name or "QueueClose")

    def size(self, name=None):
        return make_op("QueueSize", [], {"queue": self._spec}, name=name or "QueueSize")

    def is_closed(self, name=None):
        return make_op("QueueIsClosed", [], {"queue": self._spec},
                       name=name or "QueueIsClosed")


class FIFOQueue(QueueBase):
    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,  # noqa: A002
                 name="fifo_queue"):
        super().__init__("fifo", capacity, dtypes, shapes, names, name)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose dequeue_many pads each component's unknown dimensions (None in
    `shapes`, which is required) with zeros to the longest row taken."""

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,  # noqa: A002
                 name="padding_fifo_queue"):
        super().__init__("padding_fifo", capacity, dtypes, shapes, names, name)


class RandomShuffleQueue(QueueBase):
    """Rows come out in random order; until the queue is closed a dequeue leaves at least
    `min_after_dequeue` rows behind."""

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None,  # noqa: A002
                 seed=None, shared_name=None, name="random_shuffle_queue"):
        super().__init__("random_shuffle", capacity, dtypes, shapes, names, name,
                         min_after_dequeue, get_seed(seed))
