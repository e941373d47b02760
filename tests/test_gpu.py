"""The CUDA backend against the NumPy backend: every op of the table (values, first and
second derivatives), awkward shapes (odd, size 0 and 1, broadcasting, rank 0 to 5), Philox
parity and kernel error reporting. Outputs are poisoned before every kernel and each run is
repeated to check that results are bit-identical. Skipped without a GPU."""
import numpy as np
import pytest

import tf0 as tf
from tf0.kernels import device
from tf0.kernels import launch_matmul as M
from tf0.session import cuda_backend
from op_table import OPTIMIZERS, RANDOM_ROWS, ROWS, draw

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not cuda_backend.available(), reason="needs a CUDA GPU")]
CPU = tf.ConfigProto(device_count={"GPU": 0})
TOL = {tf.float32: dict(rtol=2e-4, atol=2e-5), tf.float64: dict(rtol=1e-9, atol=1e-11)}


@pytest.fixture(autouse=True)
def poison_outputs():
    device.POISON["enabled"] = True
    yield
    device.POISON["enabled"] = False


def _both(fetches, feed):
    """(gpu results of two runs, cpu results) of the same fetches."""
    with tf.Session() as gpu:
        assert gpu.backend == "cuda"
        first = gpu.run(fetches, feed)
        second = gpu.run(fetches, feed)
    with tf.Session(config=CPU) as cpu:
        ref = cpu.run(fetches, feed)
    return first, second, ref


def _compare(first, second, ref, dtype, what):
    for k, (a, b, r) in enumerate(zip(first, second, ref)):
        a, b, r = np.asarray(a), np.asarray(b), np.asarray(r)
        assert a.dtype == r.dtype and a.shape == r.shape, f"{what}[{k}]: {a.dtype}{a.shape} vs " \
                                                          f"{r.dtype}{r.shape}"
        assert a.tobytes() == b.tobytes(), f"{what}[{k}]: two runs differ"
        if a.dtype.kind == "f":
            assert not np.isnan(a).any() or np.isnan(r).any(), f"{what}[{k}]: unwritten (NaN)"
            np.testing.assert_allclose(a, r, err_msg=f"{what}[{k}]", **TOL[dtype])
        else:
            np.testing.assert_array_equal(a, r, err_msg=f"{what}[{k}]")


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("row", ROWS, ids=repr)
def test_op_table_on_gpu_matches_numpy(row, dtype):
    phs = [tf.placeholder(dtype, shape) for shape, _ in row.inputs]
    out = row.build(*phs)
    fetches = [out]
    if row.grad:
        w = tf.constant(np.random.default_rng(5).standard_normal(
            out.shape.as_list() if out.shape.is_fully_defined() else [1]).astype(dtype.np))
        grads = [g for g in tf.gradients(tf.reduce_sum(out * w), phs) if g is not None]
        fetches += grads
        if row.second and grads:
            fetches += [g for g in tf.gradients(tf.add_n([tf.reduce_sum(g * g) for g in grads]),
                                                phs) if g is not None]
    rng = np.random.default_rng(7)
    feed = {p: draw(rng, shape, kind).astype(dtype.np) for p, (shape, kind) in zip(phs, row.inputs)}
    _compare(*_both(fetches, feed), dtype, row.name)


@pytest.mark.parametrize("name,build", RANDOM_ROWS, ids=[r[0] for r in RANDOM_ROWS])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["f32", "f64"])
def test_random_ops_match_cpu_for_one_seed(name, build, dtype):
    out = build(dtype)
    first, second, ref = _both([out, out + 0], None)
    if name in ("random_uniform", "random_uniform_int"):
        assert np.asarray(first[0]).tobytes() == np.asarray(ref[0]).tobytes()
    else:  # normals: same draws, libm rounding may differ in the last bits
        np.testing.assert_allclose(first[0], ref[0], rtol=1e-5 if dtype is tf.float32 else 1e-12,
                                   atol=1e-6 if dtype is tf.float32 else 1e-13)


SHAPES = [(), (1,), (0,), (7,), (3, 1), (1, 5), (3, 5), (2, 0, 3), (2, 3, 1, 5), (2, 1, 3, 4, 5),
          (1, 1), (4, 1, 1)]


