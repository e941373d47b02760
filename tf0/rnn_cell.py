"""tf0.nn.rnn_cell: the recurrent cells."""
from tf0.ops.rnn import (BasicLSTMCell, BasicRNNCell, DropoutWrapper, GRUCell,  # noqa: F401
                         LSTMCell, LSTMStateTuple, MultiRNNCell, RNNCell)
