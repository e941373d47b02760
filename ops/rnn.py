"""tf.nn.rnn_cell (BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell,
DropoutWrapper) and tf.nn.dynamic_rnn, static_rnn, bidirectional_dynamic_rnn, with TF1's
variable names and equations.

A cell is called as `output, new_state = cell(inputs, state)`: inputs [batch, depth],
states [batch, state_size] (LSTMStateTuple(c, h) for LSTMs, a tuple per layer for
MultiRNNCell). It makes its variables on its first call, in a variable scope named after
it, and reuses them after. dynamic_rnn runs a cell over time in one tf.while_loop that
reads one time step per iteration and stacks the outputs (ops/while_ops.build_loop).
"""
import collections

from tf0.engine import dtypes
from tf0.engine.graph import name_scope
from tf0.engine.shapes import TensorShape

from . import init_ops
from .array_ops import concat, expand_dims, reshape, shape, split, stack, transpose
from .control_flow import flatten
from .core import OPS, convert_to_tensor
from .index_ops import gather
from .layers import Layer, dropout_nn
from .math_ops import cast, matmul, where
from .sources import fill, range_, zeros_like
from .variable_scope import variable_scope
from .while_ops import build_loop

LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))
LSTMStateTuple.dtype = property(lambda self: self.c.dtype)


def _zeros(batch_size, size, dtype):
    if isinstance(batch_size, int):
        return OPS.zeros([batch_size, size], dtype)
    return fill(stack([batch_size, size]), convert_to_tensor(0, dtype=dtype))


def _linear(args, kernel, bias):
    """concat(args, 1) @ kernel + bias."""
    joined = args[0] if len(args) == 1 else concat(args, 1)
    return OPS.bias_add(matmul(joined, kernel), bias)


class RNNCell(Layer):
    """Base of the cells: state_size, output_size, zero_state and the scoped call."""

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def zero_state(self, batch_size, dtype):
        """Zeros in the structure of state_size, each [batch_size, size]."""
        sizes, rebuild = flatten(self.state_size)
        return rebuild(iter([_zeros(batch_size, s, dtypes.as_dtype(dtype)) for s in sizes]))

    def __call__(self, inputs, state, scope=None):
        inputs = convert_to_tensor(inputs)
        scope_arg = scope if scope is not None else (self._scope or self.name)
        with variable_scope(scope_arg, default_name=self._default_name,
                            reuse=True if self.built else None) as vs:
            if scope is None:
                self._scope = vs
            if not self.built:
                if self.dtype is None:
                    self.dtype = inputs.dtype
                depth = inputs.shape.dims[-1] if inputs.shape.ndims else None
                if depth is None:
                    raise ValueError(f"{type(self).__name__} needs inputs with a known last "
                                     f"dimension, got {inputs.shape}")
                self.build(depth)
                self.built = True
            return self.call(inputs, state)

    def _weight(self, name, shape, initializer=None):
        return self.add_weight(name, shape, dtypes.as_dtype(self.dtype), initializer)


class StepCell:
    """A cell that is a function: step(inputs, state) -> (output, new state), of the given
    state_size and output_size (keras's recurrent layers, the CRF's forward algorithm)."""

    def __init__(self, step, state_size, output_size):
        self.step, self.state_size, self.output_size = step, state_size, output_size

    zero_state = RNNCell.zero_state  # (it reads state_size alone)

    def __call__(self, inputs, state):
        return self.step(inputs, state)


class BasicRNNCell(RNNCell):
    """h' = activation([x, h] @ kernel + bias); the output is h'."""
    _default_name = "basic_rnn_cell"

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kw):
        super().__init__(name=name, dtype=dtype, **kw)
        self._num_units = int(num_units)
        self._activation = activation or OPS.tanh

    def build(self, depth):
        self._kernel = self._weight("kernel", [depth + self._num_units, self._num_units])
        self._bias = self._weight("bias", [self._num_units], init_ops.Zeros())

    def call(self, inputs, state):
        out = self._activation(_linear([inputs, state], self._kernel, self._bias))
        return out, out


