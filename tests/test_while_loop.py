"""tf.while_loop, tf.case and tf.Assert: values against Python loops over NumPy (float64),
gradients against central differences, side effects, errors, nesting with tf.cond, export.
The null-device runs of the op-table rows (test_cuda_plan.py) cover the CUDA plan path."""
import collections

import numpy as np
import pytest

import tf0 as tf
from numeric import central_differences


def test_counter_loop_and_result_structures():
    i = tf.constant(0)
    single = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i])
    same = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i], return_same_structure=True)
    pair = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), [i, 0])
    as_list = tf.while_loop(lambda i, s: i < 5, lambda i, s: [i + 1, s * 2], (i, 1))
    assert isinstance(single, tf.Tensor) and isinstance(same, list) and len(same) == 1
    assert isinstance(pair, tuple) and isinstance(as_list, list)  # the body's structure
    Pair = collections.namedtuple("Pair", "count total")
    named = tf.while_loop(lambda p: p.count < 4, lambda p: Pair(p.count + 1, p.total * 3),
                          [Pair(i, tf.constant(1.0))])
    assert isinstance(named, Pair)
    with tf.Session() as sess:
        got = sess.run([single, same, pair, as_list, named])
    assert got[0] == 10 and got[1] == [10]
    assert got[2] == (5, 0 + 1 + 2 + 3 + 4) and got[3] == [5, 32]
    assert got[4] == Pair(4, 81.0)
    assert single.dtype == tf.int32 and pair[1].dtype == tf.int32


def test_data_dependent_iteration_count_matches_python():
    # Newton's iteration for sqrt(a) until |x*x - a| < tol: the count depends on the data.
    a = tf.placeholder(tf.float64, [])
    steps, root = tf.while_loop(lambda n, x: tf.abs(x * x - a) > 1e-12,
                                lambda n, x: (n + 1, 0.5 * (x + a / x)), [0, a])
    with tf.Session() as sess:
        for value in (2.0, 17.0, 1e6, 1.0):
            n_got, x_got = sess.run([steps, root], {a: value})
            n, x = 0, value
            while abs(x * x - value) > 1e-12:
                n, x = n + 1, 0.5 * (x + value / x)
            assert (n_got, x_got) == (n, x)


def test_maximum_iterations_and_a_loop_that_never_runs():
    x = tf.placeholder(tf.float32, [3])
    capped = tf.while_loop(lambda v: tf.reduce_sum(v) < 1e9, lambda v: v * 2.0, [x],
                           maximum_iterations=4)
    never = tf.while_loop(lambda v: tf.reduce_sum(v) < 0.0, lambda v: v * 2.0, [x])
    zero_cap = tf.while_loop(lambda v: True, lambda v: v * 2.0, [x], maximum_iterations=0)
    grad_never = tf.gradients(tf.reduce_sum(never * never), x)[0]
    xv = np.array([1.0, 2.0, 3.0], np.float32)
    with tf.Session() as sess:
        got = sess.run([capped, never, zero_cap, grad_never], {x: xv})
    np.testing.assert_array_equal(got[0], xv * 16)
    np.testing.assert_array_equal(got[1], xv)
    np.testing.assert_array_equal(got[2], xv)
    np.testing.assert_array_equal(got[3], 2 * xv)  # no iteration: the identity's gradient


def test_rnn_gradients_matchcentral_differences():
    # h_{t+1} = tanh(h_t W + x_t), x_t = xs[t] read by the int counter; loss = sum(h_T^2).
    rng = np.random.default_rng(0)
    xs_v, w_v, h0_v = rng.standard_normal((5, 4)), rng.standard_normal((4, 4)) * 0.5, \
        rng.standard_normal((1, 4))
    xs, w, h0 = (tf.placeholder(tf.float64, v.shape) for v in (xs_v, w_v, h0_v))
    _, h = tf.while_loop(lambda t, h: t < 5,
                         lambda t, h: (t + 1, tf.tanh(tf.matmul(h, w) + tf.gather(xs, [t]))),
                         [0, h0])
    loss = tf.reduce_sum(h * h)
    grads = tf.gradients(loss, [xs, w, h0])

    def numpy_loss(xs_v, w_v, h0_v):
        h = h0_v
        for t in range(5):
            h = np.tanh(h @ w_v + xs_v[t:t + 1])
        return np.sum(h * h)
    with tf.Session() as sess:
        value, *got = sess.run([loss, *grads], {xs: xs_v, w: w_v, h0: h0_v})
    assert value == pytest.approx(numpy_loss(xs_v, w_v, h0_v), rel=1e-12)
    want = [central_differences(lambda v: numpy_loss(v, w_v, h0_v), xs_v),
            central_differences(lambda v: numpy_loss(xs_v, v, h0_v), w_v),
            central_differences(lambda v: numpy_loss(xs_v, w_v, v), h0_v)]
    for g, n in zip(got, want):
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-8)


