"""TF1's SavedModel API: SavedModelBuilder writes a graph (a meta graph per tag set) with its
signatures and a checkpoint of its variables; loader.load rebuilds it in a session. The
files are tf0's (JSON and safetensors), not TF1's protobufs:

export_dir/
  saved_model.json     {"format": FORMAT, "meta_graphs": [{"tags": [...], "meta_graph":
                        (session/meta_graph.py), "signature_def": {key: {"inputs": {name:
                        tensor info}, "outputs": {...}, "method_name": str}}, "main_op": op
                        name or null}]}; tensor info: {"name", "dtype", "shape"}
  variables/variables.safetensors   the checkpoint (session/saver.py)
"""
import json
import os

from tf0.engine import dtypes, errors
from tf0.engine.graph import Operation
from tf0.engine.shapes import TensorShape

from .meta_graph import export_meta_graph, import_meta_graph

FORMAT = "tf0-saved-model-meta-1"
FILENAME = "saved_model.json"
SERVING, TRAINING, GPU, TPU = "serve", "train", "gpu", "tpu"
DEFAULT_SERVING_SIGNATURE_DEF_KEY = "serving_default"
PREDICT_METHOD_NAME = "tensorflow/serving/predict"
CLASSIFY_METHOD_NAME = "tensorflow/serving/classify"
REGRESS_METHOD_NAME = "tensorflow/serving/regress"
PREDICT_INPUTS, PREDICT_OUTPUTS = "inputs", "outputs"
CLASSIFY_INPUTS, CLASSIFY_OUTPUT_CLASSES, CLASSIFY_OUTPUT_SCORES = "inputs", "classes", "scores"
REGRESS_INPUTS, REGRESS_OUTPUTS = "inputs", "outputs"


class TensorInfo:
    """A tensor of a signature by name (`name`, "<op>:<index>"), with its DType and
    TensorShape."""

    def __init__(self, name, dtype, tensor_shape):
        self.name = name
        self.dtype = dtypes.as_dtype(dtype)
        self.tensor_shape = TensorShape(tensor_shape)

    def _json(self):
        return {"name": self.name, "dtype": self.dtype.name, "shape": self.tensor_shape.dims}

    @classmethod
    def _from_json(cls, spec):
        return cls(spec["name"], spec["dtype"], spec["shape"])

    def __repr__(self):
        return f"TensorInfo({self.name!r}, {self.dtype.name}, {self.tensor_shape})"


class SignatureDef:
    """Named inputs and outputs ({key: TensorInfo}) and the method a server calls."""

    def __init__(self, inputs=None, outputs=None, method_name=""):
        self.inputs, self.outputs = dict(inputs or {}), dict(outputs or {})
        self.method_name = method_name

    def _json(self):
        return {"inputs": {k: v._json() for k, v in self.inputs.items()},
                "outputs": {k: v._json() for k, v in self.outputs.items()},
                "method_name": self.method_name}

    @classmethod
    def _from_json(cls, spec):
        return cls({k: TensorInfo._from_json(v) for k, v in spec["inputs"].items()},
                   {k: TensorInfo._from_json(v) for k, v in spec["outputs"].items()},
                   spec["method_name"])


class MetaInfoDef:
    def __init__(self, tags):
        self.tags = list(tags)


class MetaGraphDef:
    """What loader.load returns: `signature_def` ({key: SignatureDef}) and
    `meta_info_def.tags`."""

    def __init__(self, tags, signature_def):
        self.meta_info_def = MetaInfoDef(tags)
        self.signature_def = signature_def


def build_tensor_info(tensor):
    """The TensorInfo of a Tensor."""
    return TensorInfo(tensor.name, tensor.dtype, tensor.shape)


def get_tensor_from_tensor_info(tensor_info, graph=None, import_scope=None):
    from tf0.engine.graph import get_default_graph
    graph = graph if graph is not None else get_default_graph()
    return graph.as_graph_element(tensor_info.name)


def build_signature_def(inputs=None, outputs=None, method_name=None):
    return SignatureDef(inputs, outputs, method_name or "")


