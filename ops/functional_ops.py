"""TF1's loops over tensors: tf.while_loop, tf.map_fn, tf.scan, tf.foldl and tf.foldr.

All build one While op (ops/while_ops.build_loop). map_fn and scan read their inputs one
row per iteration and stack what they produce, so forward and gradient cost grows linearly
with the number of rows.
"""
from tf0.engine.graph import Tensor, get_default_graph
from tf0.engine.shapes import as_shape

from .array_ops import concat, expand_dims, shape as shape_of
from .control_flow import flatten
from .core import convert_to_tensor
from .tensor_array import TensorArray
from .while_ops import build_loop


def _enters_with(init, invariant):
    if not init.shape.is_compatible_with(invariant):
        raise ValueError(f"Input tensor '{init.name}' enters the loop with shape {init.shape}, "
                         f"but its shape invariant is {invariant}")


def _as_loop_value(value, var, init):
    """A body result for loop variable `var` (initial value `init`) as a tensor, checked."""
    if isinstance(value, Tensor):
        if value.dtype is not var.dtype:
            raise TypeError(f"Input tensor '{init.name}' enters the loop with type "
                            f"{var.dtype.name}, but has type {value.dtype.name} after one "
                            f"iteration")
    else:
        value = convert_to_tensor(value, dtype=var.dtype)
    if not value.shape.is_compatible_with(var.shape):
        raise ValueError(f"Input tensor '{init.name}' enters the loop with shape {init.shape}, "
                         f"but has shape {value.shape} after one iteration. To allow the shape "
                         f"to vary across iterations, use the `shape_invariants` argument of "
                         f"tf.while_loop to specify a less-specific shape.")
    return value


def _as_loop_values(values, variables, inits, what):
    if len(values) != len(variables):
        raise ValueError(f"the body of {what} returns {len(values)} values for "
                         f"{len(variables)} loop variables")
    return [_as_loop_value(v, var, init) for v, var, init in zip(values, variables, inits)]


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """TF1's tf.while_loop: `loop_vars = body(*loop_vars)` while `cond(*loop_vars)`.

    loop_vars: a tensor or a nest (lists, tuples, namedtuples, dicts) of tensors and Python
    values; body returns the same number of values, each with its variable's dtype and a
    shape within its invariant (`shape_invariants`: a matching nest of shapes; default the
    initial values' static shapes). cond returns a scalar bool. At most `maximum_iterations`
    iterations run. Returns the final values in the structure the body returns (one value
    alone unless return_same_structure). Gradients flow to the initial values and to the
    float tensors the body reads from outside, unless back_prop=False. parallel_iterations
    and swap_memory are accepted for compatibility; iterations run one after the other.
    """
    if not callable(cond) or not callable(body):
        raise TypeError("tf.while_loop needs callables cond and body")
    single = not isinstance(loop_vars, (list, tuple, dict))
    leaves, rebuild = flatten([loop_vars] if single else loop_vars)
    if not leaves:
        raise ValueError("tf.while_loop needs at least one loop variable")
    if shape_invariants is None:
        invariants = [None] * len(leaves)
    else:
        invariants, _ = flatten([shape_invariants] if single else shape_invariants)
        if len(invariants) != len(leaves):
            raise ValueError(f"shape_invariants has {len(invariants)} shapes for "
                             f"{len(leaves)} loop variables")
    graph = next((v.graph for v in leaves if isinstance(v, Tensor)), None) \
        or get_default_graph()
    # TensorArrays travel as their flow tensors and are rebuilt around the loop's values
    arrays = [v if isinstance(v, TensorArray) else None for v in leaves]
    with graph.as_default():
        inits = [a.flow if a is not None else convert_to_tensor(v) for v, a in zip(leaves, arrays)]
    shapes = [init.shape if inv is None else as_shape(inv) for init, inv in zip(inits, invariants)]
    for init, shape in zip(inits, shapes):
        _enters_with(init, shape)

    def as_arrays(values):
        return [a._derived(v) if a is not None else v for v, a in zip(values, arrays)]
    structure = []

    def loop_body(variables, rows):
        result = body(*rebuild(iter(as_arrays(variables))))
        if not isinstance(result, (list, tuple, dict)):
            result = [result]
        values, rebuild_result = flatten(result)
        structure.append(rebuild_result)
        arrays[:] = [v if isinstance(v, TensorArray) else None for v in values]
        values = [v.flow if isinstance(v, TensorArray) else v for v in values]
        return _as_loop_values(values, variables, inits, "tf.while_loop"), []
    finals, _ = build_loop(lambda variables: cond(*rebuild(iter(as_arrays(variables)))),
                           loop_body, inits, shapes, limit=maximum_iterations,
                           back_prop=back_prop, name=name or "while")
    finals = as_arrays(finals)  # with the element shapes the body's writes gave them
    if len(finals) == 1 and not return_same_structure:
        return finals[0]
    return structure[0](iter(finals))  # in the structure the body returns, as TF1 does


