"""More of TF1's checks and variable bookkeeping: assert_scalar, assert_integer,
assert_rank_at_least, assert_rank_in, assert_near, assert_same_float_dtype,
is_numeric_tensor, verify_tensor_all_finite, ensure_shape; model_variables,
moving_average_variables, report_uninitialized_variables, assert_variables_initialized,
is_variable_initialized, get_local_variable."""
import numpy as np

from tf0.engine import dtypes
from tf0.engine.graph import GraphKeys, Tensor, get_default_graph, name_scope
from tf0.engine.shapes import as_shape

from .control_flow import Assert
from .core import OPS, convert_to_tensor
from .debug_ops import _assert_all, check_numerics
from .sources import identity, no_op
from .variable_scope import get_variable
from .variables import global_variables, local_variables


def assert_scalar(tensor, name=None, message=None):
    """`tensor` itself, after ValueError now unless its static rank is 0."""
    tensor = convert_to_tensor(tensor)
    if tensor.shape.ndims != 0:
        raise ValueError(f"{message + ' ' if message else ''}Expected scalar shape for "
                         f"{tensor.name}, saw shape: {tensor.shape}.")
    return tensor


def assert_integer(x, message=None, name=None):
    """A no-op, after TypeError now unless x has an integer dtype."""
    x = convert_to_tensor(x)
    if not x.dtype.is_integer:
        raise TypeError(f"{message + ' ' if message else ''}Expected integer type for "
                        f"{x.name}, got {x.dtype.name}")
    return no_op(name=name or "assert_integer")


def assert_rank_at_least(x, rank, message=None, name=None):
    """ValueError now when x's static rank is below `rank`; else an Assert of it."""
    x = convert_to_tensor(x)
    if x.shape.ndims is not None and x.shape.ndims < int(rank):
        raise ValueError(f"{message + ' ' if message else ''}Tensor {x.name} must have rank "
                         f"at least {rank}. Received rank {x.shape.ndims}, shape {x.shape}")
    with name_scope(name, "assert_rank_at_least"):
        return Assert(OPS.rank(x) >= int(rank),
                      [message or f"Tensor {x.name} must have rank at least {rank}"])


def assert_rank_in(x, ranks, message=None, name=None):
    """ValueError now when x's static rank is none of `ranks`; else an Assert of it."""
    x = convert_to_tensor(x)
    ranks = [int(r) for r in ranks]
    if x.shape.ndims is not None and x.shape.ndims not in ranks:
        raise ValueError(f"{message + ' ' if message else ''}Tensor {x.name} must have rank "
                         f"in {ranks}. Received rank {x.shape.ndims}, shape {x.shape}")
    with name_scope(name, "assert_rank_in"):
        rank = OPS.rank(x)
        return Assert(OPS.reduce_any(OPS.stack([OPS.equal(rank, r) for r in ranks])),
                      [message or f"Tensor {x.name} must have rank in {ranks}"])


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None,
                name=None):
    """An Assert op: |x - y| <= atol + rtol |y| element-wise (defaults: 10 eps of the
    dtype, as TF1)."""
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype=x.dtype)
    eps = float(np.finfo(x.dtype.np).eps) if x.dtype.is_floating else 0.0
    rtol = 10 * eps if rtol is None else rtol
    atol = 10 * eps if atol is None else atol
    close = OPS.abs(x - y) <= atol + rtol * OPS.abs(y)
    return _assert_all(close, "x and y not equal to tolerance", [("x", x), ("y", y)], data,
                       summarize, message, name or "assert_near")


def assert_same_float_dtype(tensors=None, dtype=None):
    """The float DType shared by `tensors` (and `dtype`); ValueError when they differ or are
    not floats (float32 when there is nothing to look at)."""
    found = {convert_to_tensor(t).dtype for t in tensors or []}
    if dtype is not None:
        found.add(dtypes.as_dtype(dtype))
    if len(found) > 1:
        raise ValueError(f"Tensors have different dtypes: {sorted(d.name for d in found)}")
    if not found:
        return dtypes.float32
    (only,) = found
    if not only.is_floating:
        raise ValueError(f"Expected floating point type, got {only.name}.")
    return only


def is_numeric_tensor(tensor):
    return isinstance(tensor, Tensor) and (tensor.dtype.is_floating or tensor.dtype.is_integer)


def verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """`t` after checking at run time that it holds no inf or NaN (check_numerics)."""
    return check_numerics(t if t is not None else x, msg if msg is not None else message,
                          name=name)


def ensure_shape(x, shape, name=None):
    """x with its static shape merged with `shape`, and an Assert that the run-time shape is
    compatible (dimensions given as None are free)."""
    x = convert_to_tensor(x)
    shape = as_shape(shape)
    if not x.shape.is_compatible_with(shape):
        raise ValueError(f"Shape of tensor {x.name} {x.shape} is not compatible with "
                         f"expected shape {shape}.")
    with name_scope(name, "EnsureShape"):
        if shape.ndims is None:
            return identity(x)
        known = [(i, d) for i, d in enumerate(shape.as_list()) if d is not None]
        size = OPS.shape(x)
        checks = [OPS.equal(OPS.rank(x), shape.ndims)] + [OPS.equal(size[i], d)
                                                          for i, d in known]
        check = Assert(OPS.reduce_all(OPS.stack(checks)),
                       [f"Shape of tensor {x.name} is not compatible with expected shape "
                        f"{shape}:", size])
        with get_default_graph().control_dependencies([check]):
            out = identity(x)
        out.set_shape(x.shape.merge_with(shape))
        return out


# ---- variables -------------------------------------------------------------------------------
def model_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def is_variable_initialized(variable):
    """A bool scalar: whether the variable has a value in the session."""
    return variable.is_initialized()


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A string vector of the names of var_list's (default: every global and local)
    variables that have no value in the session yet."""
    variables = var_list if var_list is not None else global_variables() + local_variables()
    with name_scope(name):
        if not variables:
            return convert_to_tensor(np.array([], object), dtype=dtypes.string)
        names = convert_to_tensor(np.array([v.op.name.encode() for v in variables], object),
                                  dtype=dtypes.string)
        missing = OPS.logical_not(OPS.stack([v.is_initialized() for v in variables]))
        return OPS.boolean_mask(names, missing)


def assert_variables_initialized(var_list=None):
    """An Assert that every variable of var_list (default: all) has a value."""
    variables = var_list if var_list is not None else global_variables() + local_variables()
    if not variables:
        return None
    with name_scope(None, "assert_variables_initialized"):
        return Assert(OPS.reduce_all(OPS.stack([v.is_initialized() for v in variables])),
                      ["Some variables are not initialized"])


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, **kwargs):
    """get_variable into LOCAL_VARIABLES (not trainable, not global)."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, trainable=False,
                        collections=collections, **kwargs)

