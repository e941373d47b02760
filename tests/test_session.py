"""Session.run: fetch structures, feeds, pruning, plan caching and every error path."""
import collections

import numpy as np
import pytest

import tf0 as tf


def test_fetch_structures_round_trip():
    a = tf.constant(1.0)
    b = tf.constant([2, 3])
    Pair = collections.namedtuple("Pair", "x y")
    noop = tf.no_op()
    with tf.Session() as sess:
        out = sess.run({"a": a, "nested": [b, (a, {"op": noop})], "pair": Pair(a, "Const_1:0")})
    assert out["a"] == 1.0 and isinstance(out["a"], np.float32)
    np.testing.assert_array_equal(out["nested"][0], [2, 3])
    assert isinstance(out["nested"][1], tuple) and out["nested"][1][1] == {"op": None}
    assert isinstance(out["pair"], Pair) and out["pair"].x == 1.0
    np.testing.assert_array_equal(out["pair"].y, [2, 3])
    with tf.Session() as sess:
        assert sess.run(noop) is None
        assert sess.run("Const:0") == 1.0
        assert sess.run([]) == []


def test_each_tensor_evaluated_once_per_run():
    r = tf.random_uniform([4], seed=3)
    total = r + r
    with tf.Session() as sess:
        rv, tv, rv2 = sess.run([r, total, r])
    np.testing.assert_array_equal(rv, rv2)
    np.testing.assert_allclose(tv, 2 * rv)


def test_feeding_any_tensor_cuts_the_graph():
    x = tf.placeholder(tf.float32, [2])
    y = x * 2
    z = y + 1
    with tf.Session() as sess:
        # y is fed: x is not needed at all
        np.testing.assert_allclose(sess.run(z, {y: [10, 20]}), [11, 21])
        # a constant can be overridden too
        c = tf.constant(5.0)
        assert sess.run(c * 2, {c: 7.0}) == 14.0
        # a fetched fed tensor returns the fed value
        np.testing.assert_allclose(sess.run(y, {y: [1, 2]}), [1, 2])


def test_feed_conversion_and_names():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    i = tf.placeholder(tf.int32, [2], name="i")
    with tf.Session() as sess:
        out = sess.run(x * 2, {"x:0": [[1, 2]]})
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, [[2, 4]])
        np.testing.assert_array_equal(sess.run(i + 1, {i: np.array([1.0, 2.0])}), [2, 3])
        with pytest.raises(TypeError):
            sess.run(i + 1, {i: [1.5, 2.0]})
        scalar = tf.placeholder(tf.int32, [])
        with pytest.raises(TypeError):
            sess.run(scalar + 1, {scalar: 2 ** 40})
        assert sess.run(scalar + 1, {scalar: 41}) == 42
        with pytest.raises(TypeError):
            sess.run(x, {x: [["a", "b"]]})
        with pytest.raises(TypeError):
            sess.run(x, {x: tf.constant([[1.0, 2.0]])})


def test_feeding_one_tensor_twice_is_rejected():
    x = tf.placeholder(tf.float32, [], name="x")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="x:0"):
            sess.run(x * 2, {x: 1.0, "x:0": 2.0})
        assert sess.run(x * 2, {x: 1.0}) == 2.0


def test_unfed_placeholder_names_it():
    x = tf.placeholder(tf.float32, [None, 3], name="images")
    y = x + 1
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(y)
    msg = str(info.value)
    assert "images" in msg and "float32" in msg and "[?,3]" in msg
    assert __file__ in msg


def test_wrong_feed_shape_names_both_shapes():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.Session() as sess:
        with pytest.raises(ValueError) as info:
            sess.run(x + 1, {x: np.zeros((2, 4))})
        assert "x:0" in str(info.value) and "(2, 4)" in str(info.value)
        assert "(?, 3)" in str(info.value)
        # the session still works afterwards
        np.testing.assert_allclose(sess.run(x + 1, {x: np.zeros((2, 3))}), np.ones((2, 3)))


def test_op_failure_names_op_type_and_site_and_changes_nothing():
    v = tf.Variable([1.0, 2.0], name="v")
    idx = tf.placeholder(tf.int32, [None])
    update = v.assign_add([5.0, 5.0])
    with tf.control_dependencies([update]):
        bad = tf.gather(v.read_value(), idx, name="lookup")  # the failing line
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(bad, {idx: [0, 7]})
        msg = str(info.value)
        assert "lookup" in msg and "GatherV2" in msg and __file__ in msg
        assert info.value.op is bad.op
        np.testing.assert_allclose(sess.run(v), [1.0, 2.0])  # the assign_add was rolled back
        np.testing.assert_allclose(sess.run(bad, {idx: [1]}), [7.0])


def test_error_in_gradient_op_names_forward_op():
    x = tf.placeholder(tf.float32, [None])
    y = tf.reshape(x, [2, 2])
    (g,) = tf.gradients(tf.reduce_sum(y * y), [x])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(g, {x: np.ones(3)})
    assert "Reshape" in str(info.value)


