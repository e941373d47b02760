"""tf.estimator's canned models over feature columns: DNNClassifier, DNNRegressor,
LinearClassifier, LinearRegressor and the wide-and-deep DNNLinearCombinedClassifier and
DNNLinearCombinedRegressor, with TF1's heads (binary logistic, multi-class softmax,
regression), predictions, evaluation metrics, variable names and default optimizers
(Adagrad 0.05 for DNNs; Ftrl at min(0.2, 1/sqrt(columns)) for linear models; in a combined
model Adagrad 0.001 and Ftrl at min(0.005, 1/sqrt(columns)), each training its own part).
The training loss is the weighted sum over the batch (TF1's default loss_reduction), or
the reduction asked for."""
import math

from tf0.engine import dtypes
from tf0.ops import metrics as metrics_lib, threshold_metrics
from tf0.engine.graph import GraphKeys, get_default_graph
from tf0.ops.array_ops import concat, expand_dims, reshape
from tf0.ops.core import OPS, convert_to_tensor
from tf0.ops.feature_columns import class_names, input_layer, linear_model
from tf0.ops.layers import dense, dropout as dropout_layer
from tf0.ops.losses import Reduction
from tf0.ops.math_ops import cast
from tf0.ops.nn_ops import sigmoid_cross_entropy_with_logits, softmax
from tf0.ops.nn_ops import sparse_softmax_cross_entropy_with_logits
from tf0.ops.optimizers import (AdagradOptimizer, AdamOptimizer, FtrlOptimizer,
                                GradientDescentOptimizer, Optimizer, RMSPropOptimizer,
                                get_global_step)
from tf0.ops.sources import group
from tf0.ops.variable_scope import variable_scope

from .estimator import ClassificationOutput, Estimator, EstimatorSpec, ModeKeys, PredictOutput
from .estimator import RegressionOutput

_OPTIMIZERS = {"Adagrad": AdagradOptimizer, "Adam": AdamOptimizer, "Ftrl": FtrlOptimizer,
               "RMSProp": RMSPropOptimizer, "SGD": GradientDescentOptimizer}


def _optimizer(optimizer, learning_rate):
    if isinstance(optimizer, str):
        if optimizer not in _OPTIMIZERS:
            raise ValueError(f"Unsupported optimizer name: {optimizer}. Supported names are: "
                             f"{sorted(_OPTIMIZERS)}")
        return _OPTIMIZERS[optimizer](learning_rate=learning_rate)
    if callable(optimizer) and not isinstance(optimizer, Optimizer):
        optimizer = optimizer()
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"The given object is not an Optimizer instance: {optimizer}")
    return optimizer


def _weights(features, weight_column, like):
    if weight_column is None:
        return OPS.ones_like(like)
    key = weight_column if isinstance(weight_column, str) else weight_column.key
    return reshape(cast(convert_to_tensor(features[key]), dtypes.float32), [-1, 1])


