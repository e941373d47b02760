"""CUDA plans on any machine: stream assignment on hand-built graphs, and the CUDA backend's
plan logic (direct launch, capture, replay, feeds and fetches, variable buffers, events)
run on the null device of fake_cuda.py against the NumPy backend."""
import numpy as np
import pytest

import fake_cuda
import tf0 as tf
from op_table import OPTIMIZERS, ROWS, draw
from tf0.session.cuda_backend import placement
from tf0.session.capture import capture_blocker, keyed_feeds
from tf0.session import cuda_plan
from tf0.session.cuda_plan import variables_of, write_buffers
from tf0.session.plan import Schedule
from tf0.session.streams import NO_LAUNCH, assign_streams

CPU = tf.ConfigProto(device_count={"GPU": 0})


# rows whose plans are views of the input and constant-folded gradients: nothing to launch
NO_KERNEL_ROWS = {"identity", "expand_dims", "squeeze", "squeeze_all"}


def _gpu_config(num_streams=4, cuda_graphs=True):
    return tf.ConfigProto(gpu_options=tf.GPUOptions(num_streams=num_streams,
                                                    cuda_graphs=cuda_graphs))


def _lanes(fetches, num_streams, feeds=()):
    schedule = Schedule(fetches, feeds)
    plan = assign_streams(schedule, placement(schedule), num_streams)
    where = {op.name: plan.streams[i] for i, op in enumerate(schedule.ops)}
    return schedule, plan, where


def _branches(n=16, size=8):
    """(16 relu(A @ A) branches, their fed A's); fed, so that nothing folds to constants."""
    tf.reset_default_graph()
    mats = [tf.placeholder(tf.float32, [size, size]) for _ in range(n)]
    return [tf.nn.relu(tf.matmul(a, a, name=f"mm{i}"), name=f"relu{i}")
            for i, a in enumerate(mats)], mats


# ---- stream assignment ------------------------------------------------------------------------
@pytest.mark.parametrize("num_streams", [1, 3, 8])
def test_independent_branches_spread_and_chains_stay(num_streams):
    outs, mats = _branches()
    _, plan, where = _lanes(outs, num_streams, mats)
    for i in range(16):
        assert where[f"relu{i}"] == where[f"mm{i}"]  # a chain stays on its stream
    used = [where[f"mm{i}"] for i in range(16)]
    assert sorted(set(used)) == list(range(num_streams))
    assert max(used.count(s) for s in set(used)) - min(used.count(s) for s in set(used)) <= 1
    assert plan.event_count == 0 and not plan.kept  # nothing crosses streams


@pytest.mark.parametrize("num_streams", [1, 3, 8])
def test_products_on_parallel_streams_know_how_many_run_at_once(num_streams):
    outs, mats = _branches()
    schedule, plan, _ = _lanes(outs, num_streams, mats)
    products = [op for op in schedule.ops if op.type == "MatMul"]
    want = {op: num_streams for op in products} if num_streams > 1 else {}
    assert plan.sharing == want


def test_products_ordered_by_a_chain_share_with_none_and_a_side_branch_with_it():
    # the seed step: x@w1 -> h@w2 -> loss -> g@w2T -> relu grad -> xT@gh is a chain, and
    # hT@g (the gradient of w2) runs beside the last two on a stream of its own
    tf.reset_default_graph()
    x, y = tf.placeholder(tf.float32, [8, 6]), tf.placeholder(tf.float32, [8, 6])
    w1, w2 = tf.Variable(np.ones((6, 4), np.float32)), tf.Variable(np.ones((4, 6), np.float32))
    h = tf.nn.relu(tf.matmul(x, w1, name="xw1"))
    loss = tf.reduce_sum((tf.matmul(h, w2, name="hw2") - y) ** 2)
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    schedule, plan, where = _lanes([grad_w1, grad_w2], 4, [x, y])
    side = grad_w2.op
    chain = [op for op in schedule.ops if op.type == "MatMul" and op is not side]
    assert side.type == "MatMul" and len(chain) == 4
    assert all(where[op.name] != where[side.name] for op in chain[2:])
    assert {op.name: plan.sharing.get(op, 1) for op in chain} == {
        "xw1": 1, "hw2": 1, chain[2].name: 2, chain[3].name: 2}
    assert plan.sharing[side] == 2


@pytest.mark.parametrize("seed", range(12))
def test_sharing_counts_the_streams_with_a_product_neither_before_nor_after(seed):
    # random DAGs of products: the count against happens-before built from the plan itself
    # (each stream's issue order, and every wait on the op that recorded its event)
    tf.reset_default_graph()
    rng = np.random.default_rng(seed)
    values = [tf.placeholder(tf.float32, [4, 4]) for _ in range(3)]
    feeds = list(values)
    for _ in range(int(rng.integers(4, 14))):
        a, b = rng.choice(len(values), 2)
        values.append(tf.matmul(values[a], values[b]))
    schedule, plan, _ = _lanes(values[3:], int(rng.integers(2, 6)), feeds)
    steps = [k for k, s in enumerate(plan.streams) if s is not None]
    recorded_by = {e: k for k, e in enumerate(plan.records) if e is not None}
    before = {}  # step -> steps that happen before it
    last_on = {}
    for k in steps:
        direct = {last_on[plan.streams[k]]} if plan.streams[k] in last_on else set()
        direct |= {recorded_by[e] for e in plan.waits[k]}
        before[k] = set(direct).union(*(before[d] for d in direct))
        last_on[plan.streams[k]] = k
    products = [k for k in steps if schedule.ops[k].type == "MatMul"]
    for k in products:
        streams = {plan.streams[j] for j in products if plan.streams[j] != plan.streams[k]
                   and j not in before[k] and k not in before[j]}
        assert plan.sharing.get(schedule.ops[k], 1) == 1 + len(streams)


def test_a_product_is_launched_knowing_how_many_run_beside_it(monkeypatch):
    import types
    from tf0.session import cuda_ops
    outs, mats = _branches(n=2)
    schedule, plan, _ = _lanes(outs, 2, mats)
    calls = []
    monkeypatch.setattr(cuda_ops.M, "matmul", lambda *args: calls.append(args))
    ctx = types.SimpleNamespace(lanes=plan, relu_products=set())
    for op in schedule.ops:
        if op.type == "MatMul":
            cuda_ops.BINDERS["MatMul"][0](op, ctx)("a", "b")
    assert calls == [("a", "b", False, False, 2, False)] * 2


