"""tf.train.export_meta_graph and tf.train.import_meta_graph: a whole graph and its
collections in one JSON file (the `.meta` that Saver.save writes beside each checkpoint), so
that another program rebuilds the graph without the code that built it, restores a
checkpoint into it and runs or trains it by tensor names.

{"format": "tf0-meta-graph-1",
 "nodes": [{"name", "type", "inputs": [tensor names], "control_inputs": [op names],
            "attrs": {name: value as in saved_model.json}}, ...]   (in creation order)
 "arrays": {key: {"dtype", "shape", "data": base64} | {"shape", "items": [...]}},
 "collections": {key: [{"variable": {...}} | {"tensor": name} | {"operation": name}
                       | {"value": number or string}]},
 "seed": the graph-level seed}

Collection items of other kinds (Python objects) are left out and listed under "skipped".
A graph holding ops whose attributes are Python objects (tf.py_func, tf.data iterators,
queues and readers) cannot be exported: export_meta_graph says which op.
"""
import json
import os

from tf0.engine import errors
from tf0.engine.graph import Operation, Tensor, get_default_graph
from tf0.engine.graph_def import array_json, array_value, create_nodes, graph_nodes

FORMAT = "tf0-meta-graph-1"


def _collection_item(item):
    from tf0.ops.variables import Variable
    if isinstance(item, Variable):
        return {"variable": {"op": item.op.name, "initializer": item.initializer.name,
                             "snapshot": item.value().name,
                             "initial_value": item.initial_value.name,
                             "trainable": item.trainable}}
    if isinstance(item, Tensor):
        return {"tensor": item.name}
    if isinstance(item, Operation):
        return {"operation": item.name}
    if isinstance(item, (bool, int, float, str)):
        return {"value": item}
    return None


def export_meta_graph(filename=None, graph=None, collection_list=None, clear_devices=False,
                      **unused):
    """The meta graph of `graph` (default: the default graph) as a dict, written to
    `filename` as JSON when given. collection_list: the collections to keep (all by
    default)."""
    graph = graph if graph is not None else get_default_graph()
    try:
        nodes, arrays = graph_nodes(graph.get_operations())
    except TypeError as e:
        raise TypeError(f"cannot export a meta graph: {e}") from None
    collections, skipped = {}, []
    keys = graph.get_all_collection_keys() if collection_list is None else collection_list
    for key in keys:
        items = [_collection_item(i) for i in graph.get_collection(key)]
        if any(i is None for i in items):
            skipped.append(key)
        collections[key] = [i for i in items if i is not None]
    meta = {"format": FORMAT, "nodes": nodes,
            "arrays": {k: array_json(v) for k, v in arrays.items()},
            "collections": collections, "skipped": skipped, "seed": graph.seed}
    if filename is not None:
        tmp = filename + ".tmp"
        with open(tmp, "w") as f:
            json.dump(meta, f)
        os.replace(tmp, filename)
    return meta


def _read(meta_graph_or_file):
    if isinstance(meta_graph_or_file, dict):
        meta = meta_graph_or_file
    else:
        try:
            with open(meta_graph_or_file) as f:
                meta = json.load(f)
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, f"No meta graph file {meta_graph_or_file} "
                                                   f"(Saver.save writes none for graphs holding "
                                                   f"py_func, tf.data iterators, queues or "
                                                   f"readers)") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise errors.DataLossError(None, None, f"{meta_graph_or_file} is not a tf0 meta "
                                                   f"graph: {e}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise errors.DataLossError(None, None, f"{meta_graph_or_file}: not a {FORMAT} file")
    return meta


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **unused):
    """Rebuild an exported graph (a meta graph dict or .meta file) in the default graph,
    with its collections; returns a Saver of its global variables (None without any). A
    corrupt file raises DataLossError and adds nothing (it is rebuilt in a scratch graph
    first); the default graph must not already hold ops of the same names."""
    from tf0.engine.graph import Graph
    from .saver import Saver
    if import_scope:
        raise NotImplementedError("tf0 imports a meta graph at the root of the default graph "
                                  "(no import_scope)")
    meta = _read(meta_graph_or_file)
    graph = get_default_graph()
    try:
        arrays = {k: array_value(v) for k, v in meta["arrays"].items()}
        taken = {n["name"] for n in meta["nodes"]} & {op.name for op in graph.get_operations()}
        _build(Graph(), meta, arrays)
    except (KeyError, TypeError, ValueError) as e:
        raise errors.DataLossError(None, None, f"corrupt meta graph: {type(e).__name__}: "
                                               f"{e}") from None
    if taken:
        raise ValueError(f"the default graph already has ops named {sorted(taken)[:5]}: "
                         f"import a meta graph into a fresh graph")
    variables = _build(graph, meta, arrays)
    if meta.get("seed") is not None and graph.seed is None:
        graph.seed = meta["seed"]
    return Saver() if variables else None


def _build(graph, meta, arrays):
    """Create the nodes of `meta` in `graph` and fill its collections; returns the imported
    Variables by op name."""
    from tf0.ops.variables import Variable
    create_nodes(graph, meta["nodes"], arrays)
    variables = {}
    for key, items in meta["collections"].items():
        for item in items:
            if "variable" in item:
                spec = item["variable"]
                value = variables.get(spec["op"])
                if value is None:
                    value = variables[spec["op"]] = Variable.from_ops(
                        graph.as_graph_element(spec["op"] + ":0"),
                        graph.get_operation_by_name(spec["initializer"]),
                        graph.as_graph_element(spec["snapshot"]),
                        graph.as_graph_element(spec["initial_value"]), spec["trainable"])
            elif "tensor" in item:
                value = graph.as_graph_element(item["tensor"])
            elif "operation" in item:
                value = graph.get_operation_by_name(item["operation"])
            else:
                value = item["value"]
            graph.add_to_collection(key, value)
    return variables
