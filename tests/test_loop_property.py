"""Property test: random tf.while_loop programs (one to three float loop variables and a
captured tensor, a random body of smooth ops, zero to four iterations) agree with the same
loop run in Python over NumPy; their gradients with central differences; and the null
device gives the NumPy backend's bits."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fake_cuda
import tf0 as tf
from numeric import central_differences

UNARY = [(tf.tanh, np.tanh), (tf.sin, np.sin),
         (tf.sigmoid, lambda v: 1 / (1 + np.exp(-v))), (lambda v: v * 0.5, lambda v: v * 0.5)]
BINARY = [(tf.add, np.add), (tf.subtract, np.subtract), (tf.multiply, np.multiply)]


@st.composite
def loops(draw):
    """(variables, body, iterations, seed): body[j] is the SSA program giving variable j's
    next value from [variables..., capture]; each ends in tanh to keep values bounded."""
    variables = draw(st.integers(1, 3))
    body = []
    for _ in range(variables):
        steps = []
        for _ in range(draw(st.integers(1, 4))):
            n_values = variables + 1 + len(steps)
            if draw(st.booleans()):
                steps.append(("unary", draw(st.integers(0, len(UNARY) - 1)),
                              draw(st.integers(0, n_values - 1))))
            else:
                steps.append(("binary", draw(st.integers(0, len(BINARY) - 1)),
                              draw(st.integers(0, n_values - 1)),
                              draw(st.integers(0, n_values - 1))))
        body.append(steps)
    return variables, body, draw(st.integers(0, 4)), draw(st.integers(0, 2**16))


def _step(body, values, lib):
    """The next value of every variable: values = [variables..., capture]."""
    tanh = tf.tanh if lib == 0 else np.tanh
    out = []
    for steps in body:
        scratch = list(values)
        for step in steps:
            if step[0] == "unary":
                scratch.append(UNARY[step[1]][lib](scratch[step[2]]))
            else:
                scratch.append(BINARY[step[1]][lib](scratch[step[2]], scratch[step[3]]))
        out.append(tanh(scratch[-1]))
    return out


def _graph(variables, body):
    inits = [tf.placeholder(tf.float64, [3]) for _ in range(variables)]
    capture = tf.placeholder(tf.float64, [3])
    count = tf.placeholder(tf.int32, [])
    finals = tf.while_loop(lambda i, *vs: i < count,
                           lambda i, *vs: (i + 1, *_step(body, [*vs, capture], 0)),
                           [0, *inits], return_same_structure=True)[1:]
    loss = tf.add_n([tf.reduce_sum(v * (k + 1.0)) for k, v in enumerate(finals)])
    grads = tf.gradients(loss, inits + [capture], unconnected_gradients="zero")
    return inits, capture, count, finals, loss, grads


def _numpy_loss(body, iterations, values):
    *current, capture = values
    for _ in range(iterations):
        current = _step(body, [*current, capture], 1)
    return current, sum(np.sum(v * (k + 1.0)) for k, v in enumerate(current))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loops())
def test_random_loops_match_python_and_central_differences(program):
    variables, body, iterations, seed = program
    rng = np.random.default_rng(seed)
    values = [rng.uniform(-1, 1, 3) for _ in range(variables + 1)]
    with tf.Graph().as_default():
        inits, capture, count, finals, loss, grads = _graph(variables, body)
        feed = {**dict(zip(inits + [capture], values)), count: iterations}
        with tf.Session() as sess:
            got_finals, got_loss, got_grads = sess.run([finals, loss, grads], feed)
    want_finals, want_loss = _numpy_loss(body, iterations, values)
    for g, w in zip(got_finals, want_finals):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)
    assert got_loss == np.float64(want_loss) or abs(got_loss - want_loss) < 1e-12
    for k, g in enumerate(got_grads):
        def f(v, k=k):
            return _numpy_loss(body, iterations, values[:k] + [v] + values[k + 1:])[1]
        np.testing.assert_allclose(g, central_differences(f, values[k]), rtol=1e-5, atol=1e-7)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(loops())
def test_random_loops_on_the_null_device_give_the_numpy_bits(monkeypatch, program):
    # four runs with fresh values: op by op, captured (the count keys the graph), replayed
    variables, body, iterations, seed = program
    rng = np.random.default_rng(seed)
    runs = [[rng.uniform(-1, 1, 3) for _ in range(variables + 1)] for _ in range(4)]
    meta = tf.RunMetadata()
    with monkeypatch.context() as patch:
        fake_cuda.install(patch)
        with tf.Graph().as_default():
            inits, capture, count, finals, loss, grads = _graph(variables, body)
            feeds = [{**dict(zip(inits + [capture], values)), count: iterations}
                     for values in runs]
            with tf.Session(config=tf.ConfigProto(device_count={"GPU": 0})) as cpu:
                want = [cpu.run([finals, grads], feed) for feed in feeds]
            with tf.Session() as gpu:
                got = [gpu.run([finals, grads], feed, run_metadata=meta) for feed in feeds]
    assert meta.launch == "replay", meta.launch_reason
    for got_run, want_run in zip(got, want):
        for g, w in zip([*got_run[0], *got_run[1]], [*want_run[0], *want_run[1]]):
            np.testing.assert_array_equal(g, w)
