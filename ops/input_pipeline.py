"""TF1's queue-based input pipelines: limit_epochs, the input producers (a queue refilled
epoch after epoch by a QueueRunner) and the batchers (batch, shuffle_batch and their _join
forms), built from ops/queue_ops.py and ops/queue_runner.py as TF1 builds them."""
import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.gradients import NO_GRADIENT
from tf0.engine.graph import name_scope
from tf0.engine.shapes import TensorShape, as_shape

from .array_ops import shape as shape_of
from .core import convert_to_tensor, defop, make_op
from .index_ops import gather
from .math_ops import BINARY_BUILDERS, cast
from .queue_ops import FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue
from .queue_runner import QueueRunner, add_queue_runner
from .random_ops import get_seed
from .sources import range_
from .summary_ops import scalar

maximum = BINARY_BUILDERS["maximum"]


def _limit_epochs_bind(op, ctx):
    limit, shuffle, seed = op.attrs["num_epochs"], op.attrs["shuffle"], op.attrs["seed"]
    key = ("epochs", op.name)

    def produce(x):
        state = ctx.resources.get(key)
        if state is None:
            state = ctx.resources[key] = [0, np.random.default_rng(seed) if shuffle else None]
        if limit is not None and state[0] >= limit:
            raise errors.OutOfRangeError(None, op, f"Reached limit of {limit} epochs")
        state[0] += 1
        return x[state[1].permutation(len(x))] if shuffle else x
    return produce


# LimitEpochs(x): x itself (shuffled along its first dimension when attrs["shuffle"]) on each
# of its first attrs["num_epochs"] runs in a session, then OutOfRangeError.
defop("LimitEpochs", lambda op: [(op.inputs[0].shape, op.inputs[0].dtype)], _limit_epochs_bind,
      grad=NO_GRADIENT, stateful=True, fresh_output=False)


def _limit(tensor, num_epochs, shuffle, seed, name):
    return make_op("LimitEpochs", [tensor], {
        "num_epochs": None if num_epochs is None else int(num_epochs),
        "shuffle": bool(shuffle), "seed": get_seed(seed) if shuffle else None}, name=name)


def limit_epochs(tensor, num_epochs=None, name=None):
    """`tensor` on each of the first `num_epochs` runs, then OutOfRangeError (None: no
    limit). The count is the session's: a new session starts again."""
    tensor = convert_to_tensor(tensor)
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0, not {num_epochs}")
    return _limit(tensor, num_epochs, False, None, name or "limit_epochs")