class _Head:
    """Loss, predictions and metrics for logits [batch, logits_dimension]."""

    def __init__(self, kind, n_classes=2, label_dimension=1, label_vocabulary=None,
                 weight_column=None, loss_reduction=None):
        self.kind, self.n_classes, self.vocabulary = kind, n_classes, label_vocabulary
        self.weight_column = weight_column
        self.loss_reduction = loss_reduction or Reduction.SUM
        if self.loss_reduction not in (Reduction.SUM, Reduction.MEAN,
                                       Reduction.SUM_OVER_BATCH_SIZE,
                                       Reduction.SUM_BY_NONZERO_WEIGHTS):
            raise ValueError(f"Invalid loss_reduction: {loss_reduction}")
        self.logits_dimension = {"binary": 1, "multi": n_classes,
                                 "regression": label_dimension}[kind]

    def _labels(self, labels):
        labels = convert_to_tensor(labels)
        if self.kind == "regression":
            return reshape(cast(labels, dtypes.float32), [-1, self.logits_dimension])
        if self.vocabulary is not None:
            from tf0.ops.feature_columns import VocabularyListColumn
            column = VocabularyListColumn("label", tuple(
                v.encode() if isinstance(v, str) else v for v in self.vocabulary),
                dtypes.string, -1)
            labels = column.ids({"label": labels})
        return reshape(cast(labels, dtypes.int64), [-1, 1])

    def predictions(self, logits):
        if self.kind == "regression":
            return {"predictions": logits}
        if self.kind == "binary":
            p = OPS.sigmoid(logits)
            probabilities = concat([1.0 - p, p], 1)
            class_ids = cast(p > 0.5, dtypes.int64)
            extra = {"logistic": p}
        else:
            probabilities = softmax(logits)
            class_ids = expand_dims(OPS.argmax(logits, axis=1), 1)
            extra = {}
        return {"logits": logits, "probabilities": probabilities, "class_ids": class_ids,
                "classes": class_names(class_ids, self.vocabulary), **extra}

    def per_example_loss(self, logits, labels):
        if self.kind == "regression":
            return OPS.square(logits - labels)
        if self.kind == "binary":
            return sigmoid_cross_entropy_with_logits(labels=cast(labels, dtypes.float32),
                                                     logits=logits)
        return expand_dims(sparse_softmax_cross_entropy_with_logits(
            labels=reshape(labels, [-1]), logits=logits), 1)

    def spec(self, features, mode, logits, labels, train_op_fn):
        """The EstimatorSpec of `mode`; train_op_fn(loss) makes the training op."""
        predictions = self.predictions(logits)
        if mode == ModeKeys.PREDICT:
            if self.kind == "regression":
                outputs = {"serving_default": RegressionOutput(logits),
                           "predict": PredictOutput(predictions)}
            else:
                outputs = {"serving_default": ClassificationOutput(
                    predictions["probabilities"], None), "predict": PredictOutput(predictions)}
            return EstimatorSpec(mode, predictions=predictions, export_outputs=outputs)
        labels = self._labels(labels)
        unweighted = self.per_example_loss(logits, labels)
        weights = _weights(features, self.weight_column, unweighted[:, :1])
        loss = OPS.reduce_sum(unweighted * weights)
        if self.loss_reduction == Reduction.MEAN:
            loss = loss / OPS.reduce_sum(weights * OPS.ones_like(unweighted))
        elif self.loss_reduction == Reduction.SUM_OVER_BATCH_SIZE:
            loss = loss / cast(OPS.size(unweighted), loss.dtype)
        elif self.loss_reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
            nonzero = OPS.not_equal(weights * OPS.ones_like(unweighted), 0.0)
            loss = loss / OPS.maximum(OPS.reduce_sum(cast(nonzero, loss.dtype)), 1.0)
        if mode == ModeKeys.TRAIN:
            return EstimatorSpec(mode, loss=loss, train_op=train_op_fn(loss))
        return EstimatorSpec(mode, loss=loss, eval_metric_ops=self._metrics(
            predictions, labels, unweighted, weights))

    def _metrics(self, predictions, labels, unweighted, weights):
        per_example = OPS.reduce_mean(unweighted, axis=1, keepdims=True)
        metrics = {"average_loss": metrics_lib.mean(per_example, weights)}
        if self.kind == "regression":
            metrics["label/mean"] = metrics_lib.mean(labels, weights * OPS.ones_like(labels))
            metrics["prediction/mean"] = metrics_lib.mean(
                predictions["predictions"], weights * OPS.ones_like(labels))
            return metrics
        metrics["accuracy"] = metrics_lib.accuracy(labels, predictions["class_ids"], weights)
        if self.kind == "binary":
            p, y = predictions["logistic"], cast(labels, dtypes.float32)
            metrics.update({
                "precision": metrics_lib.precision(labels, predictions["class_ids"], weights),
                "recall": metrics_lib.recall(labels, predictions["class_ids"], weights),
                "prediction/mean": metrics_lib.mean(p, weights),
                "label/mean": metrics_lib.mean(y, weights),
                "auc": threshold_metrics.auc(labels, p, weights),
                "auc_precision_recall": threshold_metrics.auc(labels, p, weights,
                                                              curve="PR")})
            mean = metrics["label/mean"]
            metrics["accuracy_baseline"] = (OPS.maximum(mean[0], 1.0 - mean[0]),
                                            OPS.maximum(mean[1], 1.0 - mean[1]))
        return metrics


