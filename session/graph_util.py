"""tf.graph_util (TF1): a GraphDef pruned to what some nodes need, with its variables
frozen into constants (a servable graph with no checkpoint), or with training-only nodes
taken out."""
import numpy as np

from tf0.engine.graph_def import GraphDef, encode_attr

_VARIABLE = "VariableV2"
_READ = "ReadVariable"


def _needed(nodes, dest_nodes):
    """The names of the nodes that dest_nodes need (through data and control inputs)."""
    by_name = {n["name"]: n for n in nodes}
    for name in dest_nodes:
        if name not in by_name:
            raise AssertionError(f"{name} is not in graph")
    seen, stack = set(), list(dest_nodes)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        node = by_name[name]
        stack += [t.rpartition(":")[0] for t in node["inputs"]]
        stack += node.get("control_inputs", [])
    return seen


def extract_sub_graph(graph_def, dest_nodes):
    """The GraphDef of the nodes that dest_nodes (node names) need, in their order."""
    if isinstance(dest_nodes, str):
        raise TypeError("dest_nodes must be an iterable of strings.")
    nodes, arrays = graph_def.records()
    keep = _needed(nodes, list(dest_nodes))
    return GraphDef([n for n in nodes if n["name"] in keep], arrays)


def convert_variables_to_constants(sess, input_graph_def, output_node_names,
                                   variable_names_whitelist=None,
                                   variable_names_blacklist=None):
    """The subgraph output_node_names need, with each variable (of the whitelist, not of
    the blacklist) replaced by a constant of its value in `sess`, and its reads by
    Identity ops of that constant."""
    sub = extract_sub_graph(input_graph_def, output_node_names)
    nodes, arrays = sub.records()
    frozen = [n["name"] for n in nodes if n["type"] == _VARIABLE
              and (variable_names_whitelist is None or n["name"] in variable_names_whitelist)
              and (variable_names_blacklist is None
                   or n["name"] not in variable_names_blacklist)]
    values = dict(zip(frozen, sess.run([f"{name}:0" for name in frozen]))) if frozen else {}
    arrays, out = dict(arrays), []
    for node in nodes:
        if node["name"] in values:
            value = np.asarray(values[node["name"]])
            node = {"name": node["name"], "type": "Const", "inputs": [], "control_inputs": [],
                    "attrs": {"value": encode_attr(value, arrays, node["name"] + "/value"),
                              "dtype": node["attrs"]["dtype"]}}
        elif node["type"] == _READ and node["inputs"][0].rpartition(":")[0] in values:
            node = dict(node, type="Identity")
        out.append(node)
    return GraphDef(out, arrays)


def remove_training_nodes(input_graph, protected_nodes=None):
    """The GraphDef without its CheckNumerics ops and the plain Identity ops (no control
    inputs, outside loops and conds) not in protected_nodes: their consumers read what they
    read."""
    protected = set(protected_nodes or ())
    nodes, arrays = input_graph.records()
    forward = {}
    for node in nodes:
        plain = not node.get("control_inputs") and not (set(node["attrs"]) & {"_frame",
                                                                             "_cond"})
        if node["name"] not in protected and plain and node["type"] in ("Identity",
                                                                         "CheckNumerics"):
            forward[node["name"] + ":0"] = node["inputs"][0]

    def source(name):
        while name in forward:
            name = forward[name]
        return name
    removed = {name.rpartition(":")[0] for name in forward}
    kept = [dict(n, inputs=[source(t) for t in n["inputs"]],
                 control_inputs=list(dict.fromkeys(source(c + ":0").rpartition(":")[0]
                                                   for c in n.get("control_inputs", []))))
            for n in nodes if n["name"] not in removed]
    return GraphDef(kept, arrays)
