"""tf.estimator: an Estimator runs a model_fn's graph for training (a monitored session that
checkpoints into model_dir), evaluation (streaming metrics over a restored checkpoint) and
prediction, and exports it as a SavedModel; RunConfig, EstimatorSpec, ModeKeys, the
export outputs and serving receivers, TrainSpec/EvalSpec/train_and_evaluate and
inputs.numpy_input_fn. Each call builds a fresh graph, as TF1's does."""
import inspect
import logging
import os
import tempfile
import time

import numpy as np

from tf0.engine import errors
from tf0.engine.graph import Graph
from tf0.ops import metrics as metrics_lib
from tf0.ops.optimizers import get_or_create_global_step
from tf0.ops.parsing_ops import parse_example
from tf0.ops.random_ops import set_random_seed
from tf0.ops.sources import group, placeholder
from tf0.ops.summary_ops import merge, scalar

from .checkpoint_init import WarmStartSettings, warm_start
from .data import Dataset
from .events import FileWriter
from .hooks import LoggingTensorHook, NanTensorHook, StopAtStepHook
from .monitored import (USE_DEFAULT, ChiefSessionCreator, MonitoredSession,
                        MonitoredTrainingSession, Scaffold)
from .saved_model_builder import (DEFAULT_SERVING_SIGNATURE_DEF_KEY, SERVING,
                                  SavedModelBuilder, SignatureDef, build_tensor_info,
                                  predict_signature_def)
from .saver import NewCheckpointReader, Saver, latest_checkpoint

_log = logging.getLogger("tf0")


class ModeKeys:
    TRAIN, EVAL, PREDICT = "train", "eval", "infer"


class EstimatorSpec:
    """What a model_fn returns for its mode: predictions (PREDICT), loss (TRAIN, EVAL),
    train_op (TRAIN), eval_metric_ops ({name: (value, update_op)}), export_outputs, hooks
    and a scaffold."""

    def __init__(self, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                 export_outputs=None, training_chief_hooks=None, training_hooks=None,
                 scaffold=None, evaluation_hooks=None, prediction_hooks=None):
        if mode == ModeKeys.TRAIN and train_op is None:
            raise ValueError("Missing train_op.")
        if mode in (ModeKeys.TRAIN, ModeKeys.EVAL) and loss is None:
            raise ValueError("Missing loss.")
        if mode == ModeKeys.PREDICT and predictions is None:
            raise ValueError("Missing predictions.")
        self.mode, self.predictions, self.loss, self.train_op = mode, predictions, loss, train_op
        self.eval_metric_ops = dict(eval_metric_ops or {})
        self.export_outputs = export_outputs
        self.training_chief_hooks = list(training_chief_hooks or [])
        self.training_hooks = list(training_hooks or [])
        self.scaffold = scaffold or Scaffold()
        self.evaluation_hooks = list(evaluation_hooks or [])
        self.prediction_hooks = list(prediction_hooks or [])


class RunConfig:
    """Where and how an Estimator trains: model_dir, tf_random_seed, how often it saves
    summaries (steps) and checkpoints (steps or secs, 600 s by default), how many
    checkpoints it keeps, session_config, and how often it logs."""

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=USE_DEFAULT, save_checkpoints_secs=USE_DEFAULT,
                 session_config=None, keep_checkpoint_max=5,
                 keep_checkpoint_every_n_hours=10000, log_step_count_steps=100,
                 train_distribute=None, device_fn=None, protocol=None, eval_distribute=None,
                 experimental_distribute=None, experimental_max_worker_delay_secs=None,
                 session_creation_timeout_secs=7200):
        if save_checkpoints_steps not in (USE_DEFAULT, None) and \
                save_checkpoints_secs not in (USE_DEFAULT, None):
            raise ValueError("Can not provide both save_checkpoints_steps and "
                             "save_checkpoints_secs.")
        if save_checkpoints_steps is USE_DEFAULT and save_checkpoints_secs is USE_DEFAULT:
            save_checkpoints_steps, save_checkpoints_secs = None, 600
        self.model_dir = None if model_dir is None else os.fspath(model_dir)
        self.tf_random_seed = tf_random_seed
        self.save_summary_steps = save_summary_steps
        self.save_checkpoints_steps = None if save_checkpoints_steps is USE_DEFAULT else \
            save_checkpoints_steps
        self.save_checkpoints_secs = None if save_checkpoints_secs is USE_DEFAULT else \
            save_checkpoints_secs
        self.session_config = session_config
        self.keep_checkpoint_max = keep_checkpoint_max
        self.keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self.log_step_count_steps = log_step_count_steps
        self.num_ps_replicas, self.num_worker_replicas, self.is_chief = 0, 1, True

    def replace(self, **kwargs):
        """A copy with some settings changed."""
        fields = {k: getattr(self, k) for k in (
            "model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
            "save_checkpoints_secs", "session_config", "keep_checkpoint_max",
            "keep_checkpoint_every_n_hours", "log_step_count_steps")}
        if "save_checkpoints_steps" in kwargs and kwargs["save_checkpoints_steps"]:
            fields["save_checkpoints_secs"] = None
        if "save_checkpoints_secs" in kwargs and kwargs["save_checkpoints_secs"]:
            fields["save_checkpoints_steps"] = None
        fields.update(kwargs)
        return RunConfig(**fields)


