"""tf.keras.layers.SimpleRNN, GRU and LSTM as TF1's keras has them (the v1 layers):
keras's equations, gate order and defaults (recurrent_activation hard_sigmoid, GRU
without reset_after, an orthogonal recurrent kernel, the LSTM forget bias at 1), weights
<layer name>/lstm_cell (gru_cell, simple_rnn_cell)/kernel, recurrent_kernel and bias. They
run over time in one tf.while_loop (rnn.dynamic_rnn), the weights read once before it.

dropout and recurrent_dropout (training only) drop inputs and previous outputs with masks
drawn once per batch and kept for every time step, one mask per gate (keras's
implementation 1): each gate's product then takes its own slice of the kernels."""
from tf0.engine import dtypes

from .array_ops import split
from .linalg_ops import reverse
from .core import OPS
from .init_ops import Ones
from .layers import dropout_nn
from .keras_base import (KerasLayer, get_activation, get_initializer, get_regularizer,
                         learning_phase, snake_case)
from .math_ops import matmul, where
from .rnn import LSTMStateTuple, StepCell, dynamic_rnn
from .variable_scope import variable_scope


def _identity(x):
    return x


class _Recurrent(KerasLayer):
    """The shared part: arguments, weights, the loop over time and what it returns."""
    _gates = 1

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 dropout=0.0, recurrent_dropout=0.0, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 **kwargs):
        if stateful:
            raise NotImplementedError("tf0's keras recurrent layers have no stateful mode")
        super().__init__(**kwargs)
        # keras keeps rates in [0, 1]
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.units, self.use_bias = int(units), use_bias
        # None and "linear" name no activation
        self.activation = get_activation(activation) or _identity
        self.recurrent_activation = get_activation(recurrent_activation) or _identity
        self._inits = [get_initializer(i) for i in (kernel_initializer, recurrent_initializer,
                                                    bias_initializer)]
        self._regularizers = [get_regularizer(r) for r in (kernel_regularizer,
                                                           recurrent_regularizer,
                                                           bias_regularizer)]
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards = go_backwards

    def build(self, input_shape):
        depth = input_shape.dims[-1] if input_shape.ndims == 3 else None
        if depth is None:
            raise ValueError(f"{type(self).__name__} needs [batch, time, features] inputs "
                             f"with known features, got {input_shape}")
        width = self._gates * self.units
        with variable_scope(f"{snake_case(type(self).__name__)}_cell"):
            self.kernel = self.add_weight("kernel", [depth, width], initializer=self._inits[0],
                                          regularizer=self._regularizers[0])
            self.recurrent_kernel = self.add_weight(
                "recurrent_kernel", [self.units, width], initializer=self._inits[1],
                regularizer=self._regularizers[1])
            self.bias = self.add_weight("bias", [width], initializer=self._bias_init(),
                                        regularizer=self._regularizers[2]) \
                if self.use_bias else None

    def _bias_init(self):
        return self._inits[2]

    def call(self, inputs, initial_state=None, training=None):
        """[batch, time, features] -> the last output [batch, units] (all of them with
        return_sequences; then the final states with return_state). initial_state: keras's
        list of states ([h] or [h, c]); training: whether dropout applies."""
        if initial_state is not None:
            initial_state = self._state_from(list(initial_state))
        kernel, recurrent = self.kernel.value(), self.recurrent_kernel.value()
        bias = self.bias.value() if self.bias is not None else None
        if self.dropout or self.recurrent_dropout:
            first = inputs[:, 0, :]  # [batch, features]; ones of [batch, units] below
            x_masks = self._masks(OPS.ones_like(first), self.dropout, training)
            h_masks = self._masks(OPS.ones_like(first[:, :1]) * OPS.ones_like(recurrent[:, 0]),
                                  self.recurrent_dropout, training)
            kernels = split(kernel, self._gates, 1)
            recurrents = split(recurrent, self._gates, 1)
            biases = split(bias, self._gates, 0) if bias is not None else None
            step = StepCell(lambda x, state: self._masked_step(
                x, state, kernels, recurrents, biases, x_masks, h_masks),
                self._state_size(), self.units)
        else:
            step = StepCell(lambda x, state: self._step(x, state, kernel, recurrent, bias),
                         self._state_size(), self.units)
        if self.go_backwards:
            inputs = reverse(inputs, [1])
        outputs, state = dynamic_rnn(step, inputs, initial_state=initial_state,
                                     dtype=inputs.dtype, scope=self.name)
        out = outputs if self.return_sequences else outputs[:, -1]
        if not self.return_state:
            return out
        return [out, *self._state_list(state)]

    def _masks(self, ones, rate, training):
        """One [batch, width] mask per gate: kept entries scaled by 1 / (1 - rate), the
        others 0, while training; ones otherwise (or None when rate is 0)."""
        if not rate:
            return None
        if isinstance(training, bool):
            return [dropout_nn(ones, rate=rate) if training else ones
                    for _ in range(self._gates)]
        if training is None:
            training = learning_phase(ones.graph)
        return [where(training, dropout_nn(ones, rate=rate), ones)
                for _ in range(self._gates)]

    def _masked_step(self, x, state, kernels, recurrents, biases, x_masks, h_masks):
        """_step with each gate's input (x_masks) and previous output (h_masks) masked:
        gates[g] = (x * x_masks[g]) kernels[g] + (h * h_masks[g]) recurrents[g] + bias."""
        h = self._output_of(state)
        xs = [x * m for m in x_masks] if x_masks else [x] * self._gates
        hs = [h * m for m in h_masks] if h_masks else [h] * self._gates
        gates = [matmul(xg, k) + (biases[g] if biases is not None else 0.0)
                 for g, (xg, k) in enumerate(zip(xs, kernels))]
        return self._combine(gates, hs, recurrents, state)

    def _state_size(self):
        return self.units

    def _output_of(self, state):
        return state

    def _state_list(self, state):
        return [state]

    def _state_from(self, states):
        return states[0]