class BasicLSTMCell(RNNCell):
    """i, j, f, o = split([x, h] @ kernel + bias); c' = c sigmoid(f + forget_bias) +
    sigmoid(i) act(j); h' = act(c') sigmoid(o). State LSTMStateTuple(c, h); output h'."""
    _default_name = "basic_lstm_cell"

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kw):
        super().__init__(name=name, dtype=dtype, **kw)
        if not state_is_tuple:
            raise ValueError("tf0's LSTM cells keep their state as LSTMStateTuple(c, h) "
                             "(state_is_tuple=True)")
        self._num_units = int(num_units)
        self._forget_bias = float(forget_bias)
        self._activation = activation or OPS.tanh

    @property
    def state_size(self):
        return LSTMStateTuple(self._num_units, self._num_units)

    def build(self, depth):
        self._kernel = self._weight("kernel", [depth + self._num_units, 4 * self._num_units])
        self._bias = self._weight("bias", [4 * self._num_units], init_ops.Zeros())

    def call(self, inputs, state):
        c, h = state
        i, j, f, o = split(_linear([inputs, h], self._kernel, self._bias), 4, axis=1)
        act, sigmoid = self._activation, OPS.sigmoid
        new_c = c * sigmoid(f + self._forget_bias) + sigmoid(i) * act(j)
        new_h = act(new_c) * sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class LSTMCell(BasicLSTMCell):
    """BasicLSTMCell plus TF1's options: peepholes (w_f_diag, w_i_diag, w_o_diag),
    cell_clip, a projection of h to num_proj units (projection/kernel) and proj_clip."""
    _default_name = "lstm_cell"

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kw):
        super().__init__(num_units, forget_bias, state_is_tuple, activation, name=name,
                         dtype=dtype, **kw)
        self._use_peepholes, self._cell_clip = use_peepholes, cell_clip
        self._initializer, self._num_proj, self._proj_clip = initializer, num_proj, proj_clip

    @property
    def state_size(self):
        return LSTMStateTuple(self._num_units, self._num_proj or self._num_units)

    @property
    def output_size(self):
        return self._num_proj or self._num_units

    def build(self, depth):
        units, h_size = self._num_units, self._num_proj or self._num_units
        self._kernel = self._weight("kernel", [depth + h_size, 4 * units], self._initializer)
        self._bias = self._weight("bias", [4 * units], init_ops.Zeros())
        if self._use_peepholes:
            self._w_f, self._w_i, self._w_o = (self._weight(n, [units], self._initializer)
                                               for n in ("w_f_diag", "w_i_diag", "w_o_diag"))
        if self._num_proj is not None:
            with variable_scope("projection"):
                self._projection = self._weight("kernel", [units, self._num_proj],
                                                self._initializer)

    def call(self, inputs, state):
        c, h = state
        i, j, f, o = split(_linear([inputs, h], self._kernel, self._bias), 4, axis=1)
        act, sigmoid = self._activation, OPS.sigmoid
        if self._use_peepholes:
            new_c = sigmoid(f + self._forget_bias + self._w_f * c) * c \
                + sigmoid(i + self._w_i * c) * act(j)
        else:
            new_c = sigmoid(f + self._forget_bias) * c + sigmoid(i) * act(j)
        if self._cell_clip is not None:
            new_c = OPS.clip_by_value(new_c, -self._cell_clip, self._cell_clip)
        gate = sigmoid(o + self._w_o * new_c) if self._use_peepholes else sigmoid(o)
        new_h = gate * act(new_c)
        if self._num_proj is not None:
            new_h = matmul(new_h, self._projection)
            if self._proj_clip is not None:
                new_h = OPS.clip_by_value(new_h, -self._proj_clip, self._proj_clip)
        return new_h, LSTMStateTuple(new_c, new_h)


