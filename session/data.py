"""tf.data: datasets as host-side pipelines of NumPy elements, and iterators whose
get_next() tensors plug into any graph.

A dataset element is a nested structure (a single value, tuple or dict) of arrays; inside
the pipeline it travels flat, as a tuple. Functions given to map/filter take and return
tensors: they are traced once into a private graph and run by a private NumPy session.
Tensors a dataset is built from (placeholders, random ops) are evaluated when its iterator
is initialized.
"""
import itertools

import numpy as np

from tf0.engine import dtypes, errors
from tf0.engine.graph import Graph, Tensor, get_default_graph
from tf0.engine.shapes import TensorShape, as_shape
from tf0.ops import placeholder
from tf0.ops.core import convert_to_tensor, string_array
from tf0.ops.random_ops import get_seed

from .background import Ahead
from .config import ConfigProto
from .session import Session

AUTOTUNE = -1
_iterator_ids = itertools.count()


# ---- nested structures ---------------------------------------------------------------------
def _flatten(structure):
    """Leaves of a structure. As in TF1, tuples and dicts nest; a list is one value."""
    if isinstance(structure, dict):
        return [leaf for k in sorted(structure) for leaf in _flatten(structure[k])]
    if isinstance(structure, tuple):
        return [leaf for s in structure for leaf in _flatten(s)]
    return [structure]


def _pack(template, flat):
    """Rebuild `template`'s nesting from the flat list (dict keys in sorted order)."""
    items = iter(flat)

    def build(t):
        if isinstance(t, dict):
            return {k: build(t[k]) for k in sorted(t)}
        if isinstance(t, tuple):
            return type(t)(build(s) for s in t) if not hasattr(t, "_fields") else \
                type(t)(*(build(s) for s in t))
        return next(items)
    return build(template)


class _Elements:
    """Nesting (`_template`) and flat (TensorShape, DType) spec (`_spec`) of elements."""

    @property
    def output_types(self):
        return _pack(self._template, [dt for _, dt in self._spec])

    @property
    def output_shapes(self):
        return _pack(self._template, [sh for sh, _ in self._spec])


class Dataset(_Elements):
    """Base class: `_template` (nesting), `_spec` (flat (TensorShape, DType) per component),
    `_captures` (graph tensors needed at initialization), `_gen(env)` (flat tuples)."""

    def __init__(self, template, spec, captures=()):
        self._template = template
        self._spec = list(spec)
        self._captures = list(dict.fromkeys(captures))

    # ---- what iterators need ----------------------------------------------------------
    def element_spec(self):
        return self._spec

    def iterate(self, captured_values):
        """A fresh Python iterator over this dataset's flat elements."""
        return self._gen(dict(zip(self._captures, captured_values)))

    # ---- sources ----------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors):
        return _Slices(tensors, slices=True)

    @staticmethod
    def from_tensors(tensors):
        return _Slices(tensors, slices=False)

    @staticmethod
    def range(*args):
        return _Range(*args)

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        return _Generator(generator, output_types, output_shapes, args)

    # ---- transformations --------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False):
        return _Batch(self, int(batch_size), bool(drop_remainder))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True):
        return _Shuffle(self, int(buffer_size), seed, reshuffle_each_iteration)

    def repeat(self, count=None):
        return _Repeat(self, None if count is None or count < 0 else int(count))

    def map(self, map_func, num_parallel_calls=None):
        return _Map(self, map_func)

    def filter(self, predicate):
        return _Filter(self, predicate)

    def take(self, count):
        return _Slice(self, 0, None if count < 0 else int(count))

    def skip(self, count):
        return _Slice(self, int(count), None)

    def prefetch(self, buffer_size):
        return _Prefetch(self, 2 if buffer_size == AUTOTUNE else max(1, int(buffer_size)))

    @staticmethod
    def zip(datasets):
        from .data_more import Zip
        return Zip(datasets)

    def concatenate(self, dataset):
        from .data_more import Concatenate
        return Concatenate(self, dataset)

    def padded_batch(self, batch_size, padded_shapes, padding_values=None,
                     drop_remainder=False):
        from .data_more import PaddedBatch
        return PaddedBatch(self, int(batch_size), padded_shapes, padding_values,
                           bool(drop_remainder))

    def unbatch(self):
        from .data_more import Unbatch
        return Unbatch(self)

    def flat_map(self, map_func):
        from .data_more import FlatMap
        return FlatMap(self, map_func)

    def interleave(self, map_func, cycle_length=1, block_length=1, num_parallel_calls=None):
        from .data_more import Interleave
        return Interleave(self, map_func, cycle_length, block_length)

    def cache(self, filename=""):
        from .data_more import Cache
        return Cache(self)

    def enumerate(self, start=0):
        from .data_more import Enumerate
        return Enumerate(self, start)

    def apply(self, transformation_func):
        return transformation_func(self)

    def shard(self, num_shards, index):
        from .data_more import Shard
        return Shard(self, int(num_shards), int(index))

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None):
        """File names matching file_pattern (a glob or a list of them), shuffled unless
        shuffle=False."""
        from .data_more import ListFiles
        return ListFiles(file_pattern, shuffle is not False, seed)

    # ---- iterators --------------------------------------------------------------------
    def make_one_shot_iterator(self):
        return Iterator(self._template, self._spec, one_shot=self)

    def make_initializable_iterator(self, shared_name=None):
        it = Iterator(self._template, self._spec)
        it._initializer = it.make_initializer(self)
        return it