def test_broadcasting_and_reductions_on_awkward_shapes():
    rng = np.random.default_rng(11)
    fetches, feed = [], {}
    for i, sa in enumerate(SHAPES):
        for sb in SHAPES[i:]:
            try:
                out_shape = np.broadcast_shapes(sa, sb)
            except ValueError:
                continue
            a = tf.placeholder(tf.float32, sa)
            b = tf.placeholder(tf.float32, sb)
            feed[a] = rng.standard_normal(sa).astype(np.float32)
            feed[b] = rng.standard_normal(sb).astype(np.float32)
            y = a * b - tf.maximum(a, b)
            fetches += [y, tf.cast(a < b, tf.float32)]
            rank = len(out_shape)
            if rank and 0 not in out_shape:
                axes = sorted(rng.choice(rank, size=rng.integers(1, rank + 1), replace=False))
                fetches += [tf.reduce_sum(y, axis=[int(x) for x in axes]),
                            tf.reduce_max(y, axis=int(axes[0]), keepdims=True),
                            tf.argmax(y, axis=int(axes[-1]))]
            if rank:
                fetches.append(tf.transpose(y, list(rng.permutation(rank))))
    _compare(*_both(fetches, feed), tf.float32, "awkward")


def test_max_and_min_of_nothing_match_the_cpu():
    """Reductions over an empty axis (fed, so the launcher runs) fill their identities,
    integer limits included."""
    f, i = tf.placeholder(tf.float32, [None, 3]), tf.placeholder(tf.int32, [2, None])
    fetches = [tf.reduce_max(f, axis=0), tf.reduce_min(f, axis=0),
               tf.reduce_max(i, axis=1), tf.reduce_min(i, axis=1)]
    first, second, ref = _both(fetches, {f: np.zeros((0, 3), np.float32),
                                         i: np.zeros((2, 0), np.int32)})
    for got, again, want in zip(first, second, ref):
        assert np.asarray(got).tobytes() == np.asarray(want).tobytes()
        assert np.asarray(again).tobytes() == np.asarray(want).tobytes()


@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (0, 3, 4), (3, 0, 4), (5, 7, 0), (17, 31, 13),
                                   (127, 129, 131), (64, 1000, 100), (1, 4099, 3), (257, 3, 259),
                                   (768, 520, 700), (1030, 516, 1024)])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["f32", "f64"])
def test_matmul_every_size(m, k, n, dtype):
    """Sizes that reach the tiles 32, 64 and 128v, with and without split K."""
    rng = np.random.default_rng(m * 1000 + k + n)
    a = rng.standard_normal((m, k)).astype(dtype.np)
    b = rng.standard_normal((k, n)).astype(dtype.np)
    ta, tb = tf.constant(a), tf.constant(b)
    fetches = [tf.matmul(ta, tb), tf.matmul(tf.transpose(ta), tb, transpose_a=True),
               tf.matmul(ta, tf.transpose(tb), transpose_b=True),
               tf.matmul(tf.stack([ta, ta * 2]), tb)]
    first, second, _ = _both(fetches, None)
    want = a.astype(np.float64) @ b.astype(np.float64)
    for k_, got in enumerate(first):
        assert np.asarray(got).tobytes() == np.asarray(second[k_]).tobytes()
        got = np.asarray(got, np.float64)
        got = got if got.ndim == 2 else got[1] / 2
        scale = max(np.abs(want).max(initial=0), 1.0)
        assert np.abs(got - want).max(initial=0) <= scale * (1e-4 if dtype is tf.float32 else 1e-12)


@pytest.mark.parametrize("tile,dtype", [(tile, dt) for tile in M.TILES
                                        for dt in (np.float32, np.float64)
                                        if tile not in M.FLOAT32_ONLY or dt is np.float32])