class GRUCell(RNNCell):
    """r, u = sigmoid([x, h] @ gates/kernel + gates/bias) (bias starting at 1);
    c = act([x, r h] @ candidate/kernel + candidate/bias); h' = u h + (1 - u) c."""
    _default_name = "gru_cell"

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kw):
        super().__init__(name=name, dtype=dtype, **kw)
        self._num_units = int(num_units)
        self._activation = activation or OPS.tanh
        self._kernel_init, self._bias_init = kernel_initializer, bias_initializer

    def build(self, depth):
        units = self._num_units
        with variable_scope("gates"):
            self._gate_kernel = self._weight("kernel", [depth + units, 2 * units],
                                             self._kernel_init)
            self._gate_bias = self._weight("bias", [2 * units],
                                           self._bias_init or init_ops.Constant(1.0))
        with variable_scope("candidate"):
            self._candidate_kernel = self._weight("kernel", [depth + units, units],
                                                  self._kernel_init)
            self._candidate_bias = self._weight("bias", [units],
                                                self._bias_init or init_ops.Zeros())

    def call(self, inputs, state):
        gates = OPS.sigmoid(_linear([inputs, state], self._gate_kernel, self._gate_bias))
        r, u = split(gates, 2, axis=1)
        candidate = self._activation(_linear([inputs, r * state], self._candidate_kernel,
                                             self._candidate_bias))
        new_h = u * state + (1 - u) * candidate
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """Cells stacked in layers: layer i runs in scope cell_<i> on the output of layer i-1;
    the state is a tuple with one state per layer."""
    _default_name = "multi_rnn_cell"

    def __init__(self, cells, state_is_tuple=True, name=None, **kw):
        super().__init__(name=name, **kw)
        if not cells:
            raise ValueError("MultiRNNCell needs at least one cell")
        if not state_is_tuple:
            raise ValueError("tf0's MultiRNNCell keeps one state per layer in a tuple "
                             "(state_is_tuple=True)")
        self._cells = list(cells)

    @property
    def state_size(self):
        return tuple(cell.state_size for cell in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def build(self, depth):
        pass

    def call(self, inputs, state):
        new_states = []
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                inputs, layer_state = cell(inputs, state[i])
            new_states.append(layer_state)
        return inputs, tuple(new_states)


class DropoutWrapper(RNNCell):
    """A cell whose inputs, outputs and new state go through tf.nn.dropout with the given
    keep probabilities (a fresh mask every step)."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 seed=None, **kw):
        super().__init__()
        self._cell, self._seed = cell, seed
        self._keep = (input_keep_prob, output_keep_prob, state_keep_prob)

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def _drop(self, value, keep):
        if isinstance(keep, (int, float)) and keep == 1:
            return value
        leaves, rebuild = flatten(value)
        return rebuild(iter([dropout_nn(v, keep_prob=keep, seed=self._seed) for v in leaves]))

    def __call__(self, inputs, state, scope=None):
        output, new_state = self._cell(self._drop(inputs, self._keep[0]), state, scope)
        return self._drop(output, self._keep[1]), self._drop(new_state, self._keep[2])


# ---- running cells over time ----------------------------------------------------------------
def _time_major(x):
    """[batch, time, ...] <-> [time, batch, ...]."""
    rank = x.shape.ndims
    if rank is None or rank < 2:
        raise ValueError(f"RNN inputs need a batch and a time axis, got shape {x.shape}")
    return transpose(x, [1, 0, *range(2, rank)])


def _masked(step_output, new_state, state, time, sequence_length):
    """Past a sequence's length, zero output and the state carried through unchanged."""
    done = expand_dims(time >= sequence_length, 1)
    outputs = [where(done, zeros_like(o), o) for o in step_output]
    states = [where(done, old, new) for old, new in zip(state, new_state)]
    return outputs, states


def _initial_state(cell, initial_state, dtype, batch_size):
    if initial_state is not None:
        return initial_state
    if dtype is None:
        raise ValueError("Give either an initial_state or a dtype to the RNN")
    return cell.zero_state(batch_size, dtype)


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """TF1's tf.nn.dynamic_rnn: (outputs, final_state) of `cell` run over the time axis of
    `inputs` ([batch, time, depth], or [time, batch, depth] with time_major; a nest of such
    tensors is handed to the cell in that structure). With sequence_length [batch], outputs
    past a sequence's end are zero and its state stops changing there."""
    with variable_scope(scope or "rnn"):
        leaves, rebuild = flatten(inputs)
        leaves = [convert_to_tensor(x) for x in leaves]
        steps = leaves if time_major else [_time_major(x) for x in leaves]
        batch_size = steps[0].shape.dims[1] if steps[0].shape.ndims else None
        if batch_size is None:
            batch_size = shape(steps[0])[1]
        state = _initial_state(cell, initial_state, dtype, batch_size)
        state_leaves, rebuild_state = flatten(state)
        state_leaves = [convert_to_tensor(s) for s in state_leaves]
        lengths = None if sequence_length is None else \
            cast(convert_to_tensor(sequence_length), dtypes.int32)
        count = shape(steps[0])[0]
        structure = []

        def body(variables, rows):
            time, current = variables[0], variables[1:]
            output, new_state = cell(rebuild(iter(rows)), rebuild_state(iter(current)))
            out_leaves, rebuild_output = flatten(output)
            structure.append(rebuild_output)
            new_leaves, _ = flatten(new_state)
            if lengths is not None:
                out_leaves, new_leaves = _masked(out_leaves, new_leaves, current, time, lengths)
            return [time + 1, *new_leaves], out_leaves
        finals, stacked = build_loop(
            lambda variables: variables[0] < count, body,
            [convert_to_tensor(0), *state_leaves],
            [TensorShape([])] + [s.shape for s in state_leaves], sliced=steps,
            length=steps[0].shape.dims[0] if steps[0].shape.ndims else None)
        outputs = stacked if time_major else [_time_major(o) for o in stacked]
        return structure[0](iter(outputs)), rebuild_state(iter(finals[1:]))


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None,
               scope=None):
    """TF1's tf.nn.static_rnn: the cell unrolled over a Python list of [batch, depth]
    inputs; (list of outputs, final state)."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("static_rnn needs a non-empty list of inputs")
    with variable_scope(scope or "rnn"):
        first = convert_to_tensor(inputs[0])
        batch_size = first.shape.dims[0] if first.shape.ndims else None
        state = _initial_state(cell, initial_state, dtype,
                               batch_size if batch_size is not None else shape(first)[0])
        lengths = None if sequence_length is None else \
            cast(convert_to_tensor(sequence_length), dtypes.int32)
        outputs = []
        for time, x in enumerate(inputs):
            output, new_state = cell(x, state)
            if lengths is not None:
                leaves, rebuild_state = flatten(state)
                out, new = _masked([output], flatten(new_state)[0], leaves, time, lengths)
                output, new_state = out[0], rebuild_state(iter(new))
            outputs.append(output)
            state = new_state
        return outputs, state


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool_, name=None):
    """TF1's tf.sequence_mask: mask[..., j] = j < lengths[...], j in [0, maxlen) (maxlen
    defaults to the largest length), cast to `dtype`."""
    with name_scope(name, "SequenceMask"):
        lengths = convert_to_tensor(lengths)
        if maxlen is None:
            maxlen = OPS.reduce_max(lengths)
        steps = cast(range_(convert_to_tensor(maxlen, dtype=lengths.dtype)), lengths.dtype)
        mask = steps < expand_dims(lengths, -1)
        dtype = dtypes.as_dtype(dtype)
        return mask if dtype is dtypes.bool_ else cast(mask, dtype)


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,
                     seq_dim=None, batch_dim=None):
    """TF1's tf.reverse_sequence: in each batch entry b, the first seq_lengths[b] steps
    along seq_axis reversed, the rest unchanged (a gather of rows)."""
    seq_axis = seq_axis if seq_axis is not None else seq_dim
    batch_axis = batch_axis if batch_axis is not None else (batch_dim or 0)
    if {seq_axis, batch_axis} != {0, 1}:
        raise ValueError("tf0's reverse_sequence takes seq_axis and batch_axis 0 and 1")
    x = convert_to_tensor(input)
    if batch_axis == 1:
        x = _time_major(x)
    sizes = shape(x)
    batch, time = sizes[0], sizes[1]
    steps = expand_dims(range_(time), 0)
    lengths = expand_dims(cast(convert_to_tensor(seq_lengths), dtypes.int32), 1)
    source = where(steps < lengths, lengths - 1 - steps, steps)
    rows = reshape(source + expand_dims(range_(batch), 1) * time, [-1])
    flat = reshape(x, concat([[-1], sizes[2:]], 0))
    out = reshape(gather(flat, rows), sizes)
    out.set_shape(x.shape)
    return _time_major(out) if batch_axis == 1 else out


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """TF1's tf.nn.bidirectional_dynamic_rnn: ((outputs_fw, outputs_bw), (state_fw,
    state_bw)); the backward cell reads each sequence reversed (within its length) and its
    outputs are reversed back."""
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)

    def reverse(x):
        if sequence_length is None:
            return x[::-1] if time_major else x[:, ::-1]
        return reverse_sequence(x, sequence_length, time_axis, batch_axis)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, state_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                           dtype, time_major=time_major, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            leaves, rebuild = flatten(inputs)
            reversed_inputs = rebuild(iter([reverse(convert_to_tensor(x)) for x in leaves]))
            out_bw, state_bw = dynamic_rnn(cell_bw, reversed_inputs, sequence_length,
                                           initial_state_bw, dtype, time_major=time_major,
                                           scope=bw_scope)
        leaves, rebuild = flatten(out_bw)
        out_bw = rebuild(iter([reverse(x) for x in leaves]))
    return (out_fw, out_bw), (state_fw, state_bw)
