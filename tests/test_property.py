"""Property test: random small DAGs of elementwise, reduction and matmul ops agree with
direct NumPy evaluation of the same expression."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tf0 as tf

UNARY = [(tf.tanh, np.tanh), (tf.abs, np.abs), (tf.square, np.square),
         (tf.negative, np.negative), (tf.sigmoid, lambda v: 1 / (1 + np.exp(-v))),
         (tf.nn.relu, lambda v: np.maximum(v, 0)), (tf.sin, np.sin)]
BINARY = [(tf.add, np.add), (tf.subtract, np.subtract), (tf.multiply, np.multiply),
          (tf.maximum, np.maximum), (tf.minimum, np.minimum)]
REDUCE = [(tf.reduce_sum, np.sum), (tf.reduce_mean, np.mean), (tf.reduce_max, np.max)]
SHAPES = [(3, 4), (4,), (1, 4), (3, 1), ()]
RELU = next(k for k, (fn, _) in enumerate(UNARY) if fn is tf.nn.relu)
WEIGHTS = np.linspace(-1.5, 1.5, 16).reshape(4, 4)  # the matrix of the "matmul" steps


def _numpy_matmul(v):
    if np.ndim(v) != 2 or np.shape(v)[-1] != 4:
        raise ValueError("matmul needs a [n, 4] matrix")
    return v @ WEIGHTS


@st.composite
def programs(draw):
    """A list of instructions over a growing list of values (the DAG in SSA form)."""
    n_inputs = draw(st.integers(1, 3))
    shapes = [draw(st.sampled_from(SHAPES)) for _ in range(n_inputs)]
    steps = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["unary", "binary", "reduce", "matmul"]))
        n_values = n_inputs + len(steps)
        a = draw(st.integers(0, n_values - 1))
        if kind == "matmul":
            steps.append(("matmul", a))
            if draw(st.booleans()):  # a relu of it: fused when nothing else reads the product
                steps.append(("unary", RELU, n_values))
        elif kind == "unary":
            steps.append(("unary", draw(st.integers(0, len(UNARY) - 1)), a))
        elif kind == "binary":
            steps.append(("binary", draw(st.integers(0, len(BINARY) - 1)), a,
                          draw(st.integers(0, n_values - 1))))
        else:
            steps.append(("reduce", draw(st.integers(0, len(REDUCE) - 1)), a,
                          draw(st.booleans())))
    seed = draw(st.integers(0, 2**16))
    return shapes, steps, seed


def _rank(value):
    return value.shape.ndims if isinstance(value, tf.Tensor) else np.ndim(value)


def _evaluate(shapes, steps, inputs, lib):
    values = list(inputs)
    for step in steps:
        if step[0] == "matmul":
            v = values[step[1]]
            values.append(tf.matmul(v, tf.constant(WEIGHTS)) if lib == 0 else _numpy_matmul(v))
        elif step[0] == "unary":
            values.append(UNARY[step[1]][lib](values[step[2]]))
        elif step[0] == "binary":
            values.append(BINARY[step[1]][lib](values[step[2]], values[step[3]]))
        else:
            fn, v = REDUCE[step[1]][lib], values[step[2]]
            last_axis = step[3] and _rank(v) > 0
            values.append(fn(v, axis=-1) if last_axis else fn(v))
    return values


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_dags_match_numpy(program):
    shapes, steps, seed = program
    rng = np.random.default_rng(seed)
    inputs = [rng.standard_normal(s) for s in shapes]
    try:
        expected = _evaluate(shapes, steps, inputs, 1)
    except ValueError:
        expected = None  # an incompatible broadcast
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.float64, s) for s in shapes]
        try:
            tensors = _evaluate(shapes, steps, phs, 0)
        except ValueError:
            assert expected is None, "tf0 rejected a program NumPy accepts"
            return
        assert expected is not None, "tf0 accepted a program NumPy rejects"
        with tf.Session() as sess:
            got = sess.run(tensors, dict(zip(phs, inputs)))
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(programs(), st.integers(1, 6))
def test_random_dags_through_streams_and_graphs_on_the_null_device(monkeypatch, program,
                                                                   streams):
    # every launch on the null device checks that it is ordered after what made its inputs;
    # a random part of the values is fetched, so that some are read by one op only (a relu
    # of a matmul read by nothing else is fused into it)
    import fake_cuda
    shapes, steps, seed = program
    rng = np.random.default_rng(seed)
    inputs = [rng.standard_normal(s) for s in shapes]
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.float64, s) for s in shapes]
        try:
            tensors = _evaluate(shapes, steps, phs, 0)
        except ValueError:
            return  # an incompatible broadcast: covered by the test above
        tensors = [t for k, t in enumerate(tensors)
                   if k == len(tensors) - 1 or rng.random() < 0.4]
        feed = dict(zip(phs, inputs))
        with tf.Session() as cpu:
            want = cpu.run(tensors, feed)
        with monkeypatch.context() as patch:
            fake_cuda.install(patch)
            config = tf.ConfigProto(gpu_options=tf.GPUOptions(num_streams=streams,
                                                              cuda_graphs=True))
            with tf.Session(config=config) as sess:
                runs = [sess.run(tensors, feed) for _ in range(3)]
    for got in runs:
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