def _classifier_head(n_classes, label_vocabulary, weight_column, loss_reduction):
    if n_classes < 2:
        raise ValueError(f"n_classes must be > 1: {n_classes}")
    if label_vocabulary is not None and len(label_vocabulary) != n_classes:
        raise ValueError(f"label_vocabulary {label_vocabulary} should have n_classes "
                         f"{n_classes} entries")
    return _Head("binary" if n_classes == 2 else "multi", n_classes=n_classes,
                 label_vocabulary=label_vocabulary, weight_column=weight_column,
                 loss_reduction=loss_reduction)


def _dnn_logits(features, mode, units_out, hidden_units, feature_columns, activation_fn,
                dropout):
    with variable_scope("dnn"):
        with variable_scope("input_from_feature_columns"):
            net = input_layer(features, feature_columns)
        for i, units in enumerate(hidden_units):
            net = dense(net, units, activation=activation_fn, name=f"hiddenlayer_{i}")
            if dropout is not None and mode == ModeKeys.TRAIN:
                net = dropout_layer(net, rate=dropout, training=True)
        return dense(net, units_out, name="logits")


def _linear_logits(features, units_out, feature_columns, sparse_combiner):
    with variable_scope("linear"):
        return linear_model(features, feature_columns, units=units_out,
                            sparse_combiner=sparse_combiner)


def _minimizer(optimizer, default_rate):
    """train_op_fn: the optimizer's step on all trainable variables, counting the step."""
    return lambda loss: _optimizer(optimizer, default_rate).minimize(
        loss, global_step=get_global_step())


def _dnn_model_fn(head, hidden_units, feature_columns, optimizer, activation_fn, dropout):
    def model_fn(features, labels, mode):
        logits = _dnn_logits(features, mode, head.logits_dimension, hidden_units,
                             feature_columns, activation_fn, dropout)
        return head.spec(features, mode, logits, labels, _minimizer(optimizer, 0.05))
    return model_fn


def _linear_model_fn(head, feature_columns, optimizer, sparse_combiner):
    def model_fn(features, labels, mode):
        logits = _linear_logits(features, head.logits_dimension, feature_columns,
                                sparse_combiner)
        rate = min(0.2, 1.0 / math.sqrt(len(feature_columns)))
        return head.spec(features, mode, logits, labels, _minimizer(optimizer, rate))
    return model_fn


def _combined_model_fn(head, linear_columns, linear_optimizer, dnn_columns, dnn_optimizer,
                       hidden_units, activation_fn, dropout, sparse_combiner):
    """Wide and deep: the logits of a DNN ("dnn/...") and of a linear model
    ("linear/...") added; each optimizer trains its own part's variables, then the global
    step moves once."""
    if not linear_columns and not dnn_columns:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")
    if dnn_columns and not hidden_units:
        raise ValueError("dnn_hidden_units must be defined when dnn_feature_columns is "
                         "specified.")
    linear_rate = min(0.005, 1.0 / math.sqrt(len(linear_columns))) if linear_columns else None

    def model_fn(features, labels, mode):
        parts = []
        if dnn_columns:
            parts.append(("dnn", dnn_optimizer, 0.001, _dnn_logits(
                features, mode, head.logits_dimension, hidden_units, dnn_columns,
                activation_fn, dropout)))
        if linear_columns:
            parts.append(("linear", linear_optimizer, linear_rate, _linear_logits(
                features, head.logits_dimension, linear_columns, sparse_combiner)))
        logits = parts[0][3] if len(parts) == 1 else parts[0][3] + parts[1][3]

        def train_op_fn(loss):
            graph = get_default_graph()
            steps = [_optimizer(optimizer, rate).minimize(
                loss, var_list=graph.get_collection(GraphKeys.TRAINABLE_VARIABLES, scope))
                for scope, optimizer, rate, _ in parts]
            with graph.control_dependencies([group(*steps)]):
                return get_global_step().assign_add(1).op
        return head.spec(features, mode, logits, labels, train_op_fn)
    return model_fn


