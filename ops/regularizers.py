"""Weight regularizers (TF1's tf.contrib.layers.l1/l2/l1_l2_regularizer) and
apply_regularization: functions of a weight tensor that layers and get_variable call,
adding what they return to GraphKeys.REGULARIZATION_LOSSES."""
from tf0.engine.graph import GraphKeys, get_default_graph, name_scope

from .core import OPS, convert_to_tensor


def _checked(scale, what):
    scale = float(scale)
    if scale < 0:
        raise ValueError(f"{what} scale must be non-negative, got {scale}")
    return scale


def l1_regularizer(scale, scope=None):
    """w -> scale * sum(|w|) (None when scale is 0, as TF1)."""
    scale = _checked(scale, "l1_regularizer")

    def l1(weights):
        if scale == 0:
            return None
        with name_scope(scope, "l1_regularizer"):
            return OPS.multiply(scale, OPS.reduce_sum(OPS.abs(weights)), name="value")
    return l1


def l2_regularizer(scale, scope=None):
    """w -> scale * sum(w^2) / 2 (tf.nn.l2_loss; None when scale is 0, as TF1)."""
    scale = _checked(scale, "l2_regularizer")

    def l2(weights):
        if scale == 0:
            return None
        with name_scope(scope, "l2_regularizer"):
            return OPS.multiply(scale, OPS.l2_loss(weights), name="value")
    return l2


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """The sum of an l1 and an l2 regularizer."""
    l1, l2 = l1_regularizer(scale_l1), l2_regularizer(scale_l2)

    def l1_l2(weights):
        terms = [t for t in (l1(weights), l2(weights)) if t is not None]
        if not terms:
            return None
        with name_scope(scope, "l1_l2_regularizer"):
            return OPS.add_n(terms)
    return l1_l2


def add_regularization(value, collection=GraphKeys.REGULARIZATION_LOSSES):
    """Put a regularizer's result (unless None) in `collection`; returns it."""
    if value is not None:
        get_default_graph().add_to_collection(collection, convert_to_tensor(value))
    return value


def apply_regularization(regularizer, weights_list=None):
    """The sum of regularizer(w) over weights_list (default: the weights collection), also
    added to REGULARIZATION_LOSSES."""
    graph = get_default_graph()
    weights = graph.get_collection(GraphKeys.WEIGHTS) if weights_list is None else weights_list
    terms = [t for t in (regularizer(w) for w in weights) if t is not None]
    if not terms:
        raise ValueError("No regularization to apply: the regularizer gave nothing")
    with name_scope(None, "get_regularization_penalty"):
        total = OPS.add_n(terms)
    return add_regularization(total)
