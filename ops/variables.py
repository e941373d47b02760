"""tf.Variable (TF1 reference-variable semantics) and the variable collections."""
from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys, Tensor, get_default_graph
from tf0.engine.shapes import as_shape

from .core import convert_to_tensor, make_op, register_tensor_conversion_function
from .sources import group


class Variable:
    """Mutable state kept by the session across runs.

    `Variable(initial_value, trainable=True, name=None, dtype=None, ...)`: initial_value is a
    Tensor, a NumPy/Python value, or a callable (e.g. an initializer with its shape bound)
    returning one. Builds `name` (VariableV2), `name/Assign` (the initializer) and
    `name/read` (the value used when the Variable appears in an expression).
    """

    def __init__(self, initial_value=None, trainable=True, collections=None,
                 validate_shape=True, caching_device=None, name=None, variable_def=None,
                 dtype=None, expected_shape=None, import_scope=None, constraint=None,
                 use_resource=None, synchronization=None, aggregation=None, shape=None):
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        graph = get_default_graph()
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        collections = list(collections)
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
        self._trainable = trainable
        self.constraint = constraint
        with graph.init_scope(), graph.name_scope(name or "Variable") as scope:
            var_name = scope[:-1]
            with graph.control_dependencies(None), graph.name_scope("Initializer"):
                value = initial_value() if callable(initial_value) else initial_value
                self._initial_value = convert_to_tensor(value, dtype=dtype)
            var_shape = as_shape(shape) if shape is not None else (
                self._initial_value.shape if validate_shape else as_shape(None))
            if validate_shape and not var_shape.is_fully_defined() and shape is None:
                raise ValueError(f"initial_value must have a shape specified: "
                                 f"{self._initial_value}")
            self._variable = graph.create_op(
                "VariableV2", [], {"shape": var_shape, "dtype": self._initial_value.dtype},
                name=var_name + "/").outputs[0]
            self._initializer_op = graph.create_op(
                "Assign", [self._variable, self._initial_value],
                {"validate_shape": validate_shape}, name="Assign")
            with graph.control_dependencies(None):
                self._snapshot = make_op("ReadVariable", [self._variable], name="read")
        graph.add_to_collections(collections, self)

    @classmethod
    def from_ops(cls, variable, initializer, snapshot, initial_value, trainable):
        """A Variable over ops already in a graph (an imported meta graph): its VariableV2
        output, Assign op, read tensor and initial value; adds it to no collection."""
        self = cls.__new__(cls)
        self._variable, self._initializer_op = variable, initializer
        self._snapshot, self._initial_value = snapshot, initial_value
        self._trainable, self.constraint = trainable, None
        return self

    # ---- identity ------------------------------------------------------------------------
    @property
    def name(self):
        return self._variable.name

    @property
    def op(self):
        return self._variable.op

    @property
    def graph(self):
        return self._variable.graph

    @property
    def dtype(self):
        return self._variable.dtype

    @property
    def shape(self):
        return self._variable.shape

    def get_shape(self):
        return self._variable.shape

    @property
    def device(self):
        return self._variable.op.device

    @property
    def trainable(self):
        return self._trainable

    @property
    def initializer(self):
        return self._initializer_op

    @property
    def initial_value(self):
        return self._initial_value

    def _as_graph_element(self):
        return self._variable

    def _ref(self):
        return self._variable

    def value(self):
        """The snapshot tensor `name/read` used in expressions."""
        return self._snapshot

    def read_value(self):
        """A new read that respects the control dependencies in force where it is built."""
        return make_op("ReadVariable", [self._variable], name="read")

    def _current(self):
        """The variable as an operand: its snapshot, or, where control dependencies are in
        force, a new read that waits for them (TF1's reference variables are read when
        their consumer runs, so `with control_dependencies([update]): tf.identity(v)`
        sees the update)."""
        if any(c is not None for frame in self.graph._control_stack for c in frame):
            return self.read_value()
        return self._snapshot

    def initialized_value(self):
        with self.graph.control_dependencies([self._initializer_op]):
            return self.read_value()

    def is_initialized(self):
        return make_op("IsVariableInitialized", [self._variable], name="IsVariableInitialized")

    # ---- updates -------------------------------------------------------------------------
    def _update(self, op_type, value, name, read_value):
        value = convert_to_tensor(value, dtype=self.dtype)
        out = make_op(op_type, [self._variable, value], {"validate_shape": True},
                      name=name or op_type)
        return out if read_value else out.op

    def assign(self, value, use_locking=False, name=None, read_value=True):
        return self._update("Assign", value, name, read_value)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        return self._update("AssignAdd", delta, name, read_value)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        return self._update("AssignSub", delta, name, read_value)

    def eval(self, session=None):
        return self._variable.eval(session=session)

    def load(self, value, session=None):
        """Assign a NumPy value through the session without adding ops per call."""
        from tf0.engine.graph import get_default_session
        session = session or get_default_session()
        if session is None:
            raise ValueError("Either session argument should be provided or default session "
                             "should be established")
        session._load_variable(self._variable.op, value)

    def set_shape(self, shape):
        self._variable.set_shape(shape)
        self._snapshot.set_shape(shape)

    def __repr__(self):
        return (f"<tf.Variable '{self.name}' shape={self.shape} "
                f"dtype={self.dtype.name}_ref>")

    def __getitem__(self, key):
        return self._current()[key]

    def __iter__(self):
        raise TypeError("Variable objects are not iterable; use tf.unstack.")

    def __bool__(self):
        raise TypeError("Using a tf.Variable as a Python bool is not allowed.")


def _delegate(name):
    method = getattr(Tensor, name)
    return lambda self, *args: method(self._current(), *args)


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
              "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__neg__",
              "__abs__", "__lt__", "__le__", "__gt__", "__ge__", "__and__", "__or__",
              "__invert__"):
    setattr(Variable, _name, _delegate(_name))
Variable.__array_priority__ = 100


def _variable_to_tensor(v, dtype=None, name=None):
    if dtype is not None and dtypes.as_dtype(dtype) is not v.dtype:
        raise ValueError(f"Incompatible type conversion requested to type {dtype} for "
                         f"variable of type {v.dtype.name}")
    return v._current()


register_tensor_conversion_function(Variable, _variable_to_tensor)


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    if isinstance(ref, Variable):
        if validate_shape is False:
            value = convert_to_tensor(value, dtype=ref.dtype)
            return make_op("Assign", [ref._variable, value], {"validate_shape": False},
                           name=name or "Assign")
        return ref.assign(value, name=name)
    raise TypeError(f"assign needs a Variable, got {type(ref).__name__}")


def assign_add(ref, value, use_locking=None, name=None):
    if not isinstance(ref, Variable):
        raise TypeError(f"assign_add needs a Variable, got {type(ref).__name__}")
    return ref.assign_add(value, name=name)


def assign_sub(ref, value, use_locking=None, name=None):
    if not isinstance(ref, Variable):
        raise TypeError(f"assign_sub needs a Variable, got {type(ref).__name__}")
    return ref.assign_sub(value, name=name)


def global_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def local_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op that runs the initializer of every variable in var_list."""
    if not var_list:
        return make_op("NoOp", [], name=name)
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    return variables_initializer(global_variables(), name="init")


def local_variables_initializer():
    return variables_initializer(local_variables(), name="init")
