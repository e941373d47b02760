"""Graph, Operation and Tensor: the static dataflow graph a user builds."""
import contextlib
import os
import re
import sys
import threading

from . import dtypes
from .op_def import lookup
from .shapes import TensorShape, as_shape

# Folders whose frames are tf0's own: creation sites skip them to find the user's line.
_INTERNAL_DIRS = [os.path.dirname(os.path.abspath(__file__)) + os.sep]


def register_internal_dir(path):
    """Mark a package folder as tf0's own, so creation sites point past it."""
    path = os.path.dirname(os.path.abspath(path)) + os.sep
    if path not in _INTERNAL_DIRS:
        _INTERNAL_DIRS.append(path)


def _user_site():
    """(filename, lineno) of the innermost frame outside tf0, or None."""
    frame = sys._getframe(1)
    while frame is not None:
        fname = frame.f_code.co_filename
        if not any(fname.startswith(d) for d in _INTERNAL_DIRS):
            return (fname, frame.f_lineno)
        frame = frame.f_back
    return None


# Operator overloads are filled in by tf0.ops (the engine knows no concrete op).
OPERATORS = {}


def _binary(name, reverse=False):
    def method(self, other):
        return OPERATORS[name](other, self) if reverse else OPERATORS[name](self, other)
    method.__name__ = f"__{'r' if reverse else ''}{name}__"
    return method


class Tensor:
    """One output of an Operation: `op`, `value_index`, `dtype`, static `shape`."""

    __array_priority__ = 100
    __slots__ = ("op", "value_index", "dtype", "_shape", "_consumers", "__weakref__")

    def __init__(self, op, value_index, dtype, shape):
        self.op = op
        self.value_index = value_index
        self.dtype = dtype
        self._shape = shape
        self._consumers = []

    @property
    def graph(self):
        return self.op.graph

    @property
    def name(self):
        return f"{self.op.name}:{self.value_index}"

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        """Refine the static shape; ValueError when it conflicts with what is known."""
        self._shape = self._shape.merge_with(as_shape(shape))

    @property
    def device(self):
        return self.op.device

    def consumers(self):
        return list(self._consumers)

    def eval(self, feed_dict=None, session=None):
        session = session or get_default_session()
        if session is None:
            raise ValueError("Cannot evaluate tensor using `eval()`: No default session is "
                             "registered. Use `with sess.as_default()` or pass session=.")
        return session.run(self, feed_dict)

    def __repr__(self):
        return f'<tf.Tensor "{self.name}" shape={self._shape} dtype={self.dtype.name}>'

    def __str__(self):
        return f'Tensor("{self.name}", shape={self._shape}, dtype={self.dtype.name})'

    # `==` and hash() stay object identity (as in TF1), so Tensors can key dicts.

    def __bool__(self):
        raise TypeError("Using a `tf.Tensor` as a Python `bool` is not allowed in graph mode. "
                        "Use `if t is not None:` or build the condition into the graph.")

    def __iter__(self):
        raise TypeError("Tensor objects are only iterable when eager execution is enabled; "
                        "use tf.unstack to split a tensor.")

    def __len__(self):
        raise TypeError(f"len is not well defined for symbolic Tensors ({self.name}); "
                        "use tf.shape or .shape.")

    def __getitem__(self, key):
        return OPERATORS["getitem"](self, key)

    def __neg__(self):
        return OPERATORS["neg"](self)

    def __abs__(self):
        return OPERATORS["abs"](self)

    def __invert__(self):
        return OPERATORS["invert"](self)

    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("sub"), _binary("sub", True)
    __mul__, __rmul__ = _binary("mul"), _binary("mul", True)
    __truediv__, __rtruediv__ = _binary("truediv"), _binary("truediv", True)
    __floordiv__, __rfloordiv__ = _binary("floordiv"), _binary("floordiv", True)
    __mod__, __rmod__ = _binary("mod"), _binary("mod", True)
    __pow__, __rpow__ = _binary("pow"), _binary("pow", True)
    __matmul__, __rmatmul__ = _binary("matmul"), _binary("matmul", True)
    __and__, __rand__ = _binary("and"), _binary("and", True)
    __or__, __ror__ = _binary("or"), _binary("or", True)
    __xor__, __rxor__ = _binary("xor"), _binary("xor", True)
    __lt__, __le__ = _binary("lt"), _binary("le")
    __gt__, __ge__ = _binary("gt"), _binary("ge")


