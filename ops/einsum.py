"""tf.einsum and tf.tensordot, built from transposes, reshapes, reductions and one batched
matmul per pair of operands (so gradients and the GPU come from those ops)."""
import string

from tf0.engine.graph import name_scope

from .array_ops import reshape, shape, stack, transpose
from .core import OPS, convert_to_tensor
from .math_ops import matmul


def _parse(equation, count):
    equation = equation.replace(" ", "")
    if "." in equation:
        raise ValueError("tf0's einsum does not take '...' (write every index)")
    inputs, arrow, output = equation.partition("->")
    specs = inputs.split(",")
    if len(specs) != count:
        raise ValueError(f"einsum equation {equation!r} names {len(specs)} operands, "
                         f"got {count}")
    for spec in specs + [output]:
        if any(c not in string.ascii_letters for c in spec):
            raise ValueError(f"einsum indices are letters, got {spec!r}")
        if len(set(spec)) != len(spec):
            raise ValueError(f"einsum index repeated within {spec!r} (diagonals are not "
                             f"supported)")
    if not arrow:  # NumPy's rule: the indices that appear once, in alphabetical order
        letters = "".join(specs)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    missing = set(output) - set("".join(specs))
    if missing:
        raise ValueError(f"einsum output index {sorted(missing)} is in no operand")
    return specs, output


def _dims(x, spec):
    """letter -> its dim in x: an int when static, else a scalar int32 tensor."""
    if x.shape.ndims is not None and x.shape.ndims != len(spec):
        raise ValueError(f"einsum operand {x.name} has rank {x.shape.ndims}, its indices "
                         f"{spec!r} say {len(spec)}")
    sizes = shape(x)
    return {c: x.shape.dims[i] if x.shape.ndims and x.shape.dims[i] is not None
            else sizes[i] for i, c in enumerate(spec)}


def _product(values):
    out = 1
    for v in values:
        out = out * v
    return out


def _as_shape(dims):
    return dims if all(isinstance(d, int) for d in dims) else stack(
        [convert_to_tensor(d) for d in dims])


def _sum_out(x, spec, keep):
    """Sum x over the indices of `spec` not in `keep`; returns (x, new spec)."""
    axes = [i for i, c in enumerate(spec) if c not in keep]
    if not axes:
        return x, spec
    return OPS.reduce_sum(x, axis=axes), "".join(c for c in spec if c in keep)


def _permute(x, spec, order):
    if spec == order:
        return x
    return transpose(x, [spec.index(c) for c in order])


def _pair(a, spec_a, b, spec_b, output):
    """einsum of two operands to `output` (letters of a and b only)."""
    a, spec_a = _sum_out(a, spec_a, set(spec_b) | set(output))
    b, spec_b = _sum_out(b, spec_b, set(spec_a) | set(output))
    batch = "".join(c for c in output if c in spec_a and c in spec_b)
    contract = "".join(c for c in spec_a if c in spec_b and c not in output)
    free_a = "".join(c for c in spec_a if c not in spec_b)
    free_b = "".join(c for c in spec_b if c not in spec_a)
    dims = {**_dims(b, spec_b), **_dims(a, spec_a)}
    lead = [dims[c] for c in batch]
    left = reshape(_permute(a, spec_a, batch + free_a + contract),
                   _as_shape(lead + [_product(dims[c] for c in free_a),
                                     _product(dims[c] for c in contract)]))
    right = reshape(_permute(b, spec_b, batch + contract + free_b),
                    _as_shape(lead + [_product(dims[c] for c in contract),
                                      _product(dims[c] for c in free_b)]))
    product = reshape(matmul(left, right),
                      _as_shape(lead + [dims[c] for c in free_a + free_b]))
    return _permute(product, batch + free_a + free_b, output)


def einsum(equation, *inputs, name=None):
    """tf.einsum: e.g. "ij,jk->ik", "bij,bjk->bik", "ij->ji", "ij->" or "bhqd,bhkd->bhqk".
    Every index is a letter; an index in one operand only and not in the output is summed.
    No '...' and no index twice in one operand. Two operands or more (paired left to
    right)."""
    if not inputs:
        raise ValueError("einsum needs at least one operand")
    specs, output = _parse(equation, len(inputs))
    with name_scope(name, "einsum"):
        tensors = [convert_to_tensor(x) for x in inputs]
        if len(tensors) == 1:
            x, spec = _sum_out(tensors[0], specs[0], set(output))
            return _permute(x, spec, output)
        x, spec = tensors[0], specs[0]
        for k in range(1, len(tensors)):
            later = set("".join(specs[k + 1:])) | set(output)
            step_output = output if k == len(tensors) - 1 else \
                "".join(dict.fromkeys(c for c in spec + specs[k] if c in later))
            x, spec = _pair(x, spec, tensors[k], specs[k], step_output), step_output
        return x


def tensordot(a, b, axes, name=None):
    """tf.tensordot: sums a's `axes[0]` against b's `axes[1]` (an int N: a's last N and b's
    first N); the result has a's remaining dims, then b's. Ranks must be static."""
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    if a.shape.ndims is None or b.shape.ndims is None:
        raise ValueError("tf0's tensordot needs operands of known rank")
    if isinstance(axes, int):
        axes = [list(range(a.shape.ndims - axes, a.shape.ndims)), list(range(axes))]
    axes_a, axes_b = ([x] if isinstance(x, int) else list(x) for x in axes)
    if len(axes_a) != len(axes_b):
        raise ValueError(f"tensordot axes {axes_a} and {axes_b} differ in length")
    letters = iter(string.ascii_letters)
    spec_a = [next(letters) for _ in range(a.shape.ndims)]
    spec_b = [next(letters) for _ in range(b.shape.ndims)]
    for i, j in zip(axes_a, axes_b):
        spec_b[j % b.shape.ndims] = spec_a[i % a.shape.ndims]
    shared = set(spec_a) & set(spec_b)
    output = "".join(c for c in spec_a + spec_b if c not in shared)
    return einsum(f"{''.join(spec_a)},{''.join(spec_b)}->{output}", a, b,
                  name=name or "Tensordot")
