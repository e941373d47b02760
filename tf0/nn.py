"""tf0.nn: activations and losses (sampled ones too)."""
from tf0.ops import (U as _U, bias_add, l2_loss, leaky_relu, log_softmax,  # noqa: F401
                     relu, relu6, sigmoid_cross_entropy_with_logits, softmax,
                     softmax_cross_entropy_with_logits, softmax_cross_entropy_with_logits_v2,
                     sparse_softmax_cross_entropy_with_logits)

from tf0.ops.composites import (batch_normalization, embedding_lookup,  # noqa: E402,F401
                                fused_batch_norm, l2_normalize, moments, normalize_moments,
                                relu_layer, selu, sufficient_statistics,
                                weighted_cross_entropy_with_logits, weighted_moments,
                                xw_plus_b)
from tf0.ops.math_composites import (atrous_conv2d, crelu,  # noqa: E402,F401
                                     local_response_normalization, softsign, swish,
                                     zero_fraction)
from tf0.ops.math_composites import local_response_normalization as lrn  # noqa: E402,F401
from tf0.ops.depthwise_conv import depthwise_conv2d, separable_conv2d  # noqa: E402,F401
from tf0.ops.array_composites import depth_to_space, space_to_depth  # noqa: E402,F401
from tf0.ops.layers import dropout_nn as dropout  # noqa: E402,F401
from tf0.ops.nn_ops import in_top_k, top_k  # noqa: E402,F401
from tf0.ops.sampled_losses import (log_uniform_candidate_sampler, nce_loss,  # noqa: E402,F401
                                    sampled_softmax_loss, uniform_candidate_sampler)
from tf0.ops.conv_ops import (avg_pool, conv1d, conv2d, conv2d_transpose,  # noqa: E402,F401
                              max_pool)
from tf0.ops.rnn import (bidirectional_dynamic_rnn, dynamic_rnn,  # noqa: E402,F401
                         static_rnn)
import tf0.rnn_cell as rnn_cell  # noqa: E402,F401

sigmoid = _U["sigmoid"]
tanh = _U["tanh"]
elu = _U["elu"]
softplus = _U["softplus"]