def _component(value):
    """(array or captured tensor, spec) of one component given to from_tensor(s)."""
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        t = convert_to_tensor(value)
        return t, t.shape, t.dtype
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "SUO":
        arr = string_array(value)  # NumPy strings: tf.string (bytes objects)
        return arr, TensorShape(arr.shape), dtypes.string
    dtype = dtypes.infer_dtype(value)
    if isinstance(value, (np.ndarray, np.generic)):
        dtype = dtypes.as_dtype(value.dtype)
    arr = np.asarray(value, dtype=dtype.np)
    return arr, TensorShape(arr.shape), dtype


class _Slices(Dataset):
    def __init__(self, tensors, slices):
        parts = [_component(v) for v in _flatten(tensors)]
        self._values = [p[0] for p in parts]
        if slices:
            firsts = {s.dims[0] if s.ndims else None for _, s, _ in parts}
            if any(s.ndims == 0 for _, s, _ in parts):
                raise ValueError("from_tensor_slices needs components of rank >= 1")
            known = {d for d in firsts if d is not None}
            if len(known) > 1:
                raise ValueError(f"Dimensions of the components differ: {sorted(known)}")
            spec = [(TensorShape(s.dims[1:]) if s.ndims is not None else TensorShape(None), dt)
                    for _, s, dt in parts]
        else:
            spec = [(s, dt) for _, s, dt in parts]
        self._slices = slices
        super().__init__(tensors, spec, [v for v in self._values if isinstance(v, Tensor)])

    def _gen(self, env):
        values = [env[v] if isinstance(v, Tensor) else v for v in self._values]
        if not self._slices:
            yield tuple(values)
            return
        n = {len(v) for v in values}
        if len(n) != 1:
            raise errors.InvalidArgumentError(None, None, f"Dimensions of the components "
                                                          f"differ: {sorted(n)}")
        for i in range(n.pop()):
            yield tuple(v[i] for v in values)


class _Range(Dataset):
    def __init__(self, *args):
        self._args = args
        super().__init__(None, [(TensorShape([]), dtypes.int64)])

    def _gen(self, env):
        for v in range(*self._args):
            yield (np.int64(v),)


class _Generator(Dataset):
    def __init__(self, generator, output_types, output_shapes, args):
        types = [dtypes.as_dtype(t) for t in _flatten(output_types)]
        shapes = [as_shape(s) for s in _flatten(output_shapes)] if output_shapes is not None \
            else [TensorShape(None)] * len(types)
        self._generator, self._args = generator, tuple(args or ())
        super().__init__(output_types, list(zip(shapes, types)))

    def _gen(self, env):
        for element in self._generator(*self._args):
            flat = _flatten(element)
            if len(flat) != len(self._spec):
                raise errors.InvalidArgumentError(None, None, f"generator yielded {len(flat)} "
                                                              f"components, expected "
                                                              f"{len(self._spec)}")
            out = []
            for v, (shape, dt) in zip(flat, self._spec):
                arr = np.asarray(v, dtype=dt.np)
                if not shape.is_compatible_with(arr.shape):
                    raise errors.InvalidArgumentError(None, None, f"generator yielded shape "
                                                                  f"{arr.shape}, expected {shape}")
                out.append(arr)
            yield tuple(out)


class _Unary(Dataset):
    """A transformation of one input dataset with the same element structure."""

    def __init__(self, child, spec=None):
        self._child = child
        super().__init__(child._template, child._spec if spec is None else spec, child._captures)


class _Batch(_Unary):
    def __init__(self, child, size, drop_remainder):
        if size < 1:
            raise ValueError("batch_size must be >= 1")
        self._size, self._drop = size, drop_remainder
        lead = size if drop_remainder else None
        super().__init__(child, [(TensorShape([lead]).concatenate(s), dt)
                                 for s, dt in child._spec])

    def _gen(self, env):
        batch = []
        for element in self._child._gen(env):
            batch.append(element)
            if len(batch) == self._size:
                yield self._stack(batch)
                batch = []
        if batch and not self._drop:
            yield self._stack(batch)

    @staticmethod
    def _stack(batch):
        try:
            return tuple(np.stack(parts) for parts in zip(*batch))
        except ValueError as e:
            raise errors.InvalidArgumentError(None, None, f"Cannot batch elements of different "
                                                          f"shapes: {e}") from None


