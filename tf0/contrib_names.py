"""tf0.contrib (the module tf.contrib): `layers`' regularizers, initializers, flatten,
fully_connected and conv2d; `rnn`'s cells; `framework`'s global step; `lookup`'s tables;
`crf`'s linear-chain CRF. The rest of TF1's contrib is not part of tf0."""
import tf0.contrib_crf as crf  # noqa: F401
import tf0.contrib_framework as framework  # noqa: F401
import tf0.contrib_lookup as lookup  # noqa: F401
import tf0.contrib_layers as layers  # noqa: F401
import tf0.contrib_rnn as rnn  # noqa: F401