def _accepted(fn, offered):
    """The entries of `offered` that fn takes by name."""
    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return dict(offered)
    return {k: v for k, v in offered.items() if k in params}


def _features_and_labels(result):
    """(features, labels) of what an input_fn returned: a Dataset (its next element),
    a (features, labels) pair, or features alone."""
    if isinstance(result, Dataset):
        result = result.make_one_shot_iterator().get_next()
    if isinstance(result, tuple) and len(result) == 2:
        return result
    return result, None


class Estimator:
    """Trains, evaluates and predicts with model_fn(features, labels, mode, params, config)
    (it takes whichever of those it names) returning an EstimatorSpec."""

    def __init__(self, model_fn, model_dir=None, config=None, params=None,
                 warm_start_from=None):
        if not callable(model_fn):
            raise ValueError("model_fn must be callable")
        config = config or RunConfig()
        model_dir = None if model_dir is None else os.fspath(model_dir)
        if model_dir and config.model_dir and model_dir != config.model_dir:
            raise ValueError(f"model_dir are set both in constructor and RunConfig, but with "
                             f"different values. In constructor: '{model_dir}', in "
                             f"RunConfig: '{config.model_dir}'.")
        model_dir = model_dir or config.model_dir
        if model_dir is None:
            model_dir = tempfile.mkdtemp()
            _log.warning(f"Using temporary folder as model directory: {model_dir}")
        self._model_fn, self._params = model_fn, dict(params or {})
        self._config = config.replace(model_dir=model_dir)
        if isinstance(warm_start_from, (str, os.PathLike)):
            warm_start_from = WarmStartSettings(os.fspath(warm_start_from))
        self._warm_start_from = warm_start_from

    @property
    def model_dir(self):
        return self._config.model_dir

    @property
    def config(self):
        return self._config

    @property
    def params(self):
        return dict(self._params)

    @property
    def model_fn(self):
        return self._model_fn

    def latest_checkpoint(self):
        return latest_checkpoint(self.model_dir)

    def get_variable_names(self):
        return sorted(NewCheckpointReader(self._checkpoint(None)).get_variable_to_shape_map())

    def get_variable_value(self, name):
        return NewCheckpointReader(self._checkpoint(None)).get_tensor(name)

    def _checkpoint(self, path):
        path = path or self.latest_checkpoint()
        if path is None:
            raise ValueError(f"Could not find trained model in model_dir: {self.model_dir}.")
        return path

    # ---- building the graph
    def _call_input_fn(self, input_fn, mode):
        return _features_and_labels(input_fn(**_accepted(
            input_fn, {"mode": mode, "params": self.params, "config": self.config})))

    def _call_model_fn(self, features, labels, mode):
        spec = self._model_fn(**_accepted(self._model_fn, {
            "features": features, "labels": labels, "mode": mode, "params": self.params,
            "config": self.config}))
        if not isinstance(spec, EstimatorSpec):
            raise ValueError(f"model_fn should return an EstimatorSpec, got {type(spec)}")
        return spec

    def _start(self, graph):
        if self.config.tf_random_seed is not None:
            set_random_seed(self.config.tf_random_seed)
        return get_or_create_global_step(graph)

    # ---- train / evaluate / predict
    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Train from the latest checkpoint of model_dir: `steps` more steps, or up to global
        step `max_steps`, or until input_fn's data ends; returns self."""
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        if max_steps is not None and self.latest_checkpoint() is not None:
            done = int(NewCheckpointReader(self.latest_checkpoint()).get_tensor("global_step"))
            if done >= max_steps:
                _log.info("Skipping training since max_steps has already saved.")
                return self
        with Graph().as_default() as graph:
            global_step = self._start(graph)
            features, labels = self._call_input_fn(input_fn, ModeKeys.TRAIN)
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN)
            ws = self._warm_start_from
            if ws is not None and self.latest_checkpoint() is None:
                warm_start(ws.ckpt_to_initialize_from, ws.vars_to_warm_start,
                           ws.var_name_to_vocab_info, ws.var_name_to_prev_var_name)
            all_hooks = list(hooks or []) + spec.training_hooks + [
                NanTensorHook(spec.loss),
                LoggingTensorHook({"loss": spec.loss, "step": global_step},
                                  every_n_iter=self.config.log_step_count_steps)]
            if steps is not None or max_steps is not None:
                all_hooks.append(StopAtStepHook(num_steps=steps, last_step=max_steps))
            scaffold = spec.scaffold
            if scaffold.saver is None:
                scaffold.saver = Saver(max_to_keep=self.config.keep_checkpoint_max)
            config = self.config
            with MonitoredTrainingSession(
                    checkpoint_dir=self.model_dir, scaffold=scaffold, hooks=all_hooks,
                    chief_only_hooks=spec.training_chief_hooks,
                    save_checkpoint_secs=config.save_checkpoints_secs,
                    save_checkpoint_steps=config.save_checkpoints_steps,
                    save_summaries_steps=config.save_summary_steps,
                    config=config.session_config,
                    log_step_count_steps=config.log_step_count_steps) as sess:
                while not sess.should_stop():
                    sess.run([spec.train_op, spec.loss])
        return self

    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """The eval_metric_ops (and the mean loss) over input_fn's data, or `steps` batches
        of it, with the latest (or the given) checkpoint; a dict with global_step. The
        values are written as summaries to model_dir/eval (eval_<name>)."""
        path = self._checkpoint(checkpoint_path)
        with Graph().as_default() as graph:
            global_step = self._start(graph)
            features, labels = self._call_input_fn(input_fn, ModeKeys.EVAL)
            spec = self._call_model_fn(features, labels, ModeKeys.EVAL)
            metrics = dict(spec.eval_metric_ops)
            if "loss" not in metrics:
                metrics["loss"] = metrics_lib.mean(spec.loss)
            update = group(*[u for _, u in metrics.values()])
            values = {k: v for k, (v, _) in metrics.items()}
            summary = merge([scalar(k, v) for k, v in values.items()
                             if v.shape.ndims == 0 and not v.dtype.is_bool])
            creator = ChiefSessionCreator(spec.scaffold, config=self.config.session_config,
                                          checkpoint_filename_with_path=path)
            with MonitoredSession(creator, list(hooks or []) + spec.evaluation_hooks) as sess:
                done = 0
                try:
                    while not sess.should_stop() and (steps is None or done < steps):
                        sess.run(update)
                        done += 1
                except errors.OutOfRangeError:
                    pass
                results, step, events = sess.run([values, global_step, summary])
        results["global_step"] = int(step)
        folder = os.path.join(self.model_dir, "eval" if not name else f"eval_{name}")
        writer = FileWriter(folder)
        writer.add_summary(events, int(step))
        writer.close()
        return results

    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """Yields the predictions of every batch input_fn gives (until its data ends), one
        example at a time (a dict, or an array for a single prediction tensor)."""
        path = self._checkpoint(checkpoint_path)
        with Graph().as_default() as graph:
            self._start(graph)
            features, _ = self._call_input_fn(input_fn, ModeKeys.PREDICT)
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT)
            predictions = spec.predictions
            if isinstance(predictions, dict) and predict_keys is not None:
                missing = set(predict_keys) - set(predictions)
                if missing:
                    raise ValueError(f"Expected to run at least one output from "
                                     f"{sorted(predictions)}, provided {sorted(missing)}.")
                predictions = {k: predictions[k] for k in predict_keys}
            creator = ChiefSessionCreator(spec.scaffold, config=self.config.session_config,
                                          checkpoint_filename_with_path=path)
            with MonitoredSession(creator, list(hooks or []) + spec.prediction_hooks) as sess:
                while not sess.should_stop():
                    try:
                        batch = sess.run(predictions)
                    except errors.OutOfRangeError:
                        return
                    if not yield_single_examples:
                        yield batch
                        continue
                    size = len(next(iter(batch.values())) if isinstance(batch, dict) else batch)
                    for i in range(size):
                        yield {k: v[i] for k, v in batch.items()} if isinstance(batch, dict) \
                            else batch[i]

    def export_saved_model(self, export_dir_base, serving_input_receiver_fn,
                           assets_extra=None, as_text=False, checkpoint_path=None,
                           experimental_mode=ModeKeys.PREDICT):
        """A SavedModel (tags ["serve"]) in export_dir_base/<timestamp>, whose signatures
        map the receiver's tensors to the model's predictions (export_outputs); returns its
        path as bytes, as TF1."""
        path = self._checkpoint(checkpoint_path)
        export_dir = os.path.join(os.fspath(export_dir_base), str(int(time.time())))
        while os.path.exists(export_dir):
            export_dir = os.path.join(os.fspath(export_dir_base), str(int(time.time()) + 1))
        with Graph().as_default() as graph:
            self._start(graph)
            receiver = serving_input_receiver_fn()
            spec = self._call_model_fn(receiver.features, None, ModeKeys.PREDICT)
            signatures = _signatures(spec, receiver.receiver_tensors)
            creator = ChiefSessionCreator(spec.scaffold, config=self.config.session_config,
                                          checkpoint_filename_with_path=path)
            sess = creator.create_session()
            try:
                builder = SavedModelBuilder(export_dir)
                builder.add_meta_graph_and_variables(sess, [SERVING], signatures,
                                                     main_op=spec.scaffold.local_init_op)
                builder.save(as_text)
            finally:
                sess.close()
        return os.fsencode(export_dir)

    export_savedmodel = export_saved_model