def test_integer_division_by_zero_is_an_error():
    a = tf.constant([1, 2])
    b = tf.placeholder(tf.int32, [2])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(a // b, {b: [1, 0]})
        np.testing.assert_array_equal(sess.run(a // b, {b: [1, 2]}), [1, 1])


def test_closed_session_and_default_session():
    x = tf.constant(3.0)
    sess = tf.Session()
    with sess.as_default():
        assert tf.get_default_session() is sess
        assert x.eval() == 3.0
    assert tf.get_default_session() is None
    sess.close()
    with pytest.raises(RuntimeError):
        sess.run(x)
    with pytest.raises(ValueError):
        x.eval()
    isess = tf.InteractiveSession()
    assert x.eval() == 3.0 and tf.get_default_session() is isess
    isess.close()
    assert tf.get_default_session() is None


def test_unknown_fetch_is_rejected():
    tf.constant(1.0)
    with tf.Session() as sess:
        with pytest.raises(ValueError):
            sess.run("missing:0")
        with pytest.raises(TypeError):
            sess.run(np.zeros(3))
        with pytest.raises(TypeError):
            sess.run(tf.constant(1.0), {"missing:0": 1.0})


def test_only_needed_subgraph_runs():
    bad = tf.placeholder(tf.float32, name="never_fed")
    used = tf.constant(2.0)
    unused = bad * 2
    with tf.Session() as sess:
        assert sess.run(used * 3) == 6.0
    assert unused.op.inputs[0] is bad


def test_fetched_arrays_are_owned_by_the_caller():
    c = tf.constant([1.0, 2.0])
    v = tf.Variable([3.0, 4.0])
    x = tf.placeholder(tf.float32, [2])
    with tf.Session() as sess:
        sess.run(v.initializer)
        for fetch in (c, v, v[0:2], tf.identity(c), tf.reshape(v, [2, 1])):
            out = sess.run(fetch)
            out[...] = 99
        np.testing.assert_allclose(sess.run(c), [1, 2])
        np.testing.assert_allclose(sess.run(v), [3, 4])
        fed = np.array([5.0, 6.0], np.float32)
        sess.run(v.assign(x), {x: fed})
        fed[:] = 0
        np.testing.assert_allclose(sess.run(v), [5, 6])


def test_plans_are_cached_and_reused():
    x = tf.placeholder(tf.float32, [3])
    y = x * 2
    with tf.Session() as sess:
        for k in range(3):
            np.testing.assert_allclose(sess.run(y, {x: [k, k, k]}), [2 * k] * 3)
        assert len(sess._plans) == 1
        sess.run([y, y], {x: [1, 1, 1]})
        assert len(sess._plans) == 2


def test_repeated_runs_keyed_by_the_callers_own_keys_stay_exact():
    """run() finds a repeated call's plan by its fetch structure and feed keys as given;
    keys naming one tensor share a plan, structures that hash alike keep their own shape,
    sparse feeds take their new values, and a bad feed_dict fails every time."""
    x = tf.placeholder(tf.float32, [2], name="xk")
    y, z = x * 2.0, x + 1.0
    sp = tf.sparse_placeholder(tf.float32, shape=[2, 2])
    dense = tf.sparse_tensor_to_dense(sp)
    pair = collections.namedtuple("pair", "a b")
    fed = np.array([1.0, 3.0], np.float32)
    with tf.Session() as sess:
        for _ in range(2):
            for key in (x, "xk:0"):
                np.testing.assert_allclose(sess.run(y, {key: fed}), [2.0, 6.0])
            for fetches, kind in (([y, z], list), ((y, z), tuple), (pair(y, z), pair)):
                out = sess.run(fetches, {x: fed})
                assert type(out) is kind
                np.testing.assert_allclose(out[1], [2.0, 4.0])
            nested = sess.run([y, (z, y)], {x: fed})
            assert type(nested) is list and type(nested[1]) is tuple
            np.testing.assert_allclose(nested[1][0], [2.0, 4.0])
        assert len(sess._plans) == 5  # both keys of x share one plan
        for value in (7.0, 9.0):
            got = sess.run(dense, {sp: (np.array([[0, 1]]), np.array([value], np.float32),
                                        np.array([2, 2]))})
            np.testing.assert_allclose(got, [[0.0, value], [0.0, 0.0]])
        for _ in range(2):
            with pytest.raises(ValueError, match="more than one"):
                sess.run(y, {x: fed, "xk:0": fed})
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(y, {x: fed})


def test_make_callable_and_config():
    x = tf.placeholder(tf.float32, [])
    y = x * x
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
        f = sess.make_callable(y, [x])
        assert f(3.0) == 9.0
        meta = tf.RunMetadata()
        assert sess.run(y, {x: 2.0}, options=tf.RunOptions(trace_level=3),
                        run_metadata=meta) == 4.0


def test_make_callable_runs_its_plan_with_run_semantics():
    a = tf.placeholder(tf.float32, [2])
    b = tf.placeholder(tf.int32, [])
    v = tf.Variable(0.0)
    bump = tf.assign_add(v, tf.reduce_sum(a))
    with tf.Session() as sess:
        sess.run(v.initializer)
        f = sess.make_callable({"sum": bump, "pair": (a * 2.0, b + 1)}, [a, b])
        out = f(np.array([1.0, 2.0], np.float32), 4)
        assert out["sum"] == 3.0 and out["pair"][1] == 5
        np.testing.assert_array_equal(out["pair"][0], [2.0, 4.0])
        assert sess.run(v) == 3.0  # the write committed
        with pytest.raises(ValueError, match="shape"):
            f(np.ones(3, np.float32), 1)
        assert sess.run(v) == 3.0
        with pytest.raises(TypeError, match="2 feed values"):
            f(np.ones(2, np.float32))
        with pytest.raises(TypeError, match="accept_options"):
            f(np.ones(2, np.float32), 1, run_metadata=tf.RunMetadata())
        g = sess.make_callable(bump, [a], accept_options=True)
        meta = tf.RunMetadata()
        assert g(np.ones(2, np.float32), options=tf.RunOptions(trace_level=3),
                 run_metadata=meta) == 5.0
        assert "AssignAdd" in {s["op"] for s in meta.step_stats}
    with pytest.raises(RuntimeError, match="closed"):
        f(np.ones(2, np.float32), 1)
    with pytest.raises(ValueError, match="more than one"):
        tf.Session().make_callable(bump, [a, a])


def test_full_trace_gives_every_node_in_chrome_trace_format():
    import json
    x = tf.placeholder(tf.float32, [4, 3])
    y = tf.reduce_sum(tf.nn.relu(x @ tf.ones([3, 2])), name="total")
    meta = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(y, {x: np.ones((4, 3))}, options=tf.RunOptions(trace_level=3), run_metadata=meta)
    names = [s["name"] for s in meta.step_stats]
    assert "total" in names and "MatMul" in names and "Relu" in names
    assert all(s["duration_us"] >= 0 and s["start_us"] >= 0 for s in meta.step_stats)
    events = json.loads(tf.timeline.Timeline(meta.step_stats).generate_chrome_trace_format())
    assert {e["name"] for e in events["traceEvents"]} == set(names)
    assert all(e["ph"] == "X" for e in events["traceEvents"])


def test_plans_report_peak_bytes():
    x = tf.placeholder(tf.float32, [100, 100])
    y = tf.reduce_sum(tf.exp(x) * 2.0)
    meta = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(y, {x: np.zeros((100, 100))}, run_metadata=meta)
    # the feed (40 kB) and exp(x) are alive together at most, with x*2 reusing no more
    assert 80_000 <= meta.peak_bytes <= 120_000
    unknown = tf.placeholder(tf.float32)
    with tf.Session() as sess:
        sess.run(unknown + 1.0, {unknown: 1.0}, run_metadata=meta)
    assert meta.peak_bytes is None


def test_concurrent_runs_from_eight_threads():
    import threading
    x = tf.placeholder(tf.float64, [None])
    v = tf.Variable(0.0, dtype=tf.float64)
    y = tf.reduce_sum(x * x)
    bump = v.assign_add(1.0)
    errors_seen = []
    with tf.Session() as sess:
        sess.run(v.initializer)

        def worker(k):
            try:
                for i in range(50):
                    data = np.arange(k + i, dtype=np.float64)
                    got = sess.run([y, bump], {x: data})[0]
                    if got != np.sum(data * data):
                        errors_seen.append((k, i, got))
            except Exception as exc:  # reported below
                errors_seen.append(exc)
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors_seen
        assert sess.run(v) == 8 * 50


def test_buffer_plan_never_aliases_live_values():
    from hypothesis import given, settings, strategies as st
    from tf0.session.plan import Schedule

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(1, 4)),
                    min_size=1, max_size=25))
    def check(program):
        with tf.Graph().as_default():
            values = [tf.placeholder(tf.float32, [2, 3])]
            for a, b, k in program:
                x, y = values[a % len(values)], values[b % len(values)]
                values.append(tf.tile(x + y, [k, 1])[:2] if k > 1 else x * y)
            fetches = values[-1:] + values[len(values) // 2:len(values) // 2 + 1]
            sched = Schedule(fetches, values[:1])
            assignment, sizes = sched.buffer_plan()
            born = {t: -1 for t in sched.feeds}
            for step, op in enumerate(sched.ops):
                for t in op.outputs:
                    born.setdefault(t, step)
            dies = {}
            for step, slots in sched.last_use.items():
                for s in slots:
                    dies[sched.tensors[s]] = step
            end = len(sched.ops)
            for t, buf in assignment.items():
                assert sizes[buf] >= t.shape.num_elements() * 4
                for u, other in assignment.items():
                    if u is not t and other == buf:
                        # same buffer: one lifetime ends before the other begins
                        assert dies.get(t, end) < born[u] or dies.get(u, end) < born[t]
    check()
