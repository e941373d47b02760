"""Graph bookkeeping: names, scopes, collections, control dependencies, lookups, finalize,
shapes and dtypes while building."""
import numpy as np
import pytest

import tf0 as tf


def test_unique_names_and_scopes():
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    assert (a.name, b.name) == ("Const:0", "Const_1:0")
    c = tf.add(a, b)
    d = tf.add(a, b)
    assert (c.op.name, d.op.name) == ("Add", "Add_1")
    e = tf.add(a, b, name="sum")
    f = tf.add(a, b, name="sum")
    assert (e.op.name, f.op.name) == ("sum", "sum_1")
    with tf.name_scope("layer1"):
        g = a + b
        with tf.name_scope("inner"):
            h = a * b
    with tf.name_scope("layer1"):
        i = a + b
    assert (g.op.name, h.op.name, i.op.name) == ("layer1/add", "layer1/inner/mul",
                                                 "layer1_1/add")
    assert tf.get_default_graph().get_name_scope() == ""


def test_tensor_repr_and_properties():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    y = tf.add(x, 1.0, name="add")
    assert str(y) == 'Tensor("add:0", shape=(2, 3), dtype=float32)'
    assert y.op.type == "Add" and y.op.name == "add"
    assert y.op.inputs[0] is x and y.op.outputs[0] is y
    assert y.dtype is tf.float32 and y.get_shape().as_list() == [2, 3]
    assert y.shape[1].value == 3 and y.value_index == 0
    v = tf.placeholder(tf.int32, [None])
    assert str(v.shape) == "(?,)"
    assert tf.placeholder(tf.float32).shape.ndims is None


def test_python_value_dtypes_follow_tf1():
    assert tf.constant(1.0).dtype is tf.float32
    assert tf.constant(1).dtype is tf.int32
    assert tf.constant(True).dtype is tf.bool
    assert tf.constant(np.float64(1.0)).dtype is tf.float64
    assert tf.constant([1, 2**40]).dtype is tf.int64
    with pytest.raises(TypeError):
        tf.constant(1.5, dtype=tf.int32)


def test_set_shape_and_conflicts():
    x = tf.placeholder(tf.float32, [None, 3])
    x.set_shape([4, 3])
    assert x.shape.as_list() == [4, 3]
    with pytest.raises(ValueError):
        x.set_shape([5, 3])
    with pytest.raises(ValueError):
        tf.matmul(tf.zeros([2, 3]), tf.zeros([4, 5]))
    with pytest.raises(ValueError):
        tf.zeros([2, 3]) + tf.zeros([4, 3])
    with pytest.raises(ValueError):
        tf.reshape(tf.zeros([2, 3]), [4, 2])
    with pytest.raises(TypeError):
        tf.zeros([2], tf.float32) + tf.zeros([2], tf.float64)


def test_unknown_dims_propagate():
    x = tf.placeholder(tf.float32, [None, 5])
    w = tf.zeros([5, 7])
    y = tf.matmul(x, w)
    assert y.shape.as_list() == [None, 7]
    assert tf.reduce_sum(y, axis=1).shape.as_list() == [None]
    assert tf.reshape(x, [-1]).shape.as_list() == [None]
    assert tf.transpose(x).shape.as_list() == [5, None]
    assert tf.concat([x, x], 0).shape.as_list() == [None, 5]
    assert tf.concat([x, x], 1).shape.as_list() == [None, 10]
    assert x[0].shape.as_list() == [5]
    u = tf.placeholder(tf.float32)
    assert (u + 1.0).shape.ndims is None


def test_collections():
    g = tf.get_default_graph()
    tf.add_to_collection("stuff", 1)
    tf.add_to_collections(["stuff", "more"], 2)
    assert tf.get_collection("stuff") == [1, 2] and tf.get_collection("more") == [2]
    v = tf.Variable(1.0, name="scope1/v")
    w = tf.Variable(2.0, name="w", trainable=False)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [v, w]
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [v]
    assert tf.trainable_variables() == [v] and tf.global_variables() == [v, w]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="scope1") == [v]
    assert "stuff" in g.get_all_collection_keys()