def test_every_matmul_tile_split_and_transpose(tile, dtype):
    """Each matmul tile (kernels/matmul_<tile>.cu) launched directly (whatever the
    launcher would choose), for the four transposes, unsplit and split along K, with and
    without a fused relu, each twice (the same bits), on sizes leaving partial tiles
    (multiples of 4 for the vector loads of the 128v, 32v and 32x4v tiles), against
    float64, with poisoned outputs; a tile with vector loads gives the same bits as its
    scalar sibling."""
    asarray = device.cupy().asarray
    rng = np.random.default_rng(len(tile))
    m, k, n = (36, 260, 68) if tile in M.VECTOR_LOADS else (33, 270, 65)
    a, b = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    want = a @ b
    tol = 1e-4 if dtype is np.float32 else 1e-12
    for ta, tb in ((False, False), (True, False), (False, True), (True, True)):
        da = asarray(np.ascontiguousarray((a.T if ta else a).astype(dtype)))
        db = asarray(np.ascontiguousarray((b.T if tb else b).astype(dtype)))
        for splits, relu in ((1, False), (3, False), (1, True), (3, True)):
            got = M.gemm(da, db, 0, 0, ta, tb, (m, n), tile, splits, relu).get()
            again = M.gemm(da, db, 0, 0, ta, tb, (m, n), tile, splits, relu).get()
            assert got.tobytes() == again.tobytes()
            if tile[:-1] in M.TILES:  # 32v and 32x4v: the bits of the 32 and 32x4 tiles
                scalar = M.gemm(da, db, 0, 0, ta, tb, (m, n), tile[:-1], splits, relu).get()
                assert got.tobytes() == scalar.tobytes()
            assert got.dtype == dtype
            ref = np.maximum(want, 0) if relu else want
            err = np.abs(got.astype(np.float64) - ref).max() / np.abs(want).max()
            assert err <= tol, f"{tile} ta={ta} tb={tb} splits={splits} relu={relu}: {err:.3g}"
            assert not relu or (got >= 0).all()


