"""More tf.data transformations: zip, concatenate, padded_batch (padded_stack, which
bucketing shares), unbatch, flat_map, interleave, cache, enumerate, shard, and list_files
(see data.py for how datasets run)."""

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import Graph
from tf0.engine.shapes import TensorShape, as_shape
from tf0.ops import placeholder

from .config import ConfigProto
from .data import Dataset, _Batch, _flatten, _pack, _Unary
from .session import Session


class Zip(Dataset):
    """Elements of several datasets side by side, until the shortest ends."""

    def __init__(self, datasets):
        datasets = tuple(datasets) if isinstance(datasets, (tuple, list)) else (datasets,)
        self._children = datasets
        super().__init__(tuple(d._template for d in datasets),
                         [part for d in datasets for part in d._spec],
                         [c for d in datasets for c in d._captures])

    def _gen(self, env):
        for elements in zip(*(d._gen(env) for d in self._children)):
            yield tuple(v for element in elements for v in element)


class Concatenate(_Unary):
    """The elements of one dataset, then those of another with the same structure."""

    def __init__(self, first, second):
        if [dt for _, dt in first._spec] != [dt for _, dt in second._spec]:
            raise TypeError("concatenate needs datasets with the same element types")
        super().__init__(first, [(_common(s1, s2), dt)
                                 for (s1, dt), (s2, _) in zip(first._spec, second._spec)])
        self._second = second
        self._captures = list(dict.fromkeys(first._captures + second._captures))

    def _gen(self, env):
        yield from self._child._gen(env)
        yield from self._second._gen(env)


def _common(a, b):
    """The shape that both a and b fit: dims that differ become unknown."""
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.dims, b.dims)])


class PaddedBatch(_Batch):
    """Batches whose components are padded (with padding_values, zeros by default) to
    padded_shapes, where a None dim means the batch's longest."""

    def __init__(self, child, size, padded_shapes, padding_values, drop_remainder):
        shapes = [as_shape(s) for s in _flatten(padded_shapes)]
        if len(shapes) != len(child._spec):
            raise ValueError("padded_shapes must match the dataset's element structure")
        values = _flatten(padding_values) if padding_values is not None else [0] * len(shapes)
        self._pads = [(shape, np.asarray(v, dt.np)) for shape, v, (_, dt)
                      in zip(shapes, values, child._spec)]
        super().__init__(child, size, drop_remainder)
        lead = size if drop_remainder else None
        self._spec = [(TensorShape([lead]).concatenate(shape), dt)
                      for shape, (_, dt) in zip(shapes, child._spec)]

    def _stack(self, batch):
        return padded_stack(batch, self._pads)


def padded_stack(batch, pads):
    """The elements of `batch` stacked, component k padded with pads[k] = (shape, value) to
    that shape, a None dim taking the batch's longest."""
    out = []
    for k, (shape, value) in enumerate(pads):
        parts = [np.asarray(element[k]) for element in batch]
        if shape.ndims is not None and any(p.ndim != shape.ndims for p in parts):
            raise errors.InvalidArgumentError(None, None, f"padded_batch: component {k} "
                                                          f"has rank other than {shape}")
        longest = np.max([p.shape for p in parts], axis=0) if parts[0].ndim else ()
        target = [d if d is not None else int(n) for d, n in zip(shape.dims, longest)] \
            if shape.ndims else list(longest)
        padded = np.full((len(parts), *target), value, dtype=value.dtype)
        for i, p in enumerate(parts):
            if any(n > t for n, t in zip(p.shape, target)):
                raise errors.InvalidArgumentError(
                    None, None, f"padded_batch: an element of shape {list(p.shape)} does "
                                f"not fit the padded shape {target}")
            padded[(i, *tuple(slice(0, n) for n in p.shape))] = p
        out.append(padded)
    return tuple(out)


class Unbatch(_Unary):
    """The rows of each element's components as elements of their own."""

    def __init__(self, child):
        super().__init__(child, [(TensorShape(s.dims[1:]) if s.ndims else TensorShape(None), dt)
                                 for s, dt in child._spec])

    def _gen(self, env):
        for element in self._child._gen(env):
            rows = {len(v) for v in element}
            if len(rows) != 1:
                raise errors.InvalidArgumentError(None, None, f"unbatch: components have "
                                                              f"{sorted(rows)} rows")
            yield from zip(*element)


class FlatMap(_Unary):
    """The elements of the datasets fn makes of each element, one dataset after another."""

    def __init__(self, child, fn):
        self._fn = _DatasetFunction(fn, child)
        super().__init__(child, self._fn.spec)
        self._template = self._fn.template

    def _gen(self, env):
        for element in self._child._gen(env):
            yield from self._fn(element, env)