def test_training_a_variable_used_inside_the_loop():
    # Gradient descent on w through a 3-step loop v <- v * w + x, checked step by step
    # against NumPy with the derivative carried forward (dv <- v + w * dv).
    w = tf.Variable(np.array([0.5, -0.3]), dtype=tf.float64)
    xv = np.array([1.0, 2.0])
    x = tf.constant(xv)
    y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * w + x), [0, x])[1]
    loss = tf.reduce_sum(y * y)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)

    def loss_and_grad(wv):
        v, dv = xv, np.zeros(2)
        for _ in range(3):
            v, dv = v * wv + xv, v + wv * dv
        return np.sum(v * v), 2 * v * dv
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        wv = np.array([0.5, -0.3])
        for _ in range(3):
            want_loss, want_grad = loss_and_grad(wv)
            assert sess.run(loss) == pytest.approx(want_loss, rel=1e-13)
            sess.run(train)
            wv = wv - 0.01 * want_grad
            np.testing.assert_allclose(sess.run(w), wv, rtol=1e-13)


def test_two_gradients_of_one_loop_and_back_prop_false():
    x = tf.placeholder(tf.float64, [2])
    y = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, tf.exp(v) * v), [0, x])[1]
    first = tf.gradients(tf.reduce_sum(y), x)[0]
    second = tf.gradients(tf.reduce_sum(tf.sin(y)), x)[0]
    frozen = tf.while_loop(lambda v: tf.reduce_sum(v) < 10.0, lambda v: v * 2.0, [x],
                           back_prop=False)
    assert tf.gradients(tf.reduce_sum(frozen), x) == [None]
    xv = np.array([0.3, -0.2])

    def f(v, outer):
        for _ in range(2):
            v = np.exp(v) * v
        return np.sum(outer(v))
    with tf.Session() as sess:
        g1, g2 = sess.run([first, second], {x: xv})
        alone = sess.run(first, {x: xv})  # a plan that records for one of the two gradients
    np.testing.assert_allclose(g1, central_differences(lambda v: f(v, np.asarray), xv),
                               rtol=1e-6)
    np.testing.assert_allclose(g2, central_differences(lambda v: f(v, np.sin), xv), rtol=1e-6)
    np.testing.assert_array_equal(alone, g1)


def test_shape_invariants_let_a_value_grow():
    start = tf.constant([1.0])
    grown = tf.while_loop(lambda v: tf.size(v) < 8, lambda v: tf.concat([v, v * 2.0], 0),
                          [start], shape_invariants=[tf.TensorShape([None])])
    assert grown.shape.as_list() == [None]
    total = tf.gradients(tf.reduce_sum(grown), start)[0]
    with tf.Session() as sess:
        value, g = sess.run([grown, total])
    np.testing.assert_array_equal(value, [1, 2, 2, 4, 2, 4, 4, 8])
    np.testing.assert_array_equal(g, [27.0])  # (1 + 2)^3
    with pytest.raises(ValueError, match="shape_invariants"):
        tf.while_loop(lambda v: tf.size(v) < 8, lambda v: tf.concat([v, v], 0), [start])


def test_body_side_effects_run_once_per_iteration_and_fail_atomically():
    counter = tf.Variable(0)
    table = tf.constant([1.0, 2.0, 3.0])
    limit = tf.placeholder(tf.int32, [])

    def body(i, total):
        with tf.control_dependencies([tf.assign_add(counter, 1)]):
            return i + 1, total + tf.gather(table, i)
    _, total = tf.while_loop(lambda i, t: i < limit, body, [0, 0.0])
    with tf.Session() as sess:
        sess.run(counter.initializer)
        assert sess.run(total, {limit: 3}) == 6.0
        assert sess.run(counter) == 3
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(total, {limit: 5})  # the fourth iteration reads table[3]
        assert "GatherV2" in str(info.value) and "while/" in str(info.value)
        assert sess.run(counter) == 3  # the failed run changed nothing