# ---- export ---------------------------------------------------------------------------------
class PredictOutput:
    def __init__(self, outputs):
        self.outputs = outputs if isinstance(outputs, dict) else {"output": outputs}

    def signature(self, receiver):
        return predict_signature_def(receiver, self.outputs)


class ClassificationOutput:
    def __init__(self, scores=None, classes=None):
        if scores is None and classes is None:
            raise ValueError("At least one of scores and classes must be set.")
        self.scores, self.classes = scores, classes

    def signature(self, receiver):
        outputs = {k: t for k, t in (("scores", self.scores), ("classes", self.classes))
                   if t is not None}
        return SignatureDef({k: build_tensor_info(t) for k, t in receiver.items()},
                            {k: build_tensor_info(t) for k, t in outputs.items()},
                            "tensorflow/serving/classify")


class RegressionOutput:
    def __init__(self, value):
        self.value = value

    def signature(self, receiver):
        return SignatureDef({k: build_tensor_info(t) for k, t in receiver.items()},
                            {"outputs": build_tensor_info(self.value)},
                            "tensorflow/serving/regress")


def _signatures(spec, receiver_tensors):
    receiver = receiver_tensors if isinstance(receiver_tensors, dict) else \
        {"input": receiver_tensors}
    outputs = spec.export_outputs
    if not outputs:
        predictions = spec.predictions if isinstance(spec.predictions, dict) else \
            {"output": spec.predictions}
        outputs = {DEFAULT_SERVING_SIGNATURE_DEF_KEY: PredictOutput(predictions)}
    return {k: out.signature(receiver) for k, out in outputs.items()}


