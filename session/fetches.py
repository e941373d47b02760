"""Fetch structures: any nesting of lists, tuples, namedtuples and dicts whose leaves are
Tensors, Operations, Variables, SparseTensors or names. Flattened once per plan, rebuilt
after each run."""
from tf0.engine.graph import Tensor


def fetch_key(fetches):
    """A hashable key that identifies a fetch structure and its leaves."""
    kind = type(fetches)
    if kind is Tensor:  # the common leaf, first
        return fetches
    if kind is list or kind is tuple:
        for leaf in fetches:
            if type(leaf) is not Tensor:
                break
        else:  # Tensors only: each is its own key
            return (kind, tuple(fetches))
    if isinstance(fetches, (list, tuple)):
        return (kind, tuple(map(fetch_key, fetches)))
    if isinstance(fetches, dict):
        return (kind, tuple((k, fetch_key(v)) for k, v in fetches.items()))
    try:
        hash(fetches)
    except TypeError:
        raise TypeError(f"Fetch argument {fetches!r} has invalid type {kind.__name__}, must be "
                        "a string or Tensor/Operation (or a nesting of them).") from None
    return fetches


def flatten(fetches, resolve):
    """(leaves, rebuild): leaves are resolved graph elements; rebuild(values) -> structure.
    A SparseTensor is three leaves, rebuilt as a SparseTensorValue."""
    from tf0.ops.sparse_ops import SparseTensor, SparseTensorValue
    kind = type(fetches)
    if (kind is list or kind is tuple) and all(type(f) is Tensor for f in fetches):
        return [resolve(f) for f in fetches], kind  # the values in order are the structure
    leaves = []

    def build(f):
        if isinstance(f, SparseTensor):
            parts = [build(c) for c in f.components()]
            return lambda r: SparseTensorValue(*(p(r) for p in parts))
        if isinstance(f, (list, tuple)):
            parts = [build(x) for x in f]
            kind = type(f)
            if kind is list:
                return lambda r: [p(r) for p in parts]
            if kind is tuple:
                return lambda r: tuple(p(r) for p in parts)
            return lambda r: kind(*(p(r) for p in parts))  # namedtuple
        if isinstance(f, dict):
            parts = [(k, build(v)) for k, v in f.items()]
            kind = type(f)
            return lambda r: kind((k, p(r)) for k, p in parts)
        index = len(leaves)
        leaves.append(resolve(f))
        return lambda r: r[index]

    return leaves, build(fetches)