class SimpleRNN(_Recurrent):
    """h' = activation(x kernel + h recurrent_kernel + bias)."""

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation, None, **kwargs)

    def _step(self, x, h, kernel, recurrent, bias):
        z = matmul(x, kernel) + matmul(h, recurrent)
        h = self.activation(z + bias if bias is not None else z)
        return h, h

    def _combine(self, gates, hs, recurrents, h):
        h = self.activation(gates[0] + matmul(hs[0], recurrents[0]))
        return h, h


class GRU(_Recurrent):
    """z, r from x kernel + h recurrent_kernel (+ bias) through recurrent_activation;
    candidate activation(x kernel_h + (r h) recurrent_kernel_h + bias_h);
    h' = z h + (1 - z) candidate (keras's gate order z, r, h)."""
    _gates = 3

    def _step(self, x, h, kernel, recurrent, bias):
        xz, xr, xh = split(matmul(x, kernel) + (bias if bias is not None else 0.0), 3, 1)
        rz, rr, rh = split(recurrent, 3, 1)
        z = self.recurrent_activation(xz + matmul(h, rz))
        r = self.recurrent_activation(xr + matmul(h, rr))
        candidate = self.activation(xh + matmul(r * h, rh))
        h = z * h + (1.0 - z) * candidate
        return h, h

    def _combine(self, gates, hs, recurrents, h):
        (xz, xr, xh), (hz, hr, hh), (rz, rr, rh) = gates, hs, recurrents
        z = self.recurrent_activation(xz + matmul(hz, rz))
        r = self.recurrent_activation(xr + matmul(hr, rr))
        candidate = self.activation(xh + matmul(r * hh, rh))
        h = z * h + (1.0 - z) * candidate
        return h, h


class LSTM(_Recurrent):
    """i, f, o through recurrent_activation and the candidate through activation, from
    x kernel + h recurrent_kernel + bias (keras's gate order i, f, c, o); c' = f c + i
    candidate, h' = o activation(c'). return_state gives [output, h, c]."""
    _gates = 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self._inits[2]
        units, rest = self.units, self._inits[2]

        def forget_ones(shape, dtype=dtypes.float32, partition_info=None):
            parts = [rest([units], dtype), Ones()([units], dtype),
                     rest([2 * units], dtype)]
            return OPS.concat(parts, 0)
        return forget_ones

    def _state_size(self):
        return LSTMStateTuple(self.units, self.units)

    def _output_of(self, state):
        return state.h

    def _state_list(self, state):
        return [state.h, state.c]

    def _state_from(self, states):
        return LSTMStateTuple(c=states[1], h=states[0])

    def _step(self, x, state, kernel, recurrent, bias):
        z = matmul(x, kernel) + matmul(state.h, recurrent)
        if bias is not None:
            z = z + bias
        i, f, candidate, o = split(z, 4, 1)
        i, f, o = (self.recurrent_activation(g) for g in (i, f, o))
        c = f * state.c + i * self.activation(candidate)
        h = o * self.activation(c)
        return h, LSTMStateTuple(c, h)

    def _combine(self, gates, hs, recurrents, state):
        i, f, candidate, o = (g + matmul(h, r) for g, h, r in zip(gates, hs, recurrents))
        i, f, o = (self.recurrent_activation(g) for g in (i, f, o))
        c = f * state.c + i * self.activation(candidate)
        h = o * self.activation(c)
        return h, LSTMStateTuple(c, h)