def _fraction_full(queue, capacity, kept=0):
    """TF1's summary of how full a queue is (over the `kept` rows a shuffle holds back)."""
    name = f"fraction_over_{kept}_of_{capacity - kept}_full" if kept else \
        f"fraction_of_{capacity}_full"
    above = maximum(cast(queue.size(), dtypes.float32) - float(kept), 0.0)
    scalar(f"queue/{queue.name}/{name}", above * (1.0 / (capacity - kept)))


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None,
                   capacity=32, shared_name=None, summary_name=None, name=None, cancel_op=None):
    """A FIFOQueue filled with the rows of `input_tensor`, epoch after epoch (shuffled
    within each epoch when `shuffle`), by a QueueRunner; closed after `num_epochs`. Its
    summary is TF1's fraction_of_<capacity>_full whatever `summary_name` says."""
    with name_scope(name, "input_producer"):
        input_tensor = convert_to_tensor(input_tensor)
        row = input_tensor.shape[1:] if input_tensor.shape.ndims else TensorShape(None)
        element_shape = row.merge_with(as_shape(element_shape)) if element_shape is not None \
            else row
        if not element_shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape or "
                             "`element_shape` must be specified")
        rows = _limit(input_tensor, num_epochs, shuffle, seed, "limit_epochs") \
            if shuffle or num_epochs is not None else input_tensor
        queue = FIFOQueue(capacity, [input_tensor.dtype], [element_shape])
        add_queue_runner(QueueRunner(queue, [queue.enqueue_many([rows])], cancel_op=cancel_op))
        _fraction_full(queue, capacity)
        return queue


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                          shared_name=None, name=None, cancel_op=None):
    """input_producer over a 1-D string tensor (file names, usually)."""
    with name_scope(name, "input_producer"):
        string_tensor = convert_to_tensor(string_tensor, dtype=dtypes.string)
        if string_tensor.shape.num_elements() == 0:
            raise ValueError("string_input_producer requires a non-null input tensor")
        return input_producer(string_tensor, [], num_epochs, shuffle, seed, capacity,
                              cancel_op=cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """input_producer over the int32 numbers 0 .. limit-1."""
    with name_scope(name, "input_producer"):
        return input_producer(range_(limit, dtype=dtypes.int32), [], num_epochs, shuffle,
                              seed, capacity)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """One row of every tensor of `tensor_list` (all the same length) per dequeue: their
    rows in step, in an order that range_input_producer draws."""
    with name_scope(name, "input_producer"):
        tensors = [convert_to_tensor(t) for t in tensor_list]
        if not tensors:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        queue = range_input_producer(shape_of(tensors[0])[0], num_epochs, shuffle, seed,
                                     capacity)
        index = queue.dequeue()
        return [gather(t, index) for t in tensors]


# ---- batching ----------------------------------------------------------------------------
def _flatten(tensors):
    """(flat tensors, rebuild(flat) -> the caller's structure: a tensor, list or dict)."""
    if isinstance(tensors, dict):
        keys = sorted(tensors)
        return [convert_to_tensor(tensors[k]) for k in keys], lambda out: dict(zip(keys, out))
    if isinstance(tensors, (list, tuple)):
        return [convert_to_tensor(t) for t in tensors], list
    return [convert_to_tensor(tensors)], lambda out: out[0]


def _row_shapes(tensors, shapes, enqueue_many, dynamic_pad):
    if shapes is not None:
        shapes = [as_shape(s) for s in shapes]
    else:
        shapes = [t.shape[1:] if enqueue_many and t.shape.ndims else
                  TensorShape(None) if enqueue_many else t.shape for t in tensors]
    for t, s in zip(tensors, shapes):
        if not (s.is_fully_defined() or dynamic_pad and s.ndims is not None):
            raise ValueError(f"All shapes must be fully defined: {t.name} has rows of shape "
                             f"{s} (give `shapes`, or dynamic_pad=True for unknown "
                             f"dimensions)")
    return shapes


def _batcher(queue_of, tensors_list, batch_size, capacity, enqueue_many, shapes, dynamic_pad,
             allow_smaller_final_batch, name, default_name, kept=0):
    with name_scope(name, default_name):
        flats = [_flatten(t) for t in tensors_list]
        first, rebuild = flats[0]
        shapes = _row_shapes(first, shapes, enqueue_many, dynamic_pad)
        queue = queue_of([t.dtype for t in first], shapes)
        put = (queue.enqueue_many if enqueue_many else queue.enqueue)
        add_queue_runner(QueueRunner(queue, [put(flat) for flat, _ in flats]))
        _fraction_full(queue, capacity, kept)
        take = queue.dequeue_up_to if allow_smaller_final_batch else queue.dequeue_many
        out = take(batch_size)
        return rebuild(out if isinstance(out, list) else [out])


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches of `batch_size` rows of `tensors` (a tensor, list or dict), in order, from a
    queue that `num_threads` QueueRunner threads fill."""
    def queue_of(types, row_shapes):
        kind = PaddingFIFOQueue if dynamic_pad else FIFOQueue
        return kind(capacity, types, row_shapes)
    return _batcher(queue_of, [tensors] * num_threads, batch_size, capacity, enqueue_many,
                    shapes, dynamic_pad, allow_smaller_final_batch, name, "batch")


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None,
               dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None,
               name=None):
    """batch over several producers: one QueueRunner thread per entry of tensors_list."""
    def queue_of(types, row_shapes):
        kind = PaddingFIFOQueue if dynamic_pad else FIFOQueue
        return kind(capacity, types, row_shapes)
    return _batcher(queue_of, tensors_list, batch_size, capacity, enqueue_many, shapes,
                    dynamic_pad, allow_smaller_final_batch, name, "batch_join")


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                  shared_name=None, name=None):
    """Batches of rows drawn at random from a RandomShuffleQueue that keeps at least
    `min_after_dequeue` rows (until its input ends) for the draws to mix."""
    def queue_of(types, row_shapes):
        return RandomShuffleQueue(capacity, min_after_dequeue, types, row_shapes, seed=seed)
    return _batcher(queue_of, [tensors] * num_threads, batch_size, capacity, enqueue_many,
                    shapes, False, allow_smaller_final_batch, name, "shuffle_batch",
                    min_after_dequeue)


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None,
                       enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                       shared_name=None, name=None):
    """shuffle_batch over several producers: one thread per entry of tensors_list."""
    def queue_of(types, row_shapes):
        return RandomShuffleQueue(capacity, min_after_dequeue, types, row_shapes, seed=seed)
    return _batcher(queue_of, tensors_list, batch_size, capacity, enqueue_many, shapes, False,
                    allow_smaller_final_batch, name, "shuffle_batch_join", min_after_dequeue)
