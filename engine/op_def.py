"""The op registry: each op type is declared once as an OpDef.

An OpDef gathers everything the rest of tf0 needs to know about one op type:
  infer(op)            -> list of (TensorShape, DType), one per output; raises ValueError
                          when static shapes conflict.
  numpy(op, ctx)       -> a callable taking the input arrays and returning the output
                          array (or a tuple for several outputs). Bound once per execution
                          plan so attrs are looked up at plan time, not per run.
  kernels              -> the CUDA kernels it launches: a kernel's name without its dtype
                          suffix ("gemm", "strided_copy"), or "family:opcode" for the
                          elementwise kernels that take an op code ("binary:add").
  grad(op, *dys)       -> list with one gradient Tensor (or None) per input, built from
                          graph ops so higher derivatives work.
  ref_inputs           -> indices of inputs that name a Variable rather than read it
                          (assign, read): they are not data dependencies.
  stateful             -> the op reads or writes session state or draws random numbers.
  fresh_output         -> False when the output may share memory with an input or with
                          state; the session copies such outputs before handing them out.
"""


class OpDef:
    __slots__ = ("type", "infer", "numpy", "grad", "kernels", "ref_inputs", "stateful",
                 "fresh_output")

    def __init__(self, type, infer, numpy=None, grad=None, kernels=(), ref_inputs=(),
                 stateful=False, fresh_output=True):
        self.type = type
        self.infer = infer
        self.numpy = numpy
        self.grad = grad
        self.kernels = tuple(kernels)
        self.ref_inputs = frozenset(ref_inputs)
        self.stateful = stateful
        self.fresh_output = fresh_output

    def __repr__(self):
        return f"OpDef({self.type})"


REGISTRY = {}


def results(values):
    """What an op's callable returns for `values`, one per output: the value alone for an
    op with one output (a split into one part, a CSV of one column), else a tuple."""
    values = tuple(values)
    return values if len(values) != 1 else values[0]


def register(op_def):
    """Add an OpDef to the registry; a type may be declared only once."""
    if op_def.type in REGISTRY:
        raise KeyError(f"Op type {op_def.type!r} is already registered")
    REGISTRY[op_def.type] = op_def
    return op_def


def lookup(op_type):
    try:
        return REGISTRY[op_type]
    except KeyError:
        raise KeyError(f"Unknown op type {op_type!r}") from None