def test_random_ops_in_a_body_draw_new_numbers_each_iteration():
    tf.set_random_seed(7)
    draws = tf.while_loop(lambda i, acc: i < 3,
                          lambda i, acc: (i + 1, tf.concat([acc, tf.random_uniform([2])], 0)),
                          [0, tf.zeros([0])], shape_invariants=[tf.TensorShape([]),
                                                                tf.TensorShape([None])])[1]
    with tf.Session() as a, tf.Session() as b:
        first, again = a.run(draws), a.run(draws)
        other = b.run(draws)
    assert len(set(first.tolist())) == 6 and not np.array_equal(first, again)
    np.testing.assert_array_equal(first, other)  # same seed, same numbers


def test_loops_inside_cond_branches_run_only_when_taken():
    counter = tf.Variable(0)
    flag = tf.placeholder(tf.bool, [])

    def counting_loop():
        def body(i):
            with tf.control_dependencies([tf.assign_add(counter, 1)]):
                return i + 1
        return tf.while_loop(lambda i: i < 4, body, [0])
    out = tf.cond(flag, counting_loop, lambda: tf.constant(-1))
    with tf.Session() as sess:
        sess.run(counter.initializer)
        assert sess.run(out, {flag: False}) == -1 and sess.run(counter) == 0
        assert sess.run(out, {flag: True}) == 4 and sess.run(counter) == 4


def test_outer_control_dependencies_run_before_the_loop():
    v = tf.Variable(1.0)
    bump = tf.assign(v, 5.0)
    with tf.control_dependencies([bump]):
        out = tf.while_loop(lambda i, x: i < 2, lambda i, x: (i + 1, x + v.read_value()),
                            [0, 0.0])[1]
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(out) == 10.0


def test_body_values_stay_inside_the_loop():
    seen = []

    def body(i):
        seen.append(i * 2)
        return i + 1
    out = tf.while_loop(lambda i: i < 3, body, [0])
    with pytest.raises(ValueError, match="while_loop"):
        seen[0] + 1
    history = out.op.outputs[-1]
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="while_loop"):
            sess.run(seen[0])
        with pytest.raises(TypeError, match="record"):
            sess.run(history)
        assert sess.run(out) == 3


def test_build_errors_are_clear():
    i = tf.constant(0)
    with pytest.raises(ValueError, match="returns 2 values for 1"):
        tf.while_loop(lambda i: i < 3, lambda i: (i, i), [i])
    with pytest.raises(TypeError, match="type int32, but has type float32"):
        tf.while_loop(lambda i: i < 3, lambda i: tf.cast(i, tf.float32), [i])
    with pytest.raises(ValueError, match="scalar"):
        tf.while_loop(lambda v: v < 3, lambda v: v + 1, [tf.constant([1, 2])])
    with pytest.raises(TypeError, match="callable"):
        tf.while_loop(lambda i: i < 3, None, [i])
    with pytest.raises(ValueError, match="shape invariant"):
        tf.while_loop(lambda v: True, lambda v: v, [tf.constant([1.0])],
                      shape_invariants=[tf.TensorShape([2])])


def test_a_value_outside_its_invariant_at_run_time_is_an_error():
    p = tf.placeholder(tf.float32, None)
    out = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, tf.reshape(p, [-1])),
                        [0, tf.zeros([3])])[1]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out, {p: [1.0, 2.0, 3.0]}), [1.0, 2.0, 3.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"shape \(4,\) after "
                                                                 r"iteration 1"):
            sess.run(out, {p: [1.0, 2.0, 3.0, 4.0]})