def test_segment_copy_moves_aligned_misaligned_and_odd_sized_ranges():
    """launch_array.SegmentCopy (a replay's fetches into one block): every byte of each
    source lands at its offset and the bytes between slots are left alone."""
    from tf0.kernels.launch_array import SegmentCopy
    cp = device.cupy()
    rng = np.random.default_rng(5)
    whole = cp.asarray(rng.standard_normal(1001).astype(np.float32))
    sources = [whole, whole[1:], cp.asarray(np.array([7], np.int64)),
               cp.asarray(rng.random(333) > 0.5), cp.asarray(rng.standard_normal((64, 65)))]
    offsets, end = [], 0
    for x in sources:
        offsets.append(end)
        end += -(-x.nbytes // 256) * 256
    block = cp.full((end,), 0xAB, np.uint8)
    SegmentCopy(sources, offsets)(block)
    got, want = block.get(), np.full(end, 0xAB, np.uint8)
    for x, offset in zip(sources, offsets):
        want[offset:offset + x.nbytes] = x.get().reshape(-1).view(np.uint8)
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["f32", "f64"])
def test_softmax_xent_wide_and_narrow_rows(dtype):
    # rows of whole 16-byte packs up to 8 per thread (8192 floats, 4096 doubles) are held
    # in registers; the others, and longer rows, stream twice
    rng = np.random.default_rng(3)
    fetches, feed = [], {}
    for cols in (1, 2, 31, 33, 1000, 4096, 4098, 5000, 8192, 8196):
        x = tf.placeholder(dtype, (7, cols))
        feed[x] = (rng.standard_normal((7, cols)) * 20).astype(dtype.np)
        labels = tf.nn.softmax(x * 0.5)
        fetches += [tf.nn.softmax(x), tf.nn.log_softmax(x),
                    tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=x),
                    tf.nn.sparse_softmax_cross_entropy_with_logits(
                        labels=np.arange(7) % cols, logits=x)]
    _compare(*_both(fetches, feed), dtype, "softmax")


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
def test_packed_kernels_read_views_that_start_anywhere(dtype):
    """Unary, binary, reduction, softmax and cross-entropy kernels and the vector-load
    product tile on views 1, 3 or 5 elements into an array (TensorArray rows are such views):
    their 16-byte packed paths must not be taken there."""
    from tf0.kernels import launch_elementwise as E, launch_nn as N, launch_reduce as R
    cp, rng = device.cupy(), np.random.default_rng(11)
    err = cp.zeros((1,), np.int32)
    for offset in (1, 3, 5):  # elements: 4 or 8 bytes off a 16-byte boundary
        host = rng.standard_normal(offset + 2 * 256 * 8).astype(dtype)
        whole = cp.asarray(host)
        a, b = whole[offset:offset + 256 * 8], whole[offset + 8:offset + 8 + 256 * 8]
        ha, hb = host[offset:offset + 256 * 8], host[offset + 8:offset + 8 + 256 * 8]
        assert a.data.ptr % 16
        tol = dict(rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)
        np.testing.assert_allclose(E.unary("exp", a).get(), np.exp(ha), **tol)
        np.testing.assert_allclose(E.binary("multiply", a, b, err, 0).get(), ha * hb, **tol)
        rows, hrows = a.reshape(256, 8), ha.reshape(256, 8).astype(np.float64)
        np.testing.assert_allclose(R.reduce("sum", rows, (1,)).get(), hrows.sum(1), **tol)
        np.testing.assert_allclose(R.reduce("sum", a, None).get(), hrows.sum(), rtol=1e-4)
        shifted = hrows - hrows.max(1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
        np.testing.assert_allclose(N.softmax(rows, log=True).get(), log_softmax, **tol)
        labels = b.reshape(256, 8)
        loss, _ = N.softmax_xent(rows, labels)
        np.testing.assert_allclose(loss.get(), -(hb.reshape(256, 8) * log_softmax).sum(1),
                                   rtol=1e-4, atol=1e-5)
        # 2048 x 16 @ 16 x 2048 has the blocks for the 128 tile's vector loads in float32
        hm = rng.standard_normal(offset + 2 * 2048 * 16).astype(dtype)
        m = cp.asarray(hm)[offset:]
        left, right = m[:2048 * 16].reshape(2048, 16), m[2048 * 16:].reshape(16, 2048)
        want = hm[offset:offset + 2048 * 16].reshape(2048, 16).astype(np.float64) \
            @ hm[offset + 2048 * 16:].reshape(16, 2048)
        np.testing.assert_allclose(M.matmul(left, right).get(), want, rtol=1e-4, atol=1e-4)
    assert int(err.get()[0]) == 0


def test_tensor_array_rows_of_odd_width_run_through_packed_kernels():
    """A loop reading rows of 3 float64 from one TensorArray and writing another (each row a
    view 24 bytes from the last) gives NumPy's values and gradients."""
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal((5, 3)), rng.standard_normal((3, 3)) * 0.5
    x, w = tf.placeholder(tf.float64, [5, 3]), tf.placeholder(tf.float64, [3, 3])
    inputs = tf.TensorArray(tf.float64, size=5).unstack(x)

    def body(t, h, outputs):
        h = tf.tanh(tf.matmul(h, w) + tf.expand_dims(inputs.read(t), 0))
        return t + 1, h, outputs.write(t, tf.exp(h[0]) * h[0])
    _, h, outputs = tf.while_loop(lambda t, h, o: t < 5, body,
                                  [0, tf.zeros([1, 3], tf.float64),
                                   tf.TensorArray(tf.float64, size=5)])
    loss = tf.reduce_sum(outputs.stack()) + tf.reduce_sum(tf.nn.softmax(h))
    fetches = [loss, *tf.gradients(loss, [x, w])]
    _compare(*_both(fetches, {x: xv, w: wv}), tf.float64, "tensor array rows")


def test_staged_elements_stay_intact_while_the_gpu_is_busy():
    """Every dataset batch arrives as it was made while each step's kernels are still
    queued behind a large product when the next batch is staged."""
    steps, batch = 200, 64
    it = tf.data.Dataset.from_tensor_slices(np.arange(steps * batch, dtype=np.int64)) \
        .batch(batch).prefetch(2).make_one_shot_iterator()
    labels = it.get_next()
    w = tf.Variable(np.random.default_rng(1).standard_normal((1024, 1024)).astype(np.float32))
    busy = tf.reduce_sum(tf.matmul(tf.matmul(w, w), w)[:1, :1])
    got = labels * 1 + tf.cast(busy * 0, tf.int64)
    with tf.Session() as sess:
        sess.run(w.initializer)
        for step in range(steps):
            np.testing.assert_array_equal(sess.run(got),
                                          np.arange(step * batch, (step + 1) * batch))


def test_kernel_errors_name_the_op():
    params = tf.constant(np.arange(6.0).reshape(3, 2))
    idx = tf.placeholder(tf.int32, [None])
    picked = tf.gather(params, idx, name="lookup")
    a = tf.placeholder(tf.int32, [2])
    q = tf.floordiv(tf.constant([4, 5]), a, name="intdiv")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(picked, {idx: [0, 3]})
        assert "lookup" in str(info.value) or info.value.op is picked.op
        np.testing.assert_array_equal(sess.run(picked, {idx: [2]}), [[4.0, 5.0]])
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(q, {a: [1, 0]})
        np.testing.assert_array_equal(sess.run(q, {a: [2, -2]}), [2, -3])


def test_seed_network_on_gpu_matches_float64():
    N, D, H = 64, 1000, 100
    rng = np.random.default_rng(0)
    vals = [rng.standard_normal(s).astype(np.float32) for s in ((N, D), (N, D), (D, H), (H, D))]
    x, y, w1, w2 = (tf.placeholder(tf.float32, v.shape) for v in vals)
    h = tf.maximum(tf.matmul(x, w1), 0)
    loss = tf.reduce_mean(tf.reduce_sum((tf.matmul(h, w2) - y) ** 2, axis=1))
    g1, g2 = tf.gradients(loss, [w1, w2])
    with tf.Session() as sess:
        got = sess.run([loss, g1, g2], dict(zip((x, y, w1, w2), vals)))
    X, Y, W1, W2 = (v.astype(np.float64) for v in vals)
    pre = X @ W1
    d = np.maximum(pre, 0) @ W2 - Y
    gp = 2 * d / N
    want = [np.mean(np.sum(d ** 2, 1)), X.T @ ((gp @ W2.T) * (pre > 0)), np.maximum(pre, 0).T @ gp]
    for g, w in zip(got, want):
        assert np.linalg.norm(np.asarray(g, np.float64) - w) <= 1e-5 * np.linalg.norm(w)


def test_variables_live_on_the_gpu():
    v = tf.Variable(np.arange(4.0, dtype=np.float32))
    step = v.assign_add(tf.ones([4]))
    with tf.Session() as sess:
        sess.run(v.initializer)
        for _ in range(3):
            sess.run(step)
        np.testing.assert_array_equal(sess.run(v), np.arange(4.0) + 3)
        v.load(np.zeros(4, np.float32), sess)
        np.testing.assert_array_equal(sess.run(v), np.zeros(4))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_steps_on_gpu_match_cpu(name):
    rng = np.random.default_rng(4)
    w = tf.Variable(rng.standard_normal((33, 17)).astype(np.float32))
    c = tf.constant(rng.standard_normal((33, 17)).astype(np.float32))
    loss = tf.reduce_sum(w * c) + tf.reduce_sum(w * w)
    train = OPTIMIZERS[name]().minimize(loss)
    results = []
    for config in (None, CPU):
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(4):
                sess.run(train)
            results.append(sess.run(tf.global_variables()))
    for g, c_ in zip(*results):
        np.testing.assert_allclose(g, c_, rtol=1e-5, atol=1e-6)


def test_checkpoints_move_between_cpu_and_gpu(tmp_path):
    w = tf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4), name="w")
    saver = tf.train.Saver()
    with tf.Session() as gpu:
        gpu.run(w.initializer)
        gpu.run(w.assign(w * 3))
        path = saver.save(gpu, str(tmp_path / "from_gpu"))
    with tf.Session(config=CPU) as cpu:
        saver.restore(cpu, path)
        np.testing.assert_array_equal(cpu.run(w), np.arange(12).reshape(3, 4) * 3)
        cpu.run(w.assign(w + 1))
        path = saver.save(cpu, str(tmp_path / "from_cpu"))
    with tf.Session() as gpu:
        saver.restore(gpu, path)
        np.testing.assert_array_equal(gpu.run(w), np.arange(12).reshape(3, 4) * 3 + 1)


