"""tf0.losses: TF1's losses, reduced by the mean over non-zero weights by default."""
from tf0.ops.losses import (Reduction, absolute_difference, add_loss,  # noqa: F401
                            compute_weighted_loss, cosine_distance, get_losses,
                            get_regularization_loss, get_regularization_losses,
                            get_total_loss, hinge_loss, huber_loss, log_loss,
                            mean_pairwise_squared_error, mean_squared_error,
                            sigmoid_cross_entropy, softmax_cross_entropy,
                            sparse_softmax_cross_entropy)