def test_case_picks_the_first_true_branch_and_runs_only_it():
    x = tf.placeholder(tf.int32, [])
    runs = tf.Variable(0)

    def counted(value):
        def fn():
            with tf.control_dependencies([tf.assign_add(runs, 1)]):
                return tf.constant(value)
        return fn
    out = tf.case([(x < 0, counted(-1.0)), (x < 10, counted(1.0))], default=counted(100.0))
    no_default = tf.case({x < 0: lambda: tf.constant(-1.0), x < 10: lambda: tf.constant(1.0)})
    exclusive = tf.case([(x < 5, lambda: tf.constant(5.0)), (x < 10, lambda: tf.constant(10.0))],
                        default=lambda: tf.constant(0.0), exclusive=True)
    with tf.Session() as sess:
        sess.run(runs.initializer)
        assert [sess.run(out, {x: v}) for v in (-3, 4, 20)] == [-1.0, 1.0, 100.0]
        assert sess.run(runs) == 3
        assert sess.run(no_default, {x: -2}) == -1.0 and sess.run(no_default, {x: 2}) == 1.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="none of the conditions"):
            sess.run(no_default, {x: 40})
        assert sess.run(exclusive, {x: 7}) == 10.0 and sess.run(exclusive, {x: 70}) == 0.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="more than one"):
            sess.run(exclusive, {x: 3})


def test_assert_shows_its_data_and_names_itself():
    x = tf.placeholder(tf.float32, [None])
    check = tf.Assert(tf.reduce_all(x > 0), ["x must be positive:", x], summarize=2)
    with tf.control_dependencies([check]):
        y = tf.identity(x)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [1.0, 2.0])
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(y, {x: [1.0, -2.0, 3.0]})
    message = str(info.value)
    assert "[x must be positive:] [ 1. -2....]" in message and "type Assert" in message


def test_an_exported_loop_and_its_gradient_load_and_run(tmp_path):
    w = tf.Variable(np.array([[0.5, -0.2], [0.1, 0.3]]))
    x = tf.placeholder(tf.float64, [None, 2])
    h = tf.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, tf.tanh(tf.matmul(h, w))),
                      [0, x])[1]
    rows = tf.map_fn(lambda r: tf.reduce_sum(r * w[0]), h)
    grad = tf.gradients(tf.reduce_sum(h) + tf.reduce_sum(rows), x)[0]
    xv = np.array([[1.0, 2.0], [-0.5, 0.25]])
    with tf.Session() as sess:
        sess.run(w.initializer)
        want = sess.run([h, rows, grad], {x: xv})
        tf.saved_model.save(sess, str(tmp_path), inputs={"x": x},
                            outputs={"h": h, "rows": rows, "grad": grad})
    with tf.Graph().as_default():
        model = tf.saved_model.load(str(tmp_path))
        got = model(x=xv)
    for name, value in zip(["h", "rows", "grad"], want):
        np.testing.assert_array_equal(got[name], value)