class ServingInputReceiver:
    """features (a tensor or dict of them) for the model_fn, and the receiver tensors a
    server feeds (a dict)."""

    def __init__(self, features, receiver_tensors, receiver_tensors_alternatives=None):
        self.features = features
        self.receiver_tensors = receiver_tensors if isinstance(receiver_tensors, dict) else \
            {"input": receiver_tensors}


def build_raw_serving_input_receiver_fn(features, default_batch_size=None):
    """A receiver fn feeding placeholders shaped like `features` ({name: Tensor}) with a
    batch dimension of default_batch_size (None: any)."""
    def receiver_fn():
        tensors = {}
        for name, t in features.items():
            shape = [default_batch_size] + t.shape.as_list()[1:] if t.shape.ndims else None
            tensors[name] = placeholder(t.dtype, shape, name=name)
        return ServingInputReceiver(tensors, tensors)
    return receiver_fn


def build_parsing_serving_input_receiver_fn(feature_spec, default_batch_size=None):
    """A receiver fn taking serialized tf.train.Examples and parsing them by feature_spec."""
    from tf0.engine import dtypes

    def receiver_fn():
        serialized = placeholder(dtypes.string, [default_batch_size],
                                 name="input_example_tensor")
        return ServingInputReceiver(parse_example(serialized, feature_spec),
                                    {"examples": serialized})
    return receiver_fn


