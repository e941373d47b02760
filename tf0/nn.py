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
from tf0.ops.conv_ops import (avg_pool, conv1d, conv1d_transpose, conv2d,  # noqa: E402,F401
                              conv2d_transpose, max_pool)
from tf0.ops.pool_argmax import max_pool_with_argmax  # noqa: E402,F401
from tf0.ops.rnn import (bidirectional_dynamic_rnn, dynamic_rnn,  # noqa: E402,F401
                         static_rnn)
import tf0.rnn_cell as rnn_cell  # noqa: E402,F401

sigmoid = _U["sigmoid"]
tanh = _U["tanh"]
elu = _U["elu"]
softplus = _U["softplus"]
from tf0.ops.nn_extras import (avg_pool1d, batch_norm_with_global_normalization,  # noqa: E402,F401
                               conv2d_backprop_filter, conv2d_backprop_input, convolution,
                               depthwise_conv2d_native,
                               depthwise_conv2d_native_backprop_filter,
                               depthwise_conv2d_native_backprop_input,
                               embedding_lookup_sparse, log_poisson_loss, max_pool1d, pool,
                               safe_embedding_lookup_sparse, static_bidirectional_rnn)
from tf0.ops.math_composites import swish as silu  # noqa: E402,F401
from tf0.ops.conv_ops import avg_pool as avg_pool2d, max_pool as max_pool2d  # noqa: E402,F401
from tf0.ops.conv_ops import avg_pool as avg_pool_v2, max_pool as max_pool_v2  # noqa: E402,F401
from tf0.ops.conv3d import (avg_pool3d, conv3d, conv3d_transpose,  # noqa: E402,F401
                            max_pool3d)
from tf0.ops.ctc_ops import (ctc_beam_search_decoder, ctc_greedy_decoder,  # noqa: E402,F401
                             ctc_loss)