def test_diamond_waits_once_and_keeps_values_read_across_streams():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [4])
    a = tf.exp(x, name="a")
    b = tf.sin(a, name="b")
    c = tf.cos(a, name="c")
    d = tf.add(b, c, name="d")
    e = tf.add(d, a, name="e")  # reads `a` again: its stream already waited for it
    schedule, plan, where = _lanes([e], 4, [x])
    assert where["b"] == where["a"] != where["c"]
    assert where["d"] == where["b"] and where["e"] == where["d"]
    steps = {op.name: i for i, op in enumerate(schedule.ops)}
    assert len(plan.waits[steps["c"]]) == 1 and plan.records[steps["a"]] is not None
    assert len(plan.waits[steps["d"]]) == 1 and plan.records[steps["c"]] is not None
    assert plan.waits[steps["e"]] == () and plan.waits[steps["b"]] == ()
    assert plan.kept == {schedule.slots[a], schedule.slots[c]}
    assert_every_edge_ordered(schedule, plan)
    plan.waits[steps["d"]] = ()  # without its wait, d may run before c: the check sees it
    with pytest.raises(AssertionError, match="d not after c"):
        assert_every_edge_ordered(schedule, plan)


def test_waits_are_skipped_when_already_ordered_transitively():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [4])
    a = tf.exp(x, name="a")
    b = tf.sin(a, name="b")     # one of b, c continues a's stream, the other waits for a
    c = tf.cos(a, name="c")
    g = tf.add(c, b, name="g")  # waits for whichever branch is on the other stream
    h = tf.add(g, a, name="h")  # needs a: already ordered through that branch's event
    schedule, plan, where = _lanes([h], 2, [x])
    steps = {op.name: i for i, op in enumerate(schedule.ops)}
    assert where["b"] != where["c"] and where["h"] == where["g"]
    assert len(plan.waits[steps["g"]]) == 1 and plan.waits[steps["h"]] == ()
    assert plan.event_count == 2


def test_control_dependencies_order_streams():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [4])
    first = tf.exp(x, name="first")
    other = tf.sin(x, name="other")
    with tf.control_dependencies([first]):
        after = tf.cos(other, name="after")
    schedule, plan, where = _lanes([after], 4, [x])
    assert where["other"] != where["first"]  # independent: two streams
    assert_every_edge_ordered(schedule, plan)  # `after` waits for `first` whatever its stream


def _launch_producers(schedule, plan, op, steps):
    """Launching ops whose results `op` reads, through views and sources (host ops read
    shapes or host values only)."""
    found, todo = set(), [t.op for t in op.inputs] + list(op.control_inputs)
    while todo:
        p = todo.pop()
        if p not in steps:
            continue
        if plan.streams[steps[p]] is not None:
            found.add(p)
        elif p.type in NO_LAUNCH:
            todo.extend([t.op for t in p.inputs] + list(p.control_inputs))
    return found


def assert_every_edge_ordered(schedule, plan, extra=()):
    """Replays the plan's waits and records with vector clocks and checks that each launch
    is ordered after every launch it depends on (data, control, and `extra` (before, after)
    pairs of op names)."""
    steps = {op: i for i, op in enumerate(schedule.ops)}
    clocks, counts, events, after = {}, {}, {}, {}
    for step, op in enumerate(schedule.ops):
        s = plan.streams[step]
        if s is None:
            continue
        clock = clocks.setdefault(s, {})
        for e in plan.waits[step]:
            for r, n in events[e].items():
                clock[r] = max(clock.get(r, 0), n)
        counts[s] = counts.get(s, 0) + 1
        clock[s] = counts[s]
        after[step] = dict(clock)
        if plan.records[step] is not None:
            events[plan.records[step]] = dict(clock)
    by_name = {op.name: op for op in schedule.ops}
    pairs = [(p, op) for op in schedule.ops if plan.streams[steps[op]] is not None
             for p in _launch_producers(schedule, plan, op, steps)]
    pairs += [(by_name[a], by_name[b]) for a, b in extra]
    for p, c in pairs:
        sp = plan.streams[steps[p]]
        assert after[steps[c]].get(sp, 0) >= after[steps[p]][sp], f"{c.name} not after {p.name}"


def test_every_edge_is_ordered_across_streams():
    for num_streams in (2, 3, 8):
        outs, mats = _branches(6)
        schedule, plan, _ = _lanes(outs, num_streams, mats)
        assert_every_edge_ordered(schedule, plan)
        x, y, fetches, train = _seed_step()
        schedule, plan, _ = _lanes(fetches + [train], num_streams, [x, y])
        assert len(plan.used) > 1
        assert_every_edge_ordered(schedule, plan)


def test_a_variable_read_after_its_write_waits_for_the_write():
    tf.reset_default_graph()
    v = tf.Variable(np.zeros(4, np.float32), name="v")
    x = tf.placeholder(tf.float32, [4])
    bump = tf.assign_add(v, tf.exp(x), name="bump")
    after = tf.square(bump, name="after")  # continues bump's stream
    other = tf.sin(x, name="other")  # a branch of its own, on another stream
    seen = tf.multiply(v, other, name="seen")  # reads v after the write in plan order only
    schedule, plan, where = _lanes([bump, after, seen], 4, [x])
    steps = {op.name: i for i, op in enumerate(schedule.ops)}
    assert steps["bump"] < steps["seen"] and where["seen"] != where["bump"]
    assert_every_edge_ordered(schedule, plan, extra=[("bump", "seen")])


def test_a_variable_written_twice_keeps_one_stream():
    tf.reset_default_graph()
    v = tf.Variable(np.zeros(4, np.float32))
    x = tf.placeholder(tf.float32, [4])
    first = tf.assign_add(v, x)
    with tf.control_dependencies([first]):
        second = tf.assign_sub(v, tf.exp(x))
    _, plan, _ = _lanes([second, tf.sin(x)], 4, [x])
    assert plan.used == [0]


def test_a_host_read_of_device_data_keeps_one_stream():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [4])
    n = tf.cast(tf.reduce_sum(x), tf.int32)
    idx = tf.range(n)  # the host needs the device value n: nothing may overlap it
    _, plan, where = _lanes([idx, tf.exp(x)], 4, [x])
    assert plan.used == [0] and plan.event_count == 0


def test_string_constants_stay_on_the_host_at_any_size():
    # CuPy cannot hold strings: a serialized tf.Example constant feeds host parsing
    tf.reset_default_graph()
    small, large = tf.constant([b"ab", b"c"]), tf.constant([b"x"] * 5000)
    ints, floats = tf.constant(np.arange(5000)), tf.constant([1.0, 2.0])
    schedule = Schedule([small, large, ints, floats], [])
    host = placement(schedule)
    assert small in host and large in host
    assert ints not in host and floats not in host  # too many to key launches; floats