class Operation:
    """A node of the graph: `type`, `name`, `inputs`, `outputs`, `control_inputs`, attrs."""

    def __init__(self, graph, op_def, name, inputs, attrs, control_inputs):
        self.graph = graph
        self.op_def = op_def
        self.type = op_def.type
        self.name = name
        self.inputs = tuple(inputs)
        self.attrs = attrs
        self.control_inputs = tuple(control_inputs)
        self.device = graph._device_stack[-1] if graph._device_stack else ""
        self.traceback_site = _user_site()
        self.gradient_of = graph._gradient_origin  # forward op this one differentiates
        self.outputs = ()
        self._id = graph._next_id()

    def get_attr(self, name):
        try:
            return self.attrs[name]
        except KeyError:
            raise ValueError(f"Operation {self.name!r} has no attr named {name!r}") from None

    @property
    def node_def(self):
        return {"name": self.name, "op": self.type, "attr": dict(self.attrs),
                "input": [t.name for t in self.inputs] + ["^" + c.name for c in self.control_inputs]}

    def describe(self):
        """`node NAME (type T) defined at FILE:LINE`, used in every error message."""
        where = f" defined at {self.traceback_site[0]}:{self.traceback_site[1]}" \
            if self.traceback_site else ""
        text = f"node {self.name} (type {self.type}){where}"
        if self.gradient_of is not None:
            text += f", part of the gradient of {self.gradient_of.describe()}"
        return text

    def run(self, feed_dict=None, session=None):
        session = session or get_default_session()
        if session is None:
            raise ValueError("Cannot execute operation using `run()`: No default session.")
        session.run(self, feed_dict)

    def __repr__(self):
        return f"<tf.Operation '{self.name}' type={self.type}>"

    def __str__(self):
        return f"name: \"{self.name}\"\nop: \"{self.type}\"\n" + "".join(
            f"input: \"{t.name}\"\n" for t in self.inputs)


class GraphKeys:
    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    MODEL_VARIABLES = "model_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    WEIGHTS = "weights"
    SUMMARIES = "summaries"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    TRAIN_OP = "train_op"
    SAVERS = "savers"
    QUEUE_RUNNERS = "queue_runners"
    VARIABLES = GLOBAL_VARIABLES