def _sequences(elems, what):
    """(leaves, rebuild, n, length) of a nest of tensors sliced along their first axis."""
    leaves, rebuild = flatten(elems)
    if not leaves:
        raise ValueError(f"{what} needs at least one tensor to iterate over")
    leaves = [convert_to_tensor(e) for e in leaves]
    for e in leaves:
        if e.shape.ndims == 0:
            raise ValueError(f"{what} iterates over the first axis of its inputs; "
                             f"{e.name} is a scalar")
    lengths = {e.shape.dims[0] for e in leaves if e.shape.ndims} - {None}
    if len(lengths) > 1:
        raise ValueError(f"the inputs of {what} have different first dimensions "
                         f"{sorted(lengths)}")
    return leaves, rebuild, shape_of(leaves[0])[0], next(iter(lengths), None)


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None):
    """TF1's tf.map_fn: fn applied to each row of `elems` (a tensor or a nest of tensors
    with the same first dimension; fn gets rows in that structure), results stacked along a
    new first axis, in the structure fn returns. `dtype` is accepted for compatibility (the
    results' dtypes are fn's). Gradients reach elems and what fn reads from outside."""
    if not callable(fn):
        raise TypeError("tf.map_fn needs a callable fn")
    graph = get_default_graph()
    with graph.name_scope(name or "map"):
        leaves, rebuild, n, length = _sequences(elems, "tf.map_fn")
        structure = []

        def body(variables, rows):
            result = fn(rebuild(iter(rows)))
            values, rebuild_result = flatten(result)
            structure.append(rebuild_result)
            return [variables[0] + 1], values
        _, stacked = build_loop(lambda variables: variables[0] < n, body,
                                [convert_to_tensor(0)], [as_shape([])], sliced=leaves,
                                length=length, back_prop=back_prop)
    return structure[0](iter(stacked))


def _accumulate(fn, elems, initializer, reverse, emit, what, back_prop, name):
    """The loop of scan (emit=True: every accumulator, stacked) and the folds (the last)."""
    if not callable(fn):
        raise TypeError(f"{what} needs a callable fn")
    graph = get_default_graph()
    with graph.name_scope(name or what.split(".")[1]):
        leaves, rebuild, n, length = _sequences(elems, what)
        if reverse:
            leaves = [e[::-1] for e in leaves]
        if initializer is None:  # the first row is the first accumulator
            acc_leaves = [e[0] for e in leaves]
            leaves = [e[1:] for e in leaves]
            acc_rebuild, n = rebuild, n - 1
            length = None if length is None else length - 1
        else:
            acc_leaves, acc_rebuild = flatten(initializer)
            acc_leaves = [convert_to_tensor(a) for a in acc_leaves]
        first = acc_leaves

        def body(variables, rows):
            values, _ = flatten(fn(acc_rebuild(iter(variables[1:])), rebuild(iter(rows))))
            values = _as_loop_values(values, variables[1:], first, what)
            return [variables[0] + 1, *values], (values if emit else [])
        finals, stacked = build_loop(
            lambda variables: variables[0] < n, body, [convert_to_tensor(0), *first],
            [as_shape([])] + [a.shape for a in first], sliced=leaves, length=length,
            back_prop=back_prop)
        if not emit:
            return acc_rebuild(iter(finals[1:]))
        if initializer is None:  # the first row leads the stacked accumulators
            stacked = [concat([expand_dims(a, 0), s], 0) for a, s in zip(first, stacked)]
        if reverse:
            stacked = [s[::-1] for s in stacked]
        return acc_rebuild(iter(stacked))


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """TF1's tf.scan: acc = fn(acc, row) over the rows of `elems` (last to first with
    reverse), every acc stacked along a new first axis (in the rows' order). Without an
    initializer the first row is the first acc (and the first stacked value)."""
    return _accumulate(fn, elems, initializer, reverse, True, "tf.scan", back_prop, name)


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """TF1's tf.foldl: acc = fn(acc, row) over the rows of `elems`, first to last; the
    last acc. Without an initializer the first row is the first acc."""
    return _accumulate(fn, elems, initializer, False, False, "tf.foldl", back_prop, name)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """TF1's tf.foldr: like foldl, over the rows from last to first."""
    return _accumulate(fn, elems, initializer, True, False, "tf.foldr", back_prop, name)