# ---- capture eligibility and variable buffers -------------------------------------------------
def _reason(fetches, feeds=()):
    """(why a graph of the plan cannot be captured or None, names of its keyed feeds)."""
    schedule = Schedule(fetches, feeds)
    keyed = [schedule.feeds[i] for i in keyed_feeds(schedule)]
    return (capture_blocker(schedule, placement(schedule, host_feeds=keyed)),
            sorted(t.op.name for t in keyed))


def test_capture_blockers_say_why():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 4])
    assert _reason([tf.exp(x)], [x]) == (None, [])
    assert _reason([tf.random_uniform([3]) + 1.0]) == (None, [])  # counters on the device
    limit = tf.placeholder(tf.float32, [], name="limit")
    assert "launch parameter" in _reason([tf.range(limit)], [limit])[0]
    summed = tf.cast(tf.reduce_sum(x), tf.int32)
    assert "needs the device value" in _reason([tf.range(summed)], [x])[0]
    it = tf.data.Dataset.from_tensor_slices(np.ones((4, 2), np.float32)).make_one_shot_iterator()
    assert "iterator" in _reason([it.get_next() * 2.0])[0]
    assert "launches no kernels" in _reason([tf.shape(x)], [x])[0]


def test_integer_and_boolean_feeds_that_steer_the_host_key_the_graph():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    shape = tf.placeholder(tf.int32, [2], name="shape")
    training = tf.placeholder(tf.bool, [], name="training")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    picked = tf.gather(tf.reshape(x, [-1]), labels)  # labels are data: not keyed
    assert _reason([tf.reshape(tf.exp(x), shape), picked], [x, shape, labels]) == \
        (None, ["shape"])
    branch = tf.cond(tf.logical_not(training), lambda: x * 2.0, lambda: x + 1.0)
    assert _reason([branch], [x, training]) == (None, ["training"])
    steered_by_data = tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x + 1.0)
    reason, keyed = _reason([steered_by_data], [x])
    assert "tf.cond branch chosen by the device value" in reason and keyed == []


def test_variables_of_finds_reads_and_writes():
    tf.reset_default_graph()
    v = tf.Variable(np.ones(3, np.float32), name="v")
    w = tf.Variable(np.ones(3, np.float32), name="w")
    step = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(v * w), var_list=[v])
    read, written = variables_of(Schedule([step], ()))
    names = {op.name for op in written}
    assert {"v", "v/Adam", "v/Adam_1"} <= names and "w" not in names
    assert {op.name for op in read} >= names | {"w"}


def test_write_buffers_alternate_and_never_hand_out_the_current_value():
    pairs, var = {}, object()
    current = np.zeros(3)
    first = write_buffers(pairs, var, current, np)
    assert first is not current
    assert write_buffers(pairs, var, first, np) is current  # ping-pong
    foreign = np.ones(3)  # e.g. restored from a checkpoint
    assert write_buffers(pairs, var, foreign, np) is current
    assert write_buffers(pairs, var, np.ones(5), np).shape == (5,)


# ---- plans on the null device -------------------------------------------------------------------
@pytest.fixture
def null_gpu(monkeypatch):
    return fake_cuda.install(monkeypatch)


def _seed_step():
    tf.reset_default_graph()
    rng = np.random.default_rng(1)
    x = tf.placeholder(tf.float32, [None, 6])
    y = tf.placeholder(tf.float32, [None, 3])
    w1 = tf.Variable(rng.standard_normal((6, 5)).astype(np.float32))
    w2 = tf.Variable(rng.standard_normal((5, 3)).astype(np.float32))
    h = tf.nn.relu(tf.matmul(x, w1))
    loss = tf.reduce_mean(tf.reduce_sum((tf.matmul(h, w2) - y) ** 2, axis=1))
    g1, g2 = tf.gradients(loss, [w1, w2])
    train = tf.train.MomentumOptimizer(0.01, 0.9).minimize(
        loss, global_step=tf.train.get_or_create_global_step())
    return x, y, [loss, g1, g2], train


def _feeds(x, y, step, n=8):
    rng = np.random.default_rng(100 + step)
    return {x: rng.standard_normal((n, 6)).astype(np.float32),
            y: rng.standard_normal((n, 3)).astype(np.float32)}


def _train(config, steps=6, shapes=(8,)):
    x, y, fetches, train = _seed_step()
    results, launches = [], []
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            meta = tf.RunMetadata()
            n = shapes[step % len(shapes)]
            results.append(sess.run(fetches + [train], _feeds(x, y, step, n), run_metadata=meta))
            launches.append(meta.launch)
        results.append(sess.run(tf.global_variables()))
    return results, launches


@pytest.mark.parametrize("num_streams", [1, 2, 8])
def test_training_steps_match_numpy_in_every_launch_mode(null_gpu, num_streams):
    want, _ = _train(CPU)
    for graphs in (False, True):
        got, launches = _train(_gpu_config(num_streams, graphs))
        for g_step, w_step in zip(got, want):
            for g, w in zip(g_step, w_step):
                if w is not None:
                    np.testing.assert_array_equal(np.asarray(g), np.asarray(w))
        if graphs:
            assert launches == ["direct", "capture", "capture", "replay", "replay", "replay"]
        else:
            assert set(launches) == {"direct"}


def test_a_relu_read_only_from_its_product_is_fused_into_it():
    from tf0.session.cuda_backend import relu_epilogues
    x, y, fetches, _ = _seed_step()
    schedule = Schedule(fetches, [x, y])
    fused = relu_epilogues(schedule, placement(schedule))
    # the Relu's gradient reads its output (as TF1's), so x @ w1 has one reader
    assert [(r.type, m.type) for r, m in fused.items()] == [("Relu", "MatMul")]
    tf.reset_default_graph()
    a = tf.placeholder(tf.float32, [3, 3])
    shared, fetched, fed = tf.matmul(a, a), tf.matmul(a, a), tf.matmul(a, a)
    alone = tf.matmul(a, a)
    outs = [tf.nn.relu(shared), tf.exp(shared), tf.nn.relu(fetched), fetched,
            tf.nn.relu(fed), tf.nn.relu(alone)]
    schedule = Schedule(outs, [a, fed])
    assert {m: r for r, m in relu_epilogues(schedule, placement(schedule)).items()} == {
        alone.op: outs[-1].op}