def test_main_job_trains_on_gpu(tmp_path):
    import io
    from tf0.demo import train
    out = io.StringIO()
    accuracy, losses = train(steps=400, out_dir=str(tmp_path / "run"), out=out)
    assert "tf0 on cuda" in out.getvalue()
    assert accuracy >= 0.95 and losses[-1] < 0.2 * losses[0]


def test_dataset_elements_are_staged_on_the_device():
    x = np.arange(40, dtype=np.float32).reshape(20, 2)
    data = tf.placeholder(tf.float32, [None, 2])
    it = tf.data.Dataset.from_tensor_slices((data, np.arange(20))).batch(6) \
        .make_initializable_iterator()
    batch, labels = it.get_next()
    total = tf.reduce_sum(batch, axis=1) + tf.cast(labels, tf.float32)
    with tf.Session() as sess:
        for _ in range(2):  # re-initialization restarts the staged pipeline
            sess.run(it.initializer, {data: x})
            got = []
            with pytest.raises(tf.errors.OutOfRangeError):
                while True:
                    got.append(sess.run(total))
            np.testing.assert_allclose(np.concatenate(got), x.sum(1) + np.arange(20))
            assert [len(g) for g in got] == [6, 6, 6, 2]


def test_long_scans_and_where_on_gpu():
    """The one-block-per-line scan (few long lines) and where's compaction, at sizes the
    op table does not reach."""
    rng = np.random.default_rng(11)
    v64 = rng.standard_normal(300001)
    ints = rng.integers(-5, 5, (3, 70001)).astype(np.int64)
    mask = rng.random((999, 1001)) > 0.7
    fetches = [tf.cumsum(tf.constant(v64), exclusive=True, reverse=True),
               tf.cumsum(tf.constant(v64.astype(np.float32))),
               tf.cumsum(tf.constant(ints), axis=1), tf.cumprod(tf.constant(ints % 2 + 1), 0),
               tf.where(tf.constant(mask))]
    first, second, ref = _both(fetches, None)
    for a, b in zip(first, second):
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
    np.testing.assert_allclose(first[0], np.cumsum(v64[::-1])[::-1] - v64, rtol=1e-9,
                               atol=1e-9)
    np.testing.assert_allclose(first[1], np.cumsum(v64), rtol=1e-3, atol=1e-2)
    np.testing.assert_array_equal(first[2], np.cumsum(ints, axis=1))
    np.testing.assert_array_equal(first[3], ref[3])
    np.testing.assert_array_equal(first[4], np.argwhere(mask))


