"""tf.data.experimental: the transformations TF1.13+ programs apply with Dataset.apply
(shuffle_and_repeat, map_and_batch, unbatch, parallel_interleave, enumerate_dataset,
prefetch_to_device, copy_to_device), the datasets that mix others (sample_from_datasets,
choose_from_datasets), Counter and get_single_element."""
import numpy as np

from tf0.engine import dtypes
from tf0.ops.random_ops import get_seed

from .data import Dataset

INFINITE_CARDINALITY, UNKNOWN_CARDINALITY = -1, -2


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    return lambda dataset: dataset.map(map_func).batch(batch_size, drop_remainder)


def unbatch():
    return lambda dataset: dataset.unbatch()


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False,
                        buffer_output_elements=None, prefetch_input_elements=None):
    """interleave, deterministically (as sloppy=False)."""
    return lambda dataset: dataset.interleave(map_func, cycle_length, block_length)


def enumerate_dataset(start=0):
    return lambda dataset: dataset.enumerate(start)


def prefetch_to_device(device, buffer_size=None):
    """The dataset itself: tf0's iterators already stage elements on the device."""
    return lambda dataset: dataset


copy_to_device = prefetch_to_device


def Counter(start=0, step=1, dtype=dtypes.int64):  # noqa: N802 (TF1's name)
    """start, start + step, ... without end."""
    if dtypes.as_dtype(dtype) is not dtypes.int64:
        raise ValueError("tf0's Counter counts in int64")
    return Dataset.range(start, np.iinfo(np.int64).max if step > 0 else
                         np.iinfo(np.int64).min, step)


def get_single_element(dataset):
    """The tensors of the dataset's first (single) element."""
    return dataset.make_one_shot_iterator().get_next()


class _Mix(Dataset):
    """Elements taken from several datasets of one structure, in an order `pick` decides:
    pick(env, alive) -> the index of the next dataset to take from (None: stop)."""

    def __init__(self, datasets, extra_captures=()):
        self._children = list(datasets)
        first = self._children[0]
        for d in self._children[1:]:
            if [dt for _, dt in d._spec] != [dt for _, dt in first._spec]:
                raise TypeError("the datasets must have the same element types")
        super().__init__(first._template, first._spec,
                         [c for d in self._children for c in d._captures] +
                         list(extra_captures))

    def _gen(self, env):
        iterators = [d._gen(env) for d in self._children]
        alive = [True] * len(iterators)
        chooser = self._chooser(env)
        while any(alive):
            k = chooser(alive)
            if k is None:
                return
            try:
                yield next(iterators[k])
            except StopIteration:
                alive[k] = False


class _Sample(_Mix):
    def __init__(self, datasets, weights, seed):
        super().__init__(datasets)
        weights = np.ones(len(datasets)) if weights is None else np.asarray(weights, float)
        self._weights, self._seed = weights / weights.sum(), get_seed(seed)

    def _chooser(self, env):
        rng = np.random.default_rng(list(self._seed))

        def choose(alive):
            live = self._weights * np.asarray(alive)
            return int(rng.choice(len(live), p=live / live.sum()))
        return choose


class _Choose(_Mix):
    def __init__(self, datasets, choice_dataset):
        super().__init__(datasets, choice_dataset._captures)
        self._choice = choice_dataset

    def _chooser(self, env):
        choices = self._choice._gen(env)

        def choose(alive):
            for (k,) in choices:
                if alive[int(k)]:
                    return int(k)
            return None
        return choose


def sample_from_datasets(datasets, weights=None, seed=None):
    """Elements drawn from the datasets at random in proportion to `weights` (a list);
    an exhausted dataset drops out, and the mix ends when all have."""
    return _Sample(datasets, weights, seed)


def choose_from_datasets(datasets, choice_dataset):
    """The next element of datasets[i] for each i of choice_dataset (int64 scalars)."""
    return _Choose(datasets, choice_dataset)


def get_output_types(dataset_or_iterator):
    """tf.data.get_output_types: the element's dtypes, in its structure."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """tf.data.get_output_shapes: the element's static shapes, in its structure."""
    return dataset_or_iterator.output_shapes
