"""Op codes of the elementwise kernels, defined once here.

Each elementwise kernel (unary_<dtype>, binary_<dtype>, binary_bcast_<dtype>, ...) takes
the op as its first argument; the loader emits `#define TF0_OP_<name> <code>` for every
entry, so the .cu switch statements and the launchers cannot disagree.
"""

UNARY = ("negative", "abs", "sign", "square", "relu", "relu6", "sqrt", "rsqrt", "reciprocal",
         "exp", "log", "log1p", "sin", "cos", "tanh", "sigmoid", "softplus", "elu", "floor",
         "ceil", "round", "leaky_relu", "logical_not", "erf", "erfc", "tan", "asin", "acos",
         "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "expm1", "lgamma", "digamma",
         "erfinv", "ndtri", "invert")
# ops of UNARY that integer tensors accept (the rest need floats; logical_not needs bools;
# invert needs integers)
UNARY_INTEGER = ("negative", "abs", "sign", "square", "relu", "relu6", "invert")

BINARY = ("add", "subtract", "multiply", "realdiv", "floordiv", "floormod", "maximum",
          "minimum", "squared_difference", "pow", "relu_grad", "relu6_grad", "leaky_relu_grad",
          "atan2", "zeta", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
          "right_shift")
COMPARE = ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
           "logical_and", "logical_or", "logical_xor")

REDUCE = ("sum", "prod", "max", "min")

UNARY_CODE = {name: i for i, name in enumerate(UNARY)}
REDUCE_CODE = {name: i for i, name in enumerate(REDUCE)}
BINARY_CODE = {name: i for i, name in enumerate(BINARY)}
COMPARE_CODE = {name: i for i, name in enumerate(COMPARE)}


def defines():
    """C preprocessor lines naming every op code."""
    lines = []
    for table in (UNARY_CODE, BINARY_CODE, COMPARE_CODE):
        lines += [f"#define TF0_OP_{name} {code}" for name, code in table.items()]
    lines += [f"#define TF0_REDUCE_{name} {code}" for name, code in REDUCE_CODE.items()]
    return "\n".join(lines) + "\n"