@pytest.mark.parametrize("graphs", [False, True])
def test_a_fused_relu_launches_nothing_and_matches_numpy(null_gpu, graphs):
    a = tf.placeholder(tf.float32, [4, 5])
    w = tf.Variable(np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3))
    h = tf.nn.relu(tf.matmul(a, w))
    fetches = [h, tf.gradients(tf.reduce_sum(h * h), [a, w])]
    value = {a: np.linspace(-2, 2, 20, dtype=np.float32).reshape(4, 5)}
    with tf.Session(config=CPU) as cpu:
        cpu.run(w.initializer)
        want = cpu.run(fetches, value)
    with tf.Session(config=_gpu_config(cuda_graphs=graphs)) as sess:
        sess.run(w.initializer)
        start = len(null_gpu.launches)
        for _ in range(3):
            got = sess.run(fetches, value)
        launched = [name for name, _ in null_gpu.launches[start:]]
    assert "Relu" not in launched and "MatMul" in launched
    np.testing.assert_array_equal(got[0], want[0])
    for g, w_ in zip(got[1], want[1]):
        np.testing.assert_array_equal(g, w_)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_replays_its_update(null_gpu, name):
    results = []
    for config in (CPU, _gpu_config()):
        tf.reset_default_graph()
        rng = np.random.default_rng(4)
        w = tf.Variable(rng.standard_normal((5, 3)).astype(np.float32))
        c = tf.constant(rng.standard_normal((5, 3)).astype(np.float32))
        train = OPTIMIZERS[name]().minimize(tf.reduce_sum(w * c) + tf.reduce_sum(w * w))
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            meta = tf.RunMetadata()
            for _ in range(6):
                sess.run(train, run_metadata=meta)
            results.append(sess.run(tf.global_variables()))
    assert meta.launch == "replay"
    for got, want in zip(results[1], results[0]):
        np.testing.assert_array_equal(got, want)


def test_new_feed_shapes_warm_up_then_capture(null_gpu):
    want, _ = _train(CPU, steps=8, shapes=(8, 5))
    got, launches = _train(_gpu_config(), steps=8, shapes=(8, 5))
    for g_step, w_step in zip(got[-1], want[-1]):
        np.testing.assert_array_equal(g_step, w_step)
    # per shape one direct run, then one capture each; the two shapes alternate the two
    # variable buffers between them, so from then on every run finds its graph
    assert launches == ["direct", "direct", "capture", "capture"] + ["replay"] * 4


def test_a_variable_set_from_outside_is_read_by_the_next_replay(null_gpu):
    v = tf.Variable(np.arange(3, dtype=np.float32))
    out = v * 2.0
    with tf.Session(config=_gpu_config()) as sess:
        sess.run(v.initializer)
        for _ in range(3):
            np.testing.assert_array_equal(sess.run(out), np.arange(3) * 2)
        v.load(np.full(3, 5, np.float32), sess)
        meta = tf.RunMetadata()
        np.testing.assert_array_equal(sess.run(out, run_metadata=meta), [10, 10, 10])
        assert meta.launch == "capture"


def test_a_failed_replay_changes_no_variable(null_gpu, monkeypatch):
    v = tf.Variable(np.zeros(4, np.float32))
    idx = tf.placeholder(tf.int32, [2])
    step = tf.assign_add(v, tf.ones([4]))
    picked = tf.gather(v, idx)
    with tf.Session(config=_gpu_config()) as sess:
        sess.run(v.initializer)
        for _ in range(4):
            sess.run([step, picked], {idx: [0, 1]})
        meta = tf.RunMetadata()
        sess.run(step, run_metadata=meta)
        before = sess.run(v)
        device = sess._device
        flagged = {"on": True}

        def check_errors():
            if flagged.pop("on", False):
                raise tf.errors.InvalidArgumentError(None, picked.op, "index out of range")
        monkeypatch.setattr(device, "check_errors", check_errors)
        for plan in sess._plans.values():  # gather's kernel (not run here) uses the flag
            plan.cuda.uses_error_flag = True
        replays = null_gpu.replays
        with pytest.raises(tf.errors.InvalidArgumentError):  # as if the kernel flagged it
            sess.run([step, picked], {idx: [0, 1]})
        assert null_gpu.replays == replays + 1  # the graph ran and wrote the other buffer
        np.testing.assert_array_equal(sess.run(v), before)
        sess.run([step, picked], {idx: [0, 1]})
        np.testing.assert_array_equal(sess.run(v), before + 1)


def test_cuda_graphs_are_on_unless_the_environment_turns_them_off(null_gpu, monkeypatch):
    x = tf.placeholder(tf.float32, [3])
    y = x * 2.0
    launches = []
    for env in (None, "0", "1"):
        if env is None:
            monkeypatch.delenv("TF0_CUDA_GRAPHS", raising=False)
        else:
            monkeypatch.setenv("TF0_CUDA_GRAPHS", env)
        with tf.Session() as sess:
            meta = tf.RunMetadata()
            for _ in range(3):
                sess.run(y, {x: np.ones(3, np.float32)}, run_metadata=meta)
            launches.append(meta.launch)
    assert launches == ["replay", "direct", "replay"]


def test_random_ops_in_graphs_draw_new_numbers_each_run_as_on_the_cpu(null_gpu):
    tf.set_random_seed(11)
    x = tf.placeholder(tf.float32, [64])
    kept = tf.nn.dropout(x, keep_prob=0.5) + tf.random_normal([64])
    ints = tf.random_uniform([5], 0, 100, dtype=tf.int32)
    results = {}
    for name, config in (("cpu", CPU), ("graphs", _gpu_config())):
        with tf.Session(config=config) as sess:
            meta = tf.RunMetadata()
            results[name] = [sess.run([kept, ints], {x: np.ones(64, np.float32)},
                                      run_metadata=meta) for _ in range(5)]
    assert meta.launch == "replay"
    for got, want in zip(results["graphs"], results["cpu"]):
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
    assert not np.array_equal(results["cpu"][3][0], results["cpu"][4][0])


def test_uncapturable_plans_run_direct_and_say_why(null_gpu):
    x = tf.placeholder(tf.float32, [3])
    limit = tf.placeholder(tf.float32, [])  # a float: never keyed by value
    counted = tf.range(limit) * 2.0
    with tf.Session(config=_gpu_config()) as sess:
        meta = tf.RunMetadata()
        for _ in range(3):
            sess.run(counted, {limit: 3.0}, run_metadata=meta)
            assert meta.launch == "direct" and "launch parameter" in meta.launch_reason
    noisy = x + tf.random_uniform([3], seed=1)
    with tf.Session(config=_gpu_config(cuda_graphs=False)) as sess:
        sess.run(noisy, {x: np.zeros(3, np.float32)}, run_metadata=meta)
        assert "off" in meta.launch_reason