def predict_signature_def(inputs, outputs):
    """A predict signature from {name: Tensor} inputs and outputs."""
    if not inputs or not outputs:
        raise ValueError("Prediction inputs and outputs cannot be None or empty.")
    return SignatureDef({k: build_tensor_info(v) for k, v in inputs.items()},
                        {k: build_tensor_info(v) for k, v in outputs.items()},
                        PREDICT_METHOD_NAME)


def classification_signature_def(examples, classes, scores):
    """A classify signature: serialized examples in, classes and/or scores out."""
    if classes is None and scores is None:
        raise ValueError("Classification classes and scores cannot both be None.")
    outputs = {k: build_tensor_info(t) for k, t in ((CLASSIFY_OUTPUT_CLASSES, classes),
                                                     (CLASSIFY_OUTPUT_SCORES, scores))
               if t is not None}
    return SignatureDef({CLASSIFY_INPUTS: build_tensor_info(examples)}, outputs,
                        CLASSIFY_METHOD_NAME)


def regression_signature_def(examples, predictions):
    return SignatureDef({REGRESS_INPUTS: build_tensor_info(examples)},
                        {REGRESS_OUTPUTS: build_tensor_info(predictions)}, REGRESS_METHOD_NAME)


def is_valid_signature(signature_def):
    return isinstance(signature_def, SignatureDef) and bool(signature_def.outputs) and \
        bool(signature_def.method_name)


def _variables_prefix(export_dir):
    return os.path.join(export_dir, "variables", "variables")


class SavedModelBuilder:
    """add_meta_graph_and_variables(sess, tags, ...) once (it writes the variables), then
    add_meta_graph(tags, ...) for other tag sets of the same graph, then save()."""

    def __init__(self, export_dir):
        export_dir = os.fspath(export_dir)
        if os.path.isdir(export_dir) and os.listdir(export_dir):
            raise AssertionError(f"Export directory already exists, and isn't empty. Please "
                                 f"choose a different export directory, or delete all the "
                                 f"contents of the specified directory: {export_dir}")
        self._export_dir = export_dir
        self._meta_graphs = []
        self._graph = None

    def _add(self, graph, tags, signature_def_map, main_op, legacy_init_op):
        tags = list(tags)
        if any(set(m["tags"]) == set(tags) for m in self._meta_graphs):
            raise AssertionError(f"a meta graph with tags {tags} was added already")
        signatures = {}
        for key, sig in (signature_def_map or {}).items():
            if not isinstance(sig, SignatureDef):
                raise TypeError(f"signature_def_map[{key!r}] is not a SignatureDef")
            signatures[key] = sig._json()
        init = main_op if main_op is not None else legacy_init_op
        if init is not None and not isinstance(init, Operation):
            init = init.op
        self._meta_graphs.append({"tags": tags, "meta_graph": export_meta_graph(graph=graph),
                                  "signature_def": signatures,
                                  "main_op": None if init is None else init.name})

    def add_meta_graph_and_variables(self, sess, tags, signature_def_map=None,
                                     assets_collection=None, legacy_init_op=None,
                                     clear_devices=False, main_op=None,
                                     strip_default_attrs=False, saver=None, train_op=None):
        """Save the session's variables and its graph under `tags`."""
        if self._graph is not None:
            raise AssertionError("Graph state including variables and assets has already been "
                                 "saved. Please invoke `add_meta_graph()` instead.")
        from tf0.engine.graph import GraphKeys
        from .saver import Saver
        self._graph = sess.graph
        if sess.graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
            saver = saver or Saver(var_list=sess.graph.get_collection(GraphKeys.GLOBAL_VARIABLES))
            os.makedirs(os.path.dirname(_variables_prefix(self._export_dir)), exist_ok=True)
            saver.save(sess, _variables_prefix(self._export_dir), write_meta_graph=False,
                       write_state=False)
        self._add(sess.graph, tags, signature_def_map, main_op, legacy_init_op)

    def add_meta_graph(self, tags, signature_def_map=None, assets_collection=None,
                       legacy_init_op=None, clear_devices=False, main_op=None,
                       strip_default_attrs=False, saver=None):
        """The default graph under more `tags`, sharing the variables saved before."""
        if self._graph is None:
            raise AssertionError("Variables and assets have not been saved yet. Please invoke "
                                 "`add_meta_graph_and_variables()` first.")
        from tf0.engine.graph import get_default_graph
        self._add(get_default_graph(), tags, signature_def_map, main_op, legacy_init_op)

    def save(self, as_text=False):
        """Write saved_model.json; returns its path."""
        os.makedirs(self._export_dir, exist_ok=True)
        path = os.path.join(self._export_dir, FILENAME)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"format": FORMAT, "meta_graphs": self._meta_graphs}, f,
                      indent=1 if as_text else None)
        os.replace(tmp, path)
        return path


