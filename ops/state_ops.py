"""Variable storage ops: VariableV2, ReadVariable, Assign, AssignAdd, AssignSub,
IsVariableInitialized. Values live in the session; an op names its Variable through a
"ref" input, which is not a data dependency."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.shapes import TensorShape

from .core import defop, same_as_input


def _variable_infer(op):
    return [(op.attrs["shape"], op.attrs["dtype"])]


def _variable_bind(op, ctx):
    return ctx.reader(op)


defop("VariableV2", _variable_infer, _variable_bind, grad=NO_GRADIENT, stateful=True,
      fresh_output=False)


def _read_bind(op, ctx):
    return ctx.reader(op.inputs[0].op)


defop("ReadVariable", same_as_input, _read_bind, grad=lambda op, dy: [dy], ref_inputs=(0,),
      stateful=True, fresh_output=False)


def _assign_infer(op):
    ref, value = op.inputs
    if ref.op.type != "VariableV2":
        raise ValueError(f"Assign needs a Variable, got {ref.name}")
    if value.dtype is not ref.dtype:
        raise ValueError(f"Assign: value dtype {value.dtype.name} does not match variable "
                         f"{ref.op.name} of dtype {ref.dtype.name}")
    if op.attrs.get("validate_shape", True):
        if not ref.shape.is_compatible_with(value.shape):
            raise ValueError(f"Shapes {ref.shape} and {value.shape} are incompatible for "
                             f"assigning to {ref.op.name}")
        return [(ref.shape.merge_with(value.shape), ref.dtype)]
    return [(value.shape, ref.dtype)]


def _shape_checker(op):
    """A runtime check that a new value keeps the variable's static shape."""
    var = op.inputs[0]
    if op.type == "Assign" and not op.attrs.get("validate_shape", True):
        return None
    expected = var.shape

    def check(value):
        if not expected.is_compatible_with(np.shape(value)):
            raise errors.InvalidArgumentError(
                None, None, f"Assign requires shapes of both tensors to match. lhs shape= "
                            f"{expected} rhs shape= {list(np.shape(value))}")
    return check


def _assign_bind(op, ctx):
    var_op = op.inputs[0].op
    write = ctx.writer(var_op)
    check = _shape_checker(op)
    must_copy = not ctx.is_fresh(op.inputs[1])

    def assign_np(value):
        if check is not None:
            check(value)
        if must_copy:
            value = np.array(value, copy=True)
        write(value)
        return value
    return assign_np


def _update_bind(np_op):
    def bind(op, ctx):
        var_op = op.inputs[0].op
        read, write = ctx.reader(var_op), ctx.writer(var_op)
        check = _shape_checker(op)

        def update_np(delta):
            new = np_op(read(), delta)
            check(new)
            write(new)
            return new
        return update_np
    return bind


# Assign is a device-to-device copy; the updates run the binary kernels.
_UPDATE_KERNELS = {"Assign": (), "AssignAdd": ("binary:add",), "AssignSub": ("binary:subtract",)}
for _type in ("Assign", "AssignAdd", "AssignSub"):
    defop(_type, _assign_infer,
          _assign_bind if _type == "Assign" else _update_bind(
              np.add if _type == "AssignAdd" else np.subtract),
          grad=NO_GRADIENT, ref_inputs=(0,), stateful=True, fresh_output=False,
          kernels=_UPDATE_KERNELS[_type])


def _initialized_bind(op, ctx):
    check = ctx.initialized_checker(op.inputs[0].op)
    return lambda: np.array(check())


defop("IsVariableInitialized", lambda op: [(TensorShape([]), dtypes.bool_)], _initialized_bind,
      grad=NO_GRADIENT, ref_inputs=(0,), stateful=True)
