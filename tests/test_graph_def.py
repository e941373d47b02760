"""GraphDefs: Graph.as_graph_def, their bytes, tf.import_graph_def (scopes, input_map,
return_elements, errors that add nothing) and tf.graph_util's freezing and pruning: a
frozen model, rebuilt from its file alone, gives the trained session's outputs exactly."""
import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(7)


def _trained_model():
    """A two-layer classifier after a few SGD steps: (session, x, output, test inputs)."""
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    hidden = tf.layers.dense(x, 8, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, 3, name="logits")
    checked = tf.check_numerics(logits, "logits are finite")
    output = tf.nn.softmax(tf.identity(checked), name="output")
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for _ in range(5):
        sess.run(train, {x: RNG.standard_normal((16, 4)), y: RNG.integers(0, 3, 16)})
    return sess, x, output, RNG.standard_normal((6, 4)).astype(np.float32)


def test_a_frozen_model_rebuilt_from_its_file_gives_the_same_outputs(tmp_path):
    with tf.Graph().as_default():
        sess, x, output, inputs = _trained_model()
        want = sess.run(output, {x: inputs})
        frozen = tf.graph_util.convert_variables_to_constants(sess, sess.graph_def, ["output"])
        path = tf.train.write_graph(frozen, str(tmp_path), "frozen.pb", as_text=False)
        sess.close()
    kinds = {n.op for n in frozen.node}
    assert "VariableV2" not in kinds and "ReadVariable" not in kinds
    assert not any("GradientDescent" in n.name or "gradients" in n.name for n in frozen.node)
    assert {"hidden/kernel", "logits/bias"} <= {n.name for n in frozen.node if n.op == "Const"}
    with tf.Graph().as_default():
        graph_def = tf.GraphDef()
        with open(path, "rb") as f:
            graph_def.ParseFromString(f.read())
        fed = tf.placeholder(tf.float32, [None, 4], name="images")
        (result,) = tf.import_graph_def(graph_def, input_map={"x": fed},
                                        return_elements=["output:0"], name="model")
        assert result.name == "model/output:0"
        assert not tf.global_variables()  # nothing of it needs initializing
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(result, {fed: inputs}), want)


def test_import_scopes_return_elements_and_nodes():
    with tf.Graph().as_default() as source:
        a = tf.placeholder(tf.float32, [2], name="a")
        parts = tf.split(a * 2.0, 2, name="parts")
        with tf.control_dependencies([parts[0]]):
            tf.add(parts[1], tf.constant(1.0, name="one"), name="total")
    graph_def = source.as_graph_def()
    node = {n.name: n for n in graph_def.node}["total"]
    assert node.op == "Add" and node.input == ["parts:1", "one", "^parts"]
    with tf.Graph().as_default() as graph:
        first = tf.import_graph_def(graph_def, return_elements=["total:0", "parts"])
        second = tf.import_graph_def(graph_def, return_elements=["total:0"])
        root = tf.import_graph_def(graph_def, name="", return_elements=["total"])
        assert first[0].name == "import/total:0" and isinstance(first[1], tf.Operation)
        assert second[0].name == "import_1/total:0"
        assert isinstance(root[0], tf.Operation) and root[0].name == "total"
        with tf.Session() as sess:
            got = sess.run([first[0], second[0]], {"import/a:0": [1.0, 2.0],
                                                   "import_1/a:0": [3.0, 5.0]})
        assert [g.tolist() for g in got] == [[5.0], [11.0]]
        assert graph.get_operation_by_name("import/total").control_inputs[0].name == \
            "import/parts"


def test_bad_imports_add_nothing():
    with tf.Graph().as_default() as source:
        tf.add(tf.placeholder(tf.float32, [3], name="a"), 1.0, name="out")
    graph_def = source.as_graph_def()
    with tf.Graph().as_default() as graph:
        with pytest.raises(ValueError, match="not found in graph_def"):
            tf.import_graph_def(graph_def, input_map={"b:0": tf.constant([1.0, 2.0, 3.0])})
        with pytest.raises(ValueError, match="return_element 'nope'"):
            tf.import_graph_def(graph_def, return_elements=["nope"])
        with pytest.raises(ValueError, match="int32"):
            tf.import_graph_def(graph_def, input_map={"a:0": tf.zeros([3], tf.int32)})
        with pytest.raises(ValueError, match=r"\(2, 2\)|\[2, 2\]"):
            tf.import_graph_def(graph_def, input_map={"a:0": tf.zeros([2, 2])})
        with pytest.raises(TypeError, match="must be a Tensor"):
            tf.import_graph_def(graph_def, input_map={"a:0": [1.0, 2.0, 3.0]})
        assert not [op.name for op in graph.get_operations() if op.name.startswith("import")]
    broken = tf.GraphDef()
    broken.CopyFrom(graph_def)
    for data in (b"not json", b'{"format": "other"}', b'{"format": "tf0-graph-def-1"}'):
        with pytest.raises(tf.errors.DataLossError):
            broken.ParseFromString(data)
    assert broken == graph_def  # unchanged by the failed parses


def test_extract_sub_graph_and_remove_training_nodes():
    with tf.Graph().as_default() as source:
        a = tf.placeholder(tf.float32, [None], name="a")
        kept = tf.identity(tf.check_numerics(a * 3.0, "finite"), name="kept")
        tf.identity(tf.square(kept), name="out")
        tf.sin(a, name="unused")
    graph_def = source.as_graph_def()
    sub = tf.graph_util.extract_sub_graph(graph_def, ["out"])
    names = [n.name for n in sub.node]
    assert "unused" not in names and names == [n.name for n in graph_def.node
                                                if n.name in names]
    with pytest.raises(AssertionError, match="nope is not in graph"):
        tf.graph_util.extract_sub_graph(graph_def, ["nope"])
    slim = tf.graph_util.remove_training_nodes(sub, protected_nodes=["out"])
    slim_names = {n.name for n in slim.node}
    assert "out" in slim_names and "kept" not in slim_names
    assert not any(n.op == "CheckNumerics" for n in slim.node)
    with tf.Graph().as_default():
        (result,) = tf.import_graph_def(slim, return_elements=["out:0"], name="")
        with tf.Session() as sess:
            assert sess.run(result, {"a:0": [1.0, -2.0]}).tolist() == [9.0, 36.0]


def test_conds_import_under_a_scope_and_loops_at_the_root():
    with tf.Graph().as_default() as source:
        a = tf.placeholder(tf.float32, [], name="a")
        tf.cond(a > 0, lambda: a * 10.0, lambda: a - 1.0, name="pick")
        tf.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + a), [0, 0.0], name="loop")
    graph_def = source.as_graph_def()
    pick = [op.name for op in source.get_operations() if op.name.startswith("pick")][-1]
    loop = [op.outputs[1].name for op in source.get_operations() if op.type == "While"][0]
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="root"):
            tf.import_graph_def(graph_def, name="scoped")
        (picked,) = tf.import_graph_def(tf.graph_util.extract_sub_graph(graph_def, [pick]),
                                        return_elements=[pick + ":0"], name="scoped")
        (summed,) = tf.import_graph_def(graph_def, return_elements=[loop], name="")
        with tf.Session() as sess:
            assert sess.run(picked, {"scoped/a:0": 2.0}) == 20.0
            assert sess.run(picked, {"scoped/a:0": -2.0}) == -3.0
            assert sess.run(summed, {"a:0": 1.5}) == 6.0