class Graph:
    """A dataflow graph. Use `with g.as_default():` to build ops into it."""

    def __init__(self):
        self._ops_by_name = {}
        self._ops = []
        self._names_in_use = {}
        self._name_stack = ""
        self._control_stack = []
        self._device_stack = []
        self._collections = {}
        self._finalized = False
        self._gradient_origin = None
        self._gradient_override_map = {}  # op type -> registered gradient name
        self._cond_path = ()  # ((pred tensor name, branch), ...) of the tf.cond being built
        self._frame = ()  # names of the tf.while_loop bodies being built, outermost first
        self._lock = threading.RLock()
        self.seed = None
        self._last_id = 0
        self._version = 0

    def _next_id(self):
        self._last_id += 1
        return self._last_id

    @property
    def finalized(self):
        return self._finalized

    @property
    def version(self):
        return self._version

    def as_graph_def(self, from_version=None, add_shapes=False):
        """The GraphDef of every op, in creation order (engine/graph_def.py)."""
        from .graph_def import as_graph_def
        return as_graph_def(self)

    def finalize(self):
        """Make the graph read-only: adding an op afterwards raises RuntimeError."""
        self._finalized = True

    # ---- building ------------------------------------------------------------------------
    def create_op(self, op_type, inputs, attrs=None, name=None, control_inputs=()):
        """Add an op of a registered type; infer its outputs' static shapes and dtypes."""
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        op_def = lookup(op_type)
        for t in inputs:
            if not isinstance(t, Tensor):
                raise TypeError(f"Input to {op_type} must be a Tensor, got {type(t).__name__}")
            if t.graph is not self:
                raise ValueError(f"Tensor {t.name} must be from the same graph as the op "
                                 f"{op_type} being created ({t.graph!r} vs {self!r}).")
        with self._lock:
            if name and name.endswith("/"):
                name = name[:-1]  # a full name taken from a name scope, used as is
                self._names_in_use.setdefault(name.lower(), 1)
            else:
                name = self.unique_name(name or op_type)
            deps = [c for frame in self._control_stack for c in frame
                    if c is not None]
            deps += list(control_inputs)
            deps = list(dict.fromkeys(d.op if isinstance(d, Tensor) else d for d in deps))
            self._check_frames(op_type, name, [t.op for t in inputs] + deps)
            attrs = dict(attrs or {})
            if self._cond_path:
                attrs["_cond"] = self._cond_path
            if self._frame:
                attrs["_frame"] = self._frame
            if op_type in self._gradient_override_map:
                attrs["_gradient_op_type"] = self._gradient_override_map[op_type]
            op = Operation(self, op_def, name, inputs, attrs, deps)
            try:
                specs = op_def.infer(op)
            except ValueError as e:
                raise ValueError(f"{e} (while building {op_type} op {name!r})") from None
            if op_type not in dtypes.UINT8_OPS and (
                    any(t.dtype is dtypes.uint8 for t in inputs)
                    or any(dt is dtypes.uint8 for _, dt in specs)):
                raise TypeError(f"{op_type} op {name!r} does not take uint8 in tf0 (uint8 is "
                                f"fed, fetched, moved, gathered, compared and cast): cast it "
                                f"first, e.g. tf.cast(x, tf.float32)")
            op.outputs = tuple(Tensor(op, i, dt, sh) for i, (sh, dt) in enumerate(specs))
            for t in inputs:
                t._consumers.append(op)
            self._ops_by_name[name] = op
            self._ops.append(op)
            self._version += 1
        return op

    def _check_frames(self, op_type, name, sources):
        """An op may read (or wait for) ops of its own loop body and of enclosing ones only."""
        for source in sources:
            inner = source.attrs.get("_frame", ())
            if inner and inner != self._frame[:len(inner)]:
                raise ValueError(f"Cannot use '{source.name}' as an input of {op_type} op "
                                 f"{name!r}: it is made inside the body of tf.while_loop "
                                 f"'{inner[-1]}', and values leave a loop only as its results")

    def unique_name(self, name, mark_as_used=True):
        """Prefix `name` with the current name scope and make it unique (add, add_1, ...)."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        count = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = count + 1
        if count > 0:
            base = key
            while key in self._names_in_use:
                key = f"{base}_{count}"
                count += 1
            name = f"{name}_{count - 1}"
            if mark_as_used:
                self._names_in_use[key] = 1
        return name

    def get_name_scope(self):
        return self._name_stack

    @contextlib.contextmanager
    def name_scope(self, name):
        """Nest op names: `with g.name_scope("layer1"):` gives `layer1/add`."""
        old = self._name_stack
        if name is None or name == "":
            new = "" if name == "" else old
        elif name.endswith("/"):
            new = name[:-1]
        else:
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield (new + "/") if new else ""
        finally:
            self._name_stack = old

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops built inside run only after `control_inputs`; None clears outer ones."""
        if control_inputs is None:
            saved, self._control_stack = self._control_stack, []
            try:
                yield
            finally:
                self._control_stack = saved
            return
        frame = []
        for c in control_inputs:
            c = getattr(c, "_as_graph_element", lambda: c)()
            if isinstance(c, Tensor):
                c = c.op
            if not isinstance(c, Operation):
                raise TypeError(f"Control input must be an Operation or Tensor, got {c!r}")
            if c.graph is not self:
                raise ValueError(f"Control input {c.name} is from a different graph.")
            frame.append(c)
        self._control_stack.append(frame)
        try:
            yield
        finally:
            self._control_stack.pop()

    @contextlib.contextmanager
    def device(self, device_name):
        self._device_stack.append(device_name or "")
        try:
            yield
        finally:
            self._device_stack.pop()

    @contextlib.contextmanager
    def cond_branch(self, path):
        """Ops built inside belong to a tf.cond branch: `path` is ((pred tensor name,
        branch), ...) from the outermost cond in; they run only when every pred has its
        branch's value, and after the innermost pred (a control dependency)."""
        saved, self._cond_path = self._cond_path, tuple(path)
        try:
            if path:
                with self.control_dependencies([self.as_graph_element(path[-1][0])]):
                    yield
            else:
                yield
        finally:
            self._cond_path = saved

    @contextlib.contextmanager
    def while_frame(self, frame):
        """Ops built inside belong to the loop body `frame` (a tuple of loop names, outermost
        first): a plan of their own runs them once per iteration. They start outside any
        tf.cond and with no control dependencies; they may read values of enclosing frames."""
        saved = self._frame, self._cond_path, self._control_stack
        self._frame, self._cond_path, self._control_stack = tuple(frame), (), []
        try:
            yield
        finally:
            self._frame, self._cond_path, self._control_stack = saved

    def init_scope(self):
        """Ops built inside are outside every loop body and tf.cond branch, with no control
        dependencies: where variables are made, whatever code asks for them."""
        return self.while_frame(())

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """Ops of the types in `op_type_map` built inside take their gradient from the
        function registered (tf.RegisterGradient) under the mapped name."""
        saved = self._gradient_override_map
        self._gradient_override_map = {**saved, **op_type_map}
        try:
            yield
        finally:
            self._gradient_override_map = saved

    @contextlib.contextmanager
    def gradient_origin(self, op):
        """Ops built inside are marked as part of the gradient of `op`."""
        saved, self._gradient_origin = self._gradient_origin, op
        try:
            yield
        finally:
            self._gradient_origin = saved

    @contextlib.contextmanager
    def as_default(self):
        _graph_stack.append(self)
        try:
            yield self
        finally:
            _graph_stack.remove(self)

    # ---- lookup --------------------------------------------------------------------------
    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        try:
            return self._ops_by_name[name]
        except KeyError:
            raise KeyError(f"The name {name!r} refers to an Operation not in the graph.") from None

    def get_tensor_by_name(self, name):
        if ":" not in name:
            raise ValueError(f"The name {name!r} looks like an Operation name, not a Tensor "
                             "name; Tensor names look like '<op_name>:<output_index>'.")
        op_name, _, index = name.rpartition(":")
        op = self._ops_by_name.get(op_name)
        if op is None or not index.isdigit() or int(index) >= len(op.outputs):
            raise KeyError(f"The name {name!r} refers to a Tensor which does not exist.")
        return op.outputs[int(index)]

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolve a Tensor, Operation, Variable-like object or name to a graph element."""
        if hasattr(obj, "_as_graph_element"):
            obj = obj._as_graph_element()
        if isinstance(obj, str):
            if ":" in obj and allow_tensor:
                return self.get_tensor_by_name(obj)
            if allow_operation:
                return self.get_operation_by_name(obj)
            raise ValueError(f"Name {obj!r} does not name a Tensor.")
        if isinstance(obj, (Tensor, Operation)):
            if obj.graph is not self:
                raise ValueError(f"{obj.name} is not an element of this graph.")
            if isinstance(obj, Tensor) and not allow_tensor:
                raise TypeError(f"Can not convert a Tensor into an Operation: {obj.name}")
            if isinstance(obj, Operation) and not allow_operation:
                raise TypeError(f"Can not convert an Operation into a Tensor: {obj.name}")
            return obj
        raise TypeError(f"Can not convert a {type(obj).__name__} into a Tensor or Operation.")

    # ---- collections ---------------------------------------------------------------------
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        for n in ([names] if isinstance(names, str) else names):
            self.add_to_collection(n, value)

    def get_collection(self, name, scope=None):
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [i for i in items if hasattr(i, "name") and pattern.match(i.name)]

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_all_collection_keys(self):
        return list(self._collections)

    def clear_collection(self, name):
        self._collections.pop(name, None)


_graph_stack = []
_default_graph = [Graph()]
_session_stack = threading.local()


def get_default_graph():
    return _graph_stack[-1] if _graph_stack else _default_graph[0]


def reset_default_graph():
    """Replace the global default graph; not allowed inside a `with g.as_default()`."""
    if _graph_stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs.")
    _default_graph[0] = Graph()


def get_default_session():
    stack = getattr(_session_stack, "stack", None)
    return stack[-1] if stack else None


@contextlib.contextmanager
def default_session(session):
    stack = _session_stack.__dict__.setdefault("stack", [])
    stack.append(session)
    try:
        yield session
    finally:
        stack.remove(session)


def name_scope(name, default_name=None, values=None):
    """`tf.name_scope`; picks the graph of `values` when given."""
    graph = get_default_graph()
    for v in values or ():
        if isinstance(v, Tensor):
            graph = v.graph
            break
    return graph.name_scope(name if name is not None else default_name)


def cond_path(op):
    """The tf.cond branches `op` belongs to, outermost first (() outside any)."""
    return op.attrs.get("_cond", ())


def frame_of(op):
    """The tf.while_loop bodies `op` belongs to, outermost first (() outside any)."""
    return op.attrs.get("_frame", ())


def data_inputs(op):
    """Inputs that carry values (ref inputs only name a Variable)."""
    refs = op.op_def.ref_inputs
    return [t for i, t in enumerate(op.inputs) if i not in refs] if refs else op.inputs


def branch_predicates(op):
    """The predicate tensors of the tf.cond branches `op` runs in (outermost first)."""
    return [op.graph.as_graph_element(name) for name, _ in cond_path(op)]


def postorder(roots, deps):
    """Every op reachable from `roots` through deps(op), each listed after its deps
    (iterative depth-first search, so deep graphs cannot overflow the Python stack)."""
    order, seen = [], set()
    for root in roots:
        if root in seen:
            continue
        stack = [(root, False)]
        while stack:
            op, expanded = stack.pop()
            if expanded:
                order.append(op)
                continue
            if op in seen:
                continue
            seen.add(op)
            stack.append((op, True))
            stack.extend((d, False) for d in reversed(deps(op)) if d not in seen)
    return order


def constant_value(tensor):
    """The NumPy value of `tensor` if it is known while building the graph, else None."""
    import numpy as np
    op = tensor.op
    if op.type == "Const":
        return op.attrs["value"]
    if op.type == "Shape" and op.inputs[0].shape.is_fully_defined():
        return np.array(op.inputs[0].shape.dims, dtype=tensor.dtype.np)
    if op.type == "Size" and op.inputs[0].shape.is_fully_defined():
        return np.array(op.inputs[0].shape.num_elements(), dtype=tensor.dtype.np)
    if op.type == "Rank" and op.inputs[0].shape.ndims is not None:
        return np.array(op.inputs[0].shape.ndims, dtype=np.int32)
    if op.type in ("Identity", "StopGradient"):
        return constant_value(op.inputs[0])
    if op.type == "Cast":
        v = constant_value(op.inputs[0])
        return None if v is None else v.astype(tensor.dtype.np)
    if op.type == "Pack":
        vals = [constant_value(t) for t in op.inputs]
        if all(v is not None for v in vals):
            return np.stack(vals, axis=op.attrs["axis"])
    return None


def shape_from_tensor(tensor):
    """A TensorShape from a 1-D int shape tensor, with unknown entries where not static."""
    import numpy as np
    value = constant_value(tensor)
    if value is not None:
        return TensorShape([None if d < 0 else int(d) for d in np.reshape(value, [-1])])
    if tensor.op.type == "Pack":
        dims = []
        for t in tensor.op.inputs:
            v = constant_value(t)
            dims.append(None if v is None or int(v) < 0 else int(v))
        return TensorShape(dims)
    n = tensor.shape.dims[0] if tensor.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)


def is_tensor(x):
    return isinstance(x, Tensor)


__all__ = ["Graph", "Operation", "Tensor", "GraphKeys", "get_default_graph",
           "reset_default_graph", "get_default_session", "default_session", "name_scope",
           "constant_value", "shape_from_tensor", "register_internal_dir", "OPERATORS"]