class _Shuffle(_Unary):
    """TF's buffered shuffle; pass k of an iteration uses seeds (seed, seed2, k)."""

    def __init__(self, child, buffer_size, seed, reshuffle):
        super().__init__(child)
        self._buffer_size = max(1, buffer_size)
        self._seeds = get_seed(seed)
        self._reshuffle = reshuffle

    def _gen(self, env):
        key = ("shuffle_pass", id(self))
        n_pass = env.get(key, 0)
        env[key] = n_pass + 1
        rng = np.random.default_rng([*self._seeds, n_pass if self._reshuffle else 0])
        source = self._child._gen(env)
        buffer = list(itertools.islice(source, self._buffer_size))
        while buffer:
            i = int(rng.integers(len(buffer)))
            yield buffer[i]
            try:
                buffer[i] = next(source)
            except StopIteration:
                buffer[i] = buffer[-1]
                buffer.pop()


class _Repeat(_Unary):
    def __init__(self, child, count):
        super().__init__(child)
        self._count = count

    def _gen(self, env):
        for _ in (itertools.count() if self._count is None else range(self._count)):
            empty = True
            for element in self._child._gen(env):
                empty = False
                yield element
            if empty:
                return


class _Slice(_Unary):
    def __init__(self, child, start, stop):
        super().__init__(child)
        self._start, self._stop = start, stop

    def _gen(self, env):
        stop = None if self._stop is None else self._start + self._stop
        yield from itertools.islice(self._child._gen(env), self._start, stop)


class _Traced:
    """A Python function over tensors, traced once into a private graph."""

    def __init__(self, fn, template, spec):
        self.graph = Graph()
        with self.graph.as_default():
            self.inputs = [placeholder(dt, s) for s, dt in spec]
            args = _pack(template, self.inputs)
            result = fn(*args) if isinstance(template, tuple) else fn(args)
            self.template = result
            self.outputs = [convert_to_tensor(t) for t in _flatten(result)]
        self._session = None

    def __call__(self, element):
        if self._session is None:
            self._session = Session(graph=self.graph, config=ConfigProto(device_count={"GPU": 0}))
        values = self._session.run(self.outputs, dict(zip(self.inputs, element)))
        return tuple(np.asarray(v) for v in values)


class _Map(_Unary):
    def __init__(self, child, fn):
        self._fn = _Traced(fn, child._template, child._spec)
        super().__init__(child, [(t.shape, t.dtype) for t in self._fn.outputs])
        self._template = self._fn.template

    def _gen(self, env):
        for element in self._child._gen(env):
            yield self._fn(element)


class _Filter(_Unary):
    def __init__(self, child, predicate):
        super().__init__(child)
        self._pred = _Traced(predicate, child._template, child._spec)
        out = self._pred.outputs
        if len(out) != 1 or out[0].dtype is not dtypes.bool_ or out[0].shape.ndims not in (0, None):
            raise ValueError("filter's predicate must return one scalar bool tensor")

    def _gen(self, env):
        for element in self._child._gen(env):
            if bool(self._pred(element)[0]):
                yield element


class _Prefetch(_Unary):
    """Elements produced ahead, in order, by a background thread."""

    def __init__(self, child, buffer_size):
        super().__init__(child)
        self._buffer_size = buffer_size

    def _gen(self, env):
        ahead = Ahead(self._child._gen(env), self._buffer_size, name="tf0-prefetch")
        try:
            yield from ahead
        finally:
            ahead.close()


class Iterator(_Elements):
    """Pulls elements of a dataset into the graph: `get_next()` returns tensors shaped like
    the dataset's elements; `initializer` (re)starts it."""

    def __init__(self, template, spec, one_shot=None):
        self._template, self._spec = template, list(spec)
        self._key = f"iterator_{next(_iterator_ids)}"
        self._one_shot = one_shot
        self._initializer = None

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        types = [dtypes.as_dtype(t) for t in _flatten(output_types)]
        shapes = [as_shape(s) for s in _flatten(output_shapes)] if output_shapes is not None \
            else [TensorShape(None)] * len(types)
        return Iterator(output_types, list(zip(shapes, types)))

    @property
    def initializer(self):
        if self._initializer is None:
            raise ValueError("This iterator has no initializer: it was made by "
                             "make_one_shot_iterator (or use make_initializer(dataset)).")
        return self._initializer

    def make_initializer(self, dataset, name=None):
        for (s1, d1), (s2, d2) in zip(self._spec, dataset._spec):
            if d1 is not d2 or not s1.is_compatible_with(s2):
                raise TypeError(f"Dataset elements {dataset._spec} do not match the iterator's "
                                f"{self._spec}")
        graph = get_default_graph()
        return graph.create_op("MakeIterator", list(dataset._captures),
                               {"dataset": dataset, "iterator": self._key},
                               name=name or "MakeIterator")

    def get_next(self, name=None):
        graph = get_default_graph()
        captures = self._one_shot._captures if self._one_shot is not None else []
        op = graph.create_op("IteratorGetNext", list(captures),
                             {"iterator": self._key, "spec": self._spec,
                              "one_shot": self._one_shot}, name=name or "IteratorGetNext")
        return _pack(self._template, list(op.outputs))


def make_one_shot_iterator(dataset):
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    return dataset.make_initializable_iterator(shared_name)