def _read(export_dir):
    path = os.path.join(os.fspath(export_dir), FILENAME)
    try:
        with open(path) as f:
            spec = json.load(f)
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"SavedModel file does not exist at: "
                                               f"{export_dir}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise errors.DataLossError(None, None, f"{path} is not a tf0 SavedModel: {e}") from None
    if spec.get("format") != FORMAT:
        raise errors.DataLossError(None, None, f"{path}: not a {FORMAT} file")
    return spec


def contains_saved_model(export_dir):
    return os.path.isfile(os.path.join(os.fspath(export_dir), FILENAME))


def load_into(sess, tags, export_dir, import_scope=None, **saver_kwargs):
    """TF1's loader.load: rebuild the meta graph saved under exactly `tags` in sess.graph,
    restore its variables into `sess` and run its main op; returns its MetaGraphDef."""
    spec = _read(export_dir)
    found = [m for m in spec["meta_graphs"] if set(m["tags"]) == set(tags)]
    if not found:
        available = [m["tags"] for m in spec["meta_graphs"]]
        raise RuntimeError(f"MetaGraphDef associated with tags {list(tags)} could not be found "
                           f"in SavedModel. Available tags: {available}")
    meta = found[0]
    with sess.graph.as_default():
        saver = import_meta_graph(meta["meta_graph"], import_scope=import_scope)
        if saver is not None:
            saver.restore(sess, _variables_prefix(os.fspath(export_dir)))
        if meta["main_op"] is not None:
            sess.run(sess.graph.get_operation_by_name(meta["main_op"]))
    return MetaGraphDef(meta["tags"], {k: SignatureDef._from_json(v)
                                       for k, v in meta["signature_def"].items()})


def simple_save(session, export_dir, inputs, outputs, legacy_init_op=None):
    """A SavedModel of the session's graph and variables, tagged SERVING, whose default
    serving signature predicts `outputs` from `inputs` ({name: Tensor})."""
    builder = SavedModelBuilder(export_dir)
    builder.add_meta_graph_and_variables(
        session, [SERVING],
        signature_def_map={DEFAULT_SERVING_SIGNATURE_DEF_KEY: predict_signature_def(inputs,
                                                                                   outputs)},
        main_op=legacy_init_op)
    builder.save()


def load(sess_or_export_dir, tags=None, export_dir=None, import_scope=None, config=None,
         **saver_kwargs):
    """tf.saved_model.load in either form: load(sess, tags, export_dir) is TF1's loader.load;
    load(export_dir) gives a callable model (saved_model.Signature) of tf0's frozen export
    or of a SavedModel's default serving signature (its SERVING graph, or its only one)."""
    from .saved_model import Signature, load as load_frozen
    from .session import Session
    if isinstance(sess_or_export_dir, Session):
        return load_into(sess_or_export_dir, tags, export_dir, import_scope, **saver_kwargs)
    path = os.fspath(sess_or_export_dir)
    if not contains_saved_model(path):
        return load_frozen(path, config)
    metas = _read(path)["meta_graphs"]
    tags = tags or (metas[0]["tags"] if len(metas) == 1 else [SERVING])
    from tf0.engine.graph import Graph
    graph = Graph()
    sess = Session(graph=graph, config=config)
    meta = load_into(sess, tags, path)
    sig = meta.signature_def.get(DEFAULT_SERVING_SIGNATURE_DEF_KEY)
    if sig is None:
        raise errors.NotFoundError(None, None, f"{path}: no {DEFAULT_SERVING_SIGNATURE_DEF_KEY!r}"
                                               f" signature for tags {list(tags)}")
    tensor = graph.as_graph_element
    return Signature(graph, {k: tensor(v.name) for k, v in sig.inputs.items()},
                     {k: tensor(v.name) for k, v in sig.outputs.items()}, session=sess)
