"""tf0.contrib (the module tf.contrib): only `layers`' regularizers, initializers and
flatten; the rest of TF1's contrib is not part of tf0."""
import tf0.contrib_layers as layers  # noqa: F401
