"""tf0.contrib.rnn: TF1's older home of the recurrent cells, the same classes as
tf0.nn.rnn_cell."""
from tf0.ops.rnn import (BasicLSTMCell, BasicRNNCell, DropoutWrapper, GRUCell,  # noqa: F401
                         LSTMCell, LSTMStateTuple, MultiRNNCell, RNNCell, static_rnn)