def test_a_capture_that_fails_falls_back_to_direct_launch(null_gpu, monkeypatch):
    x = tf.placeholder(tf.float32, [3])
    y = tf.exp(x) * 2.0
    launch = fake_cuda.Runtime.launch

    def refuse_exp_in_capture(self, name, fn, args, outputs_of):
        if name == "Exp" and self.thunks is not None:  # as a launcher needing the host
            raise RuntimeError("operation not permitted when stream is capturing")
        return launch(self, name, fn, args, outputs_of)
    monkeypatch.setattr(fake_cuda.Runtime, "launch", refuse_exp_in_capture)
    with tf.Session(config=_gpu_config()) as sess:
        meta = tf.RunMetadata()
        for k in range(4):
            got = sess.run(y, {x: np.full(3, k, np.float32)}, run_metadata=meta)
            np.testing.assert_allclose(got, np.exp(np.full(3, k)) * 2.0, rtol=1e-6)
        assert meta.launch == "direct" and "capture failed" in meta.launch_reason
    assert null_gpu.thunks is None and null_gpu.captures == 1


def test_device_array_feeds_and_fetches(null_gpu):
    x = tf.placeholder(tf.float32, [2, 3])
    v = tf.Variable(np.ones((2, 3), np.float32))
    y = x * 3.0 + v
    with tf.Session(config=_gpu_config()) as sess:
        sess.run(v.initializer)
        options = tf.RunOptions(fetch_device_arrays=True)
        for k in range(4):
            host = np.full((2, 3), k, np.float32)
            got, var = sess.run([y, v], {x: fake_cuda.to_device(host)}, options=options)
            assert isinstance(got, fake_cuda.DeviceArray) and isinstance(var, fake_cuda.DeviceArray)
            np.testing.assert_array_equal(got.get(), host * 3 + 1)
            var[...] = 0  # the caller owns what it got: the variable is untouched
        np.testing.assert_array_equal(sess.run(v), np.ones((2, 3)))
        with pytest.raises(TypeError, match="dtype"):
            sess.run(y, {x: fake_cuda.to_device(np.zeros((2, 3), np.float64))})
        with pytest.raises(ValueError, match="shape"):
            sess.run(y, {x: fake_cuda.to_device(np.zeros((3, 3), np.float32))})


@pytest.mark.parametrize("on_device", [False, True], ids=["host", "device"])
def test_a_replay_hands_out_every_fetch_from_one_block_and_keeps_none(null_gpu, on_device):
    x = tf.placeholder(tf.float32, [3])
    doubled = x * 2.0
    fetches = [doubled, tf.cast(x, tf.int32), tf.reduce_sum(tf.cast(x, tf.float64)),
               x > 1.0, doubled]
    options = tf.RunOptions(fetch_device_arrays=on_device)
    kept = []
    with tf.Session(config=_gpu_config()) as sess:
        for k in range(5):
            value = np.array([k, k + 1, k + 2], np.float32)
            start = len(null_gpu.launches)
            got = sess.run(fetches, {x: value}, options=options)
            if on_device:
                got = [g.get() for g in got]
            want = [value * 2, value.astype(np.int32), value.astype(np.float64).sum(),
                    value > 1, value * 2]
            for g, w in zip(got, want):
                np.testing.assert_array_equal(g, w)
                assert np.asarray(g).dtype == np.asarray(w).dtype
            kept.append((got, want))
        # after the replay, one launch copies all five into the block (no copy in the graph)
        assert [name for name, _ in null_gpu.launches[start:]] == ["copy_segments"]
        plan = next(iter(sess._plans.values())).cuda
        assert plan.launch == "replay" and len(plan.graphs[-1].fetches.slots) == 5
    for got, want in kept:  # later runs wrote nothing the user holds
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("on_device,pinned_over_buffer", [(False, False), (False, True),
                                                          (True, False)],
                         ids=["host", "host-buffer", "device"])
def test_a_replay_hands_out_its_last_arrays_again_only_when_nothing_holds_them(
        null_gpu, monkeypatch, on_device, pinned_over_buffer):
    """Dropped results come back as the same array objects with the new values; an array
    the user still holds, a view of one, or a view of their memory keeps its values and
    the run gets fresh arrays. host-buffer: pinned buffers that own no memory, as
    cupyx.empty_pinned makes them (an array over a buffer object)."""
    import weakref
    if pinned_over_buffer:
        monkeypatch.setattr(cuda_plan.CudaPlan, "_pinned", lambda self, shape, dtype: np.ndarray(
            shape, dtype, buffer=bytearray(int(np.prod(shape)) * np.dtype(dtype).itemsize)))
    x = tf.placeholder(tf.float32, [4])
    fetches = [x * 2.0, x + 1.0]
    options = tf.RunOptions(fetch_device_arrays=on_device)

    def values(got):
        return [g.get() if on_device else np.array(g) for g in got]

    with tf.Session(config=_gpu_config()) as sess:
        def run(k):
            return sess.run(fetches, {x: np.full(4, k, np.float32)}, options=options)
        for k in range(3):  # direct, capture, replay
            run(k)
        got = run(3)
        refs = [weakref.ref(g) for g in got]
        del got
        again = run(4)
        assert all(g is r() for g, r in zip(again, refs))  # handed out again
        np.testing.assert_array_equal(values(again), [np.full(4, 8.0), np.full(4, 5.0)])
        held, del_later = again[1], again[0]
        del again
        fresh = run(5)
        assert fresh[1] is not held and fresh[0] is not del_later
        np.testing.assert_array_equal(values(fresh), [np.full(4, 10.0), np.full(4, 6.0)])
        np.testing.assert_array_equal(values([held]), [np.full(4, 5.0)])
        tail = fresh[0][1:]  # a view of a slot: the slot's array itself is dropped
        del fresh, held, del_later
        for k in (6, 7):
            np.testing.assert_array_equal(values(run(k)), [np.full(4, 2.0 * k),
                                                           np.full(4, k + 1.0)])
        np.testing.assert_array_equal(values([tail]), [np.full(3, 10.0)])
        kept, refs = [], []
        for k in range(8, 14):  # each step's results assigned to the same name
            got = run(k)
            refs.append(weakref.ref(got[0]))
            if k == 10:
                kept.append(got[0])
            np.testing.assert_array_equal(values(got), [np.full(4, 2.0 * k),
                                                        np.full(4, k + 1.0)])
        np.testing.assert_array_equal(values(kept), [np.full(4, 20.0)])
        # during a step the name holds the step before's: the one before that comes back,
        # unless the user kept it (k == 12 is fresh)
        assert refs[2]() is refs[0]() and refs[3]() is refs[1]() and refs[5]() is refs[3]()
        assert refs[4]() is not refs[2]()