class Interleave(FlatMap):
    """Like flat_map, taking block_length elements at a time from cycle_length of the
    datasets in turn (TF1's deterministic order)."""

    def __init__(self, child, fn, cycle_length, block_length):
        super().__init__(child, fn)
        self._cycle, self._block = max(1, int(cycle_length)), max(1, int(block_length))

    def _gen(self, env):
        sources = self._child._gen(env)
        slots, slot, open_count, inputs_left = [None] * self._cycle, 0, 0, True
        while inputs_left or open_count:
            it = slots[slot]
            if it is not None:
                for _ in range(self._block):
                    try:
                        value = next(it)
                    except StopIteration:  # the slot empties; the next input refills it
                        slots[slot], open_count = None, open_count - 1
                        break
                    yield value
                slot = (slot + 1) % self._cycle
            elif inputs_left:
                element = next(sources, None)
                if element is None:
                    inputs_left = False
                else:  # a new dataset in this slot, read from on this same turn
                    slots[slot], open_count = self._fn(element, env), open_count + 1
            else:
                slot = (slot + 1) % self._cycle


class _DatasetFunction:
    """fn(element) -> Dataset, with fn traced once on placeholders of the element; each
    element's dataset is then built by feeding its values as the datasets' captures."""

    def __init__(self, fn, child):
        self.graph = Graph()
        with self.graph.as_default():
            self.inputs = [placeholder(dt, s) for s, dt in child._spec]
            args = _pack(child._template, self.inputs)
            made = fn(*args) if isinstance(child._template, tuple) else fn(args)
        if not isinstance(made, Dataset):
            raise TypeError("flat_map and interleave need a function returning a Dataset")
        self.dataset, self.spec, self.template = made, made._spec, made._template
        self._session = None

    def __call__(self, element, env):
        captures = self.dataset._captures
        if captures:
            if self._session is None:
                self._session = Session(graph=self.graph,
                                        config=ConfigProto(device_count={"GPU": 0}))
            values = self._session.run(captures, dict(zip(self.inputs, element)))
        else:
            values = []
        return self.dataset.iterate(values)


class Cache(_Unary):
    """The child's elements, computed on the first pass and replayed on later ones (in
    memory; a filename is accepted and ignored)."""

    def __init__(self, child):
        super().__init__(child)
        self._stored = None

    def _gen(self, env):
        if self._stored is not None:
            yield from self._stored
            return
        seen = []
        for element in self._child._gen(env):
            seen.append(element)
            yield element
        self._stored = seen  # only a complete pass is kept


class Enumerate(_Unary):
    """(index, element) pairs, the index an int64 counting from `start`."""

    def __init__(self, child, start):
        super().__init__(child, [(TensorShape([]), dtypes.int64), *child._spec])
        self._template = (None, child._template)
        self._start = int(start)

    def _gen(self, env):
        for i, element in enumerate(self._child._gen(env), self._start):
            yield (np.int64(i), *element)


class Shard(_Unary):
    """Every num_shards-th element, from the index-th on (one worker's part)."""

    def __init__(self, child, num_shards, index):
        if not 0 <= index < num_shards:
            raise errors.InvalidArgumentError(None, None, f"Index {index} must be in [0, "
                                                          f"{num_shards}) for shard")
        super().__init__(child)
        self._num_shards, self._index = num_shards, index

    def _gen(self, env):
        for i, element in enumerate(self._child._gen(env)):
            if i % self._num_shards == self._index:
                yield element


class ListFiles(Dataset):
    """The names of the files matching the patterns, looked up when iterated: shuffled
    (by the seed, anew each pass) or in name order."""

    def __init__(self, patterns, shuffle, seed):
        self._patterns = [p.decode() if isinstance(p, bytes) else str(p)
                          for p in ([patterns] if isinstance(patterns, (str, bytes))
                                    else patterns)]
        self._shuffle, self._rng = shuffle, np.random.default_rng(seed)
        super().__init__(None, [(TensorShape([]), dtypes.string)])

    def _gen(self, env):
        import glob
        names = sorted({n for p in self._patterns for n in glob.glob(p)})
        if not names:
            raise errors.InvalidArgumentError(None, None, f"No files matched pattern: "
                                                          f"{', '.join(self._patterns)}")
        if self._shuffle:
            names = [names[i] for i in self._rng.permutation(len(names))]
        for name in names:
            yield (name.encode(),)