def test_layers_made_inside_a_body_get_their_variables_once_and_train():
    x = tf.placeholder(tf.float32, [None, 4])

    def body(i, h):
        with tf.variable_scope("cell", reuse=tf.AUTO_REUSE):
            return i + 1, tf.layers.dense(h, 4, activation=tf.tanh)
    h = tf.while_loop(lambda i, h: i < 3, body, [0, x])[1]
    loss = tf.reduce_mean(tf.square(h - 0.5))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    assert [v.name for v in tf.trainable_variables()] == ["cell/dense/kernel:0",
                                                          "cell/dense/bias:0"]
    xv = np.random.default_rng(0).standard_normal((8, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(tf.trainable_variables())
        start = sess.run(loss, {x: xv})
        h_np = xv
        for _ in range(3):
            h_np = np.tanh(h_np @ kernel + bias)
        assert start == pytest.approx(np.mean((h_np - 0.5) ** 2), rel=1e-5)
        for _ in range(60):
            sess.run(train, {x: xv})
        assert sess.run(loss, {x: xv}) < start / 20


def test_a_variable_made_in_a_cond_branch_is_initialized_with_the_others():
    flag = tf.placeholder(tf.bool, [])
    out = tf.cond(flag, lambda: tf.Variable(3.0, name="made_in_branch") * 2.0,
                  lambda: tf.constant(0.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out, {flag: True}) == 6.0 and sess.run(out, {flag: False}) == 0.0


def _scan_numpy(fn, rows, acc):
    out = []
    for r in rows:
        acc = fn(acc, r)
        out.append(acc)
    return np.stack(out)


def test_map_fn_scan_and_folds_match_python_loops():
    rng = np.random.default_rng(1)
    xv, yv = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    x, y = tf.placeholder(tf.float64, [None, 3]), tf.placeholder(tf.float64, [None, 2])
    pair = tf.map_fn(lambda rows: (tf.reduce_sum(rows[0]) * rows[1], rows[0] * 2.0), (x, y))
    scanned = tf.scan(lambda a, r: a * 0.5 + r, x)
    scanned_back = tf.scan(lambda a, r: a * r, x, initializer=tf.ones([3], tf.float64),
                           reverse=True)
    nested = tf.scan(lambda acc, r: {"s": acc["s"] + r, "p": acc["p"] * r}, x,
                     initializer={"s": tf.zeros([3], tf.float64),
                                  "p": tf.ones([3], tf.float64)})
    left = tf.foldl(lambda a, r: a - r, x, initializer=tf.zeros([3], tf.float64))
    right = tf.foldr(lambda a, r: a * 2.0 - r, x)
    assert pair[0].shape.as_list() == [None, 2] and scanned.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        got = sess.run([pair, scanned, scanned_back, nested, left, right], {x: xv, y: yv})
    # (a sum's rounding depends on its order, which a GPU's reduction chooses)
    np.testing.assert_allclose(got[0][0], xv.sum(1, keepdims=True) * yv, rtol=1e-13)
    np.testing.assert_array_equal(got[0][1], xv * 2.0)
    np.testing.assert_array_equal(got[1], np.concatenate(
        [xv[:1], _scan_numpy(lambda a, r: a * 0.5 + r, xv[1:], xv[0])]))
    np.testing.assert_array_equal(got[2], _scan_numpy(lambda a, r: a * r, xv[::-1],
                                                      np.ones(3))[::-1])
    np.testing.assert_array_equal(got[3]["s"], np.cumsum(xv, 0))
    np.testing.assert_array_equal(got[3]["p"], np.cumprod(xv, 0))
    np.testing.assert_array_equal(got[4], -xv.sum(0))
    want = xv[-1]
    for r in xv[-2::-1]:
        want = want * 2.0 - r
    np.testing.assert_array_equal(got[5], want)


def test_map_fn_and_scan_gradients_reach_rows_and_captures():
    rng = np.random.default_rng(2)
    xv, wv = rng.standard_normal((4, 3)), rng.standard_normal(3)
    x, w = tf.placeholder(tf.float64, [4, 3]), tf.placeholder(tf.float64, [3])
    mapped = tf.map_fn(lambda r: tf.exp(r * w), x)
    scanned = tf.scan(lambda a, r: tf.tanh(a * w + r), mapped, initializer=tf.zeros_like(w))
    loss = tf.reduce_sum(scanned * scanned)
    grads = tf.gradients(loss, [x, w])

    def f(xv, wv):
        a, total = np.zeros(3), 0.0
        for r in np.exp(xv * wv):
            a = np.tanh(a * wv + r)
            total += np.sum(a * a)
        return total
    with tf.Session() as sess:
        value, gx, gw = sess.run([loss, *grads], {x: xv, w: wv})
    assert value == pytest.approx(f(xv, wv), rel=1e-12)
    np.testing.assert_allclose(gx, central_differences(lambda v: f(v, wv), xv), rtol=1e-6)
    np.testing.assert_allclose(gw, central_differences(lambda v: f(xv, v), wv), rtol=1e-6)


def test_map_fn_over_no_rows_and_a_loop_that_stops_early():
    x = tf.placeholder(tf.float32, [None, 2])
    mapped = tf.map_fn(lambda r: r * 2.0, x)
    grad = tf.gradients(tf.reduce_sum(mapped), x)[0]
    with tf.Session() as sess:
        value, g = sess.run([mapped, grad], {x: np.zeros((0, 2), np.float32)})
    assert value.shape == (0, 2) and g.shape == (0, 2)
    with pytest.raises(ValueError, match="scalar"):
        tf.map_fn(lambda r: r, tf.constant(1.0))
    with pytest.raises(ValueError, match="different first dimensions"):
        tf.map_fn(lambda r: r[0], (tf.zeros([2]), tf.zeros([3])))