def _no_batch_norm(batch_norm):
    if batch_norm:
        raise NotImplementedError("tf0's canned DNNs have no batch_norm option")


class DNNClassifier(Estimator):
    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                 activation_fn=OPS.relu, dropout=None, input_layer_partitioner=None,
                 config=None, warm_start_from=None, loss_reduction=None, batch_norm=False):
        _no_batch_norm(batch_norm)
        head = _classifier_head(n_classes, label_vocabulary, weight_column, loss_reduction)
        super().__init__(_dnn_model_fn(head, hidden_units, feature_columns, optimizer,
                                       activation_fn, dropout), model_dir, config,
                         warm_start_from=warm_start_from)


class DNNRegressor(Estimator):
    def __init__(self, hidden_units, feature_columns, model_dir=None, label_dimension=1,
                 weight_column=None, optimizer="Adagrad", activation_fn=OPS.relu,
                 dropout=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=None, batch_norm=False):
        _no_batch_norm(batch_norm)
        head = _Head("regression", label_dimension=label_dimension,
                     weight_column=weight_column, loss_reduction=loss_reduction)
        super().__init__(_dnn_model_fn(head, hidden_units, feature_columns, optimizer,
                                       activation_fn, dropout), model_dir, config,
                         warm_start_from=warm_start_from)


class LinearClassifier(Estimator):
    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction=None, sparse_combiner="sum"):
        head = _classifier_head(n_classes, label_vocabulary, weight_column, loss_reduction)
        super().__init__(_linear_model_fn(head, feature_columns, optimizer, sparse_combiner),
                         model_dir, config, warm_start_from=warm_start_from)


class LinearRegressor(Estimator):
    def __init__(self, feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, partitioner=None, warm_start_from=None,
                 loss_reduction=None, sparse_combiner="sum"):
        head = _Head("regression", label_dimension=label_dimension,
                     weight_column=weight_column, loss_reduction=loss_reduction)
        super().__init__(_linear_model_fn(head, feature_columns, optimizer, sparse_combiner),
                         model_dir, config, warm_start_from=warm_start_from)


class DNNLinearCombinedClassifier(Estimator):
    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=OPS.relu, dnn_dropout=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, input_layer_partitioner=None,
                 config=None, warm_start_from=None, loss_reduction=None, batch_norm=False,
                 linear_sparse_combiner="sum"):
        _no_batch_norm(batch_norm)
        head = _classifier_head(n_classes, label_vocabulary, weight_column, loss_reduction)
        super().__init__(_combined_model_fn(
            head, list(linear_feature_columns or []), linear_optimizer,
            list(dnn_feature_columns or []), dnn_optimizer, dnn_hidden_units,
            dnn_activation_fn, dnn_dropout, linear_sparse_combiner), model_dir, config,
            warm_start_from=warm_start_from)


class DNNLinearCombinedRegressor(Estimator):
    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=OPS.relu, dnn_dropout=None, label_dimension=1,
                 weight_column=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=None, batch_norm=False,
                 linear_sparse_combiner="sum"):
        _no_batch_norm(batch_norm)
        head = _Head("regression", label_dimension=label_dimension,
                     weight_column=weight_column, loss_reduction=loss_reduction)
        super().__init__(_combined_model_fn(
            head, list(linear_feature_columns or []), linear_optimizer,
            list(dnn_feature_columns or []), dnn_optimizer, dnn_hidden_units,
            dnn_activation_fn, dnn_dropout, linear_sparse_combiner), model_dir, config,
            warm_start_from=warm_start_from)