def test_a_callable_fetches_device_arrays_on_its_fast_path(null_gpu, monkeypatch):
    x = tf.placeholder(tf.float32, [2, 3])
    y = tf.reduce_sum(x * 2.0, axis=1)
    with tf.Session(config=_gpu_config()) as sess:
        step = sess.make_callable(y, [x], accept_options=True)
        on_device = tf.RunOptions(fetch_device_arrays=True)
        monkeypatch.setattr(sess, "run", None)  # the fast path never goes through run()
        for k in range(4):
            fed = fake_cuda.to_device(np.full((2, 3), k, np.float32))
            got = step(fed, options=on_device)
            assert isinstance(got, fake_cuda.DeviceArray)
            np.testing.assert_array_equal(got.get(), [6.0 * k, 6.0 * k])
            np.testing.assert_array_equal(step(fed), [6.0 * k, 6.0 * k])  # host fetches
        assert len(sess._plans) == 2  # one plan each way, made once


def test_runs_from_different_streams_are_ordered_after_each_other(null_gpu):
    # A replay runs on the caller's stream; a later run from another stream (another
    # thread's, say) must still see the variables the replay wrote.
    v = tf.Variable(np.zeros(4, np.float32))
    step = tf.assign_add(v, tf.ones([4]))
    doubled = v * 2.0
    with tf.Session(config=_gpu_config()) as sess:
        sess.run(v.initializer)
        for k in range(1, 7):
            with fake_cuda.Stream():  # a fresh stream each time, as the null device checks
                sess.run(step)
            with fake_cuda.Stream():
                np.testing.assert_array_equal(sess.run(doubled), np.full(4, 2.0 * k))


def _copies(null_gpu, since):
    return sum(name == "copy" for name, _ in null_gpu.launches[since:])


def test_a_replay_copies_every_host_feed_in_one_copy(null_gpu, monkeypatch):
    """Host feeds of several dtypes and shapes, a scalar among them, and a device feed at a
    new address each run (so copied too): every run sees its own values, and a replay makes
    one host-to-device copy for all host feeds and one copy kernel for the device feed."""
    x = tf.placeholder(tf.float32, [3, 5])
    labels = tf.placeholder(tf.int32, [3])
    scale = tf.placeholder(tf.float32, [])
    mask = tf.placeholder(tf.bool, [5])
    moved = tf.placeholder(tf.float64, [2])
    pixels = tf.placeholder(tf.uint8, [7])
    out = [tf.reduce_sum(x * scale, axis=1) + tf.cast(labels, tf.float32),
           tf.where(mask, tf.reduce_max(x, axis=0), -x[0]), moved * 2.0,
           tf.cast(pixels[::-1], tf.int32)]
    uploads = []
    real_set = fake_cuda.DeviceArray.set
    monkeypatch.setattr(fake_cuda.DeviceArray, "set", lambda self, arr, stream=None: (
        uploads.append(self.nbytes), real_set(self, arr, stream))[1])
    rng = np.random.default_rng(3)
    with tf.Session(config=_gpu_config()) as sess:
        meta = tf.RunMetadata()
        for k in range(5):
            xv = rng.standard_normal((3, 5)).astype(np.float32)
            lv, sv = rng.integers(-9, 9, 3).astype(np.int32), np.float32(k)
            mv = rng.random(5) > 0.5
            dv, pv = rng.standard_normal(2), rng.integers(0, 256, 7).astype(np.uint8)
            uploads.clear()
            start = len(null_gpu.launches)
            got = sess.run(out, {x: xv, labels: lv, scale: sv, mask: mv,
                                 moved: fake_cuda.to_device(dv), pixels: pv}, run_metadata=meta)
            np.testing.assert_allclose(got[0], (xv.astype(np.float64) * k).sum(1) + lv,
                                       rtol=1e-6, atol=1e-5)
            np.testing.assert_array_equal(got[1], np.where(mv, xv.max(0), -xv[0]))
            np.testing.assert_array_equal(got[2], dv * 2.0)
            np.testing.assert_array_equal(got[3], pv[::-1])
        assert meta.launch == "replay"
        assert len(uploads) == 1 and _copies(null_gpu, start) == 1


def test_a_device_feed_at_a_stable_address_is_read_in_place(null_gpu):
    x = tf.placeholder(tf.float32, [2, 3])
    y = x * 3.0
    fed = fake_cuda.to_device(np.zeros((2, 3), np.float32))
    with tf.Session(config=_gpu_config()) as sess:
        meta = tf.RunMetadata()
        for k in range(5):
            fed.set(np.full((2, 3), k, np.float32))  # new values at the same address
            start = len(null_gpu.launches)
            got = sess.run(y, {x: fed}, run_metadata=meta)
            np.testing.assert_array_equal(got, np.full((2, 3), 3.0 * k))
        assert meta.launch == "replay" and _copies(null_gpu, start) == 0
        # another array: one more capture, which copies the feed from then on
        other = fake_cuda.to_device(np.full((2, 3), 7, np.float32))
        captures = null_gpu.captures
        for _ in range(3):
            np.testing.assert_array_equal(sess.run(y, {x: other}), np.full((2, 3), 21.0))
        assert null_gpu.captures == captures + 1
        start = len(null_gpu.launches)
        np.testing.assert_array_equal(sess.run(y, {x: fed}, run_metadata=meta),
                                      np.full((2, 3), 12.0))
        assert meta.launch == "replay" and _copies(null_gpu, start) == 1


def _digits_like_training(config, steps):
    """A small classifier trained from a one-shot tf.data iterator with Adam (as the main
    job): per-step losses, then the trained variables."""
    tf.reset_default_graph()
    tf.set_random_seed(7)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((50, 6)).astype(np.float32)
    y = rng.integers(0, 3, 50)
    images, labels = tf.data.Dataset.from_tensor_slices((x, y)).repeat(2).batch(16) \
        .make_one_shot_iterator().get_next()
    logits = tf.layers.dense(tf.layers.dense(images, 8, tf.nn.relu), 3)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    losses, launches = [], []
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            meta = tf.RunMetadata()
            losses.append(sess.run([loss, train], run_metadata=meta)[0])
            launches.append(meta.launch)
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(train)
        return losses, sess.run(tf.trainable_variables()), launches


