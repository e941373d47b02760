"""variable_scope and get_variable: named, shareable variables (TF1 semantics)."""
import contextlib

from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys, get_default_graph

from . import init_ops
from .variables import Variable


class _AutoReuse:
    def __repr__(self):
        return "AUTO_REUSE"


AUTO_REUSE = _AutoReuse()


class VariableScope:
    """A variable scope: `name`, `reuse` (False, True or AUTO_REUSE), default initializer."""

    def __init__(self, reuse, name="", initializer=None, dtype=dtypes.float32,
                 name_scope=""):
        self.name = name
        self.reuse = reuse
        self.initializer = initializer
        self.dtype = dtype
        self.original_name_scope = name_scope

    def reuse_variables(self):
        self.reuse = True

    def set_initializer(self, initializer):
        self.initializer = initializer


def _state(graph):
    """Per-graph store: the scope stack, variables by name and scope use counts."""
    if not hasattr(graph, "_variable_store"):
        graph._variable_store = {"stack": [VariableScope(False)], "vars": {}, "counts": {}}
    return graph._variable_store


def get_variable_scope():
    return _state(get_default_graph())["stack"][-1]


@contextlib.contextmanager
def variable_scope(name_or_scope, default_name=None, values=None, initializer=None,
                   regularizer=None, caching_device=None, partitioner=None,
                   custom_getter=None, reuse=None, dtype=None, use_resource=None,
                   constraint=None, auxiliary_name_scope=True):
    """Open a variable scope (and the name scope of the same name)."""
    graph = get_default_graph()
    state = _state(graph)
    outer = state["stack"][-1]
    if isinstance(name_or_scope, VariableScope):
        full = name_or_scope.name
        name_scope_name = name_or_scope.original_name_scope
    else:
        if name_or_scope is None:
            if default_name is None:
                raise TypeError("If name_or_scope is None, default_name must be given")
            if reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            base = f"{outer.name}/{default_name}" if outer.name else default_name
            n = state["counts"].get(base, 0)
            state["counts"][base] = n + 1
            short = default_name if n == 0 else f"{default_name}_{n}"
        else:
            short = name_or_scope
        full = f"{outer.name}/{short}" if outer.name else short
        if name_or_scope is not None:
            state["counts"][full] = state["counts"].get(full, 0) + 1
        name_scope_name = None
    if outer.reuse is True or (reuse is AUTO_REUSE and outer.reuse is not True):
        new_reuse = True if outer.reuse is True else reuse
    elif outer.reuse is AUTO_REUSE and reuse is None:
        new_reuse = AUTO_REUSE
    else:
        new_reuse = reuse if reuse is not None else (
            name_or_scope.reuse if isinstance(name_or_scope, VariableScope) else False)
    init = initializer or (name_or_scope.initializer if isinstance(name_or_scope, VariableScope)
                           else outer.initializer)
    dtype = dtypes.as_dtype(dtype) if dtype is not None else outer.dtype
    if auxiliary_name_scope:
        scope_arg = name_scope_name if name_scope_name else full.rsplit("/", 1)[-1]
        ctx = graph.name_scope(scope_arg)
    else:
        ctx = contextlib.nullcontext(graph.get_name_scope())
    with ctx as ns:
        scope = VariableScope(new_reuse, full, init, dtype, ns)
        state["stack"].append(scope)
        try:
            yield scope
        finally:
            state["stack"].pop()


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=None, aggregation=None):
    """Create the variable `scope/name`, or return it when the scope reuses variables."""
    graph = get_default_graph()
    state = _state(graph)
    scope = state["stack"][-1]
    full = f"{scope.name}/{name}" if scope.name else name
    existing = state["vars"].get(full)
    if existing is not None:
        if scope.reuse is False or scope.reuse is None:
            raise ValueError(f"Variable {full} already exists, disallowed. Did you mean to set "
                             "reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
        if shape is not None and not existing.shape.is_compatible_with(shape):
            raise ValueError(f"Trying to share variable {full}, but specified shape {shape} "
                             f"and found shape {existing.shape}.")
        if dtype is not None and dtypes.as_dtype(dtype) is not existing.dtype:
            raise ValueError(f"Trying to share variable {full}, but specified dtype "
                             f"{dtypes.as_dtype(dtype).name} and found dtype "
                             f"{existing.dtype.name}.")
        return existing
    if scope.reuse is True:
        raise ValueError(f"Variable {full} does not exist, or was not created with "
                         "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                         "VarScope?")
    dtype = dtypes.as_dtype(dtype) if dtype is not None else scope.dtype
    initializer = initializer if initializer is not None else scope.initializer
    if initializer is None:
        initializer = init_ops.GlorotUniform() if dtype.is_floating else init_ops.Zeros()
    if callable(initializer) and not hasattr(initializer, "shape"):
        if shape is None:
            raise ValueError(f"The shape of variable {full} must be given with an initializer")
        init_value = (lambda: initializer(shape, dtype=dtype))
    else:
        init_value = initializer
        dtype = None if hasattr(initializer, "dtype") else dtype
    with graph.name_scope(""):
        var = Variable(init_value, trainable=True if trainable is None else trainable,
                       collections=collections, validate_shape=validate_shape, name=full,
                       dtype=dtype, constraint=constraint)
    state["vars"][full] = var
    if regularizer is not None:
        loss = regularizer(var)
        if loss is not None:
            graph.add_to_collection("regularization_losses", loss)
    return var


class Template:
    """tf.make_template's callable: the first call creates func's variables in a variable
    scope of its own, every later call reuses them."""

    def __init__(self, name, func, create_scope_now=False, unique_name=None, **kwargs):
        self._name, self._func, self._kwargs = name, func, kwargs
        self._unique_name, self._scope = unique_name, None
        self._variables_created = False
        if create_scope_now:
            with variable_scope(unique_name, default_name=name) as scope:
                self._scope = scope

    @property
    def name(self):
        return self._name

    @property
    def variable_scope(self):
        return self._scope

    @property
    def variable_scope_name(self):
        return None if self._scope is None else self._scope.name

    def __call__(self, *args, **kwargs):
        call = dict(self._kwargs, **kwargs)
        if self._scope is None:
            with variable_scope(self._unique_name, default_name=self._name) as scope:
                self._scope = scope
                result = self._func(*args, **call)
        else:
            with variable_scope(self._scope, reuse=self._variables_created or None):
                result = self._func(*args, **call)
        self._variables_created = True
        return result

    def _collection(self, key):
        prefix = self._scope.name + "/" if self._scope is not None else None
        return [] if prefix is None else [
            v for v in get_default_graph().get_collection(key) if v.op.name.startswith(prefix)]

    @property
    def variables(self):
        return self._collection(GraphKeys.GLOBAL_VARIABLES)

    @property
    def trainable_variables(self):
        return self._collection(GraphKeys.TRAINABLE_VARIABLES)

    @property
    def global_variables(self):
        return self.variables


def make_template(name_, func_, create_scope_now_=False, unique_name_=None,
                  custom_getter_=None, **kwargs):
    """func_ wrapped so that its variables are shared between calls (TF1's make_template):
    kwargs are passed to every call."""
    if custom_getter_ is not None:
        raise NotImplementedError("tf0's make_template takes no custom_getter_")
    return Template(name_, func_, create_scope_now_, unique_name_, **kwargs)
