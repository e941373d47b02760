"""Table-driven checks of every op (rows in op_table.py): static inference against the
arrays actually produced, and gradients (first and second order) against float64 central
differences, with static and with unknown-shape placeholders."""
import numpy as np
import pytest

import tf0 as tf
from tf0.engine.op_def import REGISTRY
from op_table import COVERED_ELSEWHERE, RANDOM_ROWS, ROWS, draw

GRAD_CASES = [(row, static) for row in ROWS if row.grad
              for static in ((True, False) if row.dynamic else (True,))]


def _placeholders(row, dtype, static):
    return [tf.placeholder(dtype, shape if static else None) for shape, _ in row.inputs]


def _inputs(row, seed):
    rng = np.random.default_rng(seed)
    return [draw(rng, shape, kind) for shape, kind in row.inputs]


def _check_every_tensor(sess, feed):
    """Every op output in the graph has the inferred dtype and a compatible shape."""
    tensors = [t for op in tf.get_default_graph().get_operations() if op.type != "Placeholder"
               and "_cond" not in op.attrs  # only the branch that runs has values
               and "_frame" not in op.attrs  # loop bodies' values stay inside their loops
               for t in op.outputs if not t.dtype.is_host_object]
    values = sess.run(tensors, feed)
    for t, v in zip(tensors, values):
        v = np.asarray(v)
        assert v.dtype == t.dtype.np, f"{t.name}: inferred {t.dtype.name}, got {v.dtype}"
        assert t.shape.is_compatible_with(v.shape), f"{t.name}: inferred {t.shape}, got {v.shape}"


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("row", ROWS, ids=repr)
def test_inference_matches_output(row, dtype):
    phs = _placeholders(row, dtype, True)
    out = row.build(*phs)
    feed = {p: v.astype(dtype.np) for p, v in zip(phs, _inputs(row, 0))}
    with tf.Session() as sess:
        value = np.asarray(sess.run(out, feed))
        _check_every_tensor(sess, feed)
    if not row.partial:
        assert out.shape.is_fully_defined(), f"static inputs gave a partial shape {out.shape}"
        assert tuple(out.shape.as_list()) == value.shape
    assert out.shape.is_compatible_with(value.shape)
    assert value.dtype == out.dtype.np == dtype.np
    assert np.all(np.isfinite(value))


def _numeric_grad(f, values, eps):
    """Central differences of scalar f(values) with respect to each array in values."""
    grads = []
    for i, v in enumerate(values):
        g = np.zeros_like(v)
        for j in np.ndindex(v.shape):
            plus = [x.copy() for x in values]
            minus = [x.copy() for x in values]
            plus[i][j] += eps
            minus[i][j] -= eps
            g[j] = (f(plus) - f(minus)) / (2 * eps)
        grads.append(g)
    return grads


def _assert_grads(analytic, numeric, row, what):
    for k, (a, n) in enumerate(zip(analytic, numeric)):
        a = np.zeros_like(n) if a is None else np.asarray(a)
        np.testing.assert_allclose(a, n, rtol=row.rtol, atol=row.atol,
                                   err_msg=f"{what} of input {k}")


@pytest.mark.parametrize("row,static", GRAD_CASES,
                         ids=[f"{r.name}-{'static' if s else 'unknown'}" for r, s in GRAD_CASES])
def test_gradient_matches_finite_differences(row, static):
    phs = _placeholders(row, tf.float64, static)
    out = row.build(*phs)
    values = _inputs(row, 1)
    with tf.Session() as sess:
        out_value = np.asarray(sess.run(out, dict(zip(phs, values))))
    rng = np.random.default_rng(2)
    weights = rng.standard_normal(out_value.shape)
    w = tf.placeholder(tf.float64, out_value.shape if static else None)
    y = tf.reduce_sum(out * w)
    grads = tf.gradients(y, phs)
    # second order: z = sum_k <dy/dx_k, r_k>, differentiated w.r.t. every x and w
    connected = [(g, p) for g, p in zip(grads, phs) if g is not None]
    if row.second:
        z = tf.add_n([tf.reduce_sum(g * rng.standard_normal(v.shape))
                      for (g, p), v in zip(connected, values)])
        grads2 = tf.gradients(z, phs + [w])
    with tf.Session() as sess:
        def run(fetch, vals):
            return sess.run(fetch, dict(zip(phs + [w], vals)))

        feed_values = values + [weights]
        analytic = run([g if g is not None else tf.zeros_like(p) for g, p in zip(grads, phs)],
                       feed_values)
        numeric = _numeric_grad(lambda v: run(y, v + [weights]), values, row.eps)
        _assert_grads(analytic, numeric, row, "dy/dx")
        if row.second:
            analytic2 = run([g if g is not None else tf.zeros_like(p)
                             for g, p in zip(grads2, phs + [w])], feed_values)
            numeric2 = _numeric_grad(lambda v: run(z, v), feed_values, row.eps)
            _assert_grads(analytic2, numeric2, row, "d2")
        _check_every_tensor(sess, dict(zip(phs + [w], feed_values)))


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("name,build", RANDOM_ROWS, ids=[r[0] for r in RANDOM_ROWS])
def test_random_inference(name, build, dtype):
    out = build(dtype)
    with tf.Session() as sess:
        value = np.asarray(sess.run(out))
    assert tuple(out.shape.as_list()) == value.shape
    assert value.dtype == dtype.np


def test_every_registered_op_is_covered():
    """Every OpDef in the registry is built by some row (forward, gradient or second-order)
    or listed with the test file that covers it."""
    seen = set()
    for row, static in [(r, s) for r in ROWS for s in (True, False) if s or r.dynamic]:
        with tf.Graph().as_default() as g:
            phs = _placeholders(row, tf.float64, static)
            out = row.build(*phs)
            if row.grad:
                grads = [x for x in tf.gradients(tf.reduce_sum(out * out), phs) if x is not None]
                if row.second and grads:
                    tf.gradients(tf.add_n([tf.reduce_sum(x * x) for x in grads]), phs)
            seen |= {op.type for op in g.get_operations()}
    for name, build in RANDOM_ROWS:
        with tf.Graph().as_default() as g:
            build(tf.float32)
            seen |= {op.type for op in g.get_operations()}
    missing = set(REGISTRY) - seen - set(COVERED_ELSEWHERE)
    assert not missing, f"ops with no table row: {sorted(missing)}"