def test_lookup_by_name():
    x = tf.placeholder(tf.float32, name="input")
    y = tf.identity(x, name="out")
    g = tf.get_default_graph()
    assert g.get_tensor_by_name("out:0") is y
    assert g.get_operation_by_name("input") is x.op
    assert x.op in g.get_operations() and y.op in g.get_operations()
    with pytest.raises(KeyError):
        g.get_tensor_by_name("nope:0")
    with pytest.raises(KeyError):
        g.get_operation_by_name("nope")
    with pytest.raises(ValueError):
        g.get_tensor_by_name("out")


def test_control_dependencies_order_and_group():
    v = tf.Variable(0.0)
    inc = v.assign_add(1.0)
    with tf.control_dependencies([inc]):
        read = v.read_value()
        nested = tf.no_op()
    assert inc.op in read.op.control_inputs and inc.op in nested.control_inputs
    with tf.control_dependencies([inc]):
        with tf.control_dependencies(None):
            free = tf.no_op()
    assert free.control_inputs == ()
    g = tf.group(inc, tf.no_op())
    assert g.type == "NoOp" and inc.op in g.control_inputs
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(read) == 1.0  # the read happens after the increment
        sess.run(g)
        assert sess.run(v) == 2.0


def test_graphs_do_not_mix():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0)
    with g2.as_default():
        b = tf.constant(2.0)
        assert tf.get_default_graph() is g2
        with pytest.raises(ValueError):
            tf.add(a, b)
    assert a.graph is g1 and tf.get_default_graph() is not g1
    with pytest.raises(ValueError):
        tf.Session(graph=g2).run(a)


def test_finalize_and_reset():
    g = tf.Graph()
    with g.as_default():
        tf.constant(1.0)
        g.finalize()
        assert g.finalized
        with pytest.raises(RuntimeError):
            tf.constant(2.0)
        with pytest.raises(AssertionError):
            tf.reset_default_graph()
    old = tf.get_default_graph()
    tf.reset_default_graph()
    assert tf.get_default_graph() is not old


def test_creation_site_recorded_for_user_and_gradient_ops():
    x = tf.placeholder(tf.float32, [3])
    y = tf.square(x)  # the line recorded for y
    (gx,) = tf.gradients(y, [x])
    assert y.op.traceback_site[0] == __file__
    assert gx.op.gradient_of is y.op
    assert "type Square" in gx.op.describe() and __file__ in gx.op.describe()


def test_tensor_operators_and_getitem():
    xv = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 5
    x = tf.constant(xv)
    ops = [x + 1, 1 + x, x - 2, 2 - x, x * 3, 3 * x, x / 4, 4 / (x + 0.5), x // 3, x % 3,
           abs(x), -x, x ** 2, x < 0, x <= 0, x > 0, x >= 0, (x > 0) & (x < 5),
           (x > 0) | (x < -3), ~(x > 0), x[1], x[:, 1:, ::2], x[..., 1], x[None, 0, :, -1],
           tf.reshape(x, [6, 4]) @ tf.ones([4, 2])]
    want = [xv + 1, 1 + xv, xv - 2, 2 - xv, xv * 3, 3 * xv, xv / 4, 4 / (xv + 0.5), xv // 3,
            xv % 3, abs(xv), -xv, xv ** 2, xv < 0, xv <= 0, xv > 0, xv >= 0,
            (xv > 0) & (xv < 5), (xv > 0) | (xv < -3), ~(xv > 0), xv[1], xv[:, 1:, ::2],
            xv[..., 1], xv[None, 0, :, -1], xv.reshape(6, 4) @ np.ones((4, 2))]
    with tf.Session() as sess:
        got = sess.run(ops)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)
    with pytest.raises(TypeError):
        bool(x)
    with pytest.raises(TypeError):
        iter(x)
    with pytest.raises(TypeError):  # integer tensors index at run time (test_dynamic_index)
        x[tf.placeholder(tf.float32)]