def test_long_and_many_sorts_on_gpu():
    """The bitonic network at padded lengths the op table does not reach, ties included."""
    rng = np.random.default_rng(12)
    long_line = rng.integers(-50, 50, 3000).astype(np.float32)
    many = rng.integers(-3, 4, (257, 33)).astype(np.int64)
    fetches = [tf.argsort(tf.constant(long_line), direction="DESCENDING"),
               tf.sort(tf.constant(long_line)), tf.argsort(tf.constant(many), axis=0),
               tf.sort(tf.constant(many.astype(np.float64)), axis=1, direction="DESCENDING")]
    first, second, ref = _both(fetches, None)
    for a, b, r in zip(first, second, ref):
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
        np.testing.assert_array_equal(a, r)


def test_scatter_updates_of_variables_on_gpu():
    """scatter_add/sub/update and the scatter_nd_ forms, repeated (op by op, then captured
    and replayed), against the NumPy backend."""
    import test_scatter_ops
    for dtype in (np.float32, np.float64, np.int32):
        got = {}
        for name, config in (("gpu", None), ("cpu", CPU)):
            tf.reset_default_graph()
            v, steps, want = test_scatter_ops._program(dtype)
            with tf.Session(config=config) as sess:
                sess.run(v.initializer)
                got[name] = [[sess.run(s) for s in steps] for _ in range(5)]
        for g_run, c_run in zip(got["gpu"], got["cpu"]):
            for g, c in zip(g_run, c_run):
                assert g.dtype == c.dtype
                np.testing.assert_allclose(g, c, rtol=1e-6 if dtype == np.float32 else 1e-12)
        for g, w in zip(got["gpu"][0], want):
            np.testing.assert_allclose(g, w, rtol=1e-5)


def test_unique_and_setdiff_on_gpu():
    """Data-dependent sizes: the plan reads counts back and launches op by op."""
    v = np.random.default_rng(13).integers(-50, 50, 3001)
    x = tf.constant(v)
    fetches = list(tf.unique_with_counts(x)) + list(tf.setdiff1d(x, tf.constant([0, 7, 9]))) \
        + [tf.bincount(tf.cast(x, tf.int32) + 50, minlength=120)]
    first, second, ref = _both(fetches, None)
    for a, b, r in zip(first, second, ref):
        np.testing.assert_array_equal(a, r)
        np.testing.assert_array_equal(b, r)


def test_parsing_and_sparse_tensors_on_gpu():
    """Examples parsed on the host, their values uploaded; sparse ops densify on the GPU."""
    import test_tfrecord
    serialized = tf.constant([test_tfrecord._example(k).SerializeToString() for k in range(3)])
    parsed = tf.parse_example(serialized, {**test_tfrecord.SPEC,
                                           "extra": tf.VarLenFeature(tf.float32)})
    sp = tf.SparseTensor([[0, 1], [2, 0]], tf.constant([1.5, -2.0]), [3, 2])
    fetches = [parsed["image"] * 2.0, parsed["label"], tf.sparse_tensor_to_dense(sp, 7.0),
               tf.sparse_tensor_dense_matmul(sp, tf.ones([2, 4]))]
    first, second, ref = _both(fetches, None)
    for a, b, r in zip(first, second, ref):
        np.testing.assert_array_equal(a, r)
        np.testing.assert_array_equal(b, r)