def test_dataset_iterator_steps_are_captured_with_elements_as_inputs(null_gpu):
    # 100 rows in batches of 16: six full batches and a last one of 4
    want_losses, want_vars, _ = _digits_like_training(CPU, 7)
    losses, variables, launches = _digits_like_training(_gpu_config(), 7)
    np.testing.assert_array_equal(losses, want_losses)
    for got, want in zip(variables, want_vars):
        np.testing.assert_array_equal(got, want)
    assert launches == ["direct", "direct", "capture", "capture", "replay", "replay", "direct"]


def test_dataset_elements_with_strings_stay_on_the_host_and_run_directly(null_gpu):
    """Byte-string and object string components never go to the device: their iterator
    stays in the plan (run directly, as a plan reading strings must), the numbers beside
    them are uploaded on the running stream (the null device checks every read is ordered
    after its upload)."""
    words = np.array([b"ab", b"c", b"def", b"", b"gh"])
    data = tf.data.Dataset.from_tensor_slices((words, np.arange(5.0))).batch(2)
    text, number = data.make_one_shot_iterator().get_next()
    out = [tf.strings.length(text), number * 2.0]
    with tf.Session(config=_gpu_config()) as sess:
        got = []
        with pytest.raises(tf.errors.OutOfRangeError):
            while True:
                meta = tf.RunMetadata()
                got.append(sess.run(out, run_metadata=meta))
                assert meta.launch == "direct" and "dataset iterator" in meta.launch_reason
    np.testing.assert_array_equal(np.concatenate([g[0] for g in got]), [2, 1, 3, 0, 2])
    np.testing.assert_array_equal(np.concatenate([g[1] for g in got]), np.arange(5.0) * 2)


def test_a_fed_device_array_used_as_a_shape_is_read_on_the_host(null_gpu):
    x = tf.placeholder(tf.float32, [6])
    shape = tf.placeholder(tf.int32, [2])
    y = tf.reshape(x * 2.0, shape)
    with tf.Session(config=_gpu_config()) as sess:
        for _ in range(3):
            got = sess.run(y, {x: np.arange(6, dtype=np.float32),
                               shape: fake_cuda.to_device(np.array([3, 2], np.int32))})
            np.testing.assert_array_equal(got, np.arange(6).reshape(3, 2) * 2)


def test_traced_runs_name_each_node_stream(null_gpu):
    outs, mats = _branches(n=4)
    with tf.Session(config=_gpu_config(num_streams=4)) as sess:
        meta = tf.RunMetadata()
        sess.run(outs, {m: np.eye(8, dtype=np.float32) for m in mats},
                 options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                 run_metadata=meta)
    where = {s["name"]: s["device"] for s in meta.step_stats}
    assert {where[f"mm{i}"] for i in range(4)} == {f"gpu:stream {s}" for s in range(4)}
    assert all(where[f"relu{i}"] == where[f"mm{i}"] for i in range(4))
    assert meta.launch == "direct" and "traced" in meta.launch_reason


def test_main_job_replays_its_training_step_and_matches_numpy(monkeypatch, tmp_path):
    import io
    from tf0.demo import train
    want_accuracy, want_losses = train(steps=120, out_dir=str(tmp_path / "cpu"), out=io.StringIO())
    runtime = fake_cuda.install(monkeypatch)
    monkeypatch.delenv("TF0_CUDA_GRAPHS", raising=False)  # graphs are the default
    out = io.StringIO()
    accuracy, losses = train(steps=120, out_dir=str(tmp_path / "gpu"), out=out)
    assert "tf0 on cuda" in out.getvalue()
    assert losses == want_losses and accuracy == want_accuracy
    assert runtime.replays >= 110  # the training step, from its third run on


@pytest.mark.parametrize("row", ROWS, ids=repr)
def test_every_op_of_the_table_through_capture_and_replay(null_gpu, row):
    # the plan machinery for each op (placement with feeds on the device, host launch
    # parameters, streams, capture, replay) over the null device, against the NumPy backend
    phs = [tf.placeholder(tf.float64, shape) for shape, _ in row.inputs]
    out = row.build(*phs)
    fetches = [out] + ([g for g in tf.gradients(tf.reduce_sum(out), phs) if g is not None]
                       if row.grad else [])
    rng = np.random.default_rng(2)
    feeds = [{p: draw(rng, shape, kind) for p, (shape, kind) in zip(phs, row.inputs)}
             for _ in range(4)]
    with tf.Session(config=CPU) as cpu:
        want = [cpu.run(fetches, feed) for feed in feeds]
    with tf.Session(config=_gpu_config()) as sess:
        meta = tf.RunMetadata()
        got = [sess.run(fetches, feed, run_metadata=meta) for feed in feeds]
    if row.name.startswith("cond"):
        assert meta.launch == "direct" and "tf.cond" in meta.launch_reason
    elif row.name == "while_loop_cond":  # its condition is a sum computed on the device
        assert meta.launch == "direct" and "decides on the device" in meta.launch_reason
    elif row.name == "boolean_mask":  # how many elements it keeps is a device value
        assert meta.launch == "direct" and "depends on device values" in meta.launch_reason
    elif row.name.startswith(("matrix_", "unsorted_segment_max", "segment_min", "cholesky",
                              "segment_prod",
                              "triangular_solve", "self_adjoint_eig", "qr", "svd", "slogdet",
                              "lstsq")):  # host ops
        assert meta.launch == "direct" and ("on the host" in meta.launch_reason
                                            or "launch parameter" in meta.launch_reason)
    elif meta.launch_reason == "the plan launches no kernels":  # views, folded gradients
        assert meta.launch == "direct" and row.name in NO_KERNEL_ROWS
    else:
        assert meta.launch == "replay", meta.launch_reason
    for g_run, w_run in zip(got, want):
        for g, w in zip(g_run, w_run):
            np.testing.assert_array_equal(g, w)


def test_errors_in_a_graph_body_name_their_op(null_gpu):
    x = tf.placeholder(tf.float32, [None])
    y = tf.reshape(x * 2.0, [-1, 5], name="by_fives")
    with tf.Session(config=_gpu_config()) as sess:
        np.testing.assert_array_equal(sess.run(y, {x: np.ones(10, np.float32)}),
                                      np.full((2, 5), 2.0))
        with pytest.raises(tf.errors.InvalidArgumentError, match="by_fives"):
            sess.run(y, {x: np.ones(6, np.float32)})  # a new shape: the graph body's warm-up