# ---- train_and_evaluate and numpy_input_fn ---------------------------------------------------
class TrainSpec:
    def __init__(self, input_fn, max_steps=None, hooks=None):
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        self.input_fn, self.max_steps, self.hooks = input_fn, max_steps, list(hooks or [])


class EvalSpec:
    def __init__(self, input_fn, steps=100, name=None, hooks=None, exporters=None,
                 start_delay_secs=120, throttle_secs=600):
        self.input_fn, self.steps, self.name = input_fn, steps, name
        self.hooks = list(hooks or [])
        self.exporters = exporters if isinstance(exporters, (list, tuple)) else \
            [exporters] if exporters else []
        self.start_delay_secs, self.throttle_secs = start_delay_secs, throttle_secs


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Train to train_spec.max_steps (or the end of its data), then evaluate: one process,
    so the evaluation follows the training instead of running beside it. Returns
    (eval result, [what each exporter exported])."""
    estimator.train(train_spec.input_fn, hooks=train_spec.hooks,
                    max_steps=train_spec.max_steps)
    result = estimator.evaluate(eval_spec.input_fn, steps=eval_spec.steps,
                                hooks=eval_spec.hooks, name=eval_spec.name)
    exported = [e.export(estimator, os.path.join(estimator.model_dir, "export", e.name),
                         estimator.latest_checkpoint(), result, True)
                for e in eval_spec.exporters]
    return result, exported


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                   num_threads=1):
    """An input_fn of batches of the rows of x (an array, or a dict of arrays) and y,
    `num_epochs` times (None: forever), shuffled within a buffer of queue_capacity rows when
    `shuffle` (which must be given)."""
    if shuffle is None:
        raise ValueError("shuffle must be provided explicitly as a bool.")
    rows = {k: np.asarray(v) for k, v in x.items()} if isinstance(x, dict) else np.asarray(x)
    lengths = {len(v) for v in rows.values()} if isinstance(rows, dict) else {len(rows)}
    if y is not None:
        lengths.add(len(y))
    if len(lengths) != 1:
        raise ValueError(f"x and y must have the same number of rows, got {sorted(lengths)}")

    def input_fn():
        data = Dataset.from_tensor_slices(rows if y is None else (rows, np.asarray(y)))
        if shuffle:
            data = data.shuffle(queue_capacity)
        return data.repeat(num_epochs).batch(batch_size)
    return input_fn


class Exporter:
    """Exports a model after evaluation (base of LatestExporter)."""

    @property
    def name(self):
        return self._name


class LatestExporter(Exporter):
    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False,
                 exports_to_keep=5):
        self._name, self._receiver_fn = name, serving_input_receiver_fn
        self._as_text = as_text

    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        return estimator.export_saved_model(export_path, self._receiver_fn,
                                            as_text=self._as_text,
                                            checkpoint_path=checkpoint_path)


FinalExporter = LatestExporter
