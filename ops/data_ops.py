"""The graph side of tf.data: MakeIterator (initializes an iterator from a dataset) and
IteratorGetNext (pulls one element). Both run on the host; the iterator's position lives
in the session (ctx.resources), so each session iterates independently.

attrs["dataset"] is a tf0.data Dataset (any object with element_spec() and
iterate(captured_values) -> Python iterator of flat tuples of NumPy arrays);
attrs["iterator"] names the iterator state; inputs are the tensors the dataset captured.
"""
from tf0.engine import errors
from tf0.engine.gradients import NO_GRADIENT

from .core import defop


def start_iterator(op, resources, captured, start):
    """MakeIterator's work: replace the iterator's state by start(dataset, captured)."""
    key = op.attrs["iterator"]
    old = resources.get(key)
    if hasattr(old, "close"):  # stop a previous pipeline's background thread
        old.close()
    resources[key] = start(op.attrs["dataset"], captured)


def next_element(op, resources, captured, start):
    """IteratorGetNext's work: the next element (a value, or a tuple for several
    outputs); a one-shot iterator is started on first use with start(dataset, captured)."""
    key, dataset = op.attrs["iterator"], op.attrs.get("one_shot")
    it = resources.get(key)
    if it is None:
        if dataset is None:
            raise errors.FailedPreconditionError(
                None, op, "GetNext() failed because the iterator has not been initialized. "
                          "Ensure that you have run the initializer operation for this "
                          "iterator before getting the next element.")
        it = resources[key] = start(dataset, captured)
    try:
        element = next(it)
    except StopIteration:
        raise errors.OutOfRangeError(None, op, "End of sequence") from None
    return element[0] if len(op.outputs) == 1 else element


def _host_iterator(dataset, captured):
    return dataset.iterate(captured)


def _make_iterator_bind(op, ctx):
    return lambda *captured: start_iterator(op, ctx.resources, captured, _host_iterator)


def _get_next_infer(op):
    return list(op.attrs["spec"])


def _get_next_bind(op, ctx):
    return lambda *captured: next_element(op, ctx.resources, captured, _host_iterator)


defop("MakeIterator", lambda op: [], _make_iterator_bind, grad=NO_GRADIENT, stateful=True)
# Elements may be views of the dataset's arrays: never fresh, never written in place.
defop("IteratorGetNext", _get_next_infer, _get_next_bind, grad=NO_GRADIENT, stateful=True,
      fresh_output=False)