def _loop_program():
    """An RNN-like loop: int counter, gather by it, tf.cond and a variable update in the
    body; its value, gradients and the variable, as fetches."""
    tf.reset_default_graph()
    rng = np.random.default_rng(5)
    xs = tf.placeholder(tf.float64, [4, 3])
    w = tf.Variable(rng.standard_normal((3, 3)) * 0.5)
    count = tf.Variable(0)

    def body(t, h):
        step = tf.tanh(tf.matmul(h, w) + tf.gather(xs, [t]))
        with tf.control_dependencies([tf.assign_add(count, 1)]):
            return t + 1, tf.cond(tf.reduce_sum(step) > 0, lambda: step, lambda: step * h)
    h = tf.while_loop(lambda t, h: t < 4, body, [0, tf.ones([1, 3], tf.float64)])[1]
    grads = tf.gradients(tf.reduce_sum(h * h), [xs, w])
    return xs, [h, *grads], count


def test_while_loop_on_the_null_device(null_gpu):
    xs, fetches, count = _loop_program()
    feeds = [np.random.default_rng(i).standard_normal((4, 3)) for i in range(3)]
    with tf.Session(config=CPU) as cpu:
        cpu.run(tf.global_variables_initializer())
        want = [cpu.run(fetches, {xs: f}) for f in feeds] + [cpu.run(count)]
    with tf.Session(config=_gpu_config()) as sess:
        sess.run(tf.global_variables_initializer())
        meta = tf.RunMetadata()
        got = [sess.run(fetches, {xs: f}, run_metadata=meta) for f in feeds]
        trace = tf.RunMetadata()
        traced = sess.run(fetches, {xs: feeds[0]}, tf.RunOptions(trace_level=3), trace)
        got.append(sess.run(count))
    assert meta.launch == "direct" and "tf.while_loop" in meta.launch_reason
    for g_run, w_run in zip(got[:-1], want[:-1]):
        for g, w in zip(g_run, w_run):
            np.testing.assert_array_equal(g, w)
    assert got[-1] == want[-1] + 4  # the traced run counted too
    for g, w in zip(traced, want[0]):
        np.testing.assert_array_equal(g, w)
    matmuls = [s for s in trace.step_stats if s["name"] == "while/MatMul"]
    assert len(matmuls) == 4 and all(s["device"] == "gpu:stream 0" for s in matmuls)
    # The counter and the condition are computed on the host: no kernel launches for them.
    launched = {name for name, _ in null_gpu.launches}
    assert "MatMul" in launched and "Less" not in launched


def test_an_error_inside_a_loop_names_the_op_on_the_null_device(null_gpu):
    table = tf.constant([1.0, 2.0, 3.0])
    limit = tf.placeholder(tf.int32, [])
    total = tf.while_loop(lambda i, t: i < limit,
                          lambda i, t: (i + 1, t + tf.gather(table, i)), [0, 0.0])[1]
    with tf.Session(config=_gpu_config()) as sess:
        assert sess.run(total, {limit: 3}) == 6.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="while/GatherV2"):
            sess.run(total, {limit: 4})
        assert sess.run(total, {limit: 2}) == 3.0


def test_a_fed_training_switch_gets_a_graph_per_value_and_matches_numpy(null_gpu):
    tf.set_random_seed(7)
    x = tf.placeholder(tf.float64, [5, 4])
    training = tf.placeholder(tf.bool, [])
    w = tf.Variable(np.random.default_rng(0).standard_normal((4, 3)))
    h = tf.layers.dropout(tf.matmul(x, w), rate=0.5, training=training)
    loss = tf.reduce_sum(tf.cond(training, lambda: h * h, lambda: tf.abs(h)))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    rng = np.random.default_rng(1)
    runs = [(bool(t), rng.standard_normal((5, 4))) for t in [1, 1, 0, 1, 0, 0, 1, 1, 0, 1]]

    def losses(config):
        meta, out = tf.RunMetadata(), []
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            for t, v in runs:
                out.append(sess.run([loss, step], {x: v, training: t}, run_metadata=meta)[0])
            return out, sess.run(w), meta
    want, want_w, _ = losses(CPU)
    got, got_w, meta = losses(_gpu_config())
    assert meta.launch == "replay", meta.launch_reason
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got_w, want_w)


def test_a_keyed_feed_that_changes_every_run_stops_capture_and_says_why(null_gpu):
    n = tf.placeholder(tf.int32, [])
    counted = tf.cast(tf.range(n), tf.float32) * 2.0  # n is a launch parameter: keyed
    meta, launches = tf.RunMetadata(), []
    with tf.Session(config=_gpu_config()) as sess:
        for k in range(1, 40):
            got = sess.run(counted, {n: k}, run_metadata=meta)
            np.testing.assert_array_equal(got, np.arange(k) * 2.0)
            launches.append(meta.launch)
    assert launches[:3] == ["direct"] * 3  # a new value warms up first
    assert set(launches[-5:]) == {"direct"} and "took more than 16 values" in \
        meta.launch_reason


def test_keyed_feeds_given_as_device_arrays_or_too_large_to_key_still_run(null_gpu):
    x = tf.placeholder(tf.float32, [None])
    shape = tf.placeholder(tf.int32, [None])
    reshaped = tf.reduce_sum(tf.reshape(x * 2.0, shape), axis=0)
    lengths = tf.placeholder(tf.int32, [None])  # keyed through the host's max of it
    steps = tf.cast(tf.range(tf.reduce_max(lengths)), tf.float32)
    meta = tf.RunMetadata()
    with tf.Session(config=_gpu_config()) as sess:
        for _ in range(3):  # the shape as a device array: downloaded to key the graph
            got = sess.run(reshaped, {x: np.ones(6, np.float32),
                                      shape: fake_cuda.to_device(np.array([2, 3], np.int32))},
                           run_metadata=meta)
            np.testing.assert_array_equal(got, [4.0, 4.0, 4.0])
        assert meta.launch == "replay"
        for k in range(3):  # 5000 values are too many to key by: run, never captured
            got = sess.run(steps, {lengths: np.arange(5000, dtype=np.int32) % (7 + k)},
                           run_metadata=meta)
            np.testing.assert_array_equal(got, np.arange(6 + k))
            assert meta.launch == "direct"
